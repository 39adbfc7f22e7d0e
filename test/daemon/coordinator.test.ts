import t, { type Test } from 'tap';
import { createHash } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { loadConfig } from '../../lib/daemon/config.js';
import { Coordinator } from '../../lib/daemon/coordinator.js';
import type { ApiEvent } from '../../lib/api/events.js';
import { pseudoRandom, tempDir } from '../helpers/tmp.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function open(t: Test, extra: Record<string, unknown> = {}) {
  const dir = tempDir(t);
  const config = loadConfig(null, { varDir: dir, blockSize: '64k', bufferSize: '1M', simulation: { capacity: '8M', earlyWarning: '2M' }, ...extra });
  const c = await Coordinator.open(config);
  t.teardown(() => c.close());
  return c;
}

function collect(): { sink: PassThrough; data: () => Buffer } {
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (c: Buffer) => chunks.push(c));
  return { sink, data: () => Buffer.concat(chunks) };
}

t.test('a dump spans cartridges at early warning and restores byte-identical', async (t) => {
  const c = await open(t);
  const data = pseudoRandom(20 << 20, 7);
  const events: ApiEvent[] = [];
  const dumped = await c.start(
    [
      { type: 'operation', value: 'dump' },
      { type: 'name', value: 'home' },
      { type: 'input', value: Readable.from([data.subarray(0, 5 << 20), data.subarray(5 << 20)]) },
    ],
    { all: (e) => events.push(e) },
  );
  t.equal(dumped.code, 'NORMAL', dumped.message);
  const result = dumped.result as { pieces: { cartridge: number; file: number; bytes: number }[]; bytes: number };
  t.equal(result.bytes, data.length);
  t.ok(result.pieces.length >= 3, `${result.pieces.length} pieces`);
  t.same(
    result.pieces.map((p) => p.file),
    result.pieces.map(() => 1),
    'each piece is file 1 of a fresh cartridge',
  );
  t.ok(events.some((e) => e.kind === 'log' && e.subtype === 'new-saveset'));
  const out = collect();
  const restored = await c.start([
    { type: 'operation', value: 'restore' },
    { type: 'name', value: 'home' },
    { type: 'output', value: out.sink },
  ]);
  t.equal(restored.code, 'NORMAL', restored.message);
  t.equal(sha(out.data()), sha(data), 'restored bytes are the dumped bytes');
});
