/**
 * What a running job works with: its task, the catalog, the changer, the drives, the operator and
 * the events it reports. One per task, made by the coordinator.
 */
import type { Catalog } from '../catalog/database.js';
import type { Changer } from '../changer/changer.js';
import type { ApiEvent, EventKind } from '../api/events.js';
import type { Latch } from '../util/latch.js';
import type { CartridgeClaims } from './cartridge-claims.js';
import type { DaemonConfig } from './config.js';
import type { DrivePool } from './drive-pool.js';
import type { Prompt, Task } from './tasks.js';

/** An event as a job reports it: the task and the time are added. */
export type JobEvent = ApiEvent extends infer E ? (E extends ApiEvent ? Omit<E, 'task' | 'time'> : never) : never;

export interface JobContext {
  task: Task;
  catalog: Catalog;
  changer: Changer;
  /** How cartridge_locations names the changer. */
  changerName: string;
  drives: DrivePool;
  /** Which task has which cartridge (lib/daemon/cartridge-claims.ts). */
  cartridges: CartridgeClaims;
  /** One job at a time reads the changer's status and moves on it (a library has one robot). */
  robot: Latch;
  config: DaemonConfig;
  emit(event: JobEvent): void;
  /** Whether anyone listens for a kind (per-buffer saveset events are only made then). */
  wants(kind: EventKind): boolean;
  /**
   * Asks the operator (OPR_WAIT while waiting) and resolves with the answer, one of the prompt's
   * choices; with ASK NO, the prompt's default at once. Rejects when the task is aborted.
   */
  ask(prompt: Omit<Prompt, 'asked'>): Promise<string>;
  /** Unix seconds. */
  now(): number;
}

/** Throws the abort reason when the task was aborted: called between steps. */
export function checkAbort(ctx: JobContext): void {
  ctx.task.signal.throwIfAborted();
}

/** The ring's fill as a fraction (the native counters give slots). */
export function fillOf(s: { ringFill: number; ringSlots: number }): number {
  return s.ringSlots > 0 ? s.ringFill / s.ringSlots : 0;
}
