/**
 * Scans through the coordinator: every tape file of the cartridges named, from the label to the
 * end of data, named from its tapecoord header (lib/format/tapefile.ts) or listed as foreign,
 * after a spanning dump and on media with raw blocks written behind the daemon's back.
 */
import t, { type Test } from 'tap';
import { Readable } from 'node:stream';
import type { ApiEvent, EventOf, ListEntry } from '../../lib/api/events.js';
import { cartridgeNames } from '../../lib/catalog/cartridges.js';
import { SimLibrary } from '../../lib/changer/sim-library.js';
import { loadConfig } from '../../lib/daemon/config.js';
import { Coordinator } from '../../lib/daemon/coordinator.js';
import type { DumpResult } from '../../lib/daemon/jobs/dump.js';
import type { ScanResult } from '../../lib/daemon/jobs/scan.js';
import { Medium } from '../../lib/drive/medium.js';
import { TAPEFILE_MAGIC } from '../../lib/format/tapefile.js';
import { chunked } from '../helpers/streams.js';
import { pseudoRandom, tempDir } from '../helpers/tmp.js';

const K = 1024;
const BLOCK = 16 * K;

async function open(t: Test): Promise<Coordinator> {
  const config = loadConfig(null, { varDir: tempDir(t), blockSize: BLOCK, bufferSize: 128 * K, simulation: { capacity: 1024 * K, earlyWarning: 256 * K } });
  const c = await Coordinator.open(config);
  t.teardown(() => c.close());
  return c;
}

async function scan(c: Coordinator, cartridges: string, ...more: { type: 'ask'; value: boolean }[]) {
  const events: ApiEvent[] = [];
  const cond = await c.start([{ type: 'operation', value: 'scan' }, { type: 'cartridge', value: cartridges }, ...more], { all: (e) => events.push(e) });
  return { cond, entries: (cond.result as ScanResult | null)?.entries ?? [], events };
}

/** Opens a cartridge's simulated tape image directly (the daemon holds it only while a job runs). */
async function image(c: Coordinator, cartridge: number): Promise<Medium> {
  const barcode = cartridgeNames(c.catalog).find((n) => n.cartridge === cartridge)!.barcode;
  const found = (await (c.changer as SimLibrary).cartridges()).find((s) => s.barcode === barcode)!;
  return Medium.open({ kind: 'sim', path: found.image }, {});
}

const label = (cartridge: number): ListEntry => ({ cartridge, file: 0, type: 'label', name: `cartridge ${cartridge}`, dump: null, fragment: null, bytes: 0, blocks: 1 });
const foreign = (cartridge: number, file: number, bytes: number, blocks: number): ListEntry => ({ cartridge, file, type: 'foreign', name: null, dump: null, fragment: null, bytes, blocks });

t.test('a spanning dump: each cartridge lists its label and its fragment', async (t) => {
  const c = await open(t);
  const data = pseudoRandom(2 * 1024 * K + 333, 31);
  const d = await c.start([
    { type: 'operation', value: 'dump' },
    { type: 'name', value: 'home' },
    { type: 'input', value: Readable.from(chunked(data, () => 50_000)) },
  ]);
  t.equal(d.code, 'NORMAL', d.message);
  const { dump, pieces } = d.result as DumpResult;
  t.ok(pieces.length >= 3, `${pieces.length} cartridges`);
  const blank = pieces.length + 1;
  const s = await scan(c, `1-${blank}`);
  t.equal(s.cond.code, 'NORMAL', s.cond.message);
  const expected = pieces.flatMap((p, i): ListEntry[] => [
    label(p.cartridge),
    { cartridge: p.cartridge, file: 1, type: 'data', name: 'home', dump, fragment: i + 1, bytes: p.bytes, blocks: Math.ceil(p.bytes / BLOCK) },
  ]);
  t.same(s.entries, expected, 'label and tape file of every cartridge; the blank one lists nothing');
  t.equal(
    s.entries.filter((e) => e.type === 'data').reduce((n, e) => n + e.bytes, 0),
    data.length,
    'the fragments hold every byte',
  );
  const listed = s.events.flatMap((e) => (e.kind === 'list-write' ? [e.entry] : []));
  t.same(listed, expected, 'one list-write event per entry, in order');
  const opened = s.events.find((e): e is EventOf<'list-open'> => e.kind === 'list-open');
  t.equal(opened?.what, `cartridges ${Array.from({ length: blank }, (_, i) => i + 1).join(', ')}`, 'list-open names the cartridges');
  const closed = s.events.find((e): e is EventOf<'list-close'> => e.kind === 'list-close');
  t.same({ files: closed?.files, bytes: closed?.bytes }, { files: expected.length, bytes: data.length }, 'list-close has the totals');
  t.same(
    s.events.filter((e) => e.kind.startsWith('list-')).map((e) => e.kind),
    ['list-open', ...expected.map(() => 'list-write'), 'list-close'],
    'open, writes, close',
  );
  const task = c.tasks.get(s.cond.task!)!.snapshot();
  t.equal(task.bytes, data.length, 'the scan task counted the bytes it read');
  t.equal(task.name, 'Scantape');
});

t.test('foreign tape files after tapecoord ones are listed as foreign with their size', async (t) => {
  const c = await open(t);
  const data = pseudoRandom(100_000, 32);
  const d = await c.start([
    { type: 'operation', value: 'dump' },
    { type: 'name', value: 'db' },
    { type: 'input', value: Readable.from([data]) },
  ]);
  t.equal(d.code, 'NORMAL', d.message);
  const m = await image(c, 1);
  try {
    await m.op('MTEOM');
    for (const n of [1000, 5000, 70_000]) t.equal(await m.write(pseudoRandom(n, n)), n, `a raw block of ${n} bytes`);
    await m.writeFilemarks(2); // file 2 ends; file 3 is empty
    await m.write(Buffer.from('hello'));
    // a block that starts like a tapecoord header and is not one
    await m.writeFilemarks(1);
    const bad = Buffer.from(`${TAPEFILE_MAGIC}{"dump": oops\n`);
    await m.write(Buffer.concat([bad, Buffer.alloc(4096 - bad.length)]));
    await m.write(Buffer.alloc(300, 7));
    await m.writeFilemarks(1);
  } finally {
    await m.close();
  }
  const s = await scan(c, '1');
  t.equal(s.cond.code, 'NORMAL', s.cond.message);
  t.same(
    s.entries,
    [
      label(1),
      { cartridge: 1, file: 1, type: 'data', name: 'db', dump: (d.result as DumpResult).dump, fragment: 1, bytes: data.length, blocks: Math.ceil(data.length / BLOCK) },
      foreign(1, 2, 76_000, 3),
      foreign(1, 3, 0, 0),
      foreign(1, 4, 5, 1),
      foreign(1, 5, 4096 + 300, 2),
    ],
    'every file to the end of data, and nothing after it',
  );
  const errors = s.events.filter((e): e is EventOf<'error-message'> => e.kind === 'error-message');
  t.equal(errors.length, 1, 'the damaged header is reported');
  t.match(errors[0]?.message, /^cartridge 1 file 5: tapecoord header: .*JSON/, 'naming the cartridge and file');
  t.equal(errors[0]?.code, 'wrong-medium');

  // The catalog is untouched: the next dump of the set still writes file 2 (over the foreign files).
  const next = await c.start([
    { type: 'operation', value: 'dump' },
    { type: 'name', value: 'db2' },
    { type: 'input', value: Readable.from([Buffer.alloc(10)]) },
  ]);
  t.same((next.result as DumpResult).pieces.map((p) => [p.cartridge, p.file]), [[1, 2]], 'a scan records nothing');
  const after = await scan(c, '1');
  t.same(
    after.entries.map((e) => [e.file, e.type, e.name]),
    [
      [0, 'label', 'cartridge 1'],
      [1, 'data', 'db'],
      [2, 'data', 'db2'],
    ],
    'the dump cut the foreign files off',
  );
});

t.test('a medium without a label: file 0 is foreign, then the end of data', async (t) => {
  const c = await open(t);
  const m = await image(c, 3);
  try {
    await m.write(Buffer.alloc(2000, 0x41));
    await m.writeFilemarks(1);
  } finally {
    await m.close();
  }
  const s = await scan(c, '3');
  t.equal(s.cond.code, 'NORMAL', s.cond.message);
  t.same(
    s.entries.map((e) => [e.cartridge, e.file, e.type, e.name, e.blocks]),
    [[3, 0, 'foreign', null, 1]],
    'listed as a foreign file 0, nothing after',
  );
  const blankScan = await scan(c, '4');
  t.same(blankScan.entries, [], 'a blank cartridge lists nothing');
  t.same(
    blankScan.events.find((e) => e.kind === 'list-close'),
    { kind: 'list-close', files: 0, bytes: 0, task: blankScan.cond.task, time: (blankScan.events.find((e) => e.kind === 'list-close') as ApiEvent).time },
    'list-close with zero totals',
  );
});

t.test('a cartridge not in the library: ASK NO gives up', async (t) => {
  const c = await open(t);
  const s = await scan(c, '99', { type: 'ask', value: false });
  t.equal(s.cond.code, 'NOCARTRIDGE', s.cond.message);
  t.match(s.cond.message, /cartridge 99 was not brought/);
  t.ok(s.events.some((e) => e.kind === 'user-message' && /^ASK NO: "Please insert cartridge 99/.test(e.message)), 'the default answered the mount prompt');
});
