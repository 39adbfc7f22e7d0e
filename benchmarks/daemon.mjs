#!/usr/bin/env node
// `npm run bench:daemon`: the daemon path against dd and mbuffer in one run.
//
// A dump through `tapecoord serve` is the client (`tapecoord dump`), the control socket (stdin is
// sent in length-prefixed frames; a FILE is opened by the daemon itself), the job (1 MiB pieces
// into the native ring, tape-file header, filemark, catalog records) and the simulated library's
// cartridge (a file on disk, no rate model). It is set against dd and mbuffer copying the same
// page-cached input to a file on the same disk with the same block size (256 KiB) and, for
// mbuffer and tapecoord, the same buffer memory (64 MiB); with the input as a path and through a
// pipe (`cat IN | ...`). A restore (cartridge -> daemon -> socket -> client -> /dev/null) is set
// against dd and mbuffer reading the dd copy to /dev/null. Tools alternate inside each repetition
// (the first one rotating); medians of --reps are reported.
//
// MB/s = input bytes / wall time of the client command (the daemon runs already; its start-up is
// outside). CPU s/GiB = user+sys of the command's process tree plus, for tapecoord, the daemon's.
//
//   node benchmarks/daemon.mjs [--reps 3] [--input-size 2G] [--work DIR]
//
// Writes the section "## The daemon path" of benchmarks/RESULTS.md (replacing an earlier one).
import { spawn, spawnSync } from 'node:child_process';
import { createCipheriv } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..');
const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
const BLOCK = '256k';
const BUFFER = '64M';

const { values: opt } = parseArgs({
  options: {
    reps: { type: 'string', default: '3' },
    'input-size': { type: 'string', default: '2G' },
    work: { type: 'string', default: path.join(here, '.work', 'daemon') },
  },
});
const reps = Number(opt.reps);
const inputSize = (() => {
  const m = /^(\d+)([MG])$/i.exec(opt['input-size']);
  if (!m) throw new RangeError(`--input-size '${opt['input-size']}': expected e.g. 512M or 2G`);
  return Number(m[1]) * (m[2].toUpperCase() === 'G' ? GiB : MiB);
})();
const work = path.resolve(opt.work);
const log = (s) => process.stderr.write(`bench:daemon: ${s}\n`);
const q = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;
const tc = path.join(repo, 'bin', 'tapecoord');
for (const tool of ['dd', 'mbuffer', 'cat']) {
  if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) throw new Error(`${tool} is not installed`);
}
if (!existsSync(path.join(repo, 'dist', 'lib', 'cli', 'main.js'))) throw new Error('build first: npm run compile');

/** Wall seconds and user+sys CPU seconds of a bash command line (bash `times`). */
function run(cmd) {
  const script = `set -o pipefail\n${cmd}\nrc=$?\ntimes >&3\nexit $rc\n`;
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/bin/bash', ['-c', script], { stdio: ['ignore', 'pipe', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' }, timeout: 900_000 });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd}: exit ${r.status}: ${r.stderr}`);
  const m = /(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s/.exec(r.output[3].toString().trim().split('\n')[1] ?? '');
  return { wall, cpu: m ? Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4]) : NaN, stdout: r.stdout.toString() };
}

const HZ = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;
/** user+sys seconds a process has used so far (/proc/PID/stat fields 14 and 15). */
function processCpu(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(f[11]) + Number(f[12])) / HZ;
}

function settleDisk() {
  spawnSync('sync');
}

/** The input: incompressible (AES-CTR keystream), made once, then kept page-cached. */
function makeInput() {
  mkdirSync(work, { recursive: true });
  const file = path.join(work, 'input.bin');
  if (existsSync(file) && statSync(file).size === inputSize) return file;
  log(`making ${inputSize} bytes of input`);
  const cipher = createCipheriv('aes-128-ctr', Buffer.alloc(16, 7), Buffer.alloc(16));
  const fd = openSync(file, 'w');
  const zero = Buffer.alloc(8 * MiB);
  for (let n = 0; n < inputSize; n += zero.length) writeSync(fd, cipher.update(zero.subarray(0, Math.min(zero.length, inputSize - n))));
  closeSync(fd);
  return file;
}

/** A fresh `tapecoord serve` on a simulated library big enough for two dumps on one cartridge. */
async function startDaemon() {
  const varDir = path.join(work, 'var');
  rmSync(varDir, { recursive: true, force: true });
  mkdirSync(varDir, { recursive: true });
  const config = path.join(work, 'tapecoord.json');
  const capacity = `${Math.ceil((2 * inputSize + GiB) / MiB)}M`;
  writeFileSync(config, JSON.stringify({ varDir, log: null, blockSize: BLOCK, bufferSize: BUFFER, simulation: { capacity, earlyWarning: '1G' } }));
  settleDisk();
  const child = spawn(process.execPath, [tc, 'serve', '--config', config], { stdio: ['ignore', 'ignore', 'inherit'] });
  const socket = path.join(varDir, 'tapecoord.sock');
  for (let i = 0; i < 200 && !existsSync(socket); i++) await sleep(50);
  if (!existsSync(socket)) throw new Error('tapecoord serve did not start');
  return {
    socket,
    pid: child.pid,
    stop: () => new Promise((r) => (child.kill('SIGTERM'), child.once('exit', r))),
  };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main() {
  const input = makeInput();
  const copy = path.join(work, 'copy.out');
  run(`cat ${q(input)} > /dev/null; cat ${q(input)} > /dev/null`);
  const started = new Date();
  const rows = {}; // key -> tool -> [{wall, cpu}]
  const note = (key, tool, r) => ((rows[key] ??= {})[tool] ??= []).push(r);
  let verified = null;
  for (let rep = 0; rep < reps; rep++) {
    log(`repetition ${rep + 1} of ${reps}`);
    const daemon = await startDaemon();
    const tcRun = (cmd) => {
      const before = processCpu(daemon.pid);
      const r = run(cmd);
      return { wall: r.wall, cpu: r.cpu + processCpu(daemon.pid) - before, stdout: r.stdout };
    };
    const sink = (tool) => path.join(work, `${tool}.out`);
    const dumps = {
      file: {
        dd: () => run(`dd if=${q(input)} of=${q(sink('dd'))} bs=${BLOCK} status=none`),
        mbuffer: () => run(`mbuffer -q -i ${q(input)} -o ${q(sink('mbuffer'))} -s ${BLOCK} -m ${BUFFER}`),
        tapecoord: () => tcRun(`${q(tc)} dump --name bench-file --socket ${q(daemon.socket)} ${q(input)}`),
      },
      pipe: {
        dd: () => run(`cat ${q(input)} | dd of=${q(sink('dd'))} bs=${BLOCK} status=none`),
        mbuffer: () => run(`cat ${q(input)} | mbuffer -q -o ${q(sink('mbuffer'))} -s ${BLOCK} -m ${BUFFER}`),
        tapecoord: () => tcRun(`cat ${q(input)} | ${q(tc)} dump --name bench-pipe --socket ${q(daemon.socket)} -`),
      },
    };
    for (const [how, tools] of Object.entries(dumps)) {
      const order = Object.keys(tools);
      for (let i = 0; i < order.length; i++) {
        const tool = order[(i + rep) % order.length];
        rmSync(sink(tool), { force: true });
        settleDisk();
        note(`dump ${how}`, tool, tools[tool]());
      }
    }
    run(`cp ${q(sink('dd'))} ${q(copy)}`);
    const restores = {
      dd: () => run(`dd if=${q(copy)} of=/dev/null bs=${BLOCK} status=none`),
      mbuffer: () => run(`mbuffer -q -i ${q(copy)} -o /dev/null -s ${BLOCK} -m ${BUFFER}`),
      tapecoord: () => tcRun(`${q(tc)} restore --name bench-file --socket ${q(daemon.socket)} -o /dev/null`),
    };
    const order = Object.keys(restores);
    for (let i = 0; i < order.length; i++) {
      const tool = order[(i + rep) % order.length];
      settleDisk();
      note('restore', tool, restores[tool]());
    }
    if (rep === 0) {
      const out = path.join(work, 'restored.out');
      run(`${q(tc)} restore --name bench-pipe --socket ${q(daemon.socket)} -o ${q(out)}`);
      verified = spawnSync('cmp', ['-s', out, input]).status === 0;
      rmSync(out, { force: true });
    }
    await daemon.stop();
    for (const tool of ['dd', 'mbuffer']) rmSync(sink(tool), { force: true });
  }
  rmSync(copy, { force: true });
  rmSync(path.join(work, 'var'), { recursive: true, force: true });
  render(started, rows, verified);
}

function render(started, rows, verified) {
  const head = spawnSync('git', ['-C', repo, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).stdout.trim();
  const cpus = os.cpus();
  const mbs = (rs) => inputSize / median(rs.map((r) => r.wall)) / 1e6;
  const cpuPerGiB = (rs) => median(rs.map((r) => r.cpu)) / (inputSize / GiB);
  const lines = [
    '## The daemon path (`tapecoord dump` / `restore` through `tapecoord serve`)',
    '',
    `Generated by \`npm run bench:daemon\` (benchmarks/daemon.mjs), run started ${started.toISOString()}, git ${head}, ` +
      `${cpus.length} × ${cpus[0]?.model.trim()}, Node ${process.version}. Input: ${inputSize / GiB} GiB of AES-CTR keystream, page-cached; ` +
      `block ${BLOCK}, buffer ${BUFFER} (mbuffer -m, the daemon's ring); ${reps} repetitions, medians. ` +
      `Dumps go to a file on the same disk (dd, mbuffer) or to a simulated cartridge there (tapecoord: header block, data, filemark, catalog records); ` +
      `restores read the dd copy (dd, mbuffer) or the cartridge through the daemon and its socket, to /dev/null. ` +
      `MB/s = input bytes / wall time of the client command; CPU = user+sys of the command's process tree, plus the daemon's for tapecoord. ` +
      `Restored bytes equal to the input (\`cmp\`, first repetition, the piped dump): ${verified ? 'yes' : 'NO'}.`,
    '',
    '| run | dd MB/s | mbuffer MB/s | tapecoord MB/s | tc/dd | tc/mbuffer | dd CPU s/GiB | mbuffer CPU s/GiB | tc CPU s/GiB |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const [key, tools] of Object.entries(rows)) {
    const [d, m, t] = ['dd', 'mbuffer', 'tapecoord'].map((x) => tools[x]);
    lines.push(
      `| ${key} | ${mbs(d).toFixed(0)} | ${mbs(m).toFixed(0)} | ${mbs(t).toFixed(0)} | ${(mbs(t) / mbs(d)).toFixed(2)}× | ${(mbs(t) / mbs(m)).toFixed(2)}× | ` +
        `${cpuPerGiB(d).toFixed(3)} | ${cpuPerGiB(m).toFixed(3)} | ${cpuPerGiB(t).toFixed(3)} |`,
    );
  }
  const section = lines.join('\n') + '\n';
  const file = path.join(here, 'RESULTS.md');
  const previous = readFileSync(file, 'utf8');
  const at = previous.indexOf('\n## The daemon path');
  let text;
  if (at < 0) text = previous.trimEnd() + '\n\n' + section;
  else {
    const next = previous.indexOf('\n## ', at + 1);
    text = previous.slice(0, at + 1) + section + (next >= 0 ? previous.slice(next) : '');
  }
  writeFileSync(file, text);
  process.stdout.write(section);
}

await main();
