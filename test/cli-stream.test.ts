// `tapecoord stream` and `tapecoord status` as a user runs them.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pseudoRandom, tempDir } from './helpers/tmp.js';
import { sha256 } from './helpers/streams.js';

const bin = resolve(import.meta.dirname, '..', 'bin', 'tapecoord');

function tapecoord(args: string[], input?: Buffer) {
  const r = spawnSync(process.execPath, [bin, ...args], { input, maxBuffer: 64 << 20 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString() };
}

t.test('file -> sim -> file, --json summary, --filemark', async (t) => {
  const dir = tempDir(t);
  const data = pseudoRandom(3_000_000, 5);
  writeFileSync(join(dir, 'in'), data);
  const w = tapecoord(['stream', '-i', join(dir, 'in'), '-o', `sim:${join(dir, 't.simtape')}`, '-b', '64k', '-m', '1M', '--filemark', '--json']);
  t.equal(w.status, 0, w.stderr);
  const ws = JSON.parse(w.stdout.toString());
  t.match(ws, { bytes: data.length, blocks: Math.ceil(data.length / 65536), blockSize: 65536, filemarks: 1, error: null });
  t.ok(ws.mbPerSec > 0);
  const r = tapecoord(['stream', '-i', `sim:${join(dir, 't.simtape')}`, '-o', join(dir, 'out'), '--json']);
  t.equal(r.status, 0, r.stderr);
  t.match(JSON.parse(r.stdout.toString()), { bytes: data.length, blockSize: 65536 }, 'the block size was found on the tape');
  t.equal(sha256(readFileSync(join(dir, 'out'))), sha256(data));
  const s = tapecoord(['status', `sim:${join(dir, 't.simtape')}`]);
  t.equal(s.status, 0);
  t.match(s.stdout.toString(), /^SCSI 2 tape drive:\nFile number=0, block number=0, partition=0\.\nTape block size 0 bytes/);
  t.match(s.stdout.toString(), /BOT ONLINE/);
});

t.test('stdin -> stdout through the ring', async (t) => {
  const data = pseudoRandom(1_000_000, 6);
  const r = tapecoord(['stream', '-i', '-', '-o', '-', '-b', '16k', '-m', '256k'], data);
  t.equal(r.status, 0, r.stderr);
  t.equal(sha256(r.stdout), sha256(data));
  t.match(r.stderr, /stream: 1000000 bytes .* 62 blocks of 16384/);
});

t.test('--file-offsets pads the last record', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'in'), pseudoRandom(20000, 7));
  const r = tapecoord(['stream', '-i', join(dir, 'in'), '-o', join(dir, 'out'), '-b', '16k', '-m', '64k', '--file-offsets']);
  t.equal(r.status, 0, r.stderr);
  t.equal(readFileSync(join(dir, 'out')).length, 32768);
});

t.test('end of medium: exit 1 with the exact counts', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'in'), pseudoRandom(1 << 20, 8));
  const r = tapecoord(['stream', '-i', join(dir, 'in'), '-o', `sim:${join(dir, 'small.simtape')}`, '-b', '16k', '-m', '256k',
    '--sim-capacity', '500k', '--sim-early-warning', '100k', '--json']);
  t.equal(r.status, 1);
  const j = JSON.parse(r.stdout.toString());
  t.equal(j.error.endOfMedium, true);
  t.equal(j.blocks, 31, '31 blocks of 16 KiB fit in 500 KiB');
  t.equal(j.earlyWarningBlock, 26, 'early warning after the block that went past 400 KiB');
  t.match(r.stderr, /early warning .* after 26 blocks/);
  t.match(r.stderr, /end of medium: 31 blocks \(507904 bytes\)/);
});

t.test('bad arguments name the option', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'in'), 'x');
  const cases: Array<[string[], RegExp]> = [
    [['stream', '-i', join(dir, 'in'), '-o', '/dev/null', '-b', 'lots'], /--block-size: 'lots' is not a size/],
    [['stream', '-i', join(dir, 'in'), '-o', '/dev/null', '-m', '1k', '-b', '16k'], /buffer size 1024 must hold at least two blocks of 16384 bytes/],
    [['stream', '-i', join(dir, 'missing'), '-o', '/dev/null'], /ENOENT/],
    [['stream', '-i', join(dir, 'in'), '-o', '/dev/null', '--start-at', '150'], /--start-at: '150' must be a percentage/],
    [['stream', '-i', join(dir, 'in'), '-o', 'sim:'], /sim: needs a path/],
    [['stream', '-o', '/dev/null'], /required option '-i, --input <source>'/],
  ];
  for (const [args, pattern] of cases) {
    const r = tapecoord(args);
    t.not(r.status, 0, args.join(' '));
    t.match(r.stderr, pattern, args.join(' '));
  }
});
