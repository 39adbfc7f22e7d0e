#!/usr/bin/env node
// Benchmark helper: stdin -> tapecoord's native ring (Transfer) -> a simulated tape with the rate
// model, then one JSON line on stdout with the transfer's counters and the modelled drive's
// busyNs / elapsedNs / backHitches (Medium.modelStats(), which `tapecoord stream` does not print).
// It does what `tapecoord stream -i - -o sim:IMAGE --sim-rate R --sim-backhitch S -b B -m M
// --start-at P` does (lib/cli/stream.ts), plus reading the model's counters before closing.
//
//   node benchmarks/sim-sink.mjs --image PATH [--rate 400M] [--backhitch 2] [-b 256k] [-m 256M]
//        [--start-at 67] [--drive-buffer SIZE] [--keep]
import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const lib = process.env.TAPECOORD_ROOT ? path.resolve(process.env.TAPECOORD_ROOT) : root;
const { Medium, Transfer, StreamError } = await import(path.join(lib, 'dist', 'lib', 'index.js'));
const { parseSize } = await import(path.join(lib, 'dist', 'lib', 'util', 'size.js'));

const { values: o } = parseArgs({
  options: {
    image: { type: 'string' },
    rate: { type: 'string', default: '400M' },
    backhitch: { type: 'string', default: '2' },
    'block-size': { type: 'string', short: 'b', default: '256k' },
    buffer: { type: 'string', short: 'm', default: '256M' },
    'start-at': { type: 'string', default: '67' },
    'drive-buffer': { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
if (!o.image) throw new Error('--image PATH is required');
const blockSize = parseSize(o['block-size'], '--block-size');
const bufferSize = Math.max(parseSize(o.buffer, '--buffer'), 2 * blockSize);
rmSync(o.image, { force: true });
const medium = await Medium.open(
  { kind: 'sim', path: o.image },
  {
    create: true,
    rateBytesPerSec: parseSize(o.rate, '--rate'),
    backHitchNs: Math.round(Number(o.backhitch) * 1e9),
    ...(o['drive-buffer'] ? { driveBufferBytes: parseSize(o['drive-buffer'], '--drive-buffer') } : {}),
  },
);
const t0 = process.hrtime.bigint();
const transfer = new Transfer({ fd: 0, name: 'stdin' }, { medium }, {
  blockSize,
  bufferSize,
  highWater: Number(o['start-at']) / 100,
  lowWater: 0,
});
let error = null;
try {
  await transfer.done;
} catch (e) {
  if (!(e instanceof StreamError)) throw e;
  error = e.message;
}
const wallNs = Number(process.hrtime.bigint() - t0);
const s = transfer.stats();
const model = medium.modelStats();
await medium.close();
if (!o.keep) rmSync(o.image, { force: true });
process.stdout.write(
  JSON.stringify({
    bytes: s.payloadOut,
    blocks: s.blocks,
    wallSeconds: wallNs / 1e9,
    ringBytes: s.ringSlots * s.slotSize,
    sinkStalls: s.sinkStalls,
    sourceStalls: s.sourceStalls,
    model,
    utilisation: model && model.elapsedNs > 0 ? model.busyNs / model.elapsedNs : null,
    error,
  }) + '\n',
);
process.exitCode = error ? 1 : 0;
