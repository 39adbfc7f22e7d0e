/**
 * The coordinator: owns the catalog, the changer, the drives and the task table, runs operations
 * as tasks (one per drive at a time, queued per drive), asks the operator through prompts, and
 * publishes every event. `tapecoord serve` puts the control socket, the status file, the log and
 * the metrics in front of it; `start()` is lib/api's start on it.
 */
import { mkdirSync } from 'node:fs';
import { condition, type Condition, type ConditionCode } from '../api/conditions.js';
import { deliver, wants as handlerWants, type ApiEvent, type EventHandlers } from '../api/events.js';
import { validateOptions, type ApiOption } from '../api/options.js';
import { isCartError } from '../cart/errors.js';
import { Catalog } from '../catalog/database.js';
import { cartridgesByBarcode } from '../catalog/cartridges.js';
import type { Changer } from '../changer/changer.js';
import { openChanger } from '../changer/open.js';
import { Latch } from '../util/latch.js';
import { packageVersion } from '../util/package.js';
import type { ControlBackend, DaemonInfo, TaskEvent } from './backend.js';
import { CartridgeClaims } from './cartridge-claims.js';
import type { DaemonConfig } from './config.js';
import { DrivePool, type DriveLease } from './drive-pool.js';
import { DaemonError, isDaemonError } from './errors.js';
import type { JobContext, JobEvent } from './job-context.js';
import { runCartJob } from './jobs/cart.js';
import { runDump } from './jobs/dump.js';
import { runRestore } from './jobs/restore.js';
import { runScan } from './jobs/scan.js';
import { failInterrupted, journalDump, journalEnd, journalStart, type JobRow } from './jobs-journal.js';
import type { OperationRequest } from './requests.js';
import { setUp, type SetupReport } from './setup.js';
import { TaskTable, type Prompt, type Task, type TaskKind, type TaskSnapshot } from './tasks.js';

export interface CoordinatorOptions {
  /** Unix milliseconds (tests). */
  now?: () => number;
}

interface PendingPrompt {
  prompt: Prompt;
  resolve: (answer: string) => void;
}

interface Running {
  /** Also after a TC EndStatus took it off the table (butc removes a running node too). */
  task: Task;
  handlers: Set<EventHandlers>;
  done: Promise<Condition>;
}

/** The task kind and what it works on, for the table and the journal. */
function describe(r: OperationRequest): { kind: TaskKind; subject: string } {
  switch (r.operation) {
    case 'dump':
      return { kind: 'dump', subject: r.name };
    case 'restore':
      return { kind: 'restore', subject: r.names.join(', ') };
    case 'scan':
      return { kind: 'scan', subject: `cartridges ${r.cartridges.join(',')}` };
    default:
      return { kind: r.operation, subject: r.action.op };
  }
}

/** What an operation that threw ends with. */
function conditionCode(e: unknown, aborted: boolean): ConditionCode {
  if (aborted || isDaemonError(e, 'aborted')) return 'ABORTED';
  if (isDaemonError(e)) {
    const byCode: Partial<Record<DaemonError['code'], ConditionCode>> = {
      'not-found': 'NOTFOUND',
      'no-cartridge': 'NOCARTRIDGE',
      refused: 'NOCARTRIDGE',
      'wrong-medium': 'WRONGMEDIUM',
      stream: 'STREAMERR',
      invalid: 'BADOPTVAL',
    };
    return byCode[e.code] ?? 'DEVICEERR';
  }
  if (isCartError(e)) return 'COMPLETEDWITHERRORS';
  return 'DEVICEERR';
}

export class Coordinator implements ControlBackend {
  readonly tasks: TaskTable;
  readonly drives: DrivePool;
  readonly cartridges = new CartridgeClaims();
  private readonly robot = new Latch();
  private readonly listeners = new Set<(e: ApiEvent | TaskEvent) => void>();
  private readonly driveWatchers = new Set<() => void>();
  private readonly prompts = new Map<number, PendingPrompt>();
  private readonly running = new Map<number, Running>();
  private readonly conditions = new Map<number, Condition>();
  private readonly started: number;
  private readonly version = packageVersion();
  private closed = false;

  private constructor(
    readonly config: DaemonConfig,
    readonly catalog: Catalog,
    readonly changer: Changer,
    driveCount: number,
    /** Jobs a previous daemon left running, now marked failed. */
    readonly interrupted: JobRow[],
    readonly setup: SetupReport,
    private readonly clock: () => number,
  ) {
    this.started = clock();
    this.tasks = new TaskTable({ portOffset: config.portOffset, retainMs: config.retainMinutes * 60_000, now: clock });
    this.drives = new DrivePool(driveCount, () => {
      for (const w of this.driveWatchers) w();
    });
    this.tasks.on('change', (task) => this.publish({ kind: 'task', time: this.clock(), task }));
    this.tasks.on('removed', (id) => this.conditions.delete(id));
  }

  static async open(config: DaemonConfig, o: CoordinatorOptions = {}): Promise<Coordinator> {
    const clock = o.now ?? Date.now;
    mkdirSync(config.varDir, { recursive: true });
    const catalog = Catalog.open(config.catalog);
    try {
      const interrupted = failInterrupted(catalog, Math.floor(clock() / 1000));
      const changer = await openChanger(config.changer);
      const status = await changer.status();
      const setup = await setUp(catalog, changer, changer.device, config);
      const c = new Coordinator(config, catalog, changer, status.drives.length, interrupted, setup, clock);
      for (const d of status.drives) {
        const numbers = d.barcode === null ? [] : cartridgesByBarcode(catalog, d.barcode);
        c.drives.setLoaded(d.index, { cartridge: numbers.length === 1 ? numbers[0]! : null, barcode: d.barcode, device: d.device });
      }
      return c;
    } catch (e) {
      catalog.close();
      throw e;
    }
  }

  start(options: readonly ApiOption[], handlers: EventHandlers = {}): Promise<Condition> {
    const v = validateOptions(options, { blockSize: this.config.blockSize, bufferSize: this.config.bufferSize });
    if (!v.ok) return Promise.resolve(v.condition);
    return this.run(v.request, handlers, v.warnings);
  }

  /** Runs a validated request as a task; resolves with its condition when it ends. */
  run(request: OperationRequest, handlers: EventHandlers = {}, warnings: readonly string[] = []): Promise<Condition> {
    if (this.closed) return Promise.resolve(condition('NOCOORDINATOR', 'the daemon is shutting down'));
    const { kind, subject } = describe(request);
    const task = this.tasks.create(kind, subject);
    const entry: Running = { task, handlers: new Set([handlers]), done: null as unknown as Promise<Condition> };
    this.running.set(task.id, entry);
    entry.done = this.execute(task, request, entry, warnings).finally(() => this.running.delete(task.id));
    return entry.done;
  }

  wait(id: number, handlers: EventHandlers = {}): Promise<Condition> {
    const known = this.conditions.get(id);
    if (known) return Promise.resolve(known);
    const r = this.running.get(id);
    if (!r) throw new DaemonError('not-found', `no task ${id}`);
    r.handlers.add(handlers);
    return r.done;
  }

  reply(id: number, answer: string): void {
    const p = this.prompts.get(id);
    if (!p) throw new DaemonError(this.tasks.get(id) ? 'invalid' : 'not-found', this.tasks.get(id) ? `task ${id} is not waiting for an answer` : `no task ${id}`);
    const a = p.prompt.choices.length ? answer.trim().toLowerCase() : answer;
    if (p.prompt.choices.length && !p.prompt.choices.includes(a)) {
      throw new DaemonError('invalid', `task ${id}: "${answer}" is not an answer to "${p.prompt.message}" (answer ${p.prompt.choices.join(' or ')})`);
    }
    this.prompts.delete(id);
    p.resolve(a);
  }

  abort(id: number): void {
    const t = this.tasks.get(id) ?? this.running.get(id)?.task;
    if (!t) throw new DaemonError('not-found', `no task ${id}`);
    t.requestAbort();
  }

  info(): DaemonInfo {
    return {
      version: this.version,
      pid: process.pid,
      started: this.started,
      portOffset: this.config.portOffset,
      changer: this.changer.device,
      catalog: this.catalog.path,
      varDir: this.config.varDir,
      drives: this.drives.snapshots(),
    };
  }

  subscribe(listener: (e: ApiEvent | TaskEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Calls `fn` whenever a drive changes state or cartridge (the status file follows drives too). */
  onDrivesChanged(fn: () => void): () => void {
    this.driveWatchers.add(fn);
    return () => this.driveWatchers.delete(fn);
  }

  /** Aborts what runs, waits for it to end, and closes the catalog and the changer. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.tasks.list()) t.requestAbort('the daemon is shutting down');
    await Promise.allSettled([...this.running.values()].map((r) => r.done));
    await this.changer.close();
    this.catalog.close();
  }

  private publish(e: ApiEvent | TaskEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        // a listener's failure is its own (a closed socket); the others still hear
      }
    }
  }

  private context(task: Task, entry: Running, ask: boolean): JobContext {
    const emit = (e: JobEvent) => {
      const event = { ...e, task: task.id, time: this.clock() } as ApiEvent;
      for (const h of entry.handlers) {
        try {
          if (event.kind === 'control' && h.control) {
            // BACKUP$START's callback writes its response into the buffer; ours may return it
            const answer = h.control(event);
            h.all?.(event);
            if (event.responseRequired && answer !== undefined) {
              void Promise.resolve(answer)
                .then((a) => typeof a === 'string' && this.prompts.has(task.id) && this.reply(task.id, a))
                .catch((e: unknown) => emit({ kind: 'error-message', message: `the control handler's answer: ${(e as Error).message}`, code: 'invalid' }));
            }
          } else deliver(h, event);
        } catch {
          // a handler that throws does not stop the operation (BACKUP$START ignores callback status)
        }
      }
      this.publish(event);
    };
    return {
      task,
      catalog: this.catalog,
      changer: this.changer,
      changerName: this.changer.device,
      drives: this.drives,
      cartridges: this.cartridges,
      robot: this.robot,
      config: this.config,
      emit,
      wants: (kind) => [...entry.handlers].some((h) => handlerWants(h, kind)),
      ask: (prompt) => this.ask(task, emit, ask, prompt),
      now: () => Math.floor(this.clock() / 1000),
    };
  }

  private ask(task: Task, emit: (e: JobEvent) => void, attended: boolean, prompt: Omit<Prompt, 'asked'>): Promise<string> {
    task.signal.throwIfAborted();
    if (!attended) {
      emit({ kind: 'user-message', message: `ASK NO: "${prompt.message}" answered "${prompt.default}"` });
      return Promise.resolve(prompt.default);
    }
    const p: Prompt = { ...prompt, asked: this.clock() };
    return new Promise<string>((resolve, reject) => {
      const onAbort = () => {
        this.prompts.delete(task.id);
        task.setPrompt(null);
        reject(task.signal.reason);
      };
      task.signal.addEventListener('abort', onAbort, { once: true });
      this.prompts.set(task.id, {
        prompt: p,
        resolve: (answer) => {
          task.signal.removeEventListener('abort', onAbort);
          task.setPrompt(null);
          resolve(answer);
        },
      });
      task.setPrompt(p);
      const subtype = prompt.kind === 'overwrite' ? 'confirm' : prompt.kind === 'line' || prompt.kind === 'volume-failed' ? 'user-assist' : 'operator-assist';
      emit({ kind: 'control', subtype, message: p.message, responseRequired: true, prompt: p });
    });
  }

  private async execute(task: Task, request: OperationRequest, entry: Running, warnings: readonly string[]): Promise<Condition> {
    const ctx = this.context(task, entry, request.ask);
    for (const w of warnings) ctx.emit({ kind: 'user-message', message: `warning: ${w}` });
    const row = journalStart(this.catalog, task, ctx.now());
    const noteDump = (snap: TaskSnapshot) => {
      if (snap.id !== task.id || snap.dumpId === 0) return;
      journalDump(this.catalog, row, snap.dumpId);
      this.tasks.off('change', noteDump);
    };
    this.tasks.on('change', noteDump);
    let lease: DriveLease | null = null;
    let result: Condition;
    try {
      lease = await this.drives.acquire(task, request.drive);
      task.start();
      const value = await this.perform(ctx, request, lease);
      const ok = !(typeof value === 'object' && value !== null && 'ok' in value && value.ok === false);
      task.finish(ok ? 'done' : 'failed', ok ? null : 'some parts failed');
      result = condition(ok ? 'NORMAL' : 'COMPLETEDWITHERRORS', null, task.id, value);
    } catch (e) {
      const aborted = task.signal.aborted;
      const code = conditionCode(e, aborted);
      const message = aborted && !isDaemonError(e, 'aborted') ? `${(task.signal.reason as Error).message} (${(e as Error).message})` : (e as Error).message;
      task.finish(code === 'ABORTED' ? 'aborted' : 'failed', message);
      ctx.emit({ kind: 'error-message', message, code: isDaemonError(e) ? e.code : ((e as { code?: string }).code ?? null) });
      result = condition(code, message, task.id);
    } finally {
      this.cartridges.release(task.id);
      lease?.release();
    }
    const s = task.snapshot();
    ctx.emit({ kind: 'statistics', bytes: s.bytes, seconds: ((s.ended ?? this.clock()) - (s.started ?? s.created)) / 1000, rate: 0, averageRate: s.averageRate, ringFill: null, final: true });
    this.tasks.off('change', noteDump);
    journalEnd(this.catalog, row, task, ctx.now());
    this.conditions.set(task.id, result);
    return result;
  }

  private perform(ctx: JobContext, r: OperationRequest, lease: DriveLease): Promise<unknown> {
    switch (r.operation) {
      case 'dump':
        return runDump(ctx, r, lease);
      case 'restore':
        return runRestore(ctx, r, lease);
      case 'scan':
        return runScan(ctx, r, lease);
      default:
        return runCartJob(ctx, r, lease);
    }
  }
}
