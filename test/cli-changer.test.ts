// `tapecoord changer` as an operator runs it, on the simulated library: mtx's commands, numbering and output.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import t from 'tap';
import { pseudoRandom, tempDir } from './helpers/tmp.js';
import { sha256 } from './helpers/streams.js';

const bin = resolve(import.meta.dirname, '..', 'bin', 'tapecoord');

function tapecoord(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], { env: { ...process.env, TAPECOORD_CHANGER: '', CHANGER: '', ...env }, maxBuffer: 64 << 20 });
  return { status: r.status, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

interface StatusJson {
  drives: { index: number; full: boolean; barcode: string | null; sourceSlot: number | null; device: string | null }[];
  slots: { index: number; full: boolean; barcode: string | null; importExport: boolean }[];
}

t.test('status, load, unload, transfer on sim:DIR, in mtx numbering and output', async (t) => {
  const dev = `sim:${join(tempDir(t), 'lib')}`;
  const run = (...args: string[]) => tapecoord(['changer', '-f', dev, ...args]);
  let r = run('status');
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, /^ {2}Storage Changer .*library\.json:2 Drives, 11 Slots \( 1 Import\/Export \)\nData Transfer Element 0:Empty\nData Transfer Element 1:Empty\n {6}Storage Element 1:Full :VolumeTag=TC0001L9\n/);
  t.match(r.stdout, / {6}Storage Element 11 IMPORT\/EXPORT:Empty\n$/);

  r = run('load', '3', '1');
  t.equal(r.stdout, 'Loading media from Storage Element 3 into drive 1...done\n');
  r = run('load', 'TC0005L9');
  t.equal(r.stdout, 'Loaded TC0005L9 from Storage Element 5 into drive 0\n');
  r = run('status');
  t.match(r.stdout, /Data Transfer Element 0:Full \(Storage Element 5 Loaded\):VolumeTag = TC0005L9\nData Transfer Element 1:Full \(Storage Element 3 Loaded\):VolumeTag = TC0003L9\n/);
  const s = JSON.parse(run('--json', 'status').stdout) as StatusJson;
  t.match(s.drives, [
    { index: 0, full: true, barcode: 'TC0005L9', sourceSlot: 5, device: /^sim:.*cartridges\/TC0005L9\.simtape$/ },
    { index: 1, full: true, barcode: 'TC0003L9', sourceSlot: 3 },
  ]);
  t.same(
    s.slots.map((e) => [e.index, e.full, e.importExport]),
    Array.from({ length: 11 }, (_, i) => [i + 1, ![2, 4, 8, 9, 10].includes(i), i === 10]),
  );

  r = run('unload', '1');
  t.equal(r.status, 1, 'mtx: unload SLOT [DRIVE]: slot 1 is full');
  t.match(r.stderr, /cannot move to slot 1: it holds TC0001L9|slot 1: it is full/);
  r = run('unload');
  t.equal(r.stdout, 'Unloading drive 0 into Storage Element 5...done\n');
  r = run('unload', '9', '1');
  t.equal(r.stdout, 'Unloading drive 1 into Storage Element 9...done\n');
  r = run('--json', 'transfer', '9', '10');
  t.same(JSON.parse(r.stdout), { transferred: { from: 9, to: 10 } });
  r = run('load', '0');
  t.equal(r.status, 1);
  t.match(r.stderr, /slot '0' is not a number from 1 \(mtx numbering/);
});

t.test('a cartridge keeps its data through unload and load into another drive', async (t) => {
  const dir = tempDir(t);
  const dev = `sim:${join(dir, 'lib')}`;
  const run = (...args: string[]) => tapecoord(['changer', '-f', dev, ...args]);
  t.equal(run('load', 'TC0002L9', '0').status, 0);
  const drive0 = (JSON.parse(run('--json', 'status').stdout) as StatusJson).drives[0]!.device!;
  const data = pseudoRandom(300_000, 9);
  writeFileSync(join(dir, 'in'), data);
  let r = tapecoord(['stream', '-i', join(dir, 'in'), '-o', drive0, '-b', '64k', '--filemark']);
  t.equal(r.status, 0, r.stderr);
  t.equal(run('unload').status, 0);
  t.equal(run('load', '2', '1').status, 0);
  const drive1 = (JSON.parse(run('--json', 'status').stdout) as StatusJson).drives[1]!;
  t.match(drive1, { barcode: 'TC0002L9', device: drive0 }, 'the same cartridge image, now in drive 1');
  r = tapecoord(['stream', '-i', drive1.device!, '-o', join(dir, 'out')]);
  t.equal(r.status, 0, r.stderr);
  t.equal(sha256(readFileSync(join(dir, 'out'))), sha256(data));
});

t.test('mail slots: export, the operator takes it and brings another, import', async (t) => {
  const dev = `sim:${join(tempDir(t), 'lib')}`;
  const run = (...args: string[]) => tapecoord(['changer', '-f', dev, ...args]);
  t.equal(run('export', '2').stdout, 'Storage Element 2 moved to Storage Element 11 IMPORT/EXPORT\n');
  t.match(run('export', '3'), { status: 1, stderr: /no empty import\/export slot/ });
  t.equal(run('remove', '11').status, 0);
  t.equal(run('insert', '11', 'NEW001L9').status, 0);
  t.equal(run('import', '11').stdout, 'Storage Element 11 IMPORT/EXPORT moved to Storage Element 2\n');
  t.match(run('status').stdout, /Storage Element 2:Full :VolumeTag=NEW001L9\n/);
  t.match(run('insert', '3', 'X'), { status: 1, stderr: /import\/export/ });
});

t.test('the changer comes from TAPECOORD_CHANGER, then CHANGER (as mtx reads it)', async (t) => {
  const a = join(tempDir(t), 'a');
  const r = tapecoord(['changer', 'status'], { CHANGER: `sim:${a}` });
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, new RegExp(`Storage Changer ${a}/library\\.json:`));
  const missing = tapecoord(['changer', 'status'], { TAPECOORD_CHANGER: '/dev/no-such-changer' });
  t.match(missing, { status: 1, stderr: /\/dev\/no-such-changer: cannot open: ENOENT/ });
});

t.test('exchange on the simulated library', async (t) => {
  const dev = `sim:${join(tempDir(t), 'lib')}`;
  const r = tapecoord(['changer', '-f', dev, '--json', 'exchange', '1', '2']);
  t.equal(r.status, 0, r.stderr);
  t.same(JSON.parse(r.stdout), { exchanged: { source: 1, first: 2, second: 1 } });
  const s = JSON.parse(tapecoord(['changer', '-f', dev, '--json', 'status']).stdout) as StatusJson;
  t.same(s.slots.slice(0, 2).map((e) => e.barcode), ['TC0002L9', 'TC0001L9']);
});
