/**
 * The jobs table (catalog migration 3): a row per task, 'running' from its start, its outcome at
 * its end. After a kill -9 the rows still 'running' are jobs that died with the daemon: the next
 * daemon marks them failed before it takes work, so they are reported and never look finished.
 */
import type { Catalog } from '../catalog/database.js';
import type { Task } from './tasks.js';

export interface JobRow {
  id: number;
  task: number;
  kind: string;
  subject: string;
  dump: number | null;
  state: 'running' | 'done' | 'failed' | 'aborted';
  started: number;
  ended: number | null;
  message: string | null;
}

export const INTERRUPTED = 'interrupted: the daemon stopped while the job ran';

export function journalStart(cat: Catalog, task: Task, now: number): number {
  const r = cat.statement("INSERT INTO jobs (task, kind, subject, state, started) VALUES (?, ?, ?, 'running', ?)").run(task.id, task.kind, task.subject, now);
  return Number(r.lastInsertRowid);
}

export function journalEnd(cat: Catalog, row: number, task: Task, now: number): void {
  const s = task.snapshot();
  cat.statement('UPDATE jobs SET state = ?, ended = ?, message = ?, dump = ? WHERE id = ?').run(s.state, now, s.message, s.dumpId || null, row);
}

/** Records the dump a job made, as soon as it is made (a killed daemon leaves it behind). */
export function journalDump(cat: Catalog, row: number, dump: number): void {
  cat.statement('UPDATE jobs SET dump = ? WHERE id = ?').run(dump, row);
}

/** Marks every job a previous daemon left running as failed; returns them. */
export function failInterrupted(cat: Catalog, now: number): JobRow[] {
  return cat.transaction(() =>
    cat
      .statement<JobRow>(
        `UPDATE jobs SET state = 'failed', ended = ?, message = ? WHERE state = 'running'
         RETURNING id, task, kind, subject, dump, state, started, ended, message`,
      )
      .all(now, INTERRUPTED),
  );
}

/** The latest jobs, newest first. */
export function recentJobs(cat: Catalog, limit = 50): JobRow[] {
  return cat.statement<JobRow>('SELECT id, task, kind, subject, dump, state, started, ended, message FROM jobs ORDER BY id DESC LIMIT ?').all(limit);
}
