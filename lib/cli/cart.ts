/**
 * `tapecoord cart`: cartridge management, the cart_ctl of tapecoord (docs/CART.md).
 *
 *   tapecoord cart move CARTRIDGES (-S [SLOTS] | -D [DRIVES] | -L [LOADPORTS] | -P [PLACE])
 *   tapecoord cart eject [-D DRIVES] [-S SLOTS]
 *   tapecoord cart place CARTRIDGES (-S SLOTS | -D [DRIVES] | -L LOADPORTS | -P [PLACE])
 *   tapecoord cart list [-C CARTRIDGES] [-S [SLOTS] | -L [LOADPORTS] | -D [DRIVES] | -a | -i [-N] | -N | -r]
 *   tapecoord cart inventory [-S SLOTS] [-F] [-N]
 *   tapecoord cart label [-C CARTRIDGES] [-S SLOTS] [-n COMMENT] [-r] [-f] [-b BLOCKSIZE]
 *   tapecoord cart name CARTRIDGES DESCRIPTION...
 *   tapecoord cart attr SPEC                      (4-5:r,6:!o,8:f=0)
 *
 * and cart_ctl's own letters: `tapecoord cart -m -C 2-3,1 -S 5,4,3`, `tapecoord cart -lN`, ...
 * Numbering is cart_ctl's: slots, drives and loadports from 1. The catalog is --catalog, else
 * $TAPECOORD_CATALOG, else ./var/catalog.db; the changer -d, else $TAPECOORD_CHANGER, $CHANGER,
 * else sim:var/library. Human tables, or --json.
 */
import { Command, Option } from 'commander';
import { Catalog, DEFAULT_CATALOG_PATH } from '../catalog/database.js';
import type { Changer, DriveElement } from '../changer/changer.js';
import { defaultChangerName, openChanger } from '../changer/open.js';
import { Medium } from '../drive/medium.js';
import { needsChanger, runCart, type CartAction, type ListView, type TargetSpec } from '../cart/actions.js';
import { cartCtlAction, parseCartCtlArgs } from '../cart/cart-ctl-args.js';
import type { CartContext } from '../cart/context.js';
import { CartError } from '../cart/errors.js';
import { StdinOperator, type Operator } from '../cart/operator.js';

interface GlobalOptions {
  catalog: string;
  device?: string;
  json?: boolean;
  drive: string;
}

/** What a run may take from outside: tests hand in an operator and collect the output. */
export interface CartCommandOptions {
  operator?: Operator;
  /** Where tables and JSON go (default stdout). */
  out?: (text: string) => void;
  /** Where notes and warnings go (default stderr). */
  err?: (text: string) => void;
}

/** st's MTOFFL before the robot takes a cartridge out of a real drive. */
async function ejectDrive(drive: DriveElement): Promise<void> {
  if (!drive.device?.startsWith('/dev/')) return; // simulated and command changers need none
  let medium: Medium | null = null;
  try {
    medium = await Medium.open({ kind: 'st', path: drive.device }, { readOnly: true });
    await medium.op('MTOFFL');
  } catch (e) {
    process.stderr.write(`tapecoord cart: warning: ejecting ${drive.device} before the robot takes it: ${(e as Error).message}\n`);
  } finally {
    await medium?.close();
  }
}

function driveNumber(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new CartError('usage', `--drive '${text}': a drive number from 1 (cart numbering)`);
  return Number(text);
}

async function execute(g: GlobalOptions, action: CartAction, o: CartCommandOptions): Promise<void> {
  const catalog = Catalog.open(g.catalog);
  let changer: Changer | null = null;
  try {
    const name = g.device ?? defaultChangerName();
    if (needsChanger(action)) changer = await openChanger(name);
    const ctx: CartContext = {
      catalog,
      changer,
      changerName: changer?.device ?? name,
      operator: o.operator ?? new StdinOperator(),
      drive: driveNumber(g.drive),
      note: (m) => (o.err ?? ((t) => process.stderr.write(t)))(`tapecoord cart: ${m}\n`),
      ejectDrive,
    };
    const report = await runCart(ctx, action);
    (o.out ?? ((t) => process.stdout.write(t)))(g.json ? `${JSON.stringify({ op: report.op, ok: report.ok, ...(report.result as object) })}\n` : report.text);
    if (!report.ok) process.exitCode = 1;
  } finally {
    await changer?.close();
    catalog.close();
  }
}

/** The target options -S/-D/-L/-P of move and place, as commander hands them over. */
interface TargetOptions {
  slots?: string | true;
  drives?: string | true;
  loadports?: string | true;
  place?: string | true;
}

function targetOf(t: TargetOptions): TargetSpec {
  const given = (['slots', 'loadports', 'drives', 'place'] as const).filter((k) => t[k] !== undefined);
  if (given.length !== 1) throw new CartError('usage', given.length ? `one target only, not ${given.map((k) => `--${k}`).join(' and ')}` : 'give the target: -S [slots], -D [drives], -L [loadports] or -P [place]');
  const k = given[0]!;
  const v = t[k];
  if (k === 'place') return v === true ? { kind: 'place' } : { kind: 'place', text: v! };
  const kind = ({ slots: 'slot', loadports: 'loadport', drives: 'drive' } as const)[k];
  return v === true ? { kind } : { kind, numbers: v! };
}

function addTargetOptions(c: Command): Command {
  return c
    .option('-S, --slots [slots]', 'to slots, in order (none given: free ones)')
    .option('-D, --drives [drives]', 'to drives (none given: the --drive one; a full drive is unloaded first)')
    .option('-L, --loadports [loadports]', 'to loadports (none given: free ones)')
    .option('-P, --place [text]', 'outside the library: a free-text place (none given: asked for)');
}

export function cartCommand(o: CartCommandOptions = {}): Command {
  const run = (cmd: Command, action: CartAction) => execute(cmd.optsWithGlobals<GlobalOptions>(), action, o);
  const cart = new Command('cart')
    .description("cartridge management, cart_ctl's role: moves, locations, listings, inventory, labels, descriptions, attributes (cart_ctl's option letters work too)")
    .addOption(new Option('--catalog <file>', 'the catalog database').env('TAPECOORD_CATALOG').default(DEFAULT_CATALOG_PATH))
    .option('-d, --device <changer>', `the changer (default $TAPECOORD_CHANGER, $CHANGER, else ${defaultChangerName({})})`)
    .option('--drive <n>', 'the drive (from 1) for labels, inventory reads and -D without a number', '1')
    .option('--json', 'print JSON instead of tables')
    .argument('[cart_ctl-options...]', 'cart_ctl letters: -m -C 2-3,1 -S 5,4,3, -lN, -a 4-5:r, ...')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async (args: string[], _opts: unknown, cmd: Command) => {
      if (args.length === 0) {
        cmd.help();
        return;
      }
      const parsed = parseCartCtlArgs(args);
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const device = parsed.values.get('d');
      const drive = parsed.values.get('drive');
      await execute(
        { ...g, ...(parsed.catalog !== undefined ? { catalog: parsed.catalog } : {}), ...(device !== undefined ? { device } : {}), ...(drive !== undefined ? { drive } : {}), json: g.json || parsed.json },
        cartCtlAction(parsed),
        o,
      );
    });

  addTargetOptions(cart.command('move').description('move cartridges (cart_ctl -m)').argument('<cartridges>', 'cartridge numbers in order: 2-3,1')).action(
    (cartridges: string, t: TargetOptions, cmd: Command) => run(cmd, { op: 'move', cartridges, target: targetOf(t) }),
  );

  cart
    .command('eject')
    .description('unload drives to free slots (cart_ctl -e)')
    .option('-D, --drives <drives>', 'the drives (default the --drive one)')
    .option('-S, --slots <slots>', 'the slots, in drive order (default: free ones)')
    .action((e: { drives?: string; slots?: string }, cmd: Command) => run(cmd, { op: 'eject', ...e }));

  addTargetOptions(cart.command('place').description('record where cartridges are without moving them (cart_ctl -P)').argument('<cartridges>')).action(
    (cartridges: string, t: TargetOptions, cmd: Command) => run(cmd, { op: 'place', cartridges, target: targetOf(t) }),
  );

  cart
    .command('list')
    .description('list locations, slot/loadport/drive contents, attributes, the hardware inventory, barcodes and descriptions, reservations (cart_ctl -l)')
    .option('-C, --cartridges <cartridges>', 'only these cartridges')
    .option('-S, --slots [slots]', "slots' contents: - empty, ? unknown, {-?N} empty but recorded")
    .option('-L, --loadports [loadports]', "loadports' contents")
    .option('-D, --drives [drives]', "drives' contents")
    .option('-a, --attributes', 'bytes, full, read-only, overwritable, times full, last write')
    .option('-i, --inventory', 'what the library reports, with descriptions (no updates)')
    .option('-N, --names', 'barcodes and descriptions; with -i the cartridge numbers')
    .option('-r, --reservations', 'which clients protect which cartridges')
    .action((l: { cartridges?: string; slots?: string | true; loadports?: string | true; drives?: string | true; attributes?: boolean; inventory?: boolean; names?: boolean; reservations?: boolean }, cmd: Command) => {
      const views: ListView[] = [];
      if (l.inventory) views.push({ view: 'hardware', numbers: l.names === true });
      else if (l.names) views.push({ view: 'names' });
      if (l.attributes) views.push({ view: 'attributes' });
      if (l.reservations) views.push({ view: 'reservations' });
      for (const [key, kind] of [['slots', 'slot'], ['loadports', 'loadport'], ['drives', 'drive']] as const) {
        const v = l[key];
        if (v !== undefined) views.push(v === true ? { view: 'elements', kind } : { view: 'elements', kind, numbers: v });
      }
      if (!views.length) views.push({ view: 'locations' });
      return run(cmd, { op: 'list', views, ...(l.cartridges !== undefined ? { cartridges: l.cartridges } : {}), ...(cmd.optsWithGlobals<GlobalOptions>().device ? { changer: true } : {}) });
    });

  cart
    .command('inventory')
    .description('update locations from barcodes, reading labels where needed (cart_ctl -i); -N updates barcodes from locations (-iN)')
    .option('-S, --slots <slots>', 'only these slots (default: every slot, loadport and drive)')
    .option('-F, --force-read', 'read every label from the medium, even when the barcode is known')
    .option('-N, --barcodes', 'the locations are right: assign the barcodes the library reads')
    .action((i: { slots?: string; forceRead?: boolean; barcodes?: boolean }, cmd: Command) => {
      if (i.barcodes && i.forceRead) throw new CartError('usage', '-F reads labels to find locations; -N trusts the locations: not both');
      return run(cmd, i.barcodes ? { op: 'inventory-barcodes', ...(i.slots !== undefined ? { slots: i.slots } : {}) } : { op: 'inventory', ...(i.slots !== undefined ? { slots: i.slots } : {}), forceRead: i.forceRead === true });
    });

  cart
    .command('label')
    .description("write afbackup labels to the cartridges in slots (cart_ctl -t)")
    .option('-C, --cartridges <cartridges>', 'the numbers to write (default: the cartridges recorded in the slots)')
    .option('-S, --slots <slots>', 'the slots (default: where the cartridges are recorded)')
    .option('-n, --comment <text>', "the label's comment")
    .option('-r, --overwritable', 'mark the cartridges overwritable (out of read-only and reservations) without asking')
    .option('-f, --force', 'ask nothing: overwrite other labels, leave protections as they are')
    .option('-b, --block-size <bytes>', 'the tape block size the label announces (default: the catalog\'s, else 512)')
    .action((l: { cartridges?: string; slots?: string; comment?: string; overwritable?: boolean; force?: boolean; blockSize?: string }, cmd: Command) => {
      if (l.blockSize !== undefined && !/^\d+$/.test(l.blockSize)) throw new CartError('usage', `--block-size '${l.blockSize}': a number of bytes`);
      return run(cmd, {
        op: 'label',
        ...(l.cartridges !== undefined ? { cartridges: l.cartridges } : {}),
        ...(l.slots !== undefined ? { slots: l.slots } : {}),
        ...(l.comment !== undefined ? { comment: l.comment } : {}),
        ...(l.blockSize !== undefined ? { blockSize: Number(l.blockSize) } : {}),
        overwritable: l.overwritable === true,
        force: l.force === true,
      });
    });

  cart
    .command('name')
    .description('set descriptions, one per cartridge, the last repeating; %C is the cartridge number (cart_ctl -N)')
    .argument('<cartridges>')
    .argument('<descriptions...>')
    .action((cartridges: string, descriptions: string[], _o: unknown, cmd: Command) => run(cmd, { op: 'name', cartridges, descriptions }));

  cart
    .command('attr')
    .description('set attributes: read-only (r), overwrite (o), full-counter (f), e.g. 4-5:r,6:!o,8:f=0 (cart_ctl -a)')
    .argument('<spec>')
    .action((spec: string, _o: unknown, cmd: Command) => run(cmd, { op: 'attr', spec }));

  return cart;
}
