/**
 * The coordinator's task table, numbered and flagged as butc numbers and flags its status nodes
 * (BUTC-SPEC §3.6–3.7, src/butc/list.c): ids count up from portOffset × 1000 + 1 for every
 * operation (ReadLabel takes one without a node), nodes are kept in creation order, and the flags
 * word is butc's (TASK_STATUS). Where butc keeps a node until EndStatus forever, tapecoord keeps a
 * finished task for `retainMs` and then collects it (the "kept for a while").
 *
 * A task also carries what butc does not: its state, bytes and rates, the drive, cartridge and
 * tape file it is at, the ring's fill, and the operator prompt it waits on. The table emits
 * 'change' (a TaskSnapshot) on every state change, never on mere progress: progress is read by
 * whoever polls (the status file's 5-second tick, `tapecoord status`, ScanStatus).
 */
import { EventEmitter } from 'node:events';
import { BC_TAPEPORT, MAX_PORT_OFFSET, TASK_STATUS } from '../rx/interfaces/butc.js';
import { DaemonError } from './errors.js';

export type TaskKind = 'dump' | 'restore' | 'label' | 'scan' | 'inventory' | 'move' | 'savedb' | 'restoredb';

/** butc's taskName for each kind (src/butc/tcprocs.c); tapecoord's own kinds in the same style. */
export const TASK_NAMES: Readonly<Record<TaskKind, string>> = {
  dump: 'Dump',
  restore: 'Restore',
  label: 'Labeltape',
  scan: 'Scantape',
  savedb: 'SaveDb',
  restoredb: 'RestoreDb',
  inventory: 'Inventory',
  move: 'Move',
};

export type TaskState = 'queued' | 'running' | 'done' | 'failed' | 'aborted';

/** A question a task waits on (OPR_WAIT): the operator answers with one of `choices`. */
export interface Prompt {
  /** 'mount': insert a cartridge; 'overwrite': confirm writing over a medium; 'volume-failed': retry/skip/abort. */
  kind: 'mount' | 'overwrite' | 'volume-failed' | 'manual-move' | 'line';
  message: string;
  /** Allowed answers, lower case; empty for a free line of text. */
  choices: string[];
  /** What ASK NO (unattended) answers, as butc's CFG defaults do. */
  default: string;
  /** When it was asked, Unix milliseconds. */
  asked: number;
}

export interface TaskSnapshot {
  id: number;
  kind: TaskKind;
  /** butc's taskName. */
  name: string;
  /** TASK_STATUS bits. */
  flags: number;
  state: TaskState;
  /** What it works on: a dump name, a volume, a cartridge list. */
  subject: string;
  /** butc's volumeName: the volume being dumped or restored now ('' when none). */
  volumeName: string;
  /** butc's nKBytes: kilobytes moved, as butc counts them (bytes / 1024, truncated). */
  nKBytes: number;
  bytes: number;
  /** Bytes expected in all, when known (a file's size, a restore plan's total). */
  totalBytes: number | null;
  /** Bytes per second over the last few seconds, and since the task started moving data. */
  rate: number;
  averageRate: number;
  /** Seconds left at the current rate, when the total is known. */
  eta: number | null;
  volsFailed: number;
  /** Drive index (mtx numbering, from 0), cartridge number and tape file, while it holds them. */
  drive: number | null;
  cartridge: number | null;
  file: number | null;
  /** The ring's fill, 0..1, while data streams. */
  ringFill: number | null;
  prompt: Prompt | null;
  /** The dump id a dump task made (butc's dbDumpId). */
  dumpId: number;
  /** Why it failed or was aborted. */
  message: string | null;
  created: number;
  started: number | null;
  ended: number | null;
}

export interface TaskTableOptions {
  /** butc's port offset: ids start at portOffset × 1000 + 1. */
  portOffset?: number;
  /** How long a finished task stays listed (default 10 minutes); 0 keeps them until removed, as butc. */
  retainMs?: number;
  now?: () => number;
}

const RATE_WINDOW_MS = 5_000;

export class Task {
  readonly created: number;
  private state: TaskState = 'queued';
  private flagWord: number;
  private volume = '';
  private byteCount = 0;
  private total: number | null = null;
  private failedVolumes = 0;
  private where: { drive: number | null; cartridge: number | null; file: number | null } = { drive: null, cartridge: null, file: null };
  private fill: (() => number) | null = null;
  private question: Prompt | null = null;
  private dump = 0;
  private why: string | null = null;
  private startedAt: number | null = null;
  private endedAt: number | null = null;
  private firstByteAt: number | null = null;
  /** (time, bytes) samples inside the rate window. */
  private samples: [number, number][] = [];
  private readonly aborter = new AbortController();

  constructor(
    readonly id: number,
    readonly kind: TaskKind,
    readonly subject: string,
    private readonly table: TaskTable,
  ) {
    this.created = table.now();
    // butc sets STARTING while it builds the node and clears it before the RPC returns (§3.6)
    this.flagWord = 0;
  }

  /** Aborted by RequestAbort / `tapecoord abort`: every step of the task watches it. */
  get signal(): AbortSignal {
    return this.aborter.signal;
  }
  get flags(): number {
    return this.flagWord;
  }
  get status(): TaskState {
    return this.state;
  }
  get finished(): boolean {
    return this.state === 'done' || this.state === 'failed' || this.state === 'aborted';
  }
  /** When it finished, Unix milliseconds; null while it runs. */
  get ended(): number | null {
    return this.endedAt;
  }

  /** Sets or clears TASK_STATUS bits; a change is published. */
  setFlags(bits: number, on: boolean): void {
    const next = on ? this.flagWord | bits : this.flagWord & ~bits;
    if (next === this.flagWord) return;
    this.flagWord = next;
    this.changed();
  }

  start(): void {
    if (this.state !== 'queued') return;
    this.state = 'running';
    this.startedAt = this.table.now();
    this.changed();
  }

  /** The volume being worked on (butc's volumeName); '' clears it. */
  setVolume(name: string): void {
    if (name === this.volume) return;
    this.volume = name;
    this.changed();
  }

  setPlace(p: Partial<{ drive: number | null; cartridge: number | null; file: number | null }>): void {
    const next = { ...this.where, ...p };
    if (next.drive === this.where.drive && next.cartridge === this.where.cartridge && next.file === this.where.file) return;
    this.where = next;
    this.changed();
  }

  setDumpId(id: number): void {
    this.dump = id;
    this.changed();
  }

  setTotal(bytes: number | null): void {
    this.total = bytes;
  }

  /** Where the ring's fill is read while data streams; null when no ring runs. */
  setRingFill(read: (() => number) | null): void {
    this.fill = read;
  }

  /** Progress: bytes moved so far (absolute). Not published; pollers read it. */
  progress(bytes: number): void {
    const now = this.table.now();
    if (this.firstByteAt === null && bytes > 0) this.firstByteAt = now;
    this.byteCount = bytes;
    this.samples.push([now, bytes]);
    while (this.samples.length > 2 && this.samples[0]![0] < now - RATE_WINDOW_MS) this.samples.shift();
  }

  volumeFailed(): void {
    this.failedVolumes++;
    this.changed();
  }

  setPrompt(p: Prompt | null): void {
    this.question = p;
    this.flagWord = p ? this.flagWord | TASK_STATUS.OPR_WAIT : this.flagWord & ~TASK_STATUS.OPR_WAIT;
    this.changed();
  }

  /** RequestAbort: ABORT_REQUEST is set and the task's signal fires; the task ends as soon as it can. */
  requestAbort(reason = 'abort requested'): void {
    if (this.finished) return;
    this.setFlags(TASK_STATUS.ABORT_REQUEST, true);
    this.aborter.abort(new DaemonError('aborted', `task ${this.id}: ${reason}`));
  }

  /**
   * The end (butc: TASK_DONE, with TASK_ERROR on errors and ABORT_DONE after an abort; the waits
   * and ABORT_REQUEST are cleared).
   */
  finish(outcome: 'done' | 'failed' | 'aborted', message: string | null = null): void {
    if (this.finished) return;
    this.state = outcome;
    this.why = message;
    this.endedAt = this.table.now();
    this.question = null;
    this.fill = null;
    const waits = TASK_STATUS.DRIVE_WAIT | TASK_STATUS.OPR_WAIT | TASK_STATUS.CALL_WAIT | TASK_STATUS.ABORT_REQUEST | TASK_STATUS.STARTING;
    this.flagWord = (this.flagWord & ~waits) | TASK_STATUS.TASK_DONE;
    if (outcome === 'failed') this.flagWord |= TASK_STATUS.TASK_ERROR;
    if (outcome === 'aborted') this.flagWord |= TASK_STATUS.ABORT_DONE;
    this.changed();
  }

  snapshot(): TaskSnapshot {
    const now = this.table.now();
    const [first, last] = [this.samples[0], this.samples[this.samples.length - 1]];
    const rate = first && last && last[0] > first[0] ? ((last[1] - first[1]) * 1000) / (last[0] - first[0]) : 0;
    const running = this.endedAt ?? now;
    const averageRate = this.firstByteAt !== null && running > this.firstByteAt ? (this.byteCount * 1000) / (running - this.firstByteAt) : 0;
    const left = this.total !== null ? Math.max(0, this.total - this.byteCount) : null;
    return {
      id: this.id,
      kind: this.kind,
      name: TASK_NAMES[this.kind],
      flags: this.flagWord,
      state: this.state,
      subject: this.subject,
      volumeName: this.volume,
      nKBytes: Math.floor(this.byteCount / 1024),
      bytes: this.byteCount,
      totalBytes: this.total,
      rate: this.finished ? 0 : rate,
      averageRate,
      eta: left !== null && !this.finished && rate > 0 ? left / rate : null,
      volsFailed: this.failedVolumes,
      ...this.where,
      ringFill: this.fill ? this.fill() : null,
      prompt: this.question,
      dumpId: this.dump,
      message: this.why,
      created: this.created,
      started: this.startedAt,
      ended: this.endedAt,
    };
  }

  private changed(): void {
    this.table.emit('change', this.snapshot());
  }
}

export class TaskTable extends EventEmitter<{ change: [TaskSnapshot]; removed: [number] }> {
  readonly portOffset: number;
  readonly now: () => number;
  private readonly retainMs: number;
  private next: number;
  private readonly tasks = new Map<number, Task>();

  constructor(o: TaskTableOptions = {}) {
    super();
    this.portOffset = o.portOffset ?? 0;
    if (!Number.isSafeInteger(this.portOffset) || this.portOffset < 0 || this.portOffset > MAX_PORT_OFFSET) {
      throw new DaemonError('invalid', `port offset ${o.portOffset}: expected 0..${MAX_PORT_OFFSET} (UDP ${BC_TAPEPORT} + offset)`);
    }
    this.retainMs = o.retainMs ?? 600_000;
    this.now = o.now ?? Date.now;
    this.next = this.portOffset * 1000 + 1;
  }

  /** The next task id, as butc hands them out (ReadLabel takes one and makes no node). */
  allocateId(): number {
    return this.next++;
  }

  create(kind: TaskKind, subject: string): Task {
    const task = new Task(this.allocateId(), kind, subject, this);
    this.tasks.set(task.id, task);
    this.emit('change', task.snapshot());
    return task;
  }

  get(id: number): Task | undefined {
    return this.tasks.get(id);
  }

  /** Tasks in creation order (butc appends nodes at the tail; ScanStatus walks them in order). */
  list(): Task[] {
    this.collect();
    return [...this.tasks.values()];
  }

  snapshots(): TaskSnapshot[] {
    return this.list().map((t) => t.snapshot());
  }

  /** EndStatus: the node goes. Returns false when there was none. */
  remove(id: number): boolean {
    const had = this.tasks.delete(id);
    if (had) this.emit('removed', id);
    return had;
  }

  /** Drops finished tasks older than the retention time. */
  collect(): void {
    if (this.retainMs === 0) return;
    const limit = this.now() - this.retainMs;
    for (const t of this.tasks.values()) {
      const ended = t.ended;
      if (ended !== null && ended < limit) this.remove(t.id);
    }
  }
}
