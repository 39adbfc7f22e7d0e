// `tapecoord media` against media written by the real OpenAFS 1.8.9 butc (test/fixtures/openafs):
// readlabel and scan print what butc printed; scan lists what `backup dumpinfo -verbose` recorded;
// extract gives back the `vos dump` bytes, across fragments and media; and write, given the same
// `vos dump` streams, produces media byte-identical to butc's except for creation and end times.
process.env.TZ = 'UTC'; // the fixtures' text was printed in UTC
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { RecordDevice } from '../../lib/format/butm/index.js';
import { MediaError } from '../../lib/media/errors.js';
import { extractVolume, type VolumeSelector } from '../../lib/media/extract.js';
import { openMedium, UNLIMITED_KB } from '../../lib/media/open.js';
import { scanMedia } from '../../lib/media/scan.js';
import { writeDump, type WriteOptions } from '../../lib/media/write.js';
import { tempDir } from '../helpers/tmp.js';
import { fixture, fixtureBytes, fixtureDir, maskTimes, MemorySink, spanMedia, withMedia } from '../helpers/openafs-fixtures.js';

const tapecoord = resolve(import.meta.dirname, '..', '..', 'bin', 'tapecoord');
const FX_SERVER = (198 << 24) | (18 << 16) | 1; // 198.18.0.1, the lab fileserver

const opened = <T>(paths: string[], fn: (devices: RecordDevice[]) => Promise<T>, capacityKB = UNLIMITED_KB, readOnly = true): Promise<T> =>
  withMedia(paths, fn, { capacityKB, readOnly });

async function extract(paths: string[], selector: VolumeSelector): Promise<Buffer> {
  const sink = new MemorySink();
  await opened(paths, (devices) => extractVolume(devices, selector, sink));
  return sink.bytes;
}

/** `backup dumpinfo -id ID -verbose`'s volume entries. */
function dumpinfoVolumes(id: number): { name: string; tapeSeq: number; position: number; nBytes: number; first: boolean; last: boolean }[] {
  const text = readFileSync(fixture(`dumpinfo-${id}.txt`), 'utf8');
  return text
    .split(/\nVolume\n------\n/)
    .slice(1)
    .map((block) => {
      const field = (k: string): string => new RegExp(`^${k} = (.*)$`, 'm').exec(block)?.[1] ?? '';
      return {
        name: field('name'),
        tapeSeq: Number(field('tapeSeq')),
        position: Number(field('position')),
        nBytes: Number(field('nBytes')),
        first: field('flags').includes('First fragment'),
        last: field('flags').includes('Last fragment'),
      };
    });
}

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(tapecoord, args, { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

t.test('readlabel and scan print exactly what the real butc printed for the same media', async (t) => {
  for (const m of ['full-append', 'label', 'savedb']) {
    const r = cli(['media', 'readlabel', fixture(`${m}.butc`)]);
    t.equal(r.status, 0, `${m}: exit 0 (${r.stderr})`);
    const butc = readFileSync(fixture(`${m}.readlabel.txt`), 'utf8');
    const block = /Tape label\n[\s\S]*?-- End of tape label --\n\n/.exec(butc)?.[0];
    t.equal(r.stdout, block, `${m}: the label block of butc's readlabel`);
  }
  const scan = cli(['media', 'scan', fixture('full-append.butc')]);
  t.equal(scan.status, 0);
  const butc = readFileSync(fixture('full-append.scantape.txt'), 'utf8');
  t.equal(scan.stdout, butc.slice(butc.indexOf('Dump label'), butc.indexOf('Scantape: Finished')), "butc's scantape: labels and volume headers, appended dump included");
});

t.test('scan lists the fragments backup dumpinfo recorded: positions, media, bytes, first and last', async (t) => {
  const ids = readdirSync(fixtureDir)
    .map((f) => /^dumpinfo-(\d+)\.txt$/.exec(f)?.[1])
    .filter((x): x is string => x !== undefined)
    .map(Number);
  const single = await opened([fixture('full-append.butc')], scanMedia);
  const span = await opened(spanMedia, scanMedia);
  let compared = 0;
  for (const scan of [single, span]) {
    for (const dump of scan.dumps) {
      t.ok(ids.includes(dump.id), `dump ${dump.id} is in the backup database`);
      const recorded = dumpinfoVolumes(dump.id);
      const seen = dump.volumes.map((v) => ({ name: v.name, tapeSeq: v.medium + 1, position: v.position, nBytes: v.bytes, first: v.fragment === 1, last: !v.continues }));
      t.same(seen, recorded, `dump ${dump.id} (${dump.name}): ${recorded.length} fragments as budb has them`);
      compared += recorded.length;
    }
  }
  t.equal(compared, 3 + 8, 'full + incremental (3 fragments) and the spanning dump (8 fragments over 7 media)');
  t.same(
    single.dumps.map((d) => [d.name, d.level, d.dumpPath, d.complete]),
    [
      ['fx.full', 0, '/full', true],
      ['fx.incr', 1, '/full/incr', true],
    ],
  );
  t.equal(single.dumps[1]!.parentId, single.dumps[0]!.id, "the incremental's parent is the full dump");
  t.same(
    single.labels.map((l) => [l.position, l.appended]),
    [
      [0, false],
      [22, true],
    ],
    'the appended label at record 22 (budb labelPos)',
  );
});

t.test('extract gives back the vos dump bytes, stitched across fragments and media', async (t) => {
  t.ok((await extract([fixture('full-append.butc')], { index: 1 })).equals(fixtureBytes('fx.b.full.vdump')), 'volume 1 = vos dump of fx.b.backup');
  t.ok((await extract([fixture('full-append.butc')], { index: 2 })).equals(fixtureBytes('fx.a.full.vdump')), 'volume 2 = vos dump of fx.a.backup');
  const full = await opened([fixture('full-append.butc')], scanMedia);
  const byName = await extract([fixture('full-append.butc')], { volume: 'fx.a.backup', dumpId: full.dumps[0]!.id });
  t.ok(byName.equals(fixtureBytes('fx.a.full.vdump')), '--volume with --dump');
  const incremental = await extract([fixture('full-append.butc')], { volume: 'fx.a.backup', dumpId: full.dumps[1]!.id });
  t.equal(incremental.length, 9336, 'the incremental of fx.a (budb nBytes)');
  t.ok((await extract(spanMedia, { volume: 'fx.b.backup' })).equals(fixtureBytes('fx.b.span.vdump')), 'fx.b from 5 fragments on 5 media');
  t.ok((await extract(spanMedia, { volume: 'fx.a.backup' })).equals(fixtureBytes('fx.a.span.vdump')), 'fx.a from 3 fragments (the first holds no data)');
  t.ok((await extract(spanMedia, { index: 2 })).equals(fixtureBytes('fx.a.span.vdump')), 'continuations on later media are not counted again');
  await t.rejects(extract([fixture('full-append.butc')], { index: 4 }), { code: 'not-found' }, 'only 3 volumes');
  await t.rejects(extract(spanMedia.slice(0, 3), { volume: 'fx.b.backup' }), { code: 'wrong-medium', message: /fragment 4/ }, 'the rest is on media not given');
});

const writeOptions = (over: Partial<WriteOptions>): WriteOptions => ({ volumeSet: 'fx', server: FX_SERVER, ...over });

t.test('write: the same streams give the real butc media, byte for byte but for creation and end times', async (t) => {
  const dir = tempDir(t);
  const reference = fixtureBytes('full-append.butc');
  const original = await opened([fixture('full-append.butc')], scanMedia);
  const [fullDump, incrDump] = original.dumps;
  // the incremental stream as butc dumped it, taken from its medium
  const incrStream = join(dir, 'fx.a.incr');
  writeFileSync(incrStream, await extract([fixture('full-append.butc')], { volume: 'fx.a.backup', dumpId: incrDump!.id }));

  const medium = join(dir, 'tape');
  const written = await opened(
    [medium],
    async ([device]) => writeDump(device!, [{ path: fixture('fx.b.full.vdump') }, { path: fixture('fx.a.full.vdump') }], writeOptions({ dumpId: fullDump!.id, now: () => fullDump!.tapes[0]!.label.creationTime })),
    10 * 1024 * 1024,
    false,
  );
  t.same(
    written.volumes.map((v) => v.fragments.map((f) => [f.position, f.bytes, f.last])),
    [[[1, 159934, true]], [[14, 55498, true]]],
    'positions and sizes as budb recorded them',
  );
  const fullBytes = readFileSync(medium);
  t.equal(fullBytes.length, 22 * 16384, 'label, two volume files, END-OF-DUMP: 22 records');
  t.ok(maskTimes(fullBytes).equals(maskTimes(reference.subarray(0, fullBytes.length))), 'the full dump matches butc byte for byte (times masked)');

  await opened(
    [medium],
    async ([device]) => writeDump(device!, [{ path: incrStream }], writeOptions({ level: '/full/incr', append: true, dumpId: incrDump!.id })),
    UNLIMITED_KB,
    false,
  );
  const both = readFileSync(medium);
  t.equal(both.length, reference.length);
  t.ok(maskTimes(both).equals(maskTimes(reference)), 'with the appended incremental: the whole medium matches (parent found on the medium)');
});

t.test('write: a 160K capacity splits the dump over 7 media exactly where butc split it', async (t) => {
  const dir = tempDir(t);
  const original = await opened(spanMedia, scanMedia);
  const dumpId = original.dumps[0]!.id;
  const paths = [1, 2, 3, 4, 5, 6, 7].map((n) => join(dir, `span.${n}`));
  const devices: RecordDevice[] = [await openMedium(paths[0]!, { capacityKB: 160 })];
  try {
    const written = await writeDump(devices[0]!, [{ path: fixture('fx.b.span.vdump') }, { path: fixture('fx.a.span.vdump') }], {
      ...writeOptions({ dumpId }),
      nextMedium: async ({ sequence, tapeName }) => {
        t.equal(tapeName, `fx.full.${sequence}`, `medium ${sequence} is asked for as ${tapeName}`);
        const d = await openMedium(paths[sequence - 1]!, { capacityKB: 160 });
        devices.push(d);
        return d;
      },
    });
    t.equal(written.tapes.length, 7);
    t.same(
      written.volumes.map((v) => v.fragments.length),
      [5, 3],
    );
  } finally {
    for (const d of devices) await d.close();
  }
  for (const [i, p] of paths.entries()) {
    t.ok(maskTimes(readFileSync(p)).equals(maskTimes(fixtureBytes(`span.${i + 1}.butc`))), `medium ${i + 1} matches butc's`);
  }
});

t.test('write refuses a stream that is not a whole volume dump, before writing anything', async (t) => {
  const dir = tempDir(t);
  const cut = join(dir, 'cut.vdump');
  writeFileSync(cut, fixtureBytes('fx.a.full.vdump').subarray(0, 30000));
  const medium = join(dir, 'tape');
  const failure = await opened([medium], ([d]) => writeDump(d!, [{ path: fixture('fx.b.full.vdump') }, { path: cut }], writeOptions({})), UNLIMITED_KB, false).catch((e: unknown) => e);
  t.ok(failure instanceof MediaError && failure.code === 'bad-stream', 'a MediaError bad-stream');
  t.match(String(failure), /cut\.vdump.*truncated/s, 'naming the file and what is wrong');
  t.equal(readFileSync(medium).length, 0, 'the medium was not written');
});
