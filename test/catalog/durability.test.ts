// kill -9 at random moments while a process writes to the catalog: the file must open, pass
// PRAGMA integrity_check, hold every transaction the writer saw commit, and no part of one that
// did not. Four catalogs at once, each killed three times.
import t from 'tap';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { Catalog } from '../../lib/catalog/database.js';
import { rng, tempDir } from '../helpers/tmp.js';

const root = resolve(import.meta.dirname, '..', '..');

/**
 * The writer and lib/catalog as JavaScript in dir, laid out as in the repository: under the
 * TypeScript loader a child takes seconds to start, compiled it takes milliseconds.
 */
function compileWriter(dir: string): string {
  const sources = [
    ...readdirSync(join(root, 'lib', 'catalog')).map((f) => join('lib', 'catalog', f)),
    join('test', 'catalog', 'fixtures', 'catalog-writer.ts'),
  ];
  for (const source of sources) {
    const out = join(dir, source.replace(/\.ts$/, '.js'));
    mkdirSync(resolve(out, '..'), { recursive: true });
    const js = ts.transpileModule(readFileSync(join(root, source), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
    });
    writeFileSync(out, js.outputText);
  }
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  return join(dir, 'test', 'catalog', 'fixtures', 'catalog-writer.js');
}

/** Runs the writer until `delayMs` after it is ready, kills it with SIGKILL; returns the volume count it last reported. */
function writeUntilKilled(writer: string, path: string, delayMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const { NODE_OPTIONS: _loaders, ...env } = process.env; // tap's loaders: not needed by compiled code
    const child = spawn(process.execPath, [writer, path], { stdio: ['ignore', 'pipe', 'pipe'], env });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      if (!out.includes('ready') && (out + d).includes('ready')) setTimeout(() => child.kill('SIGKILL'), delayMs);
      out += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      if (signal !== 'SIGKILL') return reject(new Error(`writer ended without being killed: ${err}`));
      const counts = [...out.matchAll(/^(?:ready|committed) (\d+)$/gm)].map((m) => Number(m[1]));
      resolve(counts.at(-1)!);
    });
  });
}

interface Found {
  integrity: string;
  foreignKeyErrors: number;
  volumes: number;
  incompleteVolumes: number;
  bytes: number;
  files: number;
  writePosition: { cartridge: number; file: number } | undefined;
}

function inspect(path: string): Found {
  const cat = Catalog.open(path);
  try {
    const one = <T>(sql: string) => cat.db.prepare(sql).get() as T;
    return {
      integrity: cat.pragma('integrity_check') as string,
      foreignKeyErrors: cat.db.prepare('PRAGMA foreign_key_check').all().length,
      volumes: one<{ n: number }>('SELECT count(*) AS n FROM volumes').n,
      incompleteVolumes: one<{ n: number }>(
        `SELECT count(*) AS n FROM (SELECT v.id FROM volumes v LEFT JOIN fragments f ON f.volume = v.id
         GROUP BY v.id HAVING count(f.fragment) <> 3 OR sum(f.last) <> 1 OR max(f.fragment) <> 3)`,
      ).n,
      bytes: one<{ n: number }>('SELECT coalesce(sum(bytes), 0) AS n FROM bytes_on_tape').n,
      files: one<{ n: number }>('SELECT coalesce(max(files), 0) AS n FROM bytes_on_tape').n,
      writePosition: cat.db.prepare('SELECT cartridge, file FROM write_positions WHERE cartridge_set = 1').get() as Found['writePosition'],
    };
  } finally {
    cat.close();
  }
}

t.test('SIGKILL while writing leaves whole transactions only', async (t) => {
  const dir = tempDir(t);
  const writer = compileWriter(join(dir, 'js'));
  const random = rng(20261121);
  const paths = [0, 1, 2, 3].map((i) => join(dir, `catalog-${i}.db`));
  for (let round = 1; round <= 3; round++) {
    const reported = await Promise.all(paths.map((p, i) => writeUntilKilled(writer, p, i === 0 && round === 1 ? 0 : random(5, 150))));
    paths.forEach((p, i) => {
      const f = inspect(p);
      const what = `catalog ${i}, kill ${round}`;
      t.equal(f.integrity, 'ok', `${what}: integrity_check`);
      t.equal(f.foreignKeyErrors, 0, `${what}: foreign keys`);
      t.ok(f.volumes >= reported[i]!, `${what}: every commit the writer saw is there (${f.volumes} >= ${reported[i]})`);
      t.ok(f.volumes <= reported[i]! + 1, `${what}: at most the one commit the writer had no time to report`);
      t.equal(f.incompleteVolumes, 0, `${what}: no volume with part of its fragments`);
      t.equal(f.bytes, 3000 * f.volumes, `${what}: bytes_on_tape moved with the fragments`);
      t.equal(f.files, f.volumes, `${what}: the file count too`);
      t.same(f.writePosition, f.volumes === 0 ? undefined : { cartridge: 1 + (f.volumes % 5), file: f.volumes + 1 }, `${what}: and the write position`);
    });
  }
});
