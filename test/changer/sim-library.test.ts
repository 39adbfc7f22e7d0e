// The simulated library: layout and defaults, SMC move/exchange rules with source slots, the
// operator's mail slot, state validation, atomic writes, the lock between processes, kill -9.
import t from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import type { ChangerStatus, ElementRef } from '../../lib/changer/changer.js';
import { ChangerError, isChangerError } from '../../lib/changer/errors.js';
import { DEFAULT_SIM_LAYOUT, defaultBarcodes, SimLibrary } from '../../lib/changer/sim-library.js';
import { tempDir } from '../helpers/tmp.js';

const slot = (index: number): ElementRef => ({ kind: 'slot', index });
const drive = (index: number): ElementRef => ({ kind: 'drive', index });

/** Barcodes by mtx slot number, drive number: a compact picture of the library. */
function picture(s: ChangerStatus) {
  return {
    slots: s.slots.map((e) => (e.full ? (e.barcode ?? '?') : '-')),
    drives: s.drives.map((d) => (d.full ? `${d.barcode ?? '?'}<${d.sourceSlot}` : '-')),
  };
}

const state = (dir: string) => JSON.parse(readFileSync(join(dir, 'library.json'), 'utf8'));

t.test('a new library: default layout, eight LTO-9 cartridges, addresses, files', async (t) => {
  const dir = tempDir(t);
  const lib = await SimLibrary.open({ dir });
  const s = await lib.status();
  t.equal(lib.device, join(dir, 'library.json'));
  t.match(s, { device: lib.device, vendor: 'TAPECOORD', product: 'SIMLIBRARY', serial: /^SIM[0-9A-F]{8}$/ });
  t.same(s.transports, [{ address: 1, full: false }]);
  t.same(DEFAULT_SIM_LAYOUT, { drives: 2, slots: 10, importExport: 1 });
  t.same(picture(s), { slots: [...defaultBarcodes(8), '-', '-', '-'], drives: ['-', '-'] });
  t.same(defaultBarcodes(2), ['TC0001L9', 'TC0002L9']);
  t.same(
    s.slots.map((e) => [e.index, e.address, e.importExport, e.accessible]),
    [...Array.from({ length: 10 }, (_, i) => [i + 1, 0x1000 + i, false, true]), [11, 0x10, true, true]],
  );
  t.same(
    s.drives.map((d) => [d.index, d.address, d.device, d.sourceSlot, d.serial]),
    [
      [0, 0x100, null, null, `${s.serial}D0`],
      [1, 0x101, null, null, `${s.serial}D1`],
    ],
  );
  t.same(readdirSync(dir).sort(), ['cartridges', 'library.json'], 'no lock or temporary file left');
  t.same(readdirSync(join(dir, 'cartridges')), [], 'images are left to the simulated tape to create');

  const again = await SimLibrary.open({ dir, layout: { drives: 2, slots: 10, importExport: 1 } });
  t.equal((await again.status()).serial, s.serial, 'the serial number is made once');
  await t.rejects(SimLibrary.open({ dir, layout: { drives: 4, slots: 10, importExport: 1 } }), {
    code: 'config',
    message: /library\.json: the library has 2 drives, 10 storage slots and 1 import\/export slots, the configuration asks for 4 drives/,
  });
  await lib.close();
});

t.test('a configured layout and cartridges: no barcode, duplicate barcodes, bad input', async (t) => {
  const dir = tempDir(t);
  const lib = await SimLibrary.open({ dir, layout: { drives: 1, slots: 4, importExport: 0 }, cartridges: ['A00001L8', null, 'A00001L8', 'ODD/TAG'] });
  const s = await lib.status();
  t.same(picture(s), { slots: ['A00001L8', '?', 'A00001L8', 'ODD/TAG'], drives: ['-'] });
  t.same(
    state(dir).slots.map((e: { cartridge: { image: string } }) => e.cartridge.image),
    ['A00001L8.simtape', 'cartridge-1.simtape', 'A00001L8~2.simtape', 'cartridge-3.simtape'],
    'a duplicate barcode gets an image of its own; a barcode unfit for a file name a numbered one',
  );
  await lib.move(slot(3), drive(0));
  t.equal((await lib.status()).drives[0]!.device, `sim:${join(dir, 'cartridges', 'A00001L8~2.simtape')}`);

  t.same(picture(await (await SimLibrary.open({ dir: tempDir(t), layout: { drives: 1, slots: 5, importExport: 2 } })).status()).slots, ['TC0001L9', 'TC0002L9', 'TC0003L9', 'TC0004L9', '-', '-', '-'], 'four fifths full');
  await t.rejects(SimLibrary.open({ dir: tempDir(t), layout: { drives: 0, slots: 5, importExport: 0 } }), { code: 'config', message: /library\.json: options\.layout\.drives: expected an integer of at least 1, got 0/ });
  await t.rejects(SimLibrary.open({ dir: tempDir(t), layout: { drives: 1, slots: 2, importExport: 0 }, cartridges: ['A', 'B', 'C'] }), { code: 'config', message: /3 cartridges do not fit in 2 storage slots/ });
  await t.rejects(SimLibrary.open({ dir: tempDir(t), moveLatencyMs: -1 }), { code: 'config', message: /move latency: expected milliseconds, got -1/ });
  await t.rejects(SimLibrary.open({ dir: tempDir(t), cartridges: ['WITH SPACE'] }), { code: 'config', message: /barcode "WITH SPACE"/ });
});

t.test('moves: SMC rules, source slots as SVALID keeps them, errors name the element', async (t) => {
  const dir = tempDir(t);
  const lib = await SimLibrary.open({ dir });
  await lib.move(slot(1), drive(0));
  let s = await lib.status();
  t.match(s.drives[0], { full: true, barcode: 'TC0001L9', sourceSlot: 1, device: `sim:${join(dir, 'cartridges', 'TC0001L9.simtape')}` });
  t.match(s.slots[0], { full: false, barcode: null });
  await lib.move(drive(0), drive(1));
  s = await lib.status();
  t.same(picture(s).drives, ['-', 'TC0001L9<1'], 'drive to drive keeps the source slot');
  await lib.move(drive(1), slot(9));
  await lib.move(slot(9), slot(10));
  await lib.move(slot(10), slot(11));
  await lib.move(slot(11), drive(0));
  s = await lib.status();
  t.same(picture(s), { slots: ['-', ...defaultBarcodes(8).slice(1), '-', '-', '-'], drives: ['TC0001L9<11', '-'] }, 'an import/export slot is a source slot too');

  const before = readFileSync(lib.device, 'utf8');
  const refuse = async (from: ElementRef, to: ElementRef, code: string, message: RegExp) => {
    const e = await lib.move(from, to).then(
      () => null,
      (e: unknown) => e,
    );
    t.ok(e instanceof ChangerError && isChangerError(e, code as ChangerError['code']), `${JSON.stringify([from, to])} fails with ${code}`);
    t.match((e as Error).message, message);
  };
  await refuse(slot(1), drive(1), 'source-empty', /library\.json: cannot move from slot 1: it is empty$/);
  await refuse(slot(2), drive(0), 'destination-full', /cannot move to drive 0: it is full$/);
  await refuse(slot(2), slot(2), 'destination-full', /slot 2: it is full/);
  await refuse(slot(0), drive(1), 'no-such-element', /no slot 0: the library has drives 0-1 and slots 1-11, 11 is import\/export$/);
  await refuse(slot(2), slot(12), 'no-such-element', /no slot 12/);
  await refuse(slot(2), drive(2), 'no-such-element', /no drive 2/);
  await refuse(drive(-1), slot(1), 'no-such-element', /no drive -1/);
  await refuse(slot(1.5), slot(1), 'no-such-element', /no slot 1\.5/);
  t.equal(readFileSync(lib.device, 'utf8'), before, 'a refused move leaves the state as it was');
});

t.test('exchange: swap, three-way, source slots, refusals', async (t) => {
  const lib = await SimLibrary.open({ dir: tempDir(t) });
  await lib.exchange(slot(1), slot(2));
  t.same(picture(await lib.status()).slots.slice(0, 2), ['TC0002L9', 'TC0001L9'], 'second omitted: source and first swap');
  await lib.move(slot(3), drive(0));
  await lib.exchange(drive(0), slot(4));
  t.same(picture(await lib.status()), {
    slots: ['TC0002L9', 'TC0001L9', '-', 'TC0003L9', ...defaultBarcodes(8).slice(4), '-', '-', '-'],
    drives: ['TC0004L9<4', '-'],
  });
  await lib.exchange(slot(5), drive(0), slot(9));
  t.same(picture(await lib.status()), {
    slots: ['TC0002L9', 'TC0001L9', '-', 'TC0003L9', '-', 'TC0006L9', 'TC0007L9', 'TC0008L9', 'TC0004L9', '-', '-'],
    drives: ['TC0005L9<5', '-'],
  }, 'source to first, first to second');
  await lib.move(drive(0), drive(1));
  await lib.exchange(slot(1), drive(1), drive(0));
  t.same(picture(await lib.status()).drives, ['TC0005L9<5', 'TC0002L9<1'], 'drive to drive in an exchange keeps the source slot');
  await t.rejects(lib.exchange(slot(3), slot(1)), { code: 'source-empty', message: /cannot exchange slot 3 with slot 1: slot 3 is empty$/ });
  await t.rejects(lib.exchange(slot(2), slot(3)), { code: 'source-empty', message: /cannot exchange slot 2 with slot 3: slot 3 is empty \(use a move\)$/ });
  await t.rejects(lib.exchange(slot(2), slot(4), slot(6)), { code: 'destination-full', message: /into slot 6: it is full$/ });
  await t.rejects(lib.exchange(slot(2), slot(4), slot(4)), { code: 'destination-full' });
  await t.rejects(lib.exchange(slot(2), slot(2)), { code: 'destination-full', message: /same element/ });
  await t.rejects(lib.exchange(slot(2), drive(5)), { code: 'no-such-element' });
});

t.test('the operator at the mail slot: insert, remove, put back, refusals', async (t) => {
  const dir = tempDir(t);
  const lib = await SimLibrary.open({ dir });
  t.same(await lib.operatorInsert(11, 'NEW001L9'), { barcode: 'NEW001L9', image: join(dir, 'cartridges', 'NEW001L9.simtape') });
  t.match((await lib.status()).slots[10], { index: 11, full: true, barcode: 'NEW001L9', importExport: true });
  await t.rejects(lib.operatorInsert(11, 'NEW002L9'), { code: 'destination-full', message: /cannot insert into slot 11: it is full/ });
  await t.rejects(lib.operatorInsert(9, 'NEW002L9'), { code: 'no-such-element', message: /slot 9 is a storage slot; the operator reaches import\/export slots only \(11 and up\)/ });
  await t.rejects(lib.operatorInsert(12, 'NEW002L9'), { code: 'no-such-element', message: /no slot 12/ });
  t.throws(() => lib.operatorInsert(11, 'has space'), RangeError);
  t.throws(() => lib.operatorInsert(11, ''), RangeError);
  await lib.move(slot(11), slot(9));
  await lib.move(slot(1), slot(11));
  const out = await lib.operatorRemove(11);
  t.same(out, { barcode: 'TC0001L9', image: join(dir, 'cartridges', 'TC0001L9.simtape') });
  await t.rejects(lib.operatorRemove(11), { code: 'source-empty', message: /cannot remove from slot 11: it is empty/ });
  await t.rejects(lib.operatorRemove(1), { code: 'no-such-element' });
  t.same(await lib.operatorInsert(11, 'TC0001L9'), out, 'put back, it finds its image (and data) again');
  await lib.operatorRemove(11);
  t.match(await lib.operatorInsert(11, null), { barcode: null, image: join(dir, 'cartridges', 'cartridge-1.simtape') });
  t.same(picture(await lib.status()).slots, ['-', ...defaultBarcodes(8).slice(1), 'NEW001L9', '-', '?']);
});

t.test('the state file is validated: the file and the field are named', async (t) => {
  const dir = tempDir(t);
  const lib = await SimLibrary.open({ dir });
  const good = state(dir);
  const file = lib.device;
  const broken = async (edit: string | ((s: any) => unknown), message: RegExp, what: string) => {
    const s = structuredClone(good);
    if (typeof edit !== 'string') edit(s);
    writeFileSync(file, typeof edit === 'string' ? edit : JSON.stringify(s));
    await t.rejects(lib.inventory(), { name: 'ChangerError', code: 'config', message }, what);
    await t.rejects(lib.status(), { code: 'config' });
  };
  await broken('{"version": 1,', new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not a library state \\(JSON\\): `), 'malformed JSON');
  await broken('[]', /the state: expected a JSON object, got \[\]/, 'not an object');
  await broken((s) => (s.version = 2), /version: expected 1 \(another tapecoord version wrote it\?\), got 2/, 'version');
  await broken((s) => delete s.serial, /serial: expected a serial number, got nothing/, 'serial');
  await broken((s) => (s.layout.slots = -1), /layout\.slots: expected an integer of at least 1, got -1/, 'layout');
  await broken((s) => (s.nextImage = 'x'), /nextImage: expected an integer of at least 1, got "x"/, 'counter');
  await broken((s) => s.slots.pop(), /slots: expected an array of 11 elements \(from layout\)/, 'slot count');
  await broken((s) => (s.drives[1] = 7), /drives\[1\]: expected \{ cartridge, \.\.\. \}, got 7/, 'drive element');
  await broken((s) => (s.drives[0].sourceSlot = 3), /drives\[0\]\.sourceSlot: expected null for an empty drive, got 3/, 'source of an empty drive');
  await broken((s) => {
    s.drives[0] = { cartridge: s.slots[0].cartridge, sourceSlot: 12 };
    s.slots[0].cartridge = null;
  }, /drives\[0\]\.sourceSlot: expected an integer from 1 to 11, got 12/, 'source slot out of range');
  await broken((s) => (s.slots[2].cartridge.barcode = 'A B'), /slots\[2\]\.cartridge\.barcode: expected null or 1 to 32 printable/, 'barcode');
  await broken((s) => (s.slots[2].cartridge.image = '../escape.simtape'), /slots\[2\]\.cartridge\.image: expected a file name ending in \.simtape, got "\.\.\/escape\.simtape"/, 'image outside cartridges/');
  await broken((s) => (s.slots[3].cartridge = s.slots[2].cartridge), /slots\[3\]\.cartridge\.image: 'TC0003L9\.simtape' is also slots\[2\]\.cartridge/, 'one image in two places');

  const duplicates = structuredClone(good);
  duplicates.slots[3].cartridge.barcode = 'TC0003L9';
  writeFileSync(file, JSON.stringify(duplicates));
  await lib.inventory();
  t.same(picture(await lib.status()).slots.slice(2, 4), ['TC0003L9', 'TC0003L9'], 'duplicate barcodes are allowed, as real libraries have them');
  await t.rejects(lib.move(slot(3), slot(3)), { code: 'destination-full' });
});

t.test('atomic writes: a leftover temporary file is replaced, the state is never partial', async (t) => {
  const dir = tempDir(t);
  const lib = await SimLibrary.open({ dir });
  writeFileSync(join(dir, 'library.json.tmp'), '{"version": 1, "half');
  await lib.move(slot(1), drive(0));
  t.same(readdirSync(dir).sort(), ['cartridges', 'library.json']);
  // Readers run while moves replace the file: each reads a whole state.
  const readers = Array.from({ length: 20 }, () => lib.status());
  for (let i = 0; i < 10; i++) {
    await lib.move(drive(0), slot(1));
    await lib.move(slot(1), drive(0));
  }
  for (const s of await Promise.all(readers)) t.equal(s.slots.filter((e) => e.full).length + s.drives.filter((d) => d.full).length, 8);
});

t.test('locks: a dead holder is broken, a live holder is waited for', async (t) => {
  const dir = tempDir(t);
  const lib = await SimLibrary.open({ dir });
  const lock = `${lib.device}.lock`;
  const dead = spawnSync('true').pid!;
  writeFileSync(lock, `${dead}\n`);
  await lib.move(slot(1), drive(0));
  t.notOk(existsSync(lock), 'the stale lock of a dead process was broken and ours removed');

  writeFileSync(lock, `${process.pid}\n`); // a live holder
  const started = Date.now();
  setTimeout(() => rmSync(lock), 150);
  await lib.move(drive(0), slot(1));
  t.ok(Date.now() - started >= 140, 'the move waited for the holder to let go');
  t.same(picture(await lib.status()).drives, ['-', '-']);
});

t.test('latency: a move takes as long as the simulated robot', async (t) => {
  const lib = await SimLibrary.open({ dir: tempDir(t), moveLatencyMs: 60 });
  const started = Date.now();
  await lib.move(slot(1), drive(0));
  t.ok(Date.now() - started >= 55);
  await t.rejects(lib.move(slot(1), drive(1)), { code: 'source-empty' });
});

// ---- other processes on the same library ----

/** A script that runs in another node process, loading the TypeScript module as the tests do. */
function childScript(dir: string): string {
  const script = join(dir, 'child.mjs');
  writeFileSync(
    script,
    `const { SimLibrary } = await import(${JSON.stringify(pathToFileURL(join(import.meta.dirname, '../../lib/changer/sim-library.ts')).href)});
const [dir, slot, drive, rounds] = process.argv.slice(2).map((a, i) => (i === 0 ? a : Number(a)));
const lib = await SimLibrary.open({ dir });
for (let i = 0; i < rounds; i++) {
  await lib.move({ kind: 'slot', index: slot }, { kind: 'drive', index: drive });
  await lib.move({ kind: 'drive', index: drive }, { kind: 'slot', index: slot });
  process.stdout.write('.');
}
`,
  );
  return script;
}

function startChild(script: string, args: (string | number)[]) {
  const loader = process.execArgv.filter((a) => a.includes('typescript'));
  const child = spawn(process.execPath, [...loader, script, ...args.map(String)], {
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<{ code: number | null; signal: string | null; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stderr })),
  );
  return { child, exited };
}

t.test('two processes and two objects moving at once keep the state consistent', async (t) => {
  const dir = tempDir(t);
  const lib = await SimLibrary.open({ dir });
  const other = await SimLibrary.open({ dir });
  const { child, exited } = startChild(childScript(dir), [dir, 3, 1, 30]);
  await new Promise((resolve) => child.stdout.once('data', resolve)); // it has begun (node takes a while to start)
  // Each party loads and unloads its own cartridge, or swaps its own pair: a lost update would
  // undo another party's move and make its own next move fail (source empty or destination full).
  for (let round = 0; round < 15; round++) {
    await Promise.all([lib.move(slot(1), drive(0)).then(() => lib.move(drive(0), slot(1))), other.exchange(slot(5), slot(6))]);
    await sleep(5); // a pause, as a daemon has, so the other process gets the lock too
  }
  const r = await exited;
  t.equal(r.code, 0, r.stderr);
  const s = await lib.status();
  const expected = defaultBarcodes(8);
  [expected[4], expected[5]] = [expected[5]!, expected[4]!]; // 15 exchanges
  t.same(picture(s), { slots: [...expected, '-', '-', '-'], drives: ['-', '-'] });
  t.same(readdirSync(dir).sort(), ['cartridges', 'child.mjs', 'library.json']);
});

t.test('kill -9 in the middle of moves leaves a valid state and no lock that blocks', async (t) => {
  const dir = tempDir(t);
  const lib = await SimLibrary.open({ dir });
  const { child, exited } = startChild(childScript(dir), [dir, 1, 0, 100000]);
  let moves = 0;
  await new Promise<void>((resolve) =>
    child.stdout.on('data', (b: Buffer) => {
      moves += b.length;
      if (moves >= 10) resolve();
    }),
  );
  child.kill('SIGKILL');
  const r = await exited;
  t.equal(r.signal, 'SIGKILL');
  const s = await lib.status();
  t.equal(s.slots.filter((e) => e.full).length + s.drives.filter((d) => d.full).length, 8, 'every cartridge is somewhere, once');
  // Wherever the child died, the cartridge is in slot 1 or drive 0 and the library goes on.
  if (s.drives[0]!.full) await lib.move(drive(0), slot(1));
  await lib.move(slot(1), drive(1));
  t.same(picture(await lib.status()).drives, ['-', 'TC0001L9<1']);
  t.notOk(existsSync(`${lib.device}.lock`));
});
