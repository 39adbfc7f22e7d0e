/**
 * The events an operation reports to its handlers, after BACKUP$START's event callbacks (seed 004,
 * "Event Callback Buffer Formats"), in tapecoord's terms:
 *
 *   control        a question (confirm, user assist, operator assist) or a restart notice; when
 *                  `responseRequired`, answer with respond() (or `tapecoord reply TASK ANSWER`)
 *   error-message  something failed (the operation may go on: a skipped volume)
 *   journal-*      the catalog journal: what was recorded, once the medium holds it
 *   list-*         a listing (scan): open, one entry per tape file found, close with totals
 *   log            created (a label), copied (a tape file written or read), new-saveset (continued
 *                  on another cartridge), loaded / unloaded (a cartridge moved)
 *   op-phase       the operation entered a phase (mount, position, write, read, record, verify, unmount)
 *   saveset-*      a tape file (VMS: a save set) opened or closed on a cartridge; read/write per
 *                  buffer of blocks, sent only to a handler that asks for them (they are many)
 *   statistics     bytes, blocks, seconds and rates, at the end and every few seconds while streaming
 *   user-message   anything else a person should read
 */
import type { Prompt } from '../daemon/tasks.js';

export const EVENT_KINDS = [
  'control',
  'error-message',
  'journal-open',
  'journal-write',
  'journal-close',
  'list-open',
  'list-write',
  'list-close',
  'log',
  'op-phase',
  'saveset-open',
  'saveset-close',
  'saveset-read',
  'saveset-write',
  'statistics',
  'user-message',
] as const;

export type EventKind = (typeof EVENT_KINDS)[number];

export type ControlSubtype = 'confirm' | 'user-assist' | 'operator-assist' | 'restart';
export type LogSubtype = 'created' | 'copied' | 'new-saveset' | 'loaded' | 'unloaded';
export type Phase = 'mount' | 'position' | 'write' | 'read' | 'record' | 'verify' | 'unmount';

interface Base {
  /** The task the event belongs to. */
  task: number;
  /** Unix milliseconds. */
  time: number;
}

export type ApiEvent =
  | (Base & { kind: 'control'; subtype: ControlSubtype; message: string; responseRequired: boolean; prompt: Prompt | null })
  | (Base & { kind: 'error-message'; message: string; code: string | null })
  | (Base & { kind: 'journal-open'; catalog: string })
  | (Base & { kind: 'journal-write'; record: JournalRecord })
  | (Base & { kind: 'journal-close'; catalog: string; records: number })
  | (Base & { kind: 'list-open'; what: string })
  | (Base & { kind: 'list-write'; entry: ListEntry })
  | (Base & { kind: 'list-close'; files: number; bytes: number })
  | (Base & { kind: 'log'; subtype: LogSubtype; message: string })
  | (Base & { kind: 'op-phase'; phase: Phase; message: string })
  | (Base & { kind: 'saveset-open' | 'saveset-close'; cartridge: number; file: number; bytes: number })
  | (Base & { kind: 'saveset-read' | 'saveset-write'; cartridge: number; file: number; blocks: number; bytes: number })
  | (Base & { kind: 'statistics'; bytes: number; seconds: number; rate: number; averageRate: number; ringFill: number | null; final: boolean })
  | (Base & { kind: 'user-message'; message: string });

/** One catalog record, as the journal reports it. */
export type JournalRecord =
  | { type: 'dump'; dump: number; name: string; cartridgeSet: string }
  | { type: 'tape-file'; dump: number; name: string; fragment: number; cartridge: number; file: number; bytes: number; last: boolean }
  | { type: 'continuation'; from: number; to: number; file: number }
  | { type: 'cartridge-full'; cartridge: number }
  | { type: 'dump-complete'; dump: number };

/** One tape file a scan found. */
export interface ListEntry {
  cartridge: number;
  file: number;
  /** 'label' (file 0), 'data' (a tapecoord tape file), 'foreign' (anything else). */
  type: 'label' | 'data' | 'foreign';
  name: string | null;
  dump: number | null;
  fragment: number | null;
  bytes: number;
  blocks: number;
}

export type EventOf<K extends EventKind> = Extract<ApiEvent, { kind: K }>;

/**
 * What start() calls: a handler per kind, or `all`. A control handler may return the answer to a
 * question (BACKUP$START's response buffer), or leave it to `tapecoord reply` / reply().
 */
export type EventHandlers = { [K in Exclude<EventKind, 'control'>]?: (event: EventOf<K>) => void } & {
  control?: (event: EventOf<'control'>) => string | void | Promise<string | void>;
  all?: (event: ApiEvent) => void;
};

export function deliver(handlers: EventHandlers, event: ApiEvent): void {
  (handlers[event.kind] as ((e: ApiEvent) => void) | undefined)?.(event);
  handlers.all?.(event);
}

/** Whether a handler wants an event kind (per-block saveset events are only made when one does). */
export function wants(handlers: EventHandlers, kind: EventKind): boolean {
  return handlers[kind] !== undefined || (handlers.all !== undefined && kind !== 'saveset-read' && kind !== 'saveset-write');
}
