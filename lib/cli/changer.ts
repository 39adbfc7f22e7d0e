/**
 * `tapecoord changer`: mtx's commands on any changer tapecoord drives (SCSI, simulated, afbackup
 * commands), with mtx's numbering (slots from 1, import/export slots after them, drives from 0)
 * and mtx's output, or --json.
 *
 *   tapecoord changer status [-f DEV] [--json]
 *   tapecoord changer load SLOT|BARCODE [DRIVE] [--cleaning]
 *   tapecoord changer unload [SLOT] [DRIVE] [--no-eject]
 *   tapecoord changer transfer SLOT SLOT | exchange SLOT SLOT [SLOT] | inventory
 *   tapecoord changer export SLOT [MAILSLOT] | import MAILSLOT [SLOT]
 *   tapecoord changer insert MAILSLOT [BARCODE] | remove MAILSLOT      (simulated library: the operator's hand)
 */
import { Command } from 'commander';
import { Medium } from '../drive/medium.js';
import type { Changer, ChangerStatus, DriveElement, ElementRef } from '../changer/changer.js';
import { ChangerError } from '../changer/errors.js';
import { changerStatusJson, formatMtxStatus } from '../changer/mtx-format.js';
import { defaultChangerName, openChanger, type OpenChangerOptions } from '../changer/open.js';
import { exportCartridge, importCartridge, load, loadBarcode, transfer, unload } from '../changer/policy.js';
import { SimLibrary } from '../changer/sim-library.js';

interface GlobalOptions {
  device?: string;
  json?: boolean;
  changerDevice?: string;
  streamer?: string[];
  slots?: string;
  loadports?: string;
  drives?: string;
}

function number(text: string, what: string, min: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min) throw new RangeError(`changer: ${what} '${text}' is not a number from ${min} (mtx numbering: slots from 1, drives from 0)`);
  return Number(text);
}

function openOptions(g: GlobalOptions): OpenChangerOptions {
  const o: OpenChangerOptions = {};
  if (g.changerDevice) o.changerDevice = g.changerDevice;
  if (g.streamer) o.streamers = g.streamer;
  if (g.slots !== undefined || g.loadports !== undefined || g.drives !== undefined)
    o.layout = { slots: number(g.slots ?? '0', '--slots', 0), loadports: number(g.loadports ?? '0', '--loadports', 0), drives: number(g.drives ?? '1', '--drives', 1) };
  return o;
}

/** Runs `fn` on the changer the global options name, closing it after. */
async function withChanger(cmd: Command, fn: (changer: Changer, g: GlobalOptions) => Promise<unknown>): Promise<void> {
  const g = cmd.optsWithGlobals<GlobalOptions>();
  const changer = await openChanger(g.device ?? defaultChangerName(), openOptions(g));
  try {
    const result = await fn(changer, g);
    if (g.json && result !== undefined) process.stdout.write(JSON.stringify(result) + '\n');
  } finally {
    await changer.close();
  }
}

function say(g: GlobalOptions, text: string): void {
  if (!g.json) process.stdout.write(text);
}

/** st's MTOFFL before the robot pulls a tape: libraries cannot take a threaded cartridge. */
async function eject(drive: DriveElement): Promise<void> {
  if (!drive.device?.startsWith('/dev/')) return; // simulated and command changers unload on their own
  let medium: Medium | null = null;
  try {
    medium = await Medium.open({ kind: 'st', path: drive.device }, { readOnly: true });
    await medium.op('MTOFFL');
  } catch (e) {
    process.stderr.write(`tapecoord changer: warning: ejecting ${drive.device} before the unload: ${(e as Error).message}\n`);
  } finally {
    await medium?.close();
  }
}

function printStatus(s: ChangerStatus, g: GlobalOptions): void {
  process.stdout.write(g.json ? changerStatusJson(s) : formatMtxStatus(s));
}

function where(ref: ElementRef): string {
  return ref.kind === 'slot' ? `Storage Element ${ref.index}` : `drive ${ref.index}`;
}

export function changerCommand(): Command {
  const changer = new Command('changer')
    .description('media changer commands with mtx numbering and output: SCSI (/dev/sgN), simulated (sim:DIR) or afbackup commands (afbackup:FILE)')
    .option('-f, --device <changer>', `the changer (default $TAPECOORD_CHANGER, $CHANGER, else ${defaultChangerName({})})`)
    .option('--json', 'print JSON instead of mtx-style text')
    .option('--changer-device <dev>', 'afbackup: the changer device the commands drive (%D)')
    .option('--streamer <dev>', 'afbackup: a drive device (%d), once per drive in order', (v: string, all: string[] = []) => [...all, v])
    .option('--slots <n>', 'afbackup: number of storage slots')
    .option('--loadports <n>', 'afbackup: number of import/export slots')
    .option('--drives <n>', 'afbackup: number of drives');

  changer
    .command('status')
    .description('what is in every drive and slot, as mtx status prints it')
    .action((_o, cmd: Command) =>
      withChanger(cmd, async (c, g) => printStatus(await c.status(), g)),
    );

  changer
    .command('load')
    .description('load a cartridge, by slot number or barcode, into a drive (default 0)')
    .argument('<slot|barcode>')
    .argument('[drive]')
    .option('--cleaning', 'load a cleaning cartridge (CLN*) on purpose')
    .action((what: string, drive: string | undefined, o: { cleaning?: boolean }, cmd: Command) =>
      withChanger(cmd, async (c, g) => {
        const d = drive === undefined ? 0 : number(drive, 'drive', 0);
        if (/^\d+$/.test(what)) {
          const slot = number(what, 'slot', 1);
          say(g, `Loading media from Storage Element ${slot} into drive ${d}...`);
          await load(c, slot, d, o);
          say(g, 'done\n');
          return { loaded: { slot, drive: d } };
        }
        const r = await loadBarcode(c, what, d, { ...o, eject });
        if (r.unloadedTo) say(g, `Unloaded drive ${d} into ${where(r.unloadedTo)}\n`);
        say(g, r.from.kind === 'drive' ? `${what} is already in drive ${d}\n` : `Loaded ${what} from ${where(r.from)} into drive ${d}\n`);
        return { loaded: { barcode: what, from: r.from, drive: d, device: r.drive.device }, unloadedTo: r.unloadedTo };
      }),
    );

  changer
    .command('unload')
    .description('unload a drive (default 0) into a slot (default: where the cartridge came from)')
    .argument('[slot]')
    .argument('[drive]')
    .option('--no-eject', 'do not have the drive eject (MTOFFL) first')
    .action((slot: string | undefined, drive: string | undefined, o: { eject: boolean }, cmd: Command) =>
      withChanger(cmd, async (c, g) => {
        const d = drive === undefined ? 0 : number(drive, 'drive', 0);
        const s = slot === undefined ? undefined : number(slot, 'slot', 1);
        const to = await unload(c, d, s, o.eject ? { eject } : {});
        say(g, `Unloading drive ${d} into Storage Element ${to.index}...done\n`); // mtx's line, once the slot is known
        return { unloaded: { drive: d, slot: to.index } };
      }),
    );

  changer
    .command('transfer')
    .description('move a cartridge from one slot to another')
    .argument('<from>')
    .argument('<to>')
    .action((from: string, to: string, _o, cmd: Command) =>
      withChanger(cmd, async (c) => {
        const [a, b] = [number(from, 'slot', 1), number(to, 'slot', 1)];
        await transfer(c, a, b);
        return { transferred: { from: a, to: b } };
      }),
    );

  changer
    .command('exchange')
    .description('EXCHANGE MEDIUM: the cartridge in the first slot goes to the second, the one there to the third (default: the first)')
    .argument('<source>')
    .argument('<first>')
    .argument('[second]')
    .action((source: string, first: string, second: string | undefined, _o, cmd: Command) =>
      withChanger(cmd, async (c) => {
        const slot = (text: string): ElementRef => ({ kind: 'slot', index: number(text, 'slot', 1) });
        await c.exchange(slot(source), slot(first), second === undefined ? undefined : slot(second));
        return { exchanged: { source: Number(source), first: Number(first), second: Number(second ?? source) } };
      }),
    );

  changer
    .command('inventory')
    .description('INITIALIZE ELEMENT STATUS: have the library scan its barcodes again, then print the status')
    .action((_o, cmd: Command) =>
      withChanger(cmd, async (c, g) => {
        await c.inventory();
        printStatus(await c.status(), g);
      }),
    );

  changer
    .command('export')
    .description('move a cartridge into an empty import/export slot for the operator')
    .argument('<slot>')
    .argument('[mailslot]')
    .action((slot: string, mail: string | undefined, _o, cmd: Command) =>
      withChanger(cmd, async (c, g) => {
        const to = await exportCartridge(c, number(slot, 'slot', 1), mail === undefined ? undefined : number(mail, 'import/export slot', 1));
        say(g, `Storage Element ${slot} moved to Storage Element ${to.index} IMPORT/EXPORT\n`);
        return { exported: { slot: Number(slot), to: to.index } };
      }),
    );

  changer
    .command('import')
    .description('take a cartridge from an import/export slot into an empty storage slot')
    .argument('<mailslot>')
    .argument('[slot]')
    .action((mail: string, slot: string | undefined, _o, cmd: Command) =>
      withChanger(cmd, async (c, g) => {
        const to = await importCartridge(c, number(mail, 'import/export slot', 1), slot === undefined ? undefined : number(slot, 'slot', 1));
        say(g, `Storage Element ${mail} IMPORT/EXPORT moved to Storage Element ${to.index}\n`);
        return { imported: { from: Number(mail), to: to.index } };
      }),
    );

  changer
    .command('insert')
    .description('simulated library: the operator puts a cartridge into an import/export slot')
    .argument('<mailslot>')
    .argument('[barcode]')
    .action((mail: string, barcode: string | undefined, _o, cmd: Command) =>
      withChanger(cmd, async (c) => {
        await simulated(c).operatorInsert(number(mail, 'import/export slot', 1), barcode ?? null);
        return { inserted: { slot: Number(mail), barcode: barcode ?? null } };
      }),
    );

  changer
    .command('remove')
    .description('simulated library: the operator takes the cartridge out of an import/export slot')
    .argument('<mailslot>')
    .action((mail: string, _o, cmd: Command) =>
      withChanger(cmd, async (c) => {
        await simulated(c).operatorRemove(number(mail, 'import/export slot', 1));
        return { removed: { slot: Number(mail) } };
      }),
    );

  return changer;
}

function simulated(c: Changer): SimLibrary {
  if (!(c instanceof SimLibrary)) throw new ChangerError('unsupported', c.device, 'only a simulated library (sim:DIR) has an operator tapecoord can play; put the cartridge in by hand');
  return c;
}
