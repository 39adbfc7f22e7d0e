/**
 * The status file, after afserver's (afbackup server.c, statusmsg; docs/SURVEY.md F4): a small
 * text file a person or a script can `cat` to see what the drives do. afserver removes and creates
 * it on every status change and, while streaming, prints "Device %s is writing with %sB/s to
 * cartridge %d, file %d." every 10 s; each line is `<ctime without newline> [<pid>], <message>`.
 *
 * tapecoord has several drives: one line per drive, then one line per unfinished task that is not
 * on a drive (queued, waiting for a drive or an operator). The file is rewritten on every state
 * change (task table 'change', drive changes reported through `changed()`, mount/position phases)
 * and every `intervalMs` (5 s) while anything streams, with the task's current rate. Each rewrite
 * goes to a temporary file in the same directory, is fsynced and renamed over the old one, so a
 * reader sees the old file or the new one, never a part.
 */
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { TASK_STATUS } from '../../rx/interfaces/butc.js';
import { ctime } from '../../util/ctime.js';
import type { ControlBackend, DaemonInfo, DriveSnapshot } from '../backend.js';
import { IDLE_LINE } from '../status-format.js';
import type { TaskSnapshot } from '../tasks.js';

/** A rewrite of the status file failed (the daemon goes on; the next change tries again). */
export class StatusFileError extends Error {
  override name = 'StatusFileError';
  constructor(
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`status file ${path}: ${message}`, options);
  }
}

const SI_PREFIXES = ['', 'k', 'M', 'G', 'T', 'P', 'E'];

/**
 * A rate or size as afbackup's si_symvalstr(value, 3, 0.5, NO, YES) prints it: three significant
 * digits (%.3g, trailing zeros dropped), a space, the decimal SI prefix. `1.23e7` -> `12.3 M`,
 * `500` -> `500 `. Unlike %.3g, a value that rounds up to 1000 moves to the next prefix
 * (`999.7` -> `1 k`, where C prints `1e+03 `), and anything under 0.5 is `0 `.
 */
export function siSymbolic(value: number): string {
  if (!Number.isFinite(value) || value < 0.5) return '0 ';
  let i = 0;
  let scaled = value;
  while (i < SI_PREFIXES.length - 1 && Number(scaled.toPrecision(3)) >= 1000) {
    scaled /= 1000;
    i++;
  }
  return `${Number(scaled.toPrecision(3))} ${SI_PREFIXES[i]}`;
}

/** One line of text: a message must not break the file's one-line-per-entry layout. */
function oneLine(s: string): string {
  return s.replace(/[\r\n]+/g, ' ').trim();
}

function place(cartridge: number | null, file: number | null, preposition: string): string {
  if (cartridge === null) return '';
  return ` ${preposition} cartridge ${cartridge}${file !== null ? `, file ${file}` : ''}`;
}

function driveMessage(d: DriveSnapshot, task: TaskSnapshot | undefined): string {
  const dev = oneLine(d.device ?? `drive ${d.index}`);
  const cartridge = d.cartridge ?? task?.cartridge ?? null;
  const file = d.file ?? task?.file ?? null;
  const rate = `${siSymbolic(task?.rate ?? 0)}B/s`;
  switch (d.state) {
    case 'writing':
      return `Device ${dev} is writing with ${rate}${place(cartridge, file, 'to')}.`;
    case 'reading':
      return `Device ${dev} is reading with ${rate}${place(cartridge, file, 'from')}.`;
    case 'loading':
      return cartridge !== null ? `Device ${dev} is loading cartridge ${cartridge}.` : `Device ${dev} is loading a cartridge.`;
    case 'positioning':
      return `Device ${dev} is positioning${place(cartridge, file, 'at')}.`;
    case 'unloading':
      return cartridge !== null ? `Device ${dev} is unloading cartridge ${cartridge}.` : `Device ${dev} is unloading.`;
    case 'waiting':
      return `Waiting for device ${dev} to become available.`;
    case 'idle':
      return `Device ${dev} is idle.`;
  }
}

function taskMessage(t: TaskSnapshot): string {
  const what = `Task ${t.id} (${t.name}${t.subject !== '' ? ` ${oneLine(t.subject)}` : ''})`;
  if (t.flags & TASK_STATUS.OPR_WAIT) {
    return `${what} is waiting for an operator${t.prompt ? `: ${oneLine(t.prompt.message).replace(/\.$/, '')}` : ''}.`;
  }
  if (t.flags & TASK_STATUS.DRIVE_WAIT) return `${what} is waiting for a drive.`;
  if (t.state === 'queued') return `${what} is queued.`;
  if (t.bytes > 0) return `${what} is running with ${siSymbolic(t.rate)}B/s.`;
  return `${what} is running.`;
}

/**
 * The status file's text: one `<ctime> [<pid>], <message>` line per drive, then one per
 * unfinished task on no drive; `Tape coordinator is idle.` when there is neither.
 */
export function formatStatusFile(info: Pick<DaemonInfo, 'drives'>, tasks: readonly TaskSnapshot[], now: number, pid: number): string {
  const prefix = `${ctime(Math.floor(now / 1000))} [${pid}], `;
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const onDrive = new Set<number>();
  const lines: string[] = [];
  for (const d of info.drives) {
    const task = (d.task !== null ? byId.get(d.task) : undefined) ?? tasks.find((t) => t.drive === d.index && !finished(t));
    if (task) onDrive.add(task.id);
    lines.push(driveMessage(d, task));
  }
  for (const t of tasks) {
    if (finished(t) || onDrive.has(t.id) || t.drive !== null) continue;
    lines.push(taskMessage(t));
  }
  if (lines.length === 0) lines.push(`${IDLE_LINE}.`);
  return lines.map((l) => prefix + l + '\n').join('');
}

function finished(t: TaskSnapshot): boolean {
  return t.state === 'done' || t.state === 'failed' || t.state === 'aborted';
}

/** Whether bytes stream anywhere: a drive reads or writes, or a task runs without waiting. */
export function streaming(info: Pick<DaemonInfo, 'drives'>, tasks: readonly TaskSnapshot[]): boolean {
  if (info.drives.some((d) => d.state === 'writing' || d.state === 'reading')) return true;
  return tasks.some((t) => t.state === 'running' && (t.flags & (TASK_STATUS.OPR_WAIT | TASK_STATUS.DRIVE_WAIT)) === 0);
}

/** Writes `text` to a temporary file beside `path`, fsyncs it and renames it over `path`. */
export async function writeFileAtomic(path: string, text: string, mode = 0o644): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    const handle = await open(tmp, 'w', mode);
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw new StatusFileError(path, `cannot replace it: ${(e as Error).message}`, { cause: e });
  }
}

export interface StatusFileOptions {
  /** Unix milliseconds for the line stamps (default Date.now). */
  now?: () => number;
  /** The rewrite period while streaming (default 5000 ms). */
  intervalMs?: number;
  /** The pid printed in each line (default process.pid). */
  pid?: number;
  /** Where failed rewrites go (default: a line on stderr). */
  onError?: (e: StatusFileError) => void;
}

export class StatusFile {
  private readonly now: () => number;
  private readonly intervalMs: number;
  private readonly pid: number;
  private readonly onError: (e: StatusFileError) => void;
  private readonly onTaskChange = (): void => this.changed();
  private unsubscribe: (() => void) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private scheduled: NodeJS.Immediate | null = null;
  /** The rewrite in progress, and whether another was asked for meanwhile. */
  private writing: Promise<void> | null = null;
  private again = false;
  private running = false;
  private count = 0;

  constructor(
    readonly path: string,
    private readonly backend: ControlBackend,
    o: StatusFileOptions = {},
  ) {
    this.now = o.now ?? Date.now;
    this.intervalMs = o.intervalMs ?? 5000;
    if (!(this.intervalMs > 0)) throw new StatusFileError(path, `interval ${o.intervalMs} ms: expected a positive number`);
    this.pid = o.pid ?? process.pid;
    this.onError = o.onError ?? ((e) => process.stderr.write(`tapecoord: ${e.message}\n`));
  }

  /** Rewrites so far (each one a complete file renamed into place). */
  get writes(): number {
    return this.count;
  }

  /** Whether the periodic rewrite runs (something streams). */
  get ticking(): boolean {
    return this.timer !== null;
  }

  /** Writes the file now and follows the coordinator from here on. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.backend.tasks.on('change', this.onTaskChange);
    // drives change state with the mount, position and load steps, not only with the task table
    this.unsubscribe = this.backend.subscribe((e) => {
      if (e.kind === 'op-phase' || (e.kind === 'log' && (e.subtype === 'loaded' || e.subtype === 'unloaded'))) this.changed();
    });
    await this.flush();
  }

  /** Something changed (a drive's state, say): one rewrite for everything changed in this tick. */
  changed(): void {
    if (!this.running || this.scheduled) return;
    this.scheduled = setImmediate(() => {
      this.scheduled = null;
      void this.flush();
    });
  }

  /** Resolves once no rewrite is scheduled or in progress. */
  async settled(): Promise<void> {
    while (this.scheduled || this.writing) {
      if (this.writing) await this.writing;
      else await new Promise((r) => setImmediate(r));
    }
  }

  /** Stops following, waits for a rewrite in progress, and writes the final state: every drive idle. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.backend.tasks.off('change', this.onTaskChange);
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = null;
    this.setTicking(false);
    while (this.writing) await this.writing;
    const info = this.backend.info();
    const idle = info.drives.map((d) => ({ ...d, state: 'idle' as const, task: null, queued: 0 }));
    await this.write(formatStatusFile({ drives: idle }, [], this.now(), this.pid));
  }

  /** Rewrites the file with the current state (serialised: one rewrite at a time, the last one wins). */
  private flush(): Promise<void> {
    if (this.writing) {
      this.again = true;
      return this.writing;
    }
    const run = async (): Promise<void> => {
      do {
        this.again = false;
        if (!this.running) return;
        const info = this.backend.info();
        const tasks = this.backend.tasks.snapshots();
        this.setTicking(streaming(info, tasks));
        await this.write(formatStatusFile(info, tasks, this.now(), this.pid));
      } while (this.again);
    };
    this.writing = run().finally(() => {
      this.writing = null;
    });
    return this.writing;
  }

  private async write(text: string): Promise<void> {
    try {
      await writeFileAtomic(this.path, text);
      this.count++;
    } catch (e) {
      this.onError(e instanceof StatusFileError ? e : new StatusFileError(this.path, String(e), { cause: e }));
    }
  }

  private setTicking(on: boolean): void {
    if (on && !this.timer) {
      this.timer = setInterval(() => void this.flush(), this.intervalMs);
      this.timer.unref();
    } else if (!on && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }
}
