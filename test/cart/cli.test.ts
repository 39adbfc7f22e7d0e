// `tapecoord cart` in-process: cart_ctl's letters and the readable subcommands, the tables as
// cart_ctl prints them, and the JSON shapes.
process.env['TZ'] = 'UTC';
import { join } from 'node:path';
import { Command } from 'commander';
import t from 'tap';
import { putCartridgeName } from '../../lib/catalog/cartridges.js';
import { Catalog } from '../../lib/catalog/database.js';
import { setCartridgeLocation } from '../../lib/catalog/locations.js';
import { readonlyTapes, setReadonlyTapes, setReservation } from '../../lib/catalog/protection.js';
import { parseRanges, formatRanges } from '../../lib/catalog/ranges.js';
import { putBytesOnTape, putTapeUses } from '../../lib/catalog/tape-usage.js';
import { SimLibrary } from '../../lib/changer/sim-library.js';
import { ScriptedOperator } from '../../lib/cart/operator.js';
import { cartCommand } from '../../lib/cli/cart.js';
import { tempDir } from '../helpers/tmp.js';

type Test = Parameters<typeof tempDir>[0];

/** Slots 1-3 hold C1-C3 (cartridges 1-3, recorded), slot 4 holds an unknown cartridge; 6 slots, 1 loadport, 2 drives. */
async function setup(t: Test) {
  const dir = tempDir(t);
  const libDir = join(dir, 'lib');
  const lib = await SimLibrary.open({ dir: libDir, layout: { drives: 2, slots: 6, importExport: 1 }, cartridges: ['C1', 'C2', 'C3', 'Q9'] });
  const catalogPath = join(dir, 'catalog.db');
  const catalog = Catalog.open(catalogPath);
  t.teardown(() => catalog.close());
  for (const n of [1, 2, 3]) {
    putCartridgeName(catalog, { cartridge: n, barcode: `C${n}`, description: '' });
    setCartridgeLocation(catalog, n, { changer: lib.device, kind: 'slot', number: n });
  }
  const operator = new ScriptedOperator();
  const run = async (...args: string[]) => {
    let out = '';
    let err = '';
    const program = new Command('tapecoord').exitOverride();
    program.addCommand(cartCommand({ operator, out: (s) => (out += s), err: (s) => (err += s) }));
    process.exitCode = 0;
    await program.parseAsync(['cart', '--catalog', catalogPath, '-d', `sim:${libDir}`, ...args], { from: 'user' });
    const status = process.exitCode;
    process.exitCode = 0;
    return { out, err, status };
  };
  return { dir, lib, catalog, run, operator };
}

t.test("cart_ctl's letters: -m -C 2-3,1 -S 6,5,4 and its JSON", async (t) => {
  const { run, lib } = await setup(t);
  await lib.move({ kind: 'slot', index: 4 }, { kind: 'drive', index: 1 }); // make slot 4 free
  let r = await run('-m', '-C', '2-3,1', '-S', '6,5,4');
  t.equal(r.status, 0, r.err);
  t.equal(r.out, 'cartridge 2: slot 2 -> slot 6 in changer ' + lib.device + ': moved\ncartridge 3: slot 3 -> slot 5 in changer ' + lib.device + ': moved\ncartridge 1: slot 1 -> slot 4 in changer ' + lib.device + ': moved\n');
  r = await run('--json', '-m', '-C', '1', '-S', '6');
  t.equal(r.status, 1, 'refused: exit status 1');
  const json = JSON.parse(r.out);
  t.same(Object.keys(json), ['op', 'ok', 'moves']);
  t.match(json, { op: 'move', ok: false, moves: [{ cartridge: 1, from: 'slot 4', to: /^slot 6 in changer /, done: false, error: /target slot 6 is not empty \(cartridge 2\)/, steps: [] }] });
  t.match(r.err, /tapecoord cart: moving cartridge 1 failed: target slot 6 is not empty/);
  r = await run('move', '1', '--slots', '1', '--json');
  t.match(JSON.parse(r.out), { op: 'move', ok: true, moves: [{ cartridge: 1, done: true, steps: ['robot: slot 4 -> slot 1'] }] }, 'the readable subcommand');
});

t.test('-l -S: `-` empty, `?` unknown, `{-?N}` inconsistent; -l -L; -l', async (t) => {
  const { run, lib, catalog } = await setup(t);
  setCartridgeLocation(catalog, 7, { changer: lib.device, kind: 'slot', number: 5 });
  await lib.move({ kind: 'slot', index: 3 }, { kind: 'slot', index: 6 }); // behind the catalog's back
  let r = await run('-l', '-S');
  const head = `${`Slots in ${lib.device}`.padEnd(30)}   Cartridge\n${'-'.repeat(47)}\n`;
  const row = (n: number, mark: string) => `${String(n).padEnd(30)}   ${mark}\n`;
  t.equal(
    r.out,
    head + row(1, '1') + row(2, '2') + row(3, '{-?3}') + row(4, '?') + row(5, '{-?7}') + row(6, '?') +
      '! slot 3 is empty, but the catalog has cartridge 3 there\n' +
      '! slot 5 is empty, but the catalog has cartridge 7 there\n' +
      `! barcode C3 of cartridge 3 is in slot 6, but the catalog has cartridge 3 at ${lib.device} slot 3\n`,
  );
  r = await run('-lS', '2-3', '--json');
  t.same(JSON.parse(r.out), {
    op: 'list',
    ok: true,
    slots: [
      { number: 2, full: true, barcode: 'C2', stored: 2, mark: '2', problems: [] },
      { number: 3, full: false, barcode: null, stored: 3, mark: '{-?3}', problems: ['slot 3 is empty, but the catalog has cartridge 3 there'] },
    ],
  });
  r = await run('-l', '-L');
  t.equal(r.out, `${`Loadports in ${lib.device}`.padEnd(30)}   Cartridge\n${'-'.repeat(47)}\n${row(1, '-')}`);
  r = await run('-l', '-C', '1,7');
  t.equal(r.out, `Cartridge               Location\n${'-'.repeat(42)}\n1                       ${lib.device} slot 1\n7                       ${lib.device} slot 5\n`);
  r = await run('list', '--json');
  t.same(JSON.parse(r.out).locations[0], { cartridge: 1, location: `${lib.device} slot 1`, changer: lib.device, kind: 'slot', number: 1, place: null });
});

t.test('-N descriptions with %C, -lN, -l -i [-N]', async (t) => {
  const { run, lib, catalog } = await setup(t);
  let r = await run('-N', '-C', '1-3', 'Tape %C');
  t.equal(r.out, 'cartridge 1: Tape 1\ncartridge 2: Tape 2\ncartridge 3: Tape 3\n');
  r = await run('name', '3,1', 'first %C', 'second');
  t.equal(r.status, 0);
  putCartridgeName(catalog, { cartridge: 8, barcode: null, description: '' }); // nothing to show: left out
  r = await run('-lN');
  t.equal(r.out, 'Cartridge   Label   Description\n-------------------------------\n1           C1      second\n2           C2      Tape 2\n3           C3      first 3\n');
  r = await run('-l', '-i');
  t.equal(
    r.out,
    [`Location${' '.repeat(lib.device.length + 7 - 8)}   Label   Description`, '-'.repeat(lib.device.length + 7 + 3 + 5 + 3 + 11), `${lib.device} slot 1   C1      second`, `${lib.device} slot 2   C2      Tape 2`, `${lib.device} slot 3   C3      first 3`, `${lib.device} slot 4   Q9`].join('\n') + '\n',
  );
  r = await run('-l', '-i', '-N', '--json');
  t.same(JSON.parse(r.out).hardware.map((h: { element: unknown; cartridge: unknown; barcode: unknown; description: unknown }) => [h.element, h.cartridge, h.barcode, h.description]), [
    [{ kind: 'slot', number: 1 }, 1, 'C1', 'second'],
    [{ kind: 'slot', number: 2 }, 2, 'C2', 'Tape 2'],
    [{ kind: 'slot', number: 3 }, 3, 'C3', 'first 3'],
    [{ kind: 'slot', number: 4 }, null, 'Q9', null],
  ]);
  r = await run('-l', '-i', '-N');
  t.match(r.out, /^Location {2,}Cartridge {3}Label {3}Description\n/);
  t.match(r.out, /slot 4 {3}\? {11}Q9\n$/);
});

t.test('-a sets attributes; -la and -lr list them', async (t) => {
  const { run, catalog } = await setup(t);
  setReadonlyTapes(catalog, parseRanges('8-'));
  setReservation(catalog, { client: 'alpha', ranges: parseRanges('2-3') });
  putBytesOnTape(catalog, { cartridge: 2, bytes: 1_234_567_890, files: 7, full: true, lastWrite: 1_700_000_000 });
  putTapeUses(catalog, { cartridge: 2, timesFull: 4 });
  let r = await run('-a', '10:!r,3:o,1:!o');
  t.equal(r.status, 0, r.err);
  t.equal(formatRanges(readonlyTapes(catalog)), '8-9,11-');
  r = await run('-la', '-C', '1-3');
  t.equal(
    r.out,
    [
      'Cartridge Used   Full Read-only Overwrite Times Full Last Writing Time',
      '-'.repeat(77),
      '1                ?    No        No        0          ?',
      '2         1.235G Yes  No        No        4          Tue Nov 14 22:13:20 2023',
      '3                ?    No        Yes       0          ?',
    ].join('\n') + '\n',
  );
  r = await run('-lr');
  t.equal(r.out, 'Cartridge Reservations\n----------------------\n1:\n\t< * protected by admin * >\n2:\n\talpha\n');
  r = await run('attr', '2:f=0', '--json');
  t.same(JSON.parse(r.out), { op: 'attr', ok: true, attributes: [{ cartridges: [{ first: 2, last: 2 }], attribute: 'full-counter', value: 0 }] });
  await t.rejects(run('-a', '2:q'), { name: 'CartError', code: 'syntax', message: /unknown attribute 'q'/ });
  await t.rejects(run('-x'), { name: 'CartError', code: 'usage', message: /unknown option -x/ });
});

t.test('-P -C 4 -S 4, then -t and -i through the command line', async (t) => {
  const { run, lib } = await setup(t);
  let r = await run('-P', '-C', '4', '-S', '4');
  t.equal(r.out, `cartridge 4: ${lib.device} slot 4\n`);
  r = await run('-t', '-S', '4', '-n', 'first label', '--json');
  t.match(JSON.parse(r.out), { op: 'label', ok: true, labels: [{ slot: 4, cartridge: 4, done: true, previous: { kind: 'blank' }, barcode: 'Q9' }] });
  await lib.move({ kind: 'slot', index: 4 }, { kind: 'slot', index: 5 });
  r = await run('-i', '-F', '-S', '5');
  t.equal(r.out, 'cartridge 4: slot 5 (by label)\n');
  r = await run('-l', '-C', '4');
  t.match(r.out, new RegExp(`4 +${lib.device.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} slot 5\n$`));
  r = await run('-e');
  t.equal(r.out, 'the drives are empty\n');
});
