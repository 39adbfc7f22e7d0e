// Media written by tapecoord, read by the real butc: `backup readlabel` and `backup scantape` on a
// port whose device is tapecoord's backup data file print what `tapecoord media readlabel|scan`
// prints for it (the real butc accepts every label, volume header and trailer).
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { backup, consoleOf, env, realButc, repoRoot, tapecoord } from './lib/cell.mjs';

const PORT = 8;
const fx = (f) => join(repoRoot, 'test', 'fixtures', 'openafs', f);
const run = (...args) => spawnSync(tapecoord, args, { encoding: 'utf8' });

t.test('the real butc reads a dump with an appended incremental that tapecoord wrote', async (t) => {
  const medium = join(env.AFSLAB_MEDIA_DIR, 'tapecoord-written');
  rmSync(medium, { force: true });
  let r = run('media', 'write', medium, fx('fx.b.full.vdump'), fx('fx.a.full.vdump'), '--dump-set', 'fx', '--server', '198.18.0.1');
  t.equal(r.status, 0, r.stderr);
  r = run('media', 'extract', fx('full-append.butc'), '--index', '3', '-o', `${medium}.incr`);
  t.equal(r.status, 0, r.stderr);
  r = run('media', 'write', medium, `${medium}.incr`, '--dump-set', 'fx', '--level', '/full/incr', '--append', '--server', '198.18.0.1');
  t.equal(r.status, 0, r.stderr);
  const ours = { readlabel: run('media', 'readlabel', medium).stdout, scan: run('media', 'scan', medium).stdout };

  const device = join(env.AFSLAB_MEDIA_DIR, 'tapecoord-butc8');
  copyFileSync(medium, device);
  realButc(PORT, device);
  const readlabel = consoleOf(PORT, () => t.equal(backup('readlabel', '-portoffset', String(PORT)).status, 0, 'backup readlabel'));
  t.ok(readlabel.includes(ours.readlabel), "butc's readlabel shows tapecoord's label as tapecoord reads it");
  t.match(readlabel, /ReadLabel: Finished/);
  copyFileSync(medium, device);
  const scantape = consoleOf(PORT, () => t.equal(backup('scantape', '-portoffset', String(PORT)).status, 0, 'backup scantape'));
  t.ok(scantape.includes(ours.scan), "butc's scantape lists both dumps' labels and volume headers as tapecoord does");
  t.match(scantape, /Scantape: Finished/);
  t.notMatch(scantape, /Missing volume trailer|Error/, 'no errors');
});
