#!/usr/bin/env node
// `npm run bench`: tapecoord stream vs dd vs mbuffer, and a simulated LTO-9 fed by a bursty source.
//
// Part 1 (throughput): one page-cached incompressible input (4 GiB, made once in benchmarks/.work/),
// copied by `dd`, `mbuffer` and `tapecoord stream` with the same block size, the same sink and the
// same buffer memory, at 16 KiB and 256 KiB, to /dev/null and to a file on disk, with the input
// given as a path and through a pipe (`cat IN | tool`). Tools are interleaved inside every
// repetition (the order rotates), repeated --reps times; medians are reported. Wall time is taken
// around the whole command, CPU time is user+sys of the command's process tree (bash `times`, which
// includes `cat` for pipe input and Node's start-up for tapecoord).
//
// Part 2 (drive utilisation): benchmarks/bursty-source.mjs (bursts at 1.5 GB/s, pauses, mean rate
// above 400 MB/s) into a simulated LTO-9 (tapecoord's rate model: 400 MB/s, 2 s back-hitch), fed
// (a) by tapecoord's ring and (b) by mbuffer with the same memory in front of a minimal tapecoord
// ring. The modelled drive's busy/elapsed time comes from benchmarks/sim-sink.mjs.
//
// Part 3 (diagnosis): tapecoord's ring size and start threshold at 16 KiB, and perf stat counters.
//
// Writes benchmarks/RESULTS.md (with --quick: benchmarks/.work/RESULTS-quick.md), and the raw
// measurements as benchmarks/.work/results.json (results-quick.json); --render rebuilds the report
// from such a file without measuring again (e.g. after editing benchmarks/analysis.md).
//
//   node benchmarks/stream.mjs [--quick] [--reps 3] [--sim-reps 2] [--buffer 512M]
//        [--input-size 4G] [--work DIR] [--live] [--skip-matrix] [--skip-sim] [--skip-extra] [--out FILE]
//   node benchmarks/stream.mjs --render benchmarks/.work/results.json [--out FILE]
//
// --live runs the working tree's bin/tapecoord; by default a snapshot of bin/, dist/ and the built
// addon is taken at the start, so a rebuild by someone else during the run cannot mix binaries.
import { spawnSync } from 'node:child_process';
import { createCipheriv, createHash } from 'node:crypto';
import {
  closeSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..');
const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

// ------------------------------------------------------------------------------ options

const { values: opt } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    reps: { type: 'string' },
    'sim-reps': { type: 'string' },
    buffer: { type: 'string', default: '512M' },
    'input-size': { type: 'string' },
    work: { type: 'string', default: path.join(here, '.work') },
    live: { type: 'boolean', default: false },
    'skip-matrix': { type: 'boolean', default: false },
    'skip-sim': { type: 'boolean', default: false },
    'skip-extra': { type: 'boolean', default: false },
    out: { type: 'string' },
    render: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (opt.help) {
  const text = readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n');
  process.stdout.write(text.slice(1, text.findIndex((l) => l.startsWith('import '))).join('\n').replace(/^\/\/ ?/gm, '') + '\n');
  process.exit(0);
}

const BLOCK_SIZES = ['16k', '256k'];
const SINKS = ['null', 'disk'];
const INPUTS = ['file', 'pipe'];
const TOOLS = ['dd', 'mbuffer', 'tapecoord'];
const SIM_VARIANTS = ['tapecoord', 'tapecoord-P0', 'mbuffer', 'mbuffer-P67'];

// ------------------------------------------------------------------------------ helpers

const log = (...a) => process.stderr.write(a.join(' ') + '\n');
const sh = (cmd) => {
  const r = spawnSync('/bin/bash', ['-c', cmd], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
  return (r.stdout ?? '').trim();
};
const q = (s) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${String(s).replace(/'/g, `'\\''`)}'`);
const median = (xs) => {
  const a = xs.filter((x) => Number.isFinite(x)).sort((x, y) => x - y);
  if (!a.length) return NaN;
  return a.length % 2 ? a[(a.length - 1) / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
};
const fmt = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const fmtSize = (n) => (n % GiB === 0 ? `${n / GiB} GiB` : n % MiB === 0 ? `${n / MiB} MiB` : `${n} B`);
const lastJson = (text) => {
  try {
    return JSON.parse(String(text).trim().split('\n').pop());
  } catch {
    return null;
  }
};

function parseSize(text, what) {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(String(text));
  if (!m) throw new RangeError(`${what}: '${text}' is not a size`);
  return Math.round(Number(m[1]) * { '': 1, k: 1024, m: MiB, g: GiB, t: 1024 * GiB }[m[2].toLowerCase()]);
}

/**
 * Runs a shell command line under bash; returns wall seconds (around the whole command), the CPU
 * time of its process tree (bash `times`: children's user and sys, all waited for), exit status,
 * stdout and stderr.
 */
function run(cmd, { timeoutSec = 600 } = {}) {
  const script = `set -o pipefail\n${cmd}\nrc=$?\ntimes >&3\nexit $rc\n`;
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/bin/bash', ['-c', script], {
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    env: { ...process.env, LC_ALL: 'C' },
    timeout: timeoutSec * 1000,
    killSignal: 'SIGKILL',
    maxBuffer: 256 * MiB,
  });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const times = (r.output?.[3] ?? Buffer.alloc(0)).toString().trim().split('\n');
  const m = /(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s/.exec(times[1] ?? '');
  const user = m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
  const sys = m ? Number(m[3]) * 60 + Number(m[4]) : NaN;
  return {
    wall,
    user,
    sys,
    cpu: user + sys,
    status: r.status,
    signal: r.signal,
    stdout: (r.stdout ?? '').toString(),
    stderr: (r.stderr ?? '').toString(),
  };
}

function settleDisk() {
  spawnSync('sync');
  for (let i = 0; i < 100; i++) {
    const mi = readFileSync('/proc/meminfo', 'utf8');
    const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(mi)?.[1] ?? 0);
    if (kb('Dirty') + kb('Writeback') < 16 * 1024) return;
    spawnSync('sleep', ['0.1']);
  }
}

const freeBytes = (dir) => Number(sh(`df -B1 --output=avail ${q(dir)} | tail -1`));

// ---- other work on the machine (this is a shared 2-core box: builds, tests, VMs) ----
const HZ = Number(sh('getconf CLK_TCK')) || 100;
/** CPU seconds the whole machine has been busy (user+nice+system+irq+softirq) and stolen, so far. */
function machineCpu() {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = f;
  return { busy: (user + nice + system + irq + softirq) / HZ, steal: (steal ?? 0) / HZ };
}
const sleepMs = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
/** Average number of busy CPUs over the next `ms` milliseconds (everything on the machine). */
function busyCores(ms = 300) {
  const a = machineCpu();
  sleepMs(ms);
  const b = machineCpu();
  return (b.busy - a.busy) / (ms / 1000);
}
const QUIET_CORES = 0.15; // start a measurement only when the machine is this idle...
const CONTENDED_CORES = 0.25; // ...and count a run as disturbed when others used this much meanwhile
let quietBudgetMs = 4 * 60 * 1000; // total time we are prepared to wait for quiet, per invocation
/** Waits (bounded) until the rest of the machine is idle; returns the seconds waited. */
function waitQuiet(maxMs = 20000) {
  const t0 = Date.now();
  while (busyCores() > QUIET_CORES) {
    const waited = Date.now() - t0;
    if (waited > maxMs || waited > quietBudgetMs) break;
    sleepMs(700);
  }
  const waited = Date.now() - t0;
  quietBudgetMs = Math.max(0, quietBudgetMs - waited);
  return waited / 1000;
}
/** run() plus how many CPUs the rest of the machine kept busy meanwhile (`bg`, in cores). */
function runWatched(cmd, options) {
  const a = machineCpu();
  const r = run(cmd, options);
  const b = machineCpu();
  r.bg = Math.max(0, b.busy - a.busy - (Number.isFinite(r.cpu) ? r.cpu : 0)) / r.wall;
  r.steal = (b.steal - a.steal) / r.wall;
  return r;
}

// ------------------------------------------------------------------------------ measuring

function measureAll() {
  const quick = opt.quick;
  const reps = Number(opt.reps ?? (quick ? 1 : 3));
  const simReps = Number(opt['sim-reps'] ?? (quick ? 1 : 2));
  const bufferText = opt.buffer;
  const inputSize = parseSize(opt['input-size'] ?? (quick ? '1G' : '4G'), '--input-size');
  const work = path.resolve(opt.work);
  mkdirSync(work, { recursive: true });
  const startedAt = new Date();
  const tStart = Date.now();

  // Simulated LTO-9. 400 MB/s exactly (the CLI's `--sim-rate 400M` is 400 MiB/s = 419 MB/s: sizes are
  // binary there). The source: bursts of 1.6 GB at 1.5 GB/s, 2.2 s pauses: unthrottled mean
  // 1.6 GB / (1.067 s + 2.2 s) = 490 MB/s. A pause needs 2.2 s x 400 MB/s = 880 MB buffered to keep
  // the drive streaming: more than 256 MiB + the drive's own 512 MiB (805 MB), less than 1 GiB + 512 MiB.
  const SIM = {
    rate: 400_000_000,
    backhitch: 2,
    blockSize: '256k',
    burst: 1_600_000_000,
    burstRate: 1_500_000_000,
    pause: 2.2,
    total: quick ? 3_200_000_000 : 4_000_000_000,
    buffers: ['256M', '1G'],
    // tapecoord --start-at 0 only where it tells something (with 256 MiB every variant back-hitches at every pause)
    variants: { '256M': ['tapecoord', 'mbuffer', 'mbuffer-P67'], '1G': SIM_VARIANTS },
  };

  // What is measured: a snapshot of the built tree (or the live tree with --live).
  const addonPath = path.join(repo, 'build', 'Release', 'tapecoord.node');
  if (!existsSync(path.join(repo, 'dist', 'lib', 'cli', 'main.js')) || !existsSync(addonPath)) {
    log('benchmarks: build first (npm run build): dist/lib/cli/main.js or build/Release/tapecoord.node is missing');
    process.exit(2);
  }
  const mtime = (p) => statSync(p).mtime.toISOString().replace(/\.\d+Z$/, 'Z');
  const build = {
    gitHead: sh(`git -C ${q(repo)} rev-parse --short HEAD 2>/dev/null`),
    gitDirty: sh(`git -C ${q(repo)} status --short -- native lib 2>/dev/null`),
    addonTime: mtime(addonPath),
    distTime: mtime(path.join(repo, 'dist', 'lib', 'cli', 'main.js')),
    addonSha: createHash('sha256').update(readFileSync(addonPath)).digest('hex'),
  };
  let tcRoot = repo;
  if (!opt.live) {
    tcRoot = path.join(work, 'snapshot');
    rmSync(tcRoot, { recursive: true, force: true });
    mkdirSync(path.join(tcRoot, 'build', 'Release'), { recursive: true });
    cpSync(path.join(repo, 'bin'), path.join(tcRoot, 'bin'), { recursive: true });
    cpSync(path.join(repo, 'dist'), path.join(tcRoot, 'dist'), { recursive: true });
    copyFileSync(path.join(repo, 'package.json'), path.join(tcRoot, 'package.json'));
    copyFileSync(addonPath, path.join(tcRoot, 'build', 'Release', 'tapecoord.node'));
    symlinkSync(path.join(repo, 'node_modules'), path.join(tcRoot, 'node_modules'));
    build.addonSha = createHash('sha256').update(readFileSync(path.join(tcRoot, 'build', 'Release', 'tapecoord.node'))).digest('hex');
  }
  const tcBin = path.join(tcRoot, 'bin', 'tapecoord');
  const simSink = path.join(here, 'sim-sink.mjs');
  const bursty = path.join(here, 'bursty-source.mjs');

  for (const t of ['dd', 'mbuffer', 'cat']) {
    if (!sh(`command -v ${t}`)) {
      log(`benchmarks: '${t}' is not installed (apt-get install mbuffer coreutils)`);
      process.exit(2);
    }
  }
  const havePerf = sh('perf stat -e task-clock true >/dev/null 2>&1 && echo yes') === 'yes';
  const haveSyscallEvents = havePerf && sh('perf stat -e syscalls:sys_enter_futex true >/dev/null 2>&1 && echo yes') === 'yes';

  // The input, made once.
  const input = path.join(work, inputSize === 4 * GiB ? 'input.bin' : `input-${inputSize}.bin`);
  const outPath = path.join(work, 'out.bin');
  const diskNeed = (existsSync(input) && statSync(input).size === inputSize ? 0 : inputSize) + inputSize + GiB;
  if (freeBytes(work) < diskNeed) {
    log(`benchmarks: ${work} needs ${fmtSize(diskNeed)} free (df says ${freeBytes(work)} bytes)`);
    process.exit(2);
  }
  if (!(existsSync(input) && statSync(input).size === inputSize)) {
    log(`making ${input} (${fmtSize(inputSize)}, AES-128-CTR keystream: incompressible, the same bytes every time)`);
    rmSync(input, { force: true });
    const fd = openSync(input + '.tmp', 'w');
    const c = createCipheriv('aes-128-ctr', Buffer.alloc(16, 7), Buffer.alloc(16, 0));
    const zero = Buffer.alloc(8 * MiB);
    for (let done = 0; done < inputSize; ) {
      const n = Math.min(zero.length, inputSize - done);
      writeSync(fd, c.update(zero.subarray(0, n)));
      done += n;
    }
    closeSync(fd);
    spawnSync('mv', [input + '.tmp', input]);
  }
  const warm = () => spawnSync('/bin/bash', ['-c', `cat ${q(input)} > /dev/null`]);
  const cachedPct = () => {
    const [res, size] = sh(`fincore -b -n -o RES,SIZE ${q(input)} 2>/dev/null`).split(/\s+/).map(Number);
    return size ? (100 * res) / size : NaN;
  };
  warm();
  warm();
  const cached = [cachedPct()];
  rmSync(outPath, { force: true });

  const cpuModel = (readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.*)$/m) ?? [])[1] ?? 'unknown';
  const machine = {
    date: startedAt.toISOString(),
    nproc: sh('nproc'),
    cpu: cpuModel,
    cpuMore: sh("lscpu | sed -n 's/^\\(L2 cache\\|L3 cache\\|Hypervisor vendor\\|Virtualization type\\):\\s*/\\1: /p' | paste -sd ';' | sed 's/;/; /g'"),
    mem: `${(os.totalmem() / GiB).toFixed(1)} GiB`,
    kernel: sh('uname -sr'),
    os: sh('. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME"'),
    node: process.version,
    dd: sh('dd --version | head -1'),
    mbuffer: sh('mbuffer -V 2>&1 | head -1'),
    thp: sh('cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null'),
    fs: sh(`df -hT ${q(work)} | tail -1 | awk '{print $1" "$2" ("$3" total, "$5" free)"}'`),
    mount: sh(`findmnt -no OPTIONS -T ${q(work)}`),
    dirty: sh("printf 'dirty_ratio=%s dirty_background_ratio=%s' $(cat /proc/sys/vm/dirty_ratio) $(cat /proc/sys/vm/dirty_background_ratio)"),
  };

  log(`tapecoord benchmark: input ${input} (${fmtSize(inputSize)}, ${fmt(cached[0], 0)} % cached), buffer ${bufferText}, reps ${reps}, sim reps ${simReps}`);
  log(`measuring ${tcBin}${opt.live ? ' (live tree)' : ' (snapshot of the working tree)'}`);

  const state = {
    quick,
    reps,
    simReps,
    bufferText,
    inputSize,
    input,
    outPath,
    tcBin,
    tcRoot,
    live: opt.live,
    here,
    build,
    machine,
    cached,
    SIM,
    shm: null,
    commands: {},
    runs: [],
    simRuns: [],
    extra: { ring: [], perf: [] },
    failures: [],
    parts: { matrix: !opt['skip-matrix'], sim: !opt['skip-sim'], extra: !opt['skip-extra'] },
  };

  // ---------------------------------------------------------------- part 1

  const commandFor = (tool, bs, sink, inMode) => {
    const out = sink === 'null' ? '/dev/null' : outPath;
    const src = inMode === 'file' ? input : '-';
    const pipe = inMode === 'pipe' ? `cat ${q(input)} | ` : '';
    if (tool === 'dd') return inMode === 'file' ? `dd if=${q(input)} of=${q(out)} bs=${bs}` : `${pipe}dd of=${q(out)} bs=${bs}`;
    if (tool === 'mbuffer') return `${pipe}mbuffer -q -i ${q(src)} -o ${q(out)} -s ${bs} -m ${bufferText}`;
    return `${pipe}node ${q(tcBin)} stream -i ${q(src)} -o ${q(out)} -b ${bs} -m ${bufferText} --json`;
  };
  for (const bs of BLOCK_SIZES)
    for (const inMode of INPUTS) for (const tool of TOOLS) state.commands[`${bs} ${inMode} ${tool}`] = commandFor(tool, bs, 'disk', inMode);

  const bytesMoved = (tool, sink, r) => {
    if (sink === 'disk') return existsSync(outPath) ? statSync(outPath).size : 0;
    if (tool === 'dd') return Number(/^(\d+) bytes/m.exec(r.stderr)?.[1] ?? NaN);
    if (tool === 'tapecoord') return lastJson(r.stdout)?.bytes ?? NaN;
    return r.status === 0 ? inputSize : NaN; // mbuffer -q reports nothing; its exit status is checked
  };

  const measure = (tool, bs, sink, inMode, rep, retry = false) => {
    const cmd = commandFor(tool, bs, sink, inMode);
    if (sink === 'disk') rmSync(outPath, { force: true });
    settleDisk();
    const waited = waitQuiet();
    const r = runWatched(cmd);
    const bytes = bytesMoved(tool, sink, r);
    const j = tool === 'tapecoord' ? lastJson(r.stdout) : null;
    let ok = r.status === 0 && bytes === inputSize;
    let verified;
    if (ok && sink === 'disk' && rep === 1 && !retry) {
      // the copy is byte-for-byte the input (once per tool and configuration; outside the timing)
      verified = spawnSync('cmp', ['-s', input, outPath]).status === 0;
      ok = verified;
    }
    const rec = {
      tool, bs, sink, input: inMode, rep, retry, wall: r.wall, cpu: r.cpu, user: r.user, sys: r.sys, bytes,
      tcSeconds: j?.seconds ?? NaN, tcStalls: j?.stalls, ok, cmd, bg: r.bg, steal: r.steal, waited, verified,
    };
    if (!ok) {
      state.failures.push({ ...rec, status: r.status, signal: r.signal, stderr: r.stderr.slice(-2000) });
      log(`  FAILED: ${cmd}: status ${r.status} ${r.signal ?? ''} bytes ${bytes}${verified === false ? ', output differs from the input' : ''}\n${r.stderr.slice(-600)}`);
    }
    if (sink === 'disk') rmSync(outPath, { force: true });
    state.runs.push(rec);
    log(
      `  rep ${rep} ${bs.padEnd(4)} ${sink.padEnd(4)} ${inMode.padEnd(4)} ${tool.padEnd(9)} ${fmt(r.wall, 3).padStart(8)} s ` +
        `${fmt(inputSize / 1e6 / r.wall, 0).padStart(6)} MB/s  cpu ${fmt(r.cpu, 2)} s  others ${fmt(r.bg, 2)} cores` +
        `${waited >= 1 ? ` (waited ${fmt(waited, 0)} s for quiet)` : ''}${ok ? '' : '  FAILED'}${retry ? '  (retry)' : ''}`,
    );
    // a run disturbed by other work is measured once more (both are kept; the report prefers undisturbed runs)
    if (ok && !retry && r.bg > CONTENDED_CORES && quietBudgetMs > 0) measure(tool, bs, sink, inMode, rep, true);
  };

  const configs = [];
  for (const bs of BLOCK_SIZES) for (const sink of SINKS) for (const inMode of INPUTS) configs.push({ bs, sink, inMode });
  if (state.parts.matrix) {
    log(`\npart 1: ${configs.length} configurations x ${TOOLS.length} tools x ${reps} repetitions`);
    for (let rep = 1; rep <= reps; rep++) {
      warm();
      cached.push(cachedPct());
      configs.forEach((c, i) => {
        const k = (rep + i) % TOOLS.length; // rotate which tool goes first
        for (const tool of [...TOOLS.slice(k), ...TOOLS.slice(0, k)]) measure(tool, c.bs, c.sink, c.inMode, rep);
      });
    }
  }

  // ---------------------------------------------------------------- part 2

  const shm = existsSync('/dev/shm') && freeBytes('/dev/shm') > SIM.total + 2 * GiB ? '/dev/shm' : work;
  state.shm = shm;
  const simCommand = (variant, buf, image) => {
    const src = `node ${q(bursty)} --total ${SIM.total} --burst ${SIM.burst} --burst-rate ${SIM.burstRate} --pause ${SIM.pause} --report`;
    const sink = (m, startAt) =>
      `TAPECOORD_ROOT=${q(tcRoot)} node ${q(simSink)} --image ${q(image)} --rate ${SIM.rate} --backhitch ${SIM.backhitch} -b ${SIM.blockSize} -m ${m} --start-at ${startAt}`;
    if (variant === 'tapecoord') return `${src} | ${sink(buf, 67)}`;
    if (variant === 'tapecoord-P0') return `${src} | ${sink(buf, 0)}`;
    if (variant === 'mbuffer') return `${src} | mbuffer -q -s ${SIM.blockSize} -m ${buf} -o - | ${sink('512k', 0)}`;
    return `${src} | mbuffer -q -s ${SIM.blockSize} -m ${buf} -P 67 -o - | ${sink('512k', 0)}`;
  };
  state.simCommands = Object.fromEntries(SIM_VARIANTS.map((v) => [v, simCommand(v, '1G', '$IMAGE')]));
  if (state.parts.sim) {
    if (freeBytes(shm) < SIM.total + GiB) {
      log(`benchmarks: ${shm} needs ${SIM.total + GiB} bytes free for the simulated tape image`);
      process.exit(2);
    }
    log(`\npart 2: simulated LTO-9 (${SIM.rate / 1e6} MB/s, ${SIM.backhitch} s back-hitch), image in ${shm}, ${simReps} repetitions`);
    for (let rep = 1; rep <= simReps; rep++) {
      for (const buf of SIM.buffers) {
        for (const variant of SIM.variants[buf]) {
          const image = path.join(shm, `tapecoord-bench-${process.pid}.simtape`);
          const cmd = simCommand(variant, buf, image);
          const waited = waitQuiet();
          const r = runWatched(cmd, { timeoutSec: 300 });
          rmSync(image, { force: true });
          const res = lastJson(r.stdout);
          const srcLine = /bursty-source: (\d+) bytes in (\d+) bursts, ([\d.]+) s, mean ([\d.]+) MB\/s/.exec(r.stderr);
          const ok = Boolean(r.status === 0 && res && res.bytes === SIM.total && res.model);
          const rec = {
            rep,
            buf,
            variant,
            ok,
            cmd,
            wall: r.wall,
            utilisation: ok ? res.model.busyNs / res.model.elapsedNs : NaN,
            busy: ok ? res.model.busyNs / 1e9 : NaN,
            elapsed: ok ? res.model.elapsedNs / 1e9 : NaN,
            hitches: ok ? res.model.backHitches : NaN,
            sourceMean: srcLine ? Number(srcLine[4]) : NaN,
            bg: r.bg,
            waited,
          };
          // time the drive stood empty besides the back-hitches charged
          rec.idle = rec.elapsed - rec.busy - rec.hitches * SIM.backhitch;
          state.simRuns.push(rec);
          if (!ok) {
            state.failures.push({ ...rec, status: r.status, stderr: r.stderr.slice(-2000) });
            log(`  FAILED: ${cmd}\n${r.stderr.slice(-800)}`);
          }
          log(
            `  rep ${rep} ${buf.padEnd(4)} ${variant.padEnd(12)} utilisation ${fmt(100 * rec.utilisation, 1).padStart(5)} %  ` +
              `back-hitches ${rec.hitches}  busy ${fmt(rec.busy, 2)} s  elapsed ${fmt(rec.elapsed, 2)} s  source ${fmt(rec.sourceMean, 0)} MB/s  others ${fmt(r.bg, 2)} cores`,
          );
        }
      }
    }
  }

  // ---------------------------------------------------------------- part 3

  if (state.parts.extra) {
    log('\npart 3: tapecoord ring size / start threshold at 16 KiB, file -> /dev/null; perf stat');
    const ringCases = [
      ['4M', 67],
      ['32M', 67],
      ['256M', 67],
      [bufferText, 67],
      [bufferText, 0],
      ['1G', 67],
    ].filter((c, i, a) => a.findIndex((d) => d[0] === c[0] && d[1] === c[1]) === i);
    warm();
    for (let rep = 1; rep <= reps; rep++) {
      for (const [m, startAt] of ringCases) {
        const cmd = `node ${q(tcBin)} stream -i ${q(input)} -o /dev/null -b 16k -m ${m} --start-at ${startAt} --json`;
        waitQuiet(10000);
        const r = runWatched(cmd);
        const j = lastJson(r.stdout);
        const ok = r.status === 0 && j?.bytes === inputSize;
        state.extra.ring.push({ m, startAt, rep, wall: r.wall, cpu: r.cpu, ok, seconds: j?.seconds, stalls: j?.stalls, cmd, bg: r.bg });
        log(`  -m ${m.padEnd(5)} --start-at ${String(startAt).padEnd(2)} ${fmt(inputSize / 1e6 / r.wall, 0).padStart(6)} MB/s  cpu ${fmt(r.cpu, 2)} s  sink stalls ${j?.stalls}`);
      }
    }
    if (havePerf) {
      const tc = (args) => `node ${q(tcBin)} stream -i ${q(input)} -o /dev/null ${args} --json`;
      const perfCases = [
        ['dd bs=16k', `dd if=${q(input)} of=/dev/null bs=16k`],
        [`tapecoord -b 16k -m ${bufferText}`, tc(`-b 16k -m ${bufferText}`)],
        [`tapecoord -b 16k -m ${bufferText} --start-at 0`, tc(`-b 16k -m ${bufferText} --start-at 0`)],
        ['tapecoord -b 16k -m 4M', tc('-b 16k -m 4M')],
        ['dd bs=256k', `dd if=${q(input)} of=/dev/null bs=256k`],
        [`tapecoord -b 256k -m ${bufferText}`, tc(`-b 256k -m ${bufferText}`)],
      ];
      const events = ['task-clock', 'context-switches', 'cpu-migrations', 'page-faults'];
      if (haveSyscallEvents) events.push('syscalls:sys_enter_futex', 'syscalls:sys_enter_read', 'syscalls:sys_enter_write');
      for (const [name, cmd] of perfCases) {
        const csv = path.join(work, 'perf.csv');
        waitQuiet(10000);
        const r = runWatched(`perf stat -x, -o ${q(csv)} -e ${events.join(',')} -- ${cmd} >/dev/null 2>&1`);
        const counters = {};
        for (const line of readFileSync(csv, 'utf8').split('\n')) {
          const f = line.split(',');
          if (f.length > 3 && f[2]) counters[f[2].replace('syscalls:sys_enter_', '')] = Number(f[0]);
        }
        rmSync(csv, { force: true });
        state.extra.perf.push({ name, cmd, wall: r.wall, counters, bg: r.bg });
        log(`  perf ${name.padEnd(34)} ${JSON.stringify(counters)}`);
      }
    }
  }

  cached.push(cachedPct());
  state.elapsedMin = (Date.now() - tStart) / 60000;
  if (!opt.live) rmSync(tcRoot, { recursive: true, force: true });
  return state;
}

// ------------------------------------------------------------------------------ report

function render(st) {
  const lines = [];
  const P = (s = '') => lines.push(s);
  const label = { null: '/dev/null', disk: 'file on disk' };
  const { inputSize, SIM } = st;
  const m = st.machine;

  P('# tapecoord stream vs dd vs mbuffer');
  P();
  P(`Generated by \`${st.quick ? 'node benchmarks/stream.mjs --quick' : 'npm run bench'}\` (benchmarks/stream.mjs), run started ${m.date}, took ${fmt(st.elapsedMin, 1)} min.` +
    (st.quick ? ' **Quick run: smaller input, one repetition; not the reference numbers.**' : ''));
  P('Sections 1–3 are measured and written by the script; the "Analysis" section is benchmarks/analysis.md, written by hand from these measurements.');
  P();
  P('## Machine');
  P();
  P(`- CPU: ${m.nproc} × ${m.cpu} (${m.cpuMore})`);
  P(`- Memory: ${m.mem}; transparent huge pages: \`${m.thp}\``);
  P(`- Kernel: ${m.kernel}; ${m.os}`);
  P(`- Node ${m.node}; ${m.dd}; ${m.mbuffer}`);
  P(`- Disk holding the input and the disk sink: ${m.fs}, mount options \`${m.mount}\`; ${m.dirty}`);
  P(`- tapecoord measured: \`${st.tcBin}\`${st.live ? ' (the working tree)' : ' (a snapshot of bin/, dist/ and build/Release/tapecoord.node copied from the working tree when the run started, removed afterwards)'}: ` +
    `git HEAD ${st.build.gitHead || '?'}, addon built ${st.build.addonTime}, sha256 ${st.build.addonSha.slice(0, 16)}…; ` +
    `uncommitted changes in native/ and lib/ then: ${st.build.gitDirty ? st.build.gitDirty.split('\n').map((l) => '`' + l.trim() + '`').join(', ') : 'none'}`);
  P();

  const configs = [];
  for (const bs of BLOCK_SIZES) for (const sink of SINKS) for (const inMode of INPUTS) configs.push({ bs, sink, inMode });
  // Runs during which the rest of the machine kept more than CONTENDED_CORES busy are left out of
  // the medians when undisturbed runs of the same kind exist.
  const clean = (rs) => {
    const c = rs.filter((r) => !(r.bg > CONTENDED_CORES));
    return c.length ? c : rs;
  };
  const summarize = (tool, c) => {
    const all = st.runs.filter((r) => r.tool === tool && r.bs === c.bs && r.sink === c.sink && r.input === c.inMode && r.ok);
    const rs = clean(all);
    const mbps = rs.map((r) => inputSize / 1e6 / r.wall);
    return {
      n: rs.length,
      nAll: all.length,
      mbps: median(mbps),
      min: Math.min(...mbps),
      max: Math.max(...mbps),
      cpuPerGiB: median(rs.map((r) => r.cpu / (inputSize / GiB))),
      tcInternal: median(rs.map((r) => inputSize / 1e6 / r.tcSeconds)),
    };
  };

  if (st.parts.matrix) {
    P('## 1. Throughput and CPU: the same input, sink, block size and buffer memory for the three tools');
    P();
    P(`Input: \`${st.input}\`, ${fmtSize(inputSize)} of AES-CTR keystream (incompressible), made once and read twice before the run; ` +
      `read once more before every repetition (fincore: ${st.cached.map((x) => fmt(x, 0) + ' %').join(', ')} of it page-cached at the start, before each repetition and at the end). ` +
      `Buffer memory for mbuffer and tapecoord: ${st.bufferText}. ${st.reps} repetitions; inside each the configurations run in turn and for each ` +
      'configuration the three tools run back to back, the first tool rotating. Figures are medians, MB/s range (min–max) in brackets.');
    P();
    P('- **MB/s** = input bytes / wall time of the whole command line (10^6 bytes/s), process start-up included (Node\'s start-up costs tapecoord about 0.1 s).');
    P('- **CPU s/GiB** = user + sys seconds of the command\'s process tree (bash `times` after the command: every process it waited for, ' +
      'so `cat` for pipe input and Node\'s start-up for tapecoord are included) per GiB of input.');
    P('- **Disk sink**: a file in the work directory (same ext4 disk as the input), deleted and `sync`ed before each run, outside the timing. ' +
      'No tool syncs its output (dd and mbuffer do not by default, tapecoord does not for a plain file), and nothing is dropped ' +
      'from the page cache: the disk figures measure writing into the page cache, throttled by dirty-page writeback once the dirty ' +
      'limits are reached (this virtual disk writes about 580 MB/s with O_DIRECT). They vary a lot from run to run: see the ranges.');
    const verified = st.runs.filter((r) => r.verified !== undefined);
    if (verified.length)
      P(`- **Integrity**: in the first repetition each tool's disk output was compared with the input (\`cmp\`, outside the timing): ` +
        `${verified.filter((r) => r.verified).length} of ${verified.length} identical.`);
    P('- **Pipe input**: `cat IN | tool`, the same `cat` for all three (dd reads the pipe with `bs=` and no `iflag=fullblock`, as it is normally used).');
    P('- **tc internal**: tapecoord\'s own MB/s from its --json summary (first byte read to last byte written; no process start-up, no ring allocation).');
    const bgs = st.runs.filter((r) => Number.isFinite(r.bg));
    const disturbed = bgs.filter((r) => r.bg > CONTENDED_CORES);
    P(`- **Other work on the machine**: each run starts only when the rest of the machine is idle (< ${QUIET_CORES} CPUs busy, waiting at most 20 s per run and 4 min in all), ` +
      `and the CPU time the rest of the machine used during the run is recorded (/proc/stat minus the run's own). ` +
      `${disturbed.length} of ${bgs.length} runs were disturbed (others > ${CONTENDED_CORES} CPUs on average; median of all runs ${fmt(median(bgs.map((r) => r.bg)), 2)} CPUs); ` +
      'a disturbed run is measured once more, and the medians use only undisturbed runs where there are any ("n" = runs used per tool).');
    P();
    P('| block | sink | input | dd MB/s | mbuffer MB/s | tapecoord MB/s | tc internal MB/s | tc/dd | tc/mbuffer | dd CPU s/GiB | mbuffer CPU s/GiB | tc CPU s/GiB | tc/dd CPU | n |');
    P('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
    const summary = [];
    for (const c of configs) {
      const s = Object.fromEntries(TOOLS.map((t) => [t, summarize(t, c)]));
      const x = { ...c, s, rDd: s.tapecoord.mbps / s.dd.mbps, rMb: s.tapecoord.mbps / s.mbuffer.mbps, rCpu: s.tapecoord.cpuPerGiB / s.dd.cpuPerGiB };
      summary.push(x);
      const cell = (t) => `${fmt(t.mbps, 0)} (${fmt(t.min, 0)}–${fmt(t.max, 0)})`;
      P(`| ${c.bs} | ${label[c.sink]} | ${c.inMode} | ${cell(s.dd)} | ${cell(s.mbuffer)} | ${cell(s.tapecoord)} | ${fmt(s.tapecoord.tcInternal, 0)} | ` +
        `${fmt(x.rDd, 2)}× | ${fmt(x.rMb, 1)}× | ${fmt(s.dd.cpuPerGiB, 3)} | ${fmt(s.mbuffer.cpuPerGiB, 3)} | ${fmt(s.tapecoord.cpuPerGiB, 3)} | ${fmt(x.rCpu, 2)}× | ` +
        `${TOOLS.map((t) => s[t].n).join('/')} |`);
    }
    P();
    P('### Targets (from the issue; measured, not timed tests)');
    P();
    const get = (bs, sink, inMode) => summary.find((x) => x.bs === bs && x.sink === sink && x.inMode === inMode);
    const verdict = (ok) => (ok ? '**met**' : '**missed**');
    P('| target | measured (medians) | verdict |');
    P('|---|---|---|');
    const t16 = get('16k', 'null', 'file');
    P(`| 16 KiB, file → /dev/null: tapecoord ≥ 1.0× dd | ${fmt(t16.rDd, 2)}× (${fmt(t16.s.tapecoord.mbps, 0)} vs ${fmt(t16.s.dd.mbps, 0)} MB/s) | ${verdict(t16.rDd >= 1)} |`);
    P(`| 16 KiB, file → /dev/null: tapecoord ≥ 10× mbuffer | ${fmt(t16.rMb, 1)}× (${fmt(t16.s.tapecoord.mbps, 0)} vs ${fmt(t16.s.mbuffer.mbps, 0)} MB/s) | ${verdict(t16.rMb >= 10)} |`);
    for (const [bs, sink] of [['256k', 'null'], ['16k', 'disk'], ['256k', 'disk']]) {
      const x = get(bs, sink, 'file');
      P(`| ${bs === '16k' ? '16 KiB' : '256 KiB'}, file → ${label[sink]}: tapecoord ≥ 1.0× dd | ${fmt(x.rDd, 2)}× (${fmt(x.s.tapecoord.mbps, 0)} vs ${fmt(x.s.dd.mbps, 0)} MB/s) | ${verdict(x.rDd >= 1)} |`);
    }
    for (const x of summary) {
      P(`| CPU per GiB within 1.2× of dd: ${x.bs}, ${label[x.sink]}, ${x.inMode} input | ${fmt(x.rCpu, 2)}× (${fmt(x.s.tapecoord.cpuPerGiB, 3)} vs ${fmt(x.s.dd.cpuPerGiB, 3)} s/GiB) | ${verdict(x.rCpu <= 1.2)} |`);
    }
    P();
    P(`Pipe input has no target in the issue; tapecoord/dd there: ${summary.filter((x) => x.inMode === 'pipe').map((x) => `${x.bs} → ${label[x.sink]} ${fmt(x.rDd, 2)}×`).join(', ')}.`);
    P();
    P('### Command lines');
    P();
    P('With `IN`, `OUT` (the disk sink; `/dev/null` for the other sink) and `TC` standing for:');
    P();
    P('```sh');
    P(`IN=${st.input}`);
    P(`OUT=${st.outPath}`);
    P(`TC=${st.tcBin}`);
    P('```');
    P();
    P('```sh');
    const gen = (s) => s.split(st.input).join('$IN').split(st.outPath).join('$OUT').split(st.tcBin).join('$TC');
    for (const c of Object.values(st.commands)) P(gen(c));
    P('```');
    P();
  }

  if (st.parts.sim) {
    P('## 2. Simulated LTO-9 fed by a bursty source: drive utilisation');
    P();
    P(`Drive: tapecoord's simulated tape with its rate model (native/sim_tape.cc): ${SIM.rate / 1e6} MB/s (\`--rate ${SIM.rate}\` exactly; the CLI's ` +
      '`--sim-rate 400M` would mean 400 MiB/s = 419 MB/s, its sizes being binary), a back-hitch of ' +
      `${SIM.backhitch} s charged whenever the modelled drive finds its buffer empty after it has streamed, and the model's default 512 MiB drive buffer. ` +
      `Block size ${SIM.blockSize}. The image is written to ${st.shm} and deleted after each run.`);
    P();
    P(`Source (benchmarks/bursty-source.mjs): bursts of ${SIM.burst / 1e9} GB written at up to ${SIM.burstRate / 1e9} GB/s, each followed by a ` +
      `${SIM.pause} s pause, ${SIM.total / 1e9} GB in all (${Math.ceil(SIM.total / SIM.burst)} bursts, the last one shorter; ${Math.ceil(SIM.total / SIM.burst) - 1} pauses); unthrottled mean rate ` +
      `${fmt(SIM.burst / 1e6 / (SIM.burst / SIM.burstRate + SIM.pause), 0)} MB/s. A burst is an amount of data (it takes longer when the pipe pushes back), ` +
      `a pause is time. To stream through a pause the drive needs ${fmt((SIM.pause * SIM.rate) / 1e6, 0)} MB buffered when it starts: more than ` +
      '256 MiB + the drive\'s 512 MiB (805 MB), less than 1 GiB + 512 MiB (1611 MB). "source MB/s" below is what the source achieved, pauses included.');
    P();
    P('Variants, each with the same buffer memory BUF:');
    P();
    P('- **tapecoord**: the source piped into tapecoord\'s ring of BUF (start writing at 67 % full, the CLI default, then drain to empty).');
    P('- **tapecoord-P0**: the same with `--start-at 0` (a block is written as soon as it is there); with BUF = 1G only.');
    P('- **mbuffer**: `mbuffer -s 256k -m BUF -o -` in front of a tapecoord ring made as small as it goes (512 KiB = 2 slots, `--start-at 0`), so the buffering is mbuffer\'s.');
    P('- **mbuffer-P67**: the same with mbuffer\'s `-P 67` start threshold.');
    P();
    P('Utilisation = modelled busy time / modelled elapsed time (first write to the last byte on tape), from `Medium.modelStats()`, read by ' +
      'benchmarks/sim-sink.mjs, which runs the Transfer that `tapecoord stream -i - -o sim:IMAGE` runs and prints the model\'s counters (the CLI does not). ' +
      `"idle" = elapsed − busy − back-hitches × ${SIM.backhitch} s: time the drive stood empty on top of the back-hitches. Goal: ≥ 99 %.`);
    P();
    P('| BUF | variant | utilisation (median) | per run | back-hitches per run | idle s per run | source MB/s per run | others (CPUs) per run |');
    P('|---|---|---|---|---|---|---|---|');
    for (const buf of SIM.buffers) {
      for (const variant of SIM.variants?.[buf] ?? SIM_VARIANTS) {
        const rs = st.simRuns.filter((r) => r.buf === buf && r.variant === variant);
        const u = median(rs.filter((r) => r.ok).map((r) => r.utilisation));
        P(`| ${buf} | ${variant} | ${fmt(100 * u, 1)} %${Number.isFinite(u) ? (u >= 0.99 ? ' (≥ 99 %)' : ' (< 99 %)') : ''} | ` +
          `${rs.map((r) => (r.ok ? fmt(100 * r.utilisation, 1) : 'failed')).join(', ')} | ${rs.map((r) => r.hitches).join(', ')} | ` +
          `${rs.map((r) => fmt(r.idle, 2)).join(', ')} | ${rs.map((r) => fmt(r.sourceMean, 0)).join(', ')} | ${rs.map((r) => fmt(r.bg, 2)).join(', ')} |`);
      }
    }
    P();
    P(`Command lines (BUF = 1G shown; IMAGE is a file in ${st.shm}; TCROOT=${st.tcRoot}, where sim-sink.mjs loads tapecoord's dist/ from):`);
    P();
    P('```sh');
    for (const c of Object.values(st.simCommands)) P(c.split(st.tcRoot).join('$TCROOT').split(st.here).join('benchmarks').replace("'$IMAGE'", '$IMAGE'));
    P('```');
    P();
  }

  if (st.parts.extra) {
    P('## 3. Diagnosis runs');
    P();
    P(`tapecoord alone, 16 KiB blocks, the input file → /dev/null, by ring size (-m) and start threshold (median of ${st.reps}; ` +
      '"sink stalls" = times the writer thread waited for the ring, from --json):');
    P();
    P('| -m | --start-at | MB/s | tc internal MB/s | CPU s/GiB | sink stalls |');
    P('|---|---|---|---|---|---|');
    const keys = [...new Set(st.extra.ring.map((r) => `${r.m}|${r.startAt}`))];
    for (const k of keys) {
      const [mm, startAt] = k.split('|');
      const rs = clean(st.extra.ring.filter((x) => x.m === mm && String(x.startAt) === startAt && x.ok));
      P(`| ${mm} | ${startAt} | ${fmt(median(rs.map((x) => inputSize / 1e6 / x.wall)), 0)} | ${fmt(median(rs.map((x) => inputSize / 1e6 / x.seconds)), 0)} | ` +
        `${fmt(median(rs.map((x) => x.cpu / (inputSize / GiB))), 3)} | ${median(rs.map((x) => x.stalls))} |`);
    }
    P();
    if (st.extra.perf.length) {
      const hasSys = st.extra.perf.some((p) => 'futex' in p.counters);
      P(`\`perf stat\`, one run each, the ${fmtSize(inputSize)} input file → /dev/null (counts for the whole process tree, Node start-up included):`);
      P();
      P(`| run | wall s | task-clock ms | context switches | page faults | CPU migrations${hasSys ? ' | futex() | read() | write()' : ''} | others (CPUs) |`);
      P(`|---|---|---|---|---|---|${hasSys ? '---|---|---|' : ''}---|`);
      for (const p of st.extra.perf) {
        const c = p.counters;
        P(`| ${p.name} | ${fmt(p.wall, 2)} | ${fmt(c['task-clock'], 0)} | ${c['context-switches']} | ${c['page-faults']} | ${c['cpu-migrations']}${hasSys ? ` | ${c.futex} | ${c.read} | ${c.write}` : ''} | ${fmt(p.bg, 2)} |`);
      }
      P();
    }
  }

  if (st.failures.length) {
    P('## Failed runs');
    P();
    for (const f of st.failures) P(`- \`${f.cmd}\`: status ${f.status} ${f.signal ?? ''}; ${String(f.stderr ?? '').replace(/\s+/g, ' ').slice(-300)}`);
    P();
  }

  const analysisFile = path.join(here, 'analysis.md');
  const report = lines.join('\n');
  const analysis = existsSync(analysisFile) ? `## Analysis\n\n${readFileSync(analysisFile, 'utf8').trim()}\n` : '';
  return { report, analysis };
}

// ------------------------------------------------------------------------------ main

let state;
if (opt.render) {
  state = JSON.parse(readFileSync(opt.render, 'utf8'));
} else {
  state = measureAll();
  const raw = path.join(path.resolve(opt.work), state.quick ? 'results-quick.json' : 'results.json');
  writeFileSync(raw, JSON.stringify(state, null, 1));
  log(`raw measurements: ${raw}`);
}
const outFile = path.resolve(opt.out ?? (state.quick ? path.join(path.resolve(opt.work), 'RESULTS-quick.md') : path.join(here, 'RESULTS.md')));
const { report, analysis } = render(state);
// other benchmarks keep their own sections at the end of the file (bench:planner's `## Planner`)
const previous = existsSync(outFile) ? readFileSync(outFile, 'utf8') : '';
const kept = previous.indexOf('\n## Planner');
writeFileSync(outFile, report + (analysis ? '\n' + analysis : '') + (kept >= 0 ? previous.slice(kept) : ''));
process.stdout.write(report.replace(/```[a-z]*\n/g, '') + '\n');
log(`wrote ${outFile}`);
process.exitCode = state.failures.length ? 1 : 0;
