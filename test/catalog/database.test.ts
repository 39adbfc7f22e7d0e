// Opening the catalog: WAL, foreign keys, numbered migrations, two processes' handles at once.
import t from 'tap';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Catalog } from '../../lib/catalog/database.js';
import { CatalogError } from '../../lib/catalog/errors.js';
import { SCHEMA_VERSION, migrations } from '../../lib/catalog/schema.js';
import { openSqlite } from '../../lib/catalog/sqlite.js';
import { tempDir } from '../helpers/tmp.js';

t.test('a new catalog: its directory made, WAL, foreign keys, the latest schema', async (t) => {
  const path = join(tempDir(t), 'var', 'sub', 'catalog.db');
  const cat = Catalog.open(path);
  t.teardown(() => cat.close());
  t.ok(existsSync(path));
  t.equal(cat.binding, process.versions.node.startsWith('20.') ? 'better-sqlite3' : 'node:sqlite');
  t.equal(cat.pragma('journal_mode'), 'wal');
  t.equal(cat.pragma('foreign_keys'), 1);
  t.equal(cat.pragma('synchronous'), 2, 'FULL');
  t.equal(cat.pragma('busy_timeout'), 10_000);
  t.equal(cat.pragma('user_version'), SCHEMA_VERSION);
  const tables = (cat.db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
  t.same(tables, [
    'bytes_on_tape',
    'cartridge_locations',
    'cartridge_names',
    'cartridge_order',
    'cartridge_sets',
    'cartridges',
    'changers',
    'drive_positions',
    'dumps',
    'ever_used_blocksizes',
    'fragments',
    'jobs',
    'labels',
    'precious_tapes',
    'readonly_tapes',
    'tape_uses',
    'volumes',
    'write_positions',
  ]);
  t.throws(() => cat.db.prepare('INSERT INTO bytes_on_tape (cartridge, bytes) VALUES (99, 0)').run(), /FOREIGN KEY constraint failed/);
  t.throws(() => cat.db.prepare("INSERT INTO cartridges (number, block_size) VALUES (1, '16k')").run(), /cannot store TEXT value in INTEGER column/, 'STRICT tables');
});

t.test('migrations are numbered 1, 2, ... and applied once', async (t) => {
  t.same(
    migrations.map((m) => m.version),
    migrations.map((_m, i) => i + 1),
  );
  const path = join(tempDir(t), 'catalog.db');
  Catalog.open(path).close();
  const again = Catalog.open(path);
  t.equal(again.pragma('user_version'), SCHEMA_VERSION, 'reopening changes nothing');
  again.close();
});

t.test('a catalog from a newer tapecoord is refused, untouched', async (t) => {
  const path = join(tempDir(t), 'catalog.db');
  const raw = openSqlite(path).db;
  raw.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
  raw.close();
  t.throws(() => Catalog.open(path), new CatalogError('schema-too-new', `${path}: catalog schema version ${SCHEMA_VERSION + 1} is newer than this tapecoord's (${SCHEMA_VERSION})`));
  const check = openSqlite(path).db;
  t.same(check.prepare('PRAGMA user_version').get(), { user_version: SCHEMA_VERSION + 1 });
  t.equal((check.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table'").get() as { n: number }).n, 0);
  check.close();
});

t.test('two handles: readers go on while one writes; a second writer waits for the busy timeout', async (t) => {
  const path = join(tempDir(t), 'catalog.db');
  const daemon = Catalog.open(path);
  const cli = Catalog.open(path, { busyTimeoutMs: 50 });
  t.teardown(() => {
    cli.close();
    daemon.close();
  });
  daemon.db.exec('BEGIN IMMEDIATE');
  daemon.db.prepare('INSERT INTO cartridges (number) VALUES (1)').run();
  t.equal((cli.db.prepare('SELECT count(*) AS n FROM cartridges').get() as { n: number }).n, 0, 'a reader sees the last commit');
  const start = Date.now();
  t.throws(() => cli.transaction(() => cli.db.prepare('INSERT INTO cartridges (number) VALUES (2)').run()), /database is locked/);
  t.ok(Date.now() - start >= 40, 'after waiting');
  daemon.db.exec('COMMIT');
  cli.transaction(() => cli.db.prepare('INSERT INTO cartridges (number) VALUES (2)').run());
  t.equal((daemon.db.prepare('SELECT count(*) AS n FROM cartridges').get() as { n: number }).n, 2);
});

t.test('transactions: all or nothing, nested ones as savepoints', async (t) => {
  const cat = Catalog.open(join(tempDir(t), 'catalog.db'));
  t.teardown(() => cat.close());
  const insert = (n: number) => cat.statement('INSERT INTO cartridges (number) VALUES (?)').run(n);
  t.throws(() =>
    cat.transaction(() => {
      insert(1);
      throw new Error('medium error');
    }),
  );
  cat.transaction(() => {
    insert(2);
    t.throws(() =>
      cat.transaction(() => {
        insert(3);
        insert(3);
      }),
    );
  });
  t.same(cat.db.prepare('SELECT number FROM cartridges').all(), [{ number: 2 }]);
});
