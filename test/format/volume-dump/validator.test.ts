// The validating pass-through: bytes flow unchanged; a bad chunk stops the stream before it is passed on.
import t from 'tap';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { VolumeDumpValidator } from '../../../lib/format/volume-dump/validator.js';
import type { VolumeDumpSummary } from '../../../lib/format/volume-dump/summary.js';
import { generateVolumeDump } from '../../helpers/volume-dump-gen.js';

function chunked(bytes: Buffer, size: number): Readable {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return Readable.from(chunks, { objectMode: false });
}

function collector(): { sink: Writable; got: Buffer[] } {
  const got: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      got.push(chunk);
      cb();
    },
  });
  return { sink, got };
}

t.test('a valid dump passes through unchanged', async (t) => {
  const g = generateVolumeDump({ seed: 40, directories: 3, files: 25, symlinks: 2, maxFileBytes: 9000 });
  const v = new VolumeDumpValidator({ expectedVolumeId: 536870915, expectedLength: g.bytes.length });
  let emitted: VolumeDumpSummary | undefined;
  v.on('summary', (s: VolumeDumpSummary) => (emitted = s));
  const { sink, got } = collector();
  await pipeline(chunked(g.bytes, 777), v, sink);
  t.ok(Buffer.concat(got).equals(g.bytes), 'same bytes out');
  t.same(v.summary, g.summary);
  t.same(emitted, g.summary, "'summary' emitted");
});

t.test('a bad chunk fails the stream and is not passed on', async (t) => {
  const g = generateVolumeDump({ seed: 41, files: 10 });
  // An invalid tag 0xff after the attributes of every vnode: the first directory's fails the walk.
  const bad = generateVolumeDump({ seed: 41, files: 10, extra: { vnode: Buffer.from([0xff]) } }).bytes;
  const size = 100;
  const v = new VolumeDumpValidator();
  const { sink, got } = collector();
  const e = await pipeline(chunked(bad, size), v, sink).then(
    () => undefined,
    (e: unknown) => e,
  );
  t.match(e, { name: 'VolumeDumpError', reason: 'invalid-tag', tag: 0xff, vnode: 1 });
  const offset = (e as { offset: number }).offset;
  t.equal(bad[offset], 0xff);
  t.ok(offset > 2 * size, `fails at byte ${offset}, beyond the first chunks`);
  const passed = Buffer.concat(got);
  t.equal(passed.length, Math.floor(offset / size) * size, 'every chunk before the failing one, none after');
  t.ok(passed.equals(bad.subarray(0, passed.length)));
  t.equal(v.summary, undefined);

  const cut = new VolumeDumpValidator({ expectedVolumeId: 536870915 });
  const c2 = collector();
  const e2 = await pipeline(chunked(g.bytes.subarray(0, g.bytes.length - 3), 64), cut, c2.sink).then(
    () => undefined,
    (e: unknown) => e,
  );
  t.match(e2, { name: 'VolumeDumpError', reason: 'truncated', offset: g.bytes.length - 3 });

  const wrong = new VolumeDumpValidator({ expectedVolumeId: 1 });
  const c3 = collector();
  const e3 = await pipeline(chunked(g.bytes, 64), wrong, c3.sink).then(
    () => undefined,
    (e: unknown) => e,
  );
  t.match(e3, { reason: 'wrong-volume-id', offset: 10 });
  t.equal(Buffer.concat(c3.got).length, 0, 'the first chunk holds the dump header: nothing passed');
});
