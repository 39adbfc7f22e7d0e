/**
 * Dumps that span cartridges, end to end through the coordinator on the simulated library: early
 * warning met at many positions (data sizes, input chunking, block/ring sizes and cartridge
 * geometry varied), each dump restored byte-identical and checked against the catalog (fragments,
 * cartridge_order, bytes_on_tape full flags), a second dump of the set appended at the write
 * position, and a restore `at` an earlier time giving the earlier dump.
 */
import t, { type Test } from 'tap';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Condition } from '../../lib/api/conditions.js';
import type { ApiEvent } from '../../lib/api/events.js';
import { cartridgeNames } from '../../lib/catalog/cartridges.js';
import { dump as dumpRow, volumeFragments } from '../../lib/catalog/dumps.js';
import { cartridgeOrder, writePositions } from '../../lib/catalog/positions.js';
import { bytesOnTape, cartridgeBytes } from '../../lib/catalog/tape-usage.js';
import { SimLibrary } from '../../lib/changer/sim-library.js';
import { loadConfig } from '../../lib/daemon/config.js';
import { Coordinator } from '../../lib/daemon/coordinator.js';
import type { DumpResult } from '../../lib/daemon/jobs/dump.js';
import type { RestoreResult } from '../../lib/daemon/jobs/restore.js';
import { Medium } from '../../lib/drive/medium.js';
import { chunked } from '../helpers/streams.js';
import { restoreToBuffer } from '../helpers/daemon.js';
import { pseudoRandom, rng, tempDir } from '../helpers/tmp.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

interface Geometry {
  blockSize: number;
  bufferSize: number;
  capacity: number;
  earlyWarning: number;
}

/** A coordinator on a fresh simulated library, with a clock the test moves (dump times, `at`). */
async function open(t: Test, g: Geometry) {
  const varDir = tempDir(t);
  const config = loadConfig(null, {
    varDir,
    blockSize: g.blockSize,
    bufferSize: g.bufferSize,
    simulation: { capacity: g.capacity, earlyWarning: g.earlyWarning },
  });
  let ms = 1_800_000_000_000;
  const c = await Coordinator.open(config, { now: () => ms });
  t.teardown(() => c.close());
  return { c, tick: (seconds: number) => (ms += seconds * 1000), seconds: () => Math.floor(ms / 1000) };
}

async function dump(c: Coordinator, name: string, chunks: Buffer[], events: ApiEvent[] = []): Promise<{ cond: Condition; result: DumpResult }> {
  const cond = await c.start(
    [
      { type: 'operation', value: 'dump' },
      { type: 'name', value: name },
      { type: 'input', value: Readable.from(chunks) },
    ],
    { all: (e) => events.push(e) },
  );
  return { cond, result: cond.result as DumpResult };
}

async function restore(c: Coordinator, name: string, at: number | null = null): Promise<{ cond: Condition; data: Buffer; result: RestoreResult }> {
  const { cond, data } = await restoreToBuffer(c, name, at);
  return { cond, data, result: cond.result as RestoreResult };
}

/** Whether a cartridge's medium is written past early warning (GMT_EOT at end of data). */
async function pastEarlyWarning(c: Coordinator, cartridge: number): Promise<boolean> {
  const barcode = cartridgeNames(c.catalog).find((n) => n.cartridge === cartridge)?.barcode;
  const image = (await (c.changer as SimLibrary).cartridges()).find((s) => s.barcode === barcode)!.image;
  const m = await Medium.open({ kind: 'sim', path: image }, { readOnly: true });
  try {
    await m.op('MTEOM');
    return (await m.status()).flags.includes('EOT');
  } finally {
    await m.close();
  }
}

/**
 * The catalog agrees with what the dump says it wrote (fragments, continuations, bytes) and with
 * the media (a cartridge is marked full exactly when it is written past early warning).
 */
async function checkCatalog(t: Test, c: Coordinator, r: DumpResult, name: string, length: number): Promise<void> {
  const fragments = volumeFragments(c.catalog, r.dump, name);
  t.same(
    fragments.map((f) => ({ fragment: f.fragment, cartridge: f.cartridge, file: f.position, bytes: f.bytes, last: f.last })),
    r.pieces.map((p, i) => ({ fragment: i + 1, cartridge: p.cartridge, file: p.file, bytes: p.bytes, last: i === r.pieces.length - 1 })),
    `${name}: the catalog's fragments are the condition's pieces`,
  );
  t.equal(
    r.pieces.reduce((n, p) => n + p.bytes, 0),
    length,
    `${name}: the pieces add up to the input`,
  );
  t.ok(r.pieces.every((p) => p.bytes > 0), `${name}: no empty piece`);
  t.equal(new Set(r.pieces.map((p) => p.cartridge)).size, r.pieces.length, `${name}: one piece per cartridge`);
  t.ok(dumpRow(c.catalog, r.dump)?.completed !== null, `${name}: the dump is completed`);
  const order = new Map(cartridgeOrder(c.catalog).map((o) => [o.cartridge, o]));
  const usage = new Map(bytesOnTape(c.catalog).map((b) => [b.cartridge, b]));
  for (let i = 0; i < r.pieces.length; i++) {
    const p = r.pieces[i]!;
    const next = r.pieces[i + 1];
    if (next) {
      t.same(order.get(p.cartridge), { cartridge: p.cartridge, nextCartridge: next.cartridge, nextFile: next.file }, `${name}: cartridge ${p.cartridge} continues on ${next.cartridge} file ${next.file}`);
      t.equal(next.file, 1, `${name}: a continuation starts a fresh cartridge at file 1`);
      t.equal(usage.get(p.cartridge)?.full, true, `${name}: cartridge ${p.cartridge} is marked full`);
    } else {
      t.notOk(order.has(p.cartridge), `${name}: the last cartridge ${p.cartridge} continues nowhere`);
    }
    t.equal(usage.get(p.cartridge)?.full, await pastEarlyWarning(c, p.cartridge), `${name}: cartridge ${p.cartridge} is marked full exactly when its medium is past early warning`);
    t.equal(usage.get(p.cartridge)?.files, p.file, `${name}: bytes_on_tape counts ${p.file} file(s) on cartridge ${p.cartridge}`);
  }
}

interface Case {
  title: string;
  geometry: Geometry;
  length: number;
  chunk: (i: number) => number;
  seed: number;
  /** At least this many cartridges. */
  minPieces: number;
}

const K = 1024;
const M = 1024 * 1024;

const cases: Case[] = [
  {
    // 8 KiB blocks, a 32 KiB ring: a piece is one block; early warning after 40 KiB of blocks
    // (label and header included), the end of medium 56 KiB later
    title: '1-byte chunks on tiny cartridges',
    geometry: { blockSize: 8 * K, bufferSize: 32 * K, capacity: 96 * K, earlyWarning: 56 * K },
    length: 100_003,
    chunk: () => 1,
    seed: 11,
    minPieces: 2,
  },
  {
    title: '65537-byte chunks, 64 KiB blocks, 1 MiB ring',
    geometry: { blockSize: 64 * K, bufferSize: 1 * M, capacity: 8 * M, earlyWarning: 2 * M },
    length: 15 * M + 12_345,
    chunk: () => 65_537,
    seed: 12,
    minPieces: 3,
  },
  {
    title: '3 MiB chunks, 32 KiB blocks, 512 KiB ring',
    geometry: { blockSize: 32 * K, bufferSize: 512 * K, capacity: 5 * M, earlyWarning: 1536 * K },
    length: 12 * M + 1,
    chunk: () => 3 * M,
    seed: 13,
    minPieces: 3,
  },
  {
    title: 'random chunks, odd capacity (not a multiple of the block)',
    geometry: { blockSize: 16 * K, bufferSize: 256 * K, capacity: 3_000_001, earlyWarning: 777_777 },
    length: 7 * M + 4_321,
    chunk: ((r) => () => r(1, 300_000))(rng(99)),
    seed: 14,
    minPieces: 3,
  },
  {
    title: 'early warning right at the start: a zone nearly as large as the cartridge',
    geometry: { blockSize: 4 * K, bufferSize: 16 * K, capacity: 200 * K, earlyWarning: 190 * K },
    length: 70_000,
    chunk: () => 4_095,
    seed: 15,
    minPieces: 4,
  },
  // The same stream against early warning at many offsets of a 256 KiB cartridge.
  ...[20 * K + 1, 33_333, 47 * K, 61_441, 90 * K, 128 * K].map(
    (earlyWarning, i): Case => ({
      title: `early warning ${earlyWarning} bytes before the end`,
      geometry: { blockSize: 4 * K, bufferSize: 16 * K, capacity: 256 * K, earlyWarning },
      length: 300_000 + i * 997,
      chunk: (n) => 5_000 + ((n * 7_919) % 9_000),
      seed: 20 + i,
      minPieces: 2,
    }),
  ),
];

for (const k of cases) {
  t.test(k.title, async (t) => {
    const { c, tick, seconds } = await open(t, k.geometry);
    const first = pseudoRandom(k.length, k.seed);
    const events: ApiEvent[] = [];
    const a = await dump(c, 'set-a', chunked(first, k.chunk), events);
    t.equal(a.cond.code, 'NORMAL', a.cond.message);
    t.equal(a.result.bytes, first.length, 'the dump took every byte');
    t.ok(a.result.pieces.length >= k.minPieces, `${a.result.pieces.length} pieces (at least ${k.minPieces})`);
    t.same(
      a.result.pieces.map((p) => p.file),
      a.result.pieces.map(() => 1),
      'each piece is file 1 of a fresh cartridge',
    );
    await checkCatalog(t, c, a.result, 'set-a', first.length);
    t.equal(events.filter((e) => e.kind === 'log' && e.subtype === 'new-saveset').length, a.result.pieces.length - 1, 'one new-saveset event per continuation');
    const journal = events.flatMap((e) => (e.kind === 'journal-write' && e.record.type === 'continuation' ? [e.record] : []));
    t.same(
      journal.map((j) => [j.from, j.to, j.file]),
      a.result.pieces.slice(1).map((p, i) => [a.result.pieces[i]!.cartridge, p.cartridge, p.file]),
      'the journal reports each continuation',
    );
    const whenA = seconds();

    const back = await restore(c, 'set-a');
    t.equal(back.cond.code, 'NORMAL', back.cond.message);
    t.equal(back.data.length, first.length, 'restored length');
    t.equal(sha(back.data), sha(first), 'restored bytes are the dumped bytes');
    t.same(
      back.result.restored[0]?.pieces,
      a.result.pieces.map((p) => ({ cartridge: p.cartridge, file: p.file, bytes: p.bytes })),
      'the restore followed the continuations',
    );

    // A second dump of the set under the same name, later: it starts at the write position, after
    // the last tape file of the cartridge the first one ended on.
    tick(3600);
    const last = a.result.pieces.at(-1)!;
    t.same(writePositions(c.catalog), [{ cartridgeSet: 1, cartridge: last.cartridge, file: last.file + 1 }], 'the write position is after the first dump');
    const second = pseudoRandom(Math.floor(k.length / 2) + 7, k.seed + 100);
    const lastFull = cartridgeBytes(c.catalog, last.cartridge)!.full;
    const b = await dump(c, 'set-a', chunked(second, (i) => k.chunk(i) + 1));
    t.equal(b.cond.code, 'NORMAL', b.cond.message);
    t.same(
      { cartridge: b.result.pieces[0]!.cartridge, file: b.result.pieces[0]!.file },
      lastFull ? { cartridge: last.cartridge + 1, file: 1 } : { cartridge: last.cartridge, file: last.file + 1 },
      lastFull ? 'the first dump filled its last cartridge: the second starts the next one' : 'the second dump appends on the cartridge with room',
    );
    t.notOk(a.result.pieces.slice(0, -1).some((p) => b.result.pieces.some((q) => q.cartridge === p.cartridge)), 'the full cartridges are not written again');
    await checkCatalog(t, c, b.result, 'set-a', second.length);

    const latest = await restore(c, 'set-a');
    t.equal(latest.cond.code, 'NORMAL', latest.cond.message);
    t.equal(sha(latest.data), sha(second), 'a restore without `at` gives the later dump');
    const earlier = await restore(c, 'set-a', whenA);
    t.equal(earlier.cond.code, 'NORMAL', earlier.cond.message);
    t.equal(sha(earlier.data), sha(first), 'a restore `at` the first dump\'s time gives the first dump, still intact');
    const before = await restore(c, 'set-a', whenA - 1);
    t.equal(before.cond.code, 'NOTFOUND', 'nothing before the first dump');
  });
}
