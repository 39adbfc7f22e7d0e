// The real OpenAFS `read_tape` (Debian openafs-dbserver, no cell needed) as the oracle for media
// tapecoord writes: it lists them exactly as it lists the real butc's media of the same dumps, and
// its -restore gives back the `vos dump` streams. .ci/run installs the package; without it these
// tests are skipped, saying so.
process.env.TZ = 'UTC';
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RecordDevice } from '../../lib/format/butm/index.js';
import { openMedium, UNLIMITED_KB } from '../../lib/media/open.js';
import { scanMedia } from '../../lib/media/scan.js';
import { writeDump } from '../../lib/media/write.js';
import { tempDir } from '../helpers/tmp.js';
import { fixture, fixtureBytes, spanMedia, withMedia } from '../helpers/openafs-fixtures.js';

const withOpen = <T>(paths: string[], fn: (devices: RecordDevice[]) => Promise<T>, readOnly = true, capacityKB = UNLIMITED_KB): Promise<T> =>
  withMedia(paths, fn, { readOnly, capacityKB });

const READ_TAPE = '/usr/sbin/read_tape';
const FX_SERVER = (198 << 24) | (18 << 16) | 1;

function readTape(args: string[], cwd: string): { status: number | null; text: string } {
  const r = spawnSync(READ_TAPE, args, { cwd, encoding: 'utf8', env: { ...process.env, TZ: 'UTC' }, timeout: 60_000 });
  return { status: r.status, text: r.stdout + r.stderr };
}

t.test('read_tape reads tapecoord media as it reads the real butc media', { skip: existsSync(READ_TAPE) ? false : `${READ_TAPE} is not installed (apt-get install openafs-dbserver)` }, async (t) => {
  const dir = tempDir(t);
  const single = (await withOpen([fixture('full-append.butc')], scanMedia)).dumps;
  const [full, incr] = single;
  const medium = join(dir, 'full-append');
  // the same streams, dump ids and label times as the real butc used
  await withOpen([medium], ([d]) => writeDump(d!, [{ path: fixture('fx.b.full.vdump') }, { path: fixture('fx.a.full.vdump') }], { volumeSet: 'fx', server: FX_SERVER, dumpId: full!.id, now: () => full!.tapes[0]!.label.creationTime }), false, 10 << 20);
  const incrStream = join(dir, 'incr');
  const r = readTape(['-tape', fixture('full-append.butc'), '-skip', '2', '-restore', '1', '-noask', '-file', incrStream], dir);
  t.equal(r.status, 0, 'read_tape extracts the incremental from the real medium');
  await withOpen([medium], ([d]) => writeDump(d!, [{ path: incrStream }], { volumeSet: 'fx', level: '/full/incr', append: true, server: FX_SERVER, dumpId: incr!.id, now: () => incr!.tapes[0]!.label.creationTime }), false);

  const ours = readTape(['-tape', medium, '-scan', '-label', '-vheaders'], dir);
  t.equal(ours.text, readFileSync(fixture('full-append.read_tape.txt'), 'utf8'), 'read_tape -scan -label -vheaders: the same listing');

  for (const [k, expected] of [
    [1, 'fx.b.full.vdump'],
    [2, 'fx.a.full.vdump'],
  ] as const) {
    const out = join(dir, `restored.${k}`);
    const x = readTape(['-tape', medium, '-skip', String(k - 1), '-restore', '1', '-noask', '-file', out], dir);
    t.equal(x.status, 0, `read_tape -restore volume ${k}`);
    t.ok(readFileSync(out).equals(fixtureBytes(expected)), `volume ${k} restored by read_tape = vos dump`);
  }
});

t.test('read_tape reads each medium of a spanning dump tapecoord wrote', { skip: existsSync(READ_TAPE) ? false : `${READ_TAPE} is not installed` }, async (t) => {
  const dir = tempDir(t);
  const [dump] = (await withOpen(spanMedia, scanMedia)).dumps;
  const paths = [1, 2, 3, 4, 5, 6, 7].map((n) => join(dir, `span.${n}`));
  const devices: RecordDevice[] = [await openMedium(paths[0]!, { capacityKB: 160 })];
  try {
    await writeDump(devices[0]!, [{ path: fixture('fx.b.span.vdump') }, { path: fixture('fx.a.span.vdump') }], {
      volumeSet: 'fx',
      server: FX_SERVER,
      dumpId: dump!.id,
      now: () => dump!.tapes[0]!.label.creationTime,
      nextMedium: async ({ sequence }) => {
        const d = await openMedium(paths[sequence - 1]!, { capacityKB: 160 });
        devices.push(d);
        return d;
      },
    });
  } finally {
    for (const d of devices) await d.close();
  }
  for (const [i, p] of paths.entries()) {
    const ours = readTape(['-tape', p, '-scan', '-label', '-vheaders'], dir);
    const theirs = readFileSync(fixture(`span.${i + 1}.read_tape.txt`), 'utf8');
    // each medium's label was written when butc reached it: only the creation times differ
    const mask = (s: string): string => s.replace(/^( {3}Date Created {5}: ).*$/m, '$1<time>');
    t.equal(mask(ours.text), mask(theirs), `medium ${i + 1}: the same listing (creation time aside)`);
  }
});
