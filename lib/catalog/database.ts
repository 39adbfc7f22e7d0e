/**
 * Opening the catalog: one SQLite file in WAL mode, shared by the daemon and CLI commands.
 *
 * - WAL: readers never wait for the writer, and a process killed at any point leaves the last
 *   committed transaction intact (the next opener replays or discards the log).
 * - synchronous=FULL: a commit is on disk when it returns, so a machine that loses power does not
 *   forget a write position or a full flag and overwrite a cartridge's data later.
 * - foreign_keys on, busy_timeout: a second process waits for the lock instead of failing, and
 *   write transactions take it up front (BEGIN IMMEDIATE) so two writers never deadlock.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { migrate } from './schema.js';
import { openSqlite, type SqlDatabase, type SqlStatement, type SqliteBinding } from './sqlite.js';

/** Where commands look for the catalog unless told otherwise. */
export const DEFAULT_CATALOG_PATH = './var/catalog.db';

export interface OpenCatalogOptions {
  /** How long to wait for another process's lock, in ms (default 10 s). */
  busyTimeoutMs?: number;
}

/** A statement whose rows are of type Row. */
export interface Statement<Row> extends SqlStatement {
  get(...params: Parameters<SqlStatement['get']>): Row | undefined;
  all(...params: Parameters<SqlStatement['all']>): Row[];
}

export class Catalog {
  private closed = false;
  readonly path: string;
  /** The SQLite handle, for queries the typed API does not have yet. */
  readonly db: SqlDatabase;
  /** Which SQLite binding this Node uses (sqlite.ts). */
  readonly binding: SqliteBinding;
  private readonly statements = new Map<string, SqlStatement>();
  private depth = 0;

  private constructor(path: string, db: SqlDatabase, binding: SqliteBinding) {
    this.path = path;
    this.db = db;
    this.binding = binding;
  }

  /** Opens (creating it and its directory when missing) and migrates the catalog at path. */
  static open(path: string, options: OpenCatalogOptions = {}): Catalog {
    mkdirSync(dirname(path), { recursive: true });
    const { db, binding } = openSqlite(path);
    const cat = new Catalog(path, db, binding);
    try {
      db.exec(`PRAGMA busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 10_000)}`);
      db.exec('PRAGMA journal_mode = WAL');
      db.exec('PRAGMA synchronous = FULL');
      db.exec('PRAGMA foreign_keys = ON');
      migrate(cat);
    } catch (e) {
      db.close();
      throw e;
    }
    return cat;
  }

  /** A prepared statement, prepared once per catalog handle. */
  statement<Row = unknown>(sql: string): Statement<Row> {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s as Statement<Row>;
  }

  /** The value of a PRAGMA that returns one (`user_version`, `journal_mode`). */
  pragma(name: string): unknown {
    return Object.values(this.db.prepare(`PRAGMA ${name}`).get() as object)[0];
  }

  /**
   * Runs fn in one transaction, BEGIN IMMEDIATE by default (it takes the write lock at once):
   * everything fn writes is committed together, or nothing is if it throws or the process dies.
   * Nested calls become savepoints. DEFERRED suits reads that must see one snapshot.
   */
  transaction<T>(fn: () => T, mode: 'IMMEDIATE' | 'DEFERRED' = 'IMMEDIATE'): T {
    const outer = this.depth === 0;
    const savepoint = `tapecoord_${this.depth}`;
    this.db.exec(outer ? `BEGIN ${mode}` : `SAVEPOINT ${savepoint}`);
    this.depth++;
    try {
      const result = fn();
      this.db.exec(outer ? 'COMMIT' : `RELEASE ${savepoint}`);
      return result;
    } catch (e) {
      try {
        this.db.exec(outer ? 'ROLLBACK' : `ROLLBACK TO ${savepoint}; RELEASE ${savepoint}`);
      } catch {
        // SQLite rolled the transaction back itself (I/O error, disk full): nothing left to undo.
      }
      throw e;
    } finally {
      this.depth--;
    }
  }

  /** Closes the database; closing again does nothing (node:sqlite would throw, better-sqlite3 not). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.statements.clear();
    this.db.close();
  }
}
