#!/usr/bin/env node
// Benchmark helper: a bursty, deterministic, incompressible data source on stdout.
//
// The schedule repeats a period: a burst of --burst bytes written no faster than --burst-rate
// bytes/s, then a pause of --pause seconds with nothing written, until --total bytes are out. A
// burst is a quantity of data, a pause a length of time: when the pipe pushes back (the buffer
// behind it is full) the burst takes longer and the pause still follows it, as with a backup client
// that alternates between streaming large files and scanning. Unthrottled mean rate:
// burst / (burst / burstRate + pause). The data is AES-128-CTR of zeros under a fixed key (the same
// bytes on every run), written from a 16 MiB buffer in 1 MiB write() calls.
//
//   node benchmarks/bursty-source.mjs --total 7200000000 --burst 2400000000 \
//        --burst-rate 1500000000 --pause 2.6 [--chunk 1048576] [--report]
// --report prints the achieved schedule (bytes, seconds, mean rate) on stderr at the end.
import { createCipheriv } from 'node:crypto';
import { writeSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values: o } = parseArgs({
  options: {
    total: { type: 'string' },
    burst: { type: 'string' },
    'burst-rate': { type: 'string' },
    pause: { type: 'string' },
    chunk: { type: 'string', default: String(1 << 20) },
    report: { type: 'boolean', default: false },
  },
});
const num = (name) => {
  const v = Number(o[name]);
  if (!Number.isFinite(v) || v < 0) throw new RangeError(`--${name}: '${o[name]}' must be a number`);
  return v;
};
const total = num('total');
const burst = num('burst');
const burstRate = num('burst-rate');
const pauseNs = BigInt(Math.round(num('pause') * 1e9));
const chunk = num('chunk');
if (burst <= 0 || burstRate <= 0 || chunk <= 0) throw new RangeError('--burst, --burst-rate and --chunk must be > 0');

const pool = createCipheriv('aes-128-ctr', Buffer.alloc(16, 0x5a), Buffer.alloc(16, 0)).update(Buffer.alloc(16 << 20));
const sleeper = new Int32Array(new SharedArrayBuffer(4));
const now = () => process.hrtime.bigint();
function sleepNs(ns) {
  if (ns > 0n) Atomics.wait(sleeper, 0, 0, Number(ns) / 1e6);
}
function writeAll(buf) {
  let done = 0;
  while (done < buf.length) {
    try {
      done += writeSync(1, buf, done, buf.length - done);
    } catch (e) {
      if (e.code === 'EAGAIN') {
        sleepNs(100_000n);
        continue;
      }
      if (e.code === 'EPIPE') process.exit(1);
      throw e;
    }
  }
}

const start = now();
let sent = 0;
let poolAt = 0;
let bursts = 0;
while (sent < total) {
  // one burst, paced to burstRate from its own start
  const burstStart = now();
  const burstBytes = Math.min(burst, total - sent);
  let inBurst = 0;
  while (inBurst < burstBytes) {
    const n = Math.min(chunk, burstBytes - inBurst, pool.length - poolAt);
    writeAll(pool.subarray(poolAt, poolAt + n));
    poolAt = (poolAt + n) % pool.length;
    inBurst += n;
    const due = burstStart + BigInt(Math.round((inBurst / burstRate) * 1e9));
    sleepNs(due - now());
  }
  sent += burstBytes;
  bursts++;
  if (sent < total) sleepNs(pauseNs);
}
if (o.report) {
  const s = Number(now() - start) / 1e9;
  process.stderr.write(`bursty-source: ${sent} bytes in ${bursts} bursts, ${s.toFixed(3)} s, mean ${(sent / 1e6 / s).toFixed(1)} MB/s\n`);
}
