// import-afbackup then export-afbackup on sample var directories written from the seeds' formats,
// through the API and through `tapecoord catalog`: afserver's own layout comes back byte for byte;
// a hand-edited one comes back as afserver would write the same state, and reads back to it.
import t, { type Test } from 'tap';
import { cpSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { exportAfbackup, readAfbackupState } from '../../lib/catalog/afbackup-export.js';
import { importAfbackup } from '../../lib/catalog/afbackup-import.js';
import { Catalog } from '../../lib/catalog/database.js';
import { createDump, dumps } from '../../lib/catalog/dumps.js';
import { AfbackupFormatError } from '../../lib/catalog/errors.js';
import { catalogCommand } from '../../lib/cli/catalog.js';
import { tempDir } from '../helpers/tmp.js';

const fixtures = join(import.meta.dirname, 'fixtures', 'afbackup');
const FILES = [
  'bytes_on_tape',
  'tape_uses',
  'readonly_tapes',
  'precious_tapes',
  'tapepos',
  'cartridge_order',
  'cartridge_locations',
  'cartridge_names',
  'ever_used_blocksizes',
];

function open(t: Test): Catalog {
  const cat = Catalog.open(join(tempDir(t), 'catalog.db'));
  t.teardown(() => cat.close());
  return cat;
}

const read = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8');

/** What a var directory means: the state a fresh catalog holds after importing it. */
async function meaning(t: Test, dir: string) {
  const cat = open(t);
  await importAfbackup(cat, dir);
  return readAfbackupState(cat);
}

t.test("afserver's own files come back byte for byte", async (t) => {
  const cat = open(t);
  const source = join(fixtures, 'afserver');
  const imported = await importAfbackup(cat, source);
  t.same(
    imported.map((c) => [c.file, c.present, c.entries]),
    [
      ['bytes_on_tape', true, 6],
      ['tape_uses', true, 3],
      ['readonly_tapes', true, 3],
      ['precious_tapes', true, 3],
      ['tapepos', true, 4],
      ['cartridge_order', true, 4],
      ['cartridge_locations', true, 5],
      ['cartridge_names', true, 5],
      ['ever_used_blocksizes', true, 3],
    ],
  );
  const out = join(tempDir(t), 'var');
  const exported = await exportAfbackup(cat, out);
  t.same(exported.map((c) => c.file), FILES);
  t.same(readdirSync(out).sort(), [...FILES].sort(), 'the nine files and nothing else (no .tmp left)');
  for (const file of FILES) t.equal(read(out, file), read(source, file), file);
});

t.test('a hand-edited var directory: the same state, written the way afserver writes it', async (t) => {
  const cat = open(t);
  const source = join(fixtures, 'handwritten');
  await importAfbackup(cat, source);
  const out = join(tempDir(t), 'var');
  await exportAfbackup(cat, out);
  const expected: Record<string, string> = {
    bytes_on_tape: read(join(fixtures, 'afserver'), 'bytes_on_tape'),
    tape_uses: '1: 3\n2: 0\n10: 1\n',
    readonly_tapes: '2-4,6,1,9-\n',
    precious_tapes: '"< * protected by admin * >" 6\nalpha.example.org 1-3,5\nbeta 2\n',
    tapepos: '/dev/nst0 2 4\n"/dev/tape/by-id/scsi-3500 nst" 7 2\n1: 2 4\n2: 11 1\n3: 0 0\n',
    cartridge_order: '1 -> 2 1\n2 -> 10 3\n3 -> 0 5\n4 -> 12\n',
    cartridge_locations: '1: /dev/sg3 slot 6\n2: /dev/sg3 drive 1\n3: /dev/sg3 loadport 2\n4: Safe in room 2.17, shelf B\n5: /dev/sg3 shelf 2\n6: /dev/sg3 slot 0\n',
    cartridge_names: '11: XYZ011L9 \n1: ABC001L9 Monday full\n2: "ABC 002" Tape with a blank in its barcode\n3: "" \n',
    ever_used_blocksizes: '16384 \n262144 \n1048576 \n',
  };
  for (const file of FILES) t.equal(read(out, file), expected[file], file);
  t.same(await meaning(t, out), await meaning(t, source), 'the exported files mean what the hand-edited ones meant');
});

t.test('import replaces the afserver state and keeps dumps; a missing file is an empty one', async (t) => {
  const cat = open(t);
  createDump(cat, { id: 7, parent: null, level: 0, volumeSet: 'user', created: 100, expires: null });
  await importAfbackup(cat, join(fixtures, 'afserver'));
  const partial = tempDir(t);
  cpSync(join(fixtures, 'handwritten', 'tapepos'), join(partial, 'tapepos'));
  writeFileSync(join(partial, 'status'), 'afserver status files are not state\n');
  const counts = await importAfbackup(cat, partial);
  t.same(counts.filter((c) => c.present).map((c) => c.file), ['tapepos']);
  const state = readAfbackupState(cat);
  t.same(state, await meaning(t, partial), 'nothing of the first import is left');
  t.equal(state.cartridgeLocations.length, 0);
  t.same(dumps(cat).map((d) => d.id), [7], 'dumps are not afserver state');
  const out = join(tempDir(t), 'var');
  await exportAfbackup(cat, out);
  t.equal(read(out, 'bytes_on_tape'), '', 'an empty file where the catalog holds nothing');
  t.equal(read(out, 'readonly_tapes'), '');
});

t.test('a bad file stops the import before the catalog changes', async (t) => {
  const cat = open(t);
  await importAfbackup(cat, join(fixtures, 'afserver'));
  const before = readAfbackupState(cat);
  const bad = tempDir(t);
  cpSync(join(fixtures, 'afserver'), bad, { recursive: true });
  writeFileSync(join(bad, 'cartridge_order'), '1 -> 2 1\n2 -> ten 3\n');
  const e = await importAfbackup(cat, bad).then(
    () => undefined,
    (err: unknown) => err,
  );
  t.type(e, AfbackupFormatError);
  t.equal((e as Error).message, `${join(bad, 'cartridge_order')} line 2, next cartridge: 'ten' is not a number`);
  t.same(readAfbackupState(cat), before);
  writeFileSync(join(bad, 'cartridge_order'), '');
  writeFileSync(join(bad, 'cartridge_names'), Buffer.concat([Buffer.from('1: ABC001L9 Office\n2: "" B'), Buffer.from([0xfc]), Buffer.from('ro\n')]));
  await t.rejects(importAfbackup(cat, bad), {
    message: `${join(bad, 'cartridge_names')} line 2, text: not UTF-8: convert the file (iconv -f latin1 -t utf-8) and import again`,
  });
  t.same(readAfbackupState(cat), before);
});

t.test('an exported directory is replaced file by file', async (t) => {
  const cat = open(t);
  const out = tempDir(t);
  writeFileSync(join(out, 'cartridge_locations'), '99: stale\n');
  writeFileSync(join(out, 'unrelated'), 'kept\n');
  await importAfbackup(cat, join(fixtures, 'afserver'));
  await exportAfbackup(cat, out);
  t.equal(read(out, 'cartridge_locations'), read(join(fixtures, 'afserver'), 'cartridge_locations'));
  t.equal(read(out, 'unrelated'), 'kept\n');
});

/** Runs `tapecoord catalog ARGS`, returning what it printed; env is set for the run only. */
async function tapecoord(args: string[], env: Record<string, string> = {}): Promise<string> {
  const program = new Command('tapecoord').exitOverride().addCommand(catalogCommand());
  let out = '';
  const write = process.stdout.write;
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  process.stdout.write = ((chunk: string) => ((out += chunk), true)) as typeof process.stdout.write;
  try {
    await program.parseAsync(['catalog', ...args], { from: 'user' });
  } finally {
    process.stdout.write = write;
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
  return out;
}

t.test('tapecoord catalog import-afbackup, then export-afbackup into another directory', async (t) => {
  const dir = tempDir(t);
  const db = join(dir, 'catalog.db');
  const imported = await tapecoord(['import-afbackup', join(fixtures, 'afserver'), '--catalog', db]);
  t.match(imported, /^bytes_on_tape +6 entries\n/);
  t.match(imported, new RegExp(`imported ${join(fixtures, 'afserver')} into ${db}\\n$`));
  const out = join(dir, 'back');
  const exported = JSON.parse(await tapecoord(['--catalog', db, '--json', 'export-afbackup', out]));
  t.same(exported.catalog, db);
  t.same(exported.files[0], { file: 'bytes_on_tape', entries: 6 });
  t.equal(readFileSync(join(out, 'tapepos'), 'utf8'), readFileSync(join(join(fixtures, 'afserver'), 'tapepos'), 'utf8'));
});

t.test('tapecoord catalog: TAPECOORD_CATALOG names the catalog; missing files are reported', async (t) => {
  const dir = tempDir(t);
  const db = join(dir, 'env.db');
  const empty = tempDir(t);
  const r = JSON.parse(await tapecoord(['import-afbackup', empty, '--json'], { TAPECOORD_CATALOG: db }));
  t.equal(r.catalog, db);
  t.same(r.files[4], { file: 'tapepos', present: false, entries: 0 });
  t.match(await tapecoord(['import-afbackup', empty], { TAPECOORD_CATALOG: db }), /^bytes_on_tape +missing\n/);
});

t.test('tapecoord catalog: bad input fails with file, line and field', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'readonly_tapes'), '2-4\n6,x\n');
  await t.rejects(tapecoord(['import-afbackup', dir, '--catalog', join(dir, 'c.db')]), {
    name: 'AfbackupFormatError',
    message: `${join(dir, 'readonly_tapes')} line 2, cartridge ranges: 'x' is not a cartridge number or range`,
  });
});
