/**
 * What the control socket, the status file, the metrics endpoint and the TC service see of the
 * coordinator. The Coordinator (coordinator.ts) implements it; tests implement it with a table of
 * their own.
 */
import type { ApiOption } from '../api/options.js';
import type { Condition } from '../api/conditions.js';
import type { ApiEvent, EventHandlers } from '../api/events.js';
import type { TaskSnapshot, TaskTable } from './tasks.js';

export type DriveState = 'idle' | 'loading' | 'positioning' | 'writing' | 'reading' | 'unloading' | 'waiting';

export interface DriveSnapshot {
  /** mtx number, from 0. */
  index: number;
  /** What the drive's medium opens as (`/dev/nst0`, `sim:PATH` of the loaded cartridge), when known. */
  device: string | null;
  state: DriveState;
  /** The task using it. */
  task: number | null;
  /** Tasks queued for it. */
  queued: number;
  /** The catalog number and barcode of the cartridge loaded, when known. */
  cartridge: number | null;
  barcode: string | null;
  /** The tape file it is at, when known. */
  file: number | null;
  /** Bytes moved through it since the daemon started, and errors it had. */
  bytes: number;
  errors: number;
}

export interface DaemonInfo {
  version: string;
  pid: number;
  /** Unix milliseconds. */
  started: number;
  portOffset: number;
  changer: string;
  catalog: string;
  varDir: string;
  drives: DriveSnapshot[];
}

/** A task changed state (published to watchers beside the operations' own events). */
export interface TaskEvent {
  kind: 'task';
  time: number;
  task: TaskSnapshot;
}

export interface ControlBackend {
  readonly tasks: TaskTable;
  /** Runs one operation (lib/api's start, in the daemon). */
  start(options: readonly ApiOption[], handlers: EventHandlers): Promise<Condition>;
  /** Events and the condition of a task already started (by anyone); a finished one resolves at once. */
  wait(task: number, handlers: EventHandlers): Promise<Condition>;
  /** Answers the question a task waits on. Throws DaemonError 'not-found' / 'invalid'. */
  reply(task: number, answer: string): void;
  /** Requests an abort. Throws DaemonError 'not-found'. */
  abort(task: number): void;
  info(): DaemonInfo;
  /** Every event of every task, and task changes. Returns the unsubscribe function. */
  subscribe(listener: (e: ApiEvent | TaskEvent) => void): () => void;
}
