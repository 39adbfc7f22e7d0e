/**
 * The daemon's structured log: one JSON object per line (JSON Lines),
 * `{"time":"<ISO 8601>","level":"info|warn|error","msg":"...", ...fields}`, appended to a file
 * (created mode 0640) or written to a stream. `attach(backend)` logs what the operations report
 * (every ApiEvent but the per-block saveset-read/-write and the periodic, non-final statistics)
 * and every task change the task table publishes (state, flags, volume, place: never mere
 * progress). `reopen()` after logrotate has moved the file (the daemon calls it on SIGHUP).
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import type { ApiEvent } from '../../api/events.js';
import type { ControlBackend, TaskEvent } from '../backend.js';

export type LogLevel = 'info' | 'warn' | 'error';

export interface JsonLogOptions {
  /** Unix milliseconds for lines logged without a time of their own (default Date.now). */
  now?: () => number;
  /** Where write errors on the log file go (default: a line on stderr). */
  onError?: (e: Error) => void;
}

/** JSON.stringify for a log line: Errors keep their name, message and code; bigints become strings. */
function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return { name: value.name, message: value.message, ...(code !== undefined ? { code } : {}) };
  }
  return value;
}

export class JsonLog {
  private stream: Writable;
  private readonly path: string | null;
  private readonly now: () => number;
  private readonly onError: (e: Error) => void;
  private readonly detach: (() => void)[] = [];
  private closed = false;

  /** Appends to the file at `path` (created 0640), or writes to a stream it does not own (stdout). */
  constructor(target: string | Writable, o: JsonLogOptions = {}) {
    this.now = o.now ?? Date.now;
    this.onError = o.onError ?? ((e) => process.stderr.write(`tapecoord: log: ${e.message}\n`));
    if (typeof target === 'string') {
      this.path = target;
      this.stream = this.openFile(target);
    } else {
      this.path = null;
      this.stream = target;
    }
  }

  /** One line. `fields` follow time, level and msg, and cannot replace them. Nothing is written after close(). */
  log(level: LogLevel, msg: string, fields: Record<string, unknown> = {}, time: number = this.now()): void {
    if (this.closed) return;
    const { time: _t, level: _l, msg: _m, ...rest } = fields;
    this.stream.write(JSON.stringify({ time: new Date(time).toISOString(), level, msg, ...rest }, replacer) + '\n');
  }

  info(msg: string, fields?: Record<string, unknown>): void {
    this.log('info', msg, fields);
  }
  warn(msg: string, fields?: Record<string, unknown>): void {
    this.log('warn', msg, fields);
  }
  error(msg: string, fields?: Record<string, unknown>): void {
    this.log('error', msg, fields);
  }

  /** Logs the backend's events and task changes from now on; returns the detach function. */
  attach(backend: ControlBackend): () => void {
    const off = backend.subscribe((e) => {
      if (e.kind === 'task') this.logTask(e);
      else this.logEvent(e);
    });
    this.detach.push(off);
    return off;
  }

  /** After logrotate moved the file: lines from now on go to a new file at the same path. */
  async reopen(): Promise<void> {
    if (this.path === null || this.closed) return;
    const old = this.stream as WriteStream;
    this.stream = this.openFile(this.path);
    await endStream(old);
  }

  /** Detaches, writes out what is buffered and closes the file (a stream given is flushed, not ended). */
  async close(): Promise<void> {
    if (this.closed) return;
    for (const off of this.detach.splice(0)) off();
    this.closed = true;
    if (this.path !== null) await endStream(this.stream);
    else await new Promise<void>((resolve) => this.stream.write('', () => resolve()));
  }

  private openFile(path: string): WriteStream {
    const s = createWriteStream(path, { flags: 'a', mode: 0o640 });
    s.on('error', (e) => this.onError(new Error(`${path}: ${e.message}`, { cause: e })));
    return s;
  }

  private logTask(e: TaskEvent): void {
    const t = e.task;
    const level: LogLevel = t.state === 'failed' ? 'error' : t.state === 'aborted' ? 'warn' : 'info';
    const msg = `task ${t.id} ${t.name}: ${t.state}${t.message ? `: ${t.message}` : t.prompt ? `: ${t.prompt.message}` : ''}`;
    this.log(
      level,
      msg,
      {
        task: t.id,
        event: 'task',
        kind: t.kind,
        state: t.state,
        flags: t.flags,
        subject: t.subject,
        volume: t.volumeName,
        bytes: t.bytes,
        drive: t.drive,
        cartridge: t.cartridge,
        file: t.file,
        ...(t.prompt ? { prompt: t.prompt } : {}),
        ...(t.message ? { message: t.message } : {}),
      },
      e.time,
    );
  }

  private logEvent(e: ApiEvent): void {
    if (e.kind === 'saveset-read' || e.kind === 'saveset-write') return;
    if (e.kind === 'statistics' && !e.final) return;
    const { kind, time, task, ...rest } = e;
    const level: LogLevel = kind === 'error-message' ? 'error' : e.kind === 'control' && e.responseRequired ? 'warn' : 'info';
    this.log(level, eventMessage(e), { task, event: kind, ...rest }, time);
  }
}

/** The msg of an event: its own message where it has one, else a short description. */
function eventMessage(e: ApiEvent): string {
  switch (e.kind) {
    case 'control':
    case 'error-message':
    case 'log':
    case 'op-phase':
    case 'user-message':
      return e.message;
    case 'journal-open':
      return `journal open on ${e.catalog}`;
    case 'journal-write':
      return `journal: ${e.record.type}`;
    case 'journal-close':
      return `journal closed: ${e.records} records in ${e.catalog}`;
    case 'list-open':
      return `listing ${e.what}`;
    case 'list-write':
      return `cartridge ${e.entry.cartridge} file ${e.entry.file}: ${e.entry.type}${e.entry.name !== null ? ` ${e.entry.name}` : ''}`;
    case 'list-close':
      return `listed ${e.files} files, ${e.bytes} bytes`;
    case 'saveset-open':
      return `tape file open: cartridge ${e.cartridge} file ${e.file}`;
    case 'saveset-close':
      return `tape file closed: cartridge ${e.cartridge} file ${e.file}, ${e.bytes} bytes`;
    case 'saveset-read':
    case 'saveset-write':
      return `${e.kind}: cartridge ${e.cartridge} file ${e.file}, ${e.blocks} blocks`;
    case 'statistics':
      return `${e.bytes} bytes in ${e.seconds} s, ${Math.round(e.averageRate)} bytes/s average`;
  }
}

function endStream(s: Writable): Promise<void> {
  return new Promise((resolve) => {
    if (s.destroyed || s.writableFinished) return resolve();
    s.once('close', () => resolve());
    s.once('error', () => resolve());
    s.end();
  });
}
