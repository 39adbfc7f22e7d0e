/**
 * butc's logs (BUTC-SPEC §1.5; `TapeLogStr`, `ErrorLogStr`, `TLog`, `TapeLog`, `ErrorLog`, `ELog`
 * in `src/butc/lwps.c`; the opening code in `WorkerBee()`, `src/butc/tcmain.c`):
 *
 * | call              | TE  | TL  | TL.lp (last pass) | stdout                 |
 * |-------------------|-----|-----|-------------------|------------------------|
 * | tLog(task)        |     | yes | yes               | always (level 0)       |
 * | tapeLog(level)    |     | yes | yes               | if level <= debugLevel |
 * | errorLog(level)   | yes | yes | yes               | if level <= debugLevel |
 * | eLog(task)        | yes | yes | yes               | always (level 0)       |
 *
 * A file line is `<Www Mmm DD HH:MM:SS YYYY>: [Task <id>: ]<message>` plus, with an error code,
 * the 5-space error line of `com-err.ts`; stdout gets the message alone. Messages are cut to 1023
 * bytes (vsnprintf into 1024). Files are opened in append mode, never rotated, written through
 * after every message. "Level 0 always" holds only while debugLevel >= 0: butc compares, and a
 * debug level that wrapped negative silences even TLog on stdout.
 */
import { closeSync, openSync, realpathSync, statSync, writeSync } from 'node:fs';
import { bytesOf } from './c-string.js';
import { errorLine, type ErrorText } from './com-err.js';
import type { ButcConsole } from './console.js';
import { ButcError } from './errors.js';
import { DAYS, MONTHS } from '../util/ctime.js';

const pad2 = (n: number) => String(n).padStart(2, '0');

/** `strftime("%a %b %d %H:%M:%S %Y")` in local time, C locale. */
export function butcTimestamp(d: Date): string {
  return `${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())} ${d.getFullYear()}`;
}

/** The header butc writes to a CENTRALLOG file it creates. */
export const CENTRAL_LOG_HEADER =
  'TASK   START DATE/TIME      END DATE/TIME        ELAPSED   VOLUMESET\n' +
  '-----  -------------------  -------------------  --------  ---------\n';

function centralPrefix(taskId: number, start: Date, end: Date): string {
  const date = (d: Date) =>
    `${pad2(d.getMonth() + 1)}/${pad2(d.getDate())}/${String(d.getFullYear()).padStart(4, '0')} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
  const diff = Math.trunc(end.getTime() / 1000) - Math.trunc(start.getTime() / 1000);
  const hrs = Math.trunc(diff / 3600);
  const rem = diff % 3600;
  const elapsed = `${pad2(hrs)}:${pad2(Math.trunc(rem / 60))}:${pad2(rem % 60)}`;
  return `${String(taskId).padEnd(5)}  ${date(start)}  ${date(end)}  ${elapsed}  `;
}

/** The CENTRALLOG line of a dump: `... <volset> <dumped> of <dumped+failed> volumes dumped (<KB+1> KB)`. */
export function centralDumpLine(taskId: number, start: Date, end: Date, volumeSet: string, dumped: number, failed: number, tapeKBytes: number): string {
  return `${centralPrefix(taskId, start, end)}${volumeSet} ${dumped} of ${dumped + failed} volumes dumped (${(tapeKBytes + 1) >>> 0} KB)\n`;
}

/** The CENTRALLOG line of a restore: `... <good> of <n> volume[s] restored` ("s" only when n > 1). */
export function centralRestoreLine(taskId: number, start: Date, end: Date, restored: number, total: number): string {
  return `${centralPrefix(taskId, start, end)}${restored} of ${total} volume${total > 1 ? 's' : ''} restored\n`;
}

export interface ButcLogPaths {
  tapeLog: string;
  errorLog: string;
  /** TL_<x>.lp: opened only when `openLastLog` (CFG `LASTLOG YES`). */
  lastLog: string;
  openLastLog: boolean;
  /** CENTRALLOG, or null. */
  centralLog: string | null;
}

export interface ButcLogsOptions {
  /** The clock for timestamps (tests). */
  now?: () => Date;
}

function openAppend(path: string): number {
  return openSync(bytesOf(path), 'a');
}

function errnoOf(e: unknown): number {
  return -((e as NodeJS.ErrnoException).errno ?? -5);
}

export class ButcLogs {
  /** -debuglevel: stdout gets tapeLog/errorLog messages of this level or lower. Set after opening, like butc. */
  debugLevel = 0;
  /** True during the last pass of a dump: lines also go to TL_<x>.lp (if LASTLOG opened it). */
  lastPass = false;
  readonly paths: ButcLogPaths;
  private readonly console: ButcConsole;
  private readonly now: () => Date;
  private tl: number;
  private te: number;
  private lp: number | null;
  private central: number | null;

  private constructor(paths: ButcLogPaths, console: ButcConsole, now: () => Date, fds: { tl: number; te: number; lp: number | null; central: number | null }) {
    this.paths = paths;
    this.console = console;
    this.now = now;
    this.tl = fds.tl;
    this.te = fds.te;
    this.lp = fds.lp;
    this.central = fds.central;
  }

  /**
   * Opens TL, TE, TL.lp (if LASTLOG) and the central log in butc's order and with its checks.
   * On failure throws ButcError('file') carrying butc's stderr and exit status 1 (files opened
   * before the failure stay created, as with butc). A central log whose real path is under /afs/
   * is refused; one that did not exist gets the two header lines. A real path that cannot be
   * determined only warns (`warn` receives butc's stderr text).
   */
  static open(paths: ButcLogPaths, console: ButcConsole, options: ButcLogsOptions = {}): ButcLogs {
    const opened: number[] = [];
    const fail = (file: string, butcStderr: string, e?: unknown): never => {
      for (const fd of opened) closeSync(fd);
      throw new ButcError('file', e ? `cannot open: ${(e as Error).message}` : 'refused', { file, butcStderr, exitCode: 1 });
    };
    const open = (path: string): number => {
      try {
        const fd = openAppend(path);
        opened.push(fd);
        return fd;
      } catch (e) {
        return fail(path, `Failed to open ${path}\n`, e);
      }
    };
    const tl = open(paths.tapeLog);
    const te = open(paths.errorLog);
    const lp = paths.openLastLog ? open(paths.lastLog) : null;
    let central: number | null = null;
    if (paths.centralLog !== null) {
      const file = paths.centralLog;
      let existed = true;
      try {
        statSync(bytesOf(file));
      } catch {
        existed = false;
      }
      try {
        central = openAppend(file);
        opened.push(central);
      } catch (e) {
        fail(file, `Failed to open ${file}; error ${errnoOf(e)}\n`, e);
      }
      let real: string | null = null;
      try {
        real = realpathSync(bytesOf(file), { encoding: 'buffer' }).toString('latin1');
      } catch (e) {
        console.err(`Warning: can't determine real path of '${file}' (${errnoOf(e)})\n`);
      }
      if (real?.startsWith('/afs/')) fail(file, `The central log '${file}' should not be in AFS\n`);
      if (!existed) writeSync(central!, bytesOf(CENTRAL_LOG_HEADER));
    }
    return new ButcLogs(paths, console, options.now ?? (() => new Date()), { tl, te, lp, central });
  }

  /** TLog: TL (and .lp) and always stdout. */
  tLog(task: number, message: string): void {
    this.tapeLog(0, task, message);
  }

  /** TapeLog: TL (and .lp); stdout if level <= debugLevel. */
  tapeLog(level: number, task: number, message: string, error1?: ErrorText, error2?: ErrorText): void {
    const msg = message.slice(0, 1023);
    const body = msg + (error1 && error1.code !== 0 ? errorLine(error1, error2) : '');
    const head = `${butcTimestamp(this.now())}: ${task ? `Task ${task >>> 0}: ` : ''}`;
    writeSync(this.tl, bytesOf(head + body));
    if (this.lastPass && this.lp !== null) writeSync(this.lp, bytesOf(head + body));
    if (level <= this.debugLevel) this.console.out(body);
  }

  /** ErrorLog: TE, then everything tapeLog does. */
  errorLog(level: number, task: number, message: string, error1?: ErrorText, error2?: ErrorText): void {
    const msg = message.slice(0, 1023);
    const body = msg + (error1 && error1.code !== 0 ? errorLine(error1, error2) : '');
    writeSync(this.te, bytesOf(`${butcTimestamp(this.now())}: ${task ? `Task ${task >>> 0}: ` : ''}${body}`));
    this.tapeLog(level, task, msg, error1, error2);
  }

  /** ELog: TE, TL (and .lp) and always stdout. */
  eLog(task: number, message: string): void {
    this.errorLog(0, task, message);
  }

  /** Appends a line (from centralDumpLine/centralRestoreLine) to CENTRALLOG, if configured. */
  centralLine(line: string): void {
    if (this.central !== null) writeSync(this.central, bytesOf(line));
  }

  close(): void {
    for (const fd of [this.tl, this.te, this.lp, this.central]) if (fd !== null) closeSync(fd);
    this.tl = this.te = -1;
    this.lp = this.central = null;
  }
}
