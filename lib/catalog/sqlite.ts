/**
 * The SQLite binding, behind the little the catalog uses of it.
 *
 * Node's own node:sqlite where this Node has it without a flag (22.13 and later, 24); else
 * better-sqlite3 12 (Node 20 has no node:sqlite, and better-sqlite3 13 needs Node 22).
 * better-sqlite3 12 is kept off Node 24 on purpose: its objects are raw node::ObjectWrap, and
 * built against Node 24.19+ headers a statement that is garbage-collected aborts the process
 * (`Assertion failed: (env) != nullptr` in RemoveEnvironmentCleanupHook; nodejs/node#65446).
 * Both are synchronous, read integers as JavaScript numbers and run the same SQL.
 */
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';

export type SqlValue = string | number | bigint | null | Uint8Array;

export interface SqlStatement {
  run(...params: SqlValue[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  get(...params: SqlValue[]): unknown;
  all(...params: SqlValue[]): unknown[];
}

export interface SqlDatabase {
  exec(sql: string): void;
  prepare(sql: string): SqlStatement;
  close(): void;
}

export type SqliteBinding = 'node:sqlite' | 'better-sqlite3';

interface NodeSqlite {
  DatabaseSync: new (path: string) => SqlDatabase;
}

/** Opens (creating it when missing) the database file at path with the binding this Node has. */
export function openSqlite(path: string): { db: SqlDatabase; binding: SqliteBinding } {
  const nodeSqlite = process.getBuiltinModule('node:sqlite') as NodeSqlite | undefined;
  if (nodeSqlite) return { db: new nodeSqlite.DatabaseSync(path), binding: 'node:sqlite' };
  let Database: typeof BetterSqlite3;
  try {
    Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
  } catch (e) {
    throw new Error(`Node ${process.versions.node} has no node:sqlite and better-sqlite3 does not load (build it: npm rebuild better-sqlite3): ${(e as Error).message}`, { cause: e });
  }
  return { db: new Database(path), binding: 'better-sqlite3' };
}
