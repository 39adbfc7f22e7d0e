// `tapecoord media` in tape mode on the simulated tape (hardware filemarks, tape file numbers as
// positions), the unplanned end of tape (butc's redump on the next medium, and "volume larger than
// tape"), labeltape's rules, and the write command's MOUNT callout switching backup data files.
process.env.TZ = 'UTC';
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Medium } from '../../lib/drive/medium.js';
import type { RecordDevice } from '../../lib/format/butm/index.js';
import { MediaError } from '../../lib/media/errors.js';
import { extractVolume } from '../../lib/media/extract.js';
import { labelMedium, readLabel } from '../../lib/media/label.js';
import { openMedium } from '../../lib/media/open.js';
import { scanMedia } from '../../lib/media/scan.js';
import { writeDump } from '../../lib/media/write.js';
import { fixture, fixtureBytes, MemorySink, withMedia } from '../helpers/openafs-fixtures.js';
import { tempDir } from '../helpers/tmp.js';

const A = fixture('fx.a.full.vdump'); // 55498 bytes
const B = fixture('fx.b.full.vdump'); // 159934 bytes

async function blankCartridge(path: string, capacity: number): Promise<string> {
  const m = await Medium.open({ kind: 'sim', path }, { create: true, capacity, earlyWarning: 16384 });
  await m.close();
  return `sim:${path}`;
}

const inTurn = <T>(names: string[], fn: (d: RecordDevice[]) => Promise<T>, readOnly = true): Promise<T> => withMedia(names, fn, { readOnly });

t.test('a full dump and an appended incremental on a simulated tape: tape file positions', async (t) => {
  const dir = tempDir(t);
  const tape = await blankCartridge(join(dir, 'c1.simtape'), 0);
  const full = await inTurn([tape], ([d]) => writeDump(d!, [{ path: B }, { path: A }], { volumeSet: 'fx', dumpId: 1000, now: () => 1000 }), false);
  t.same(full.tapes.map((x) => x.position), [1], 'the label is tape file 1');
  t.same(full.volumes.map((v) => v.fragments[0]!.position), [2, 3], 'volumes are files 2 and 3');
  await inTurn([tape], ([d]) => writeDump(d!, [{ path: A }], { volumeSet: 'fx', level: '/full/incr', append: true, dumpId: 1001, now: () => 1001 }), false);
  const scan = await inTurn([tape], scanMedia);
  t.same(
    scan.labels.map((l) => [l.position, l.appended, l.label.dumpId, l.label.afsName]),
    [
      [1, false, 1000, 'fx.full.1'],
      [5, true, 1001, 'fx.full.1'],
    ],
    'END-OF-DUMP is file 4, the appended label file 5 keeps the tape name',
  );
  t.same(
    scan.dumps.map((d) => [d.id, d.parentId, d.level, d.volumes.map((v) => v.position)]),
    [
      [1000, 0, 0, [2, 3]],
      [1001, 1000, 1, [6]],
    ],
  );
  for (const [sel, want] of [
    [{ index: 1 }, B],
    [{ index: 2 }, A],
    [{ volume: 'fx.a.backup', dumpId: 1001 }, A],
  ] as const) {
    const sink = new MemorySink();
    await inTurn([tape], (ds) => extractVolume(ds, sel, sink));
    t.ok(sink.bytes.equals(fixtureBytes(want === A ? 'fx.a.full.vdump' : 'fx.b.full.vdump')), `extract ${JSON.stringify(sel)}`);
  }
});

t.test('an unplanned end of tape: the volume is dumped again on the next medium, and extract skips the partial copy', async (t) => {
  const dir = tempDir(t);
  const first = await blankCartridge(join(dir, 'c1.simtape'), 280 * 1024);
  const second = await blankCartridge(join(dir, 'c2.simtape'), 0);
  const log: string[] = [];
  const opened: RecordDevice[] = [];
  try {
    opened.push(await openMedium(first));
    const dump = await writeDump(opened[0]!, [{ path: B }, { path: A }], {
      volumeSet: 'fx',
      dumpId: 2000,
      now: () => 2000,
      log: (l) => log.push(l),
      nextMedium: async ({ sequence }) => {
        t.equal(sequence, 2);
        const d = await openMedium(second);
        opened.push(d);
        return d;
      },
    });
    t.same(
      dump.volumes.map((v) => v.fragments.map((f) => [f.medium, f.fragment, f.last])),
      [[[0, 1, true]], [[1, 1, true]]],
      'fx.a recorded only on the second medium',
    );
  } finally {
    for (const d of opened) await d.close();
  }
  t.ok(log.includes('Warning: Dump (fx.full) hit end-of-tape inferred'), "butc's TE warning");
  const scan = await inTurn([first, second], scanMedia);
  const partial = scan.dumps[0]!.volumes.filter((v) => v.partial);
  t.same(partial.map((v) => [v.name, v.medium]), [['fx.a.backup', 0]], 'the first copy of fx.a stays on the first medium without a trailer');
  const sink = new MemorySink();
  await inTurn([first, second], (ds) => extractVolume(ds, { volume: 'fx.a.backup' }, sink));
  t.equal(sink.restarts, 1, 'the partial copy was taken back');
  t.ok(sink.bytes.equals(fixtureBytes('fx.a.full.vdump')), 'the copy on the second medium');
});

t.test('the first volume of a tape that does not fit is refused: volume larger than tape', async (t) => {
  const dir = tempDir(t);
  const tape = await blankCartridge(join(dir, 'small.simtape'), 100 * 1024);
  const e = await inTurn([tape], ([d]) => writeDump(d!, [{ path: B }], { volumeSet: 'fx' }), false).catch((x: unknown) => x);
  t.ok(e instanceof MediaError && e.code === 'volume-too-large', String(e));
  t.match(String(e), /Volume fx\.b\.backup \(536870932\) failed - volume larger than tape/);
});

t.test('label: labeltape rules, and no dump is overwritten by a slip', async (t) => {
  const dir = tempDir(t);
  const tape = await blankCartridge(join(dir, 'l.simtape'), 0);
  await inTurn(
    [tape],
    async ([d]) => {
      const { label, previous } = await labelMedium(d!, { pname: 'pool.1', sizeKB: 1024, now: 10 });
      t.equal(previous, null, 'a blank cartridge');
      t.same([label.pName, label.afsName, label.useCount, label.dumpId, label.sizeKB], ['pool.1', '', 0, 0, 1024]);
      await t.rejects(labelMedium(d!, { name: 'x.full.1' }), { code: 'protected', message: /permanent label 'pool\.1'/ }, 'a permanent name needs -pname');
      const again = await labelMedium(d!, { pname: 'pool.1', name: 'x.full.1', now: 20 });
      t.same([again.label.pName, again.label.afsName, again.label.useCount], ['pool.1', 'x.full.1', 1], 'use count goes up');
    },
    false,
  );
  await inTurn([tape], ([d]) => writeDump(d!, [{ path: A }], { volumeSet: 'x', dumpId: 3000, now: () => 3000 }), false);
  await inTurn(
    [tape],
    async ([d]) => {
      t.equal((await readLabel(d!))?.pName, 'pool.1', 'the dump kept the permanent name');
      await t.rejects(labelMedium(d!, { pname: 'pool.1' }), { code: 'protected', message: /holds dump/ });
      const forced = await labelMedium(d!, { pname: '<NULL>', force: true, now: 4000 });
      t.equal(forced.label.pName, '', '<NULL> clears the permanent name');
    },
    false,
  );
});

t.test('tapecoord media write --mount: a MOUNT callout that moves each full backup data file aside', async (t) => {
  const dir = tempDir(t);
  const tapecoord = resolve(import.meta.dirname, '..', '..', 'bin', 'tapecoord');
  const script = join(dir, 'mount.sh');
  writeFileSync(
    script,
    `#!/bin/sh\nPATH=/usr/bin:/bin\necho "$*" >> "${dir}/calls"\n[ "$2" = unmount ] && exit 0\nif [ -s "$1" ]; then n=1; while [ -e "$1.$n" ]; do n=$((n + 1)); done; mv "$1" "$1.$n"; fi\nexit 0\n`,
  );
  chmodSync(script, 0o755);
  const medium = join(dir, 'tape');
  const r = spawnSync(tapecoord, ['media', 'write', medium, B, A, '--dump-set', 'fx', '--capacity', '160K', '--mount', script, '--unmount', script, '--dump-id', '5000', '--json'], { encoding: 'utf8' });
  t.equal(r.status, 0, r.stderr);
  const written = JSON.parse(r.stdout) as { tapes: { name: string }[] };
  t.same(
    written.tapes.map((x) => x.name),
    [1, 2, 3, 4, 5, 6, 7].map((n) => `fx.full.${n}`),
  );
  t.same(readFileSync(join(dir, 'calls'), 'utf8').trim().split('\n').slice(0, 2), [`${medium} unmount`, `${medium} dump 2 fx.full.2 5000`], 'butc callout arguments');
  const media = [1, 2, 3, 4, 5, 6].map((n) => `${medium}.${n}`).concat(medium);
  t.ok(media.every((m) => existsSync(m)), 'seven files');
  const x = spawnSync(tapecoord, ['media', 'extract', ...media, '--volume', 'fx.a.backup', '-o', join(dir, 'a')], { encoding: 'utf8' });
  t.equal(x.status, 0, x.stderr);
  t.ok(readFileSync(join(dir, 'a')).equals(fixtureBytes('fx.a.full.vdump')));
});

t.test('an END-OF-DUMP with no filemark after it ends the medium; a label without one is an error', async (t) => {
  const { encodeFilemark, encodeLabel, newLabel } = await import('../../lib/format/butm/index.js');
  const dir = tempDir(t);
  const build = async (name: string, records: Buffer[]): Promise<string> => {
    const path = join(dir, name);
    const m = await Medium.open({ kind: 'sim', path }, { create: true });
    const label = encodeLabel(newLabel({ afsName: 'cut.full.1', dumpId: 9, creationTime: 9 }));
    await m.write(label);
    await m.writeFilemarks(1);
    for (const r of records) await m.write(r);
    await m.close();
    return `sim:${path}`;
  };
  const cutAfterEod = await build('eod.simtape', [encodeFilemark('end-of-dump', null)]);
  const scan = await inTurn([cutAfterEod], scanMedia);
  t.same(scan.labels.map((l) => l.label.afsName), ['cut.full.1'], 'the label, then the end');
  const cutAfterLabel = await build('label.simtape', [encodeLabel(newLabel({ afsName: 'x', dumpId: 10 }))]);
  await t.rejects(inTurn([cutAfterLabel], scanMedia), { code: 'BUTM_IOCTL' }, 'an appended label with no filemark after it');
});
