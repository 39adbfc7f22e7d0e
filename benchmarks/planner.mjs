#!/usr/bin/env node
// `npm run bench:planner`: the planner on a generated catalog of 10,000 cartridges and 1,000,000
// fragments. Times building the catalog, planning a restore of every volume (100,000), and picking
// the next writable cartridge of each cartridge set.
//
//   node benchmarks/planner.mjs [--json] [--keep] [--catalog FILE] [--lib DIR]
//        [--cartridges 10000] [--fragments 1000000] [--volumes 100000] [--runs 5]
//
// --lib DIR: the compiled library to measure (default: dist/lib next to this file, as `npm run
//   compile` leaves it). To measure the TypeScript sources without touching dist/, compile them
//   into a directory below the repository (so better-sqlite3 resolves from node_modules):
//   `npx tsc -p tsconfig.json --outDir benchmarks/.work/planner-lib &&
//    node benchmarks/planner.mjs --lib benchmarks/.work/planner-lib/lib`.
// --catalog FILE: plan on a catalog built before (with --keep) instead of building one.
// --keep: leave the temporary directory with the catalog (its path is printed).
// --json: the last line is {"cartridges","fragments","buildSeconds","planSeconds","nextCartridgeMs",...}:
//   medians of --runs (plans of all volumes, over the quiet runs when there are any; next-cartridge
//   picks of every set), then the plan's
//   size, the plan's CPU seconds (user + system of this process: what the plan costs on a machine
//   others are using) and how many CPUs the rest of the machine used just before each plan (each
//   waits up to 30 s for that to fall below 0.3).
//
// The catalog (deterministic, xorshift-seeded):
// - cartridges in 10 cartridge sets of equal size, each set written in cartridge-number order;
//   cartridge_order records each move to the next cartridge, bytes_on_tape and tape_uses what was
//   written and which cartridges filled, write_positions where each set goes on;
// - 100 volume sets of `volumes/100` volumes, 10 per cartridge set; each runs the schedule
//   full, 1, 2, 1, 2, full, 1, 2, 1, 2, 1, 2 (levels; a level-n dump's parent is the set's latest of
//   level n-1), the dumps of
//   all volume sets interleaved in time; generation stops at exactly `fragments` fragments, so the
//   dump being written then stays incomplete (never used by a restore);
// - incrementals are small, fulls mostly small with one in 700 of 0.9 to 1.9 cartridges, so volumes
//   span 2 and 3 cartridges; each tape file holds up to 25 fragments;
// - read-only ranges (1-40 and an open `9990-`), a client reservation (alpha: 100-180) and an admin
//   one (500-505); 30 % of cartridges in two libraries (/dev/sch0 and /dev/sch1 slots), the current
//   cartridge of four sets in drives (cartridge_locations and tapepos device lines), one in 97 with
//   no known location, the rest on vault shelves.
// Rows are inserted with plain INSERTs in one transaction (the write path's per-fragment checks are
// not what is measured).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const here = path.dirname(new URL(import.meta.url).pathname);
const { values: opt } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    catalog: { type: 'string' },
    lib: { type: 'string', default: path.join(here, '..', 'dist', 'lib') },
    cartridges: { type: 'string', default: '10000' },
    fragments: { type: 'string', default: '1000000' },
    volumes: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '5' },
  },
});
const lib = path.resolve(opt.lib);
const load = (p) => import(pathToFileURL(path.join(lib, p)).href);
const { Catalog } = await load('catalog/database.js');
const { planRestore } = await load('planner/restore-plan.js');
const { nextCartridge } = await load('planner/next-cartridge.js');

const CARTRIDGE_SETS = 10;
const VOLUME_SETS = 100;
const SCHEDULE = [0, 1, 2, 1, 2, 0, 1, 2, 1, 2, 1, 2]; // dump levels; a level-n dump's parent is the latest dump of level n-1
const FRAGMENTS_PER_FILE = 25;
const CAPACITY = 2_500_000_000_000; // bytes per cartridge (LTO-6)
const BLOCK = 262144;
const log = (...a) => process.stderr.write(a.join(' ') + '\n');

function xorshift(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
}

/** What the schedule writes, in time order: one entry per (dump, volume) with the volume's size. */
function* writes(volumesPerSet, random) {
  let dumpId = 0;
  const latest = Array.from({ length: VOLUME_SETS }, () => []); // per volume set: latest dump id by level
  for (let round = 0; round < SCHEDULE.length; round++) {
    const level = SCHEDULE[round];
    for (let vs = 0; vs < VOLUME_SETS; vs++) {
      const id = ++dumpId;
      const parent = level === 0 ? null : latest[vs][level - 1];
      latest[vs][level] = id;
      latest[vs].length = level + 1;
      const dump = { id, parent, level, volumeSet: `vs${String(vs).padStart(2, '0')}`, cartridgeSet: (vs % CARTRIDGE_SETS) + 1, created: 1_700_000_000 + id * 600 };
      for (let v = 0; v < volumesPerSet; v++) {
        const r = random();
        // Relative sizes (build() scales them to the cartridges); huge fulls in cartridges, negative.
        const size = level > 0 ? 1 + r * 3 : r < 1 / 700 ? -(0.9 + random()) : 5 + random() * 15;
        yield { dump, name: `${dump.volumeSet}.v${String(v).padStart(5, '0')}`, size, last: v === volumesPerSet - 1 };
      }
    }
  }
}

function build(file, cartridges, fragmentLimit, volumesPerSet) {
  const perSet = Math.floor(cartridges / CARTRIDGE_SETS);
  // First pass: sizes only, to fit the data on ~85 % of each set's cartridges. A size is in
  // relative units, or (negative) in cartridges for a huge volume.
  const random = xorshift(0x5eed);
  const units = new Array(CARTRIDGE_SETS + 1).fill(0);
  const hugeCartridges = new Array(CARTRIDGE_SETS + 1).fill(0);
  let count = 0;
  for (const w of writes(volumesPerSet, random)) {
    if (count++ >= fragmentLimit) break;
    if (w.size < 0) hugeCartridges[w.dump.cartridgeSet] -= w.size;
    else units[w.dump.cartridgeSet] += w.size;
  }
  // Cartridges per unit of size.
  const perUnit = Math.min(...units.slice(1).map((u, i) => (perSet * 0.85 - hugeCartridges[i + 1]) / u));

  const cat = Catalog.open(file);
  const db = cat.db;
  const ins = (sql) => db.prepare(sql);
  const insSet = ins('INSERT INTO cartridge_sets (number, name) VALUES (?, ?)');
  const insCart = ins('INSERT INTO cartridges (number, cartridge_set, block_size) VALUES (?, ?, ?)');
  const insDump = ins('INSERT INTO dumps (id, parent, level, volume_set, created, expires, completed) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const completeDump = ins('UPDATE dumps SET completed = ? WHERE id = ?');
  const insVol = ins('INSERT INTO volumes (id, dump, name, volume_id, clone_time) VALUES (?, ?, ?, ?, ?)');
  const insFrag = ins('INSERT INTO fragments (volume, fragment, cartridge, position, block, bytes, last) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const insBytes = ins('INSERT INTO bytes_on_tape (cartridge, bytes, files, full, last_write) VALUES (?, ?, ?, ?, ?)');
  const insUses = ins('INSERT INTO tape_uses (cartridge, times_full) VALUES (?, 1)');
  const insOrder = ins('INSERT INTO cartridge_order (cartridge, next_cartridge, next_file) VALUES (?, ?, 1)');
  const insPos = ins('INSERT INTO write_positions (cartridge_set, cartridge, file) VALUES (?, ?, ?)');
  const insLoc = ins('INSERT INTO cartridge_locations (cartridge, changer, kind, number, place) VALUES (?, ?, ?, ?, ?)');
  const insChanger = ins('INSERT INTO changers (name) VALUES (?)');
  const insDrive = ins('INSERT INTO drive_positions (device, cartridge, file) VALUES (?, ?, ?)');
  const insRo = ins('INSERT INTO readonly_tapes (seq, first, last) VALUES (?, ?, ?)');
  const insPrecious = ins('INSERT INTO precious_tapes (client, seq, first, last) VALUES (?, ?, ?, ?)');

  let fragments = 0;
  let volumes = 0;
  db.exec('BEGIN');
  for (let s = 1; s <= CARTRIDGE_SETS; s++) insSet.run(s, `set${s}`);
  for (let n = 1; n <= cartridges; n++) insCart.run(n, Math.min(CARTRIDGE_SETS, Math.ceil(n / perSet)), BLOCK);
  // Per cartridge set: the cartridge being written, its file, bytes in it, fragments in the open file.
  const sets = Array.from({ length: CARTRIDGE_SETS + 1 }, (_, s) => ({ cartridge: (s - 1) * perSet + 1, file: 1, used: 0, inFile: 0, time: 0 }));
  const tape = new Map(); // cartridge -> { used, files, full, time }
  const state = (c) => tape.get(c) ?? tape.set(c, { used: 0, files: 0, full: 0, time: 0 }).get(c);
  const random2 = xorshift(0x5eed);
  let dumpOpen = null;
  for (const w of writes(volumesPerSet, random2)) {
    if (fragments >= fragmentLimit) break;
    if (dumpOpen !== w.dump.id) {
      const d = w.dump;
      insDump.run(d.id, d.parent, d.level, d.volumeSet, d.created, d.created + 90 * 86400, null);
      dumpOpen = d.id;
    }
    const set = sets[w.dump.cartridgeSet];
    let left = (w.size < 0 ? -w.size : w.size * perUnit) * CAPACITY;
    const volumeId = ++volumes;
    insVol.run(volumeId, w.dump.id, w.name, 536870912 + volumeId, w.dump.created - 60);
    for (let fragment = 1; left > 0 && fragments < fragmentLimit; fragment++) {
      const t = state(set.cartridge);
      const room = CAPACITY - t.used;
      const piece = Math.min(left, room);
      const bytes = Math.round(piece);
      insFrag.run(volumeId, fragment, set.cartridge, set.file, Math.floor(t.used / BLOCK), bytes, piece >= left ? 1 : 0);
      fragments++;
      t.used += piece;
      t.files = set.file;
      t.time = w.dump.created;
      left -= piece;
      if (++set.inFile >= FRAGMENTS_PER_FILE) {
        set.file++;
        set.inFile = 0;
      }
      if (left > 0 || t.used >= CAPACITY * 0.999) {
        // The cartridge is full: on to the next one of the set, file 1.
        t.full = 1;
        const next = set.cartridge + 1;
        insOrder.run(set.cartridge, next);
        set.cartridge = next;
        set.file = 1;
        set.inFile = 0;
      }
    }
    if (w.last && fragments < fragmentLimit) completeDump.run(w.dump.created + 3000, w.dump.id);
  }
  for (const [c, t] of tape) {
    insBytes.run(c, Math.round(t.used), t.files, t.full, t.time);
    if (t.full) insUses.run(c);
  }
  for (let s = 1; s <= CARTRIDGE_SETS; s++) insPos.run(s, sets[s].cartridge, sets[s].file + (sets[s].inFile > 0 ? 1 : 0));
  insRo.run(1, 1, 40);
  insRo.run(2, cartridges - 10, null);
  ['alpha', '< * protected by admin * >'].forEach((client, i) => insPrecious.run(client, 1, i === 0 ? 100 : 500, i === 0 ? 180 : 505));
  insChanger.run('/dev/sch0');
  insChanger.run('/dev/sch1');
  const drives = new Map([1, 2, 3, 4].map((s, i) => [sets[s].cartridge, i + 1]));
  const slots = [0, 0];
  for (let n = 1; n <= cartridges; n++) {
    const drive = drives.get(n);
    if (drive !== undefined) {
      insLoc.run(n, '/dev/sch0', 'drive', drive, null);
      insDrive.run(`/dev/nst${drive - 1}`, n, sets[Math.ceil(n / perSet)].file);
    } else if (n % 10 < 3) {
      const lib = n % 2;
      insLoc.run(n, `/dev/sch${lib}`, 'slot', ++slots[lib], null);
    } else if (n % 97 !== 0) insLoc.run(n, null, null, null, `vault shelf ${Math.floor(n / 100)}`);
  }
  db.exec('COMMIT');
  cat.close();
  return { fragments, volumes };
}

const cartridges = Number(opt.cartridges);
const fragmentLimit = Number(opt.fragments);
const volumeCount = Number(opt.volumes);
const runs = Math.max(1, Number(opt.runs));
let dir;
let file = opt.catalog;
let buildSeconds = null;
if (!file) {
  dir = mkdtempSync(path.join(tmpdir(), 'tapecoord-bench-planner-'));
  file = path.join(dir, 'catalog.db');
  const t0 = performance.now();
  const b = build(file, cartridges, fragmentLimit, volumeCount / VOLUME_SETS);
  buildSeconds = (performance.now() - t0) / 1000;
  log(`built ${file}: ${cartridges} cartridges, ${b.volumes} volume rows, ${b.fragments} fragments in ${buildSeconds.toFixed(2)} s`);
}

/** CPUs busy on the whole machine over `ms` (from /proc/stat), this process included. */
function busyCpus(ms) {
  const sample = () => {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    return { total: f.reduce((a, b) => a + b, 0), idle: f[3] + f[4] };
  };
  const a = sample();
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  const b = sample();
  return ((b.total - a.total - (b.idle - a.idle)) / Math.max(1, b.total - a.total)) * os.cpus().length;
}

/** Waits (at most 30 s) until the rest of the machine uses less than 0.3 CPUs; returns what it used last. */
function waitQuiet() {
  let busy = busyCpus(500);
  for (let waited = 0; busy >= 0.3 && waited < 30_000; waited += 500) busy = busyCpus(500);
  return busy;
}

const cat = Catalog.open(file);
const counts = cat.db.prepare('SELECT (SELECT count(*) FROM cartridges) AS cartridges, (SELECT count(*) FROM fragments) AS fragments').get();
const planTimes = [];
const planCpu = [];
let plan;
const othersBusy = [];
for (let i = 0; i < runs; i++) {
  othersBusy.push(waitQuiet());
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  plan = planRestore(cat, { select: [{ pattern: '*' }] });
  planTimes.push((performance.now() - t0) / 1000);
  const c = process.cpuUsage(c0);
  planCpu.push((c.user + c.system) / 1e6);
}
const reads = plan.cartridges.reduce((n, m) => n + m.reads.length, 0);
const spooled = plan.cartridges.reduce((n, m) => n + m.reads.filter((r) => r.spool).length, 0);
log(`planned ${plan.volumes.length} volumes (${plan.missing.length} missing): ${reads} reads on ${plan.cartridges.length} cartridges, ${spooled} to spool; ` +
  `${planTimes.map((s) => s.toFixed(3)).join(', ')} s (CPU ${planCpu.map((s) => s.toFixed(3)).join(', ')} s; ` +
    `others used ${othersBusy.map((b) => b.toFixed(2)).join(', ')} CPUs just before)`);

const nextTimes = [];
const sets = cat.db.prepare('SELECT number FROM cartridge_sets ORDER BY number').all().map((r) => r.number);
for (let i = 0; i < runs; i++) {
  for (const s of sets) {
    const t0 = performance.now();
    nextCartridge(cat, s);
    nextTimes.push(performance.now() - t0);
  }
}
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
// The runs the rest of the machine left alone count; all of them when none was.
const quiet = planTimes.filter((_, i) => othersBusy[i] < 0.3);
const planSeconds = median(quiet.length > 0 ? quiet : planTimes);
const nextCartridgeMs = median(nextTimes);
log(`next cartridge: median ${nextCartridgeMs.toFixed(2)} ms over ${nextTimes.length} picks`);
cat.close();
if (dir && !opt.keep) rmSync(dir, { recursive: true, force: true });
else if (dir) log(`kept ${dir}`);

const result = {
  cartridges: counts.cartridges,
  fragments: counts.fragments,
  buildSeconds: buildSeconds === null ? null : Number(buildSeconds.toFixed(3)),
  planSeconds: Number(planSeconds.toFixed(3)),
  nextCartridgeMs: Number(nextCartridgeMs.toFixed(3)),
  volumes: plan.volumes.length,
  reads,
  mounts: plan.cartridges.length,
  spooled,
  planRuns: planTimes.map((s) => Number(s.toFixed(3))),
  planCpuSeconds: Number(median(planCpu).toFixed(3)),
  othersBusyCpus: othersBusy.map((b) => Number(b.toFixed(2))),
};
if (opt.json) process.stdout.write(JSON.stringify(result) + '\n');
else {
  process.stdout.write(
    `catalog: ${result.cartridges} cartridges, ${result.fragments} fragments` + (buildSeconds === null ? '\n' : `, built in ${result.buildSeconds} s\n`) +
      `restore plan of ${result.volumes} volumes (${reads} reads, ${result.mounts} cartridges): ${result.planSeconds} s ` +
      `(median of ${quiet.length > 0 ? `${quiet.length} quiet runs` : `${runs} runs, none quiet`}; CPU ${result.planCpuSeconds} s)\n` +
      `next writable cartridge: ${result.nextCartridgeMs} ms (median)\n`,
  );
}
