/**
 * MOUNT / UNMOUNT callouts (`callOutRoutine()`, `PromptForTape()`, `unmountTape()` in
 * `src/butc/lwps.c`; `pmgt_ProcessSpawnVE()`; BUTC-SPEC §1.6):
 *
 * - argv: `<script> <device> <operation> <tries> <tapename|none> <dumpid|none>` for MOUNT,
 *   `<script> <device> unmount` for UNMOUNT; argv[0] is the path exactly as configured;
 * - executed directly (no shell, so nothing in a tape name is interpreted), with an EMPTY
 *   environment as butc does (`CallOutOptions.env` passes one instead), stdio inherited;
 * - a path without '/' is taken relative to the working directory (execve), not searched in PATH;
 *   a file that is neither `#!` script nor ELF fails like execve's ENOEXEC (libuv would hand it to
 *   /bin/sh, as execvp does);
 * - MOUNT exit status: 0 proceed, 1 abort, 3 skip the tape (restore only), anything else - a
 *   signal or an exec failure (butc's child exits 2) - means "prompt the operator";
 * - the child is awaited asynchronously; an AbortSignal kills it with SIGKILL (butc checks for an
 *   abort every second while it waits).
 */
import { spawn, type StdioOptions } from 'node:child_process';
import { closeSync, openSync, readSync } from 'node:fs';
import { bytesOf } from './c-string.js';

/** The operation word butc passes as argv[2] (`unknown` for anything else). */
export type TapeOperation = 'restore' | 'appenddump' | 'dump' | 'labeltape' | 'readlabel' | 'scantape' | 'restoredb' | 'savedb';

/** MOUNT's argv[1..5]: device as in tapeconfig, operation, attempt count, tape name or `none`, dump id or `none`. */
export function mountArgs(device: string, operation: TapeOperation, tapeCount: number, tapeName: string, dumpId: number): string[] {
  return [device, operation, String(tapeCount | 0), tapeName === '' ? 'none' : tapeName, dumpId === 0 ? 'none' : String(dumpId >>> 0)];
}

/** UNMOUNT's argv[1..2]. */
export function unmountArgs(device: string): string[] {
  return [device, 'unmount'];
}

export interface CallOutOptions {
  /**
   * The environment of the callout. Default: none at all (butc's `envp` is empty; scripts must use
   * absolute paths). Pass an object to give one (tapecoord's documented extension).
   */
  env?: Record<string, string>;
  /** Aborts the wait: the child gets SIGKILL and the result is `aborted`. */
  signal?: AbortSignal;
  /** stdio of the child: butc's own (inherit) by default. */
  stdio?: StdioOptions;
}

export type CallOutExit =
  /** The child exited with this status. */
  | { kind: 'exited'; status: number }
  /** The child was killed by a signal (butc's wcode -1). */
  | { kind: 'signaled'; signal: NodeJS.Signals }
  /** exec failed (ENOENT, EACCES, ENOEXEC): butc's child exits 2. */
  | { kind: 'exec-failed'; errno: string }
  /** The process could not be created at all: butc logs `Call to <op> outside routine <path> failed`. */
  | { kind: 'spawn-failed'; errno: string }
  /** Aborted through CallOutOptions.signal; the child was sent SIGKILL. */
  | { kind: 'aborted'; pid: number | undefined; killed: boolean };

const EXEC_ERRNOS = new Set(['ENOENT', 'EACCES', 'ENOEXEC', 'ENOTDIR', 'ELOOP', 'ENAMETOOLONG', 'EISDIR', 'EPERM']);

/** execve would refuse it with ENOEXEC: readable, and starts with neither `#!` nor the ELF magic. */
function notExecutableFormat(path: Buffer): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return false; // let spawn report why
  }
  try {
    const head = Buffer.alloc(4);
    const n = readSync(fd, head, 0, 4, 0);
    const magic = head.subarray(0, n);
    return !(magic.subarray(0, 2).toString('latin1') === '#!' || magic.equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46])));
  } catch {
    return false;
  } finally {
    closeSync(fd);
  }
}

/** Runs a callout script (binary-string path and args) and resolves with how it ended. Never rejects. */
export function runCallOut(script: string, args: readonly string[], options: CallOutOptions = {}): Promise<CallOutExit> {
  const file = script.includes('/') ? script : `./${script}`;
  const display = (s: string) => bytesOf(s).toString('utf8');
  return new Promise((resolve) => {
    if (options.signal?.aborted) {
      resolve({ kind: 'aborted', pid: undefined, killed: false });
      return;
    }
    if (notExecutableFormat(bytesOf(file))) {
      resolve({ kind: 'exec-failed', errno: 'ENOEXEC' });
      return;
    }
    let settled = false;
    const done = (r: CallOutExit) => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      resolve(r);
    };
    const child = spawn(display(file), args.map(display), {
      argv0: display(script),
      env: options.env ?? {},
      stdio: options.stdio ?? 'inherit',
      shell: false,
    });
    const onAbort = () => {
      const killed = child.kill('SIGKILL');
      done({ kind: 'aborted', pid: child.pid, killed });
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (e: NodeJS.ErrnoException) => {
      const errno = e.code ?? 'EIO';
      done(EXEC_ERRNOS.has(errno) ? { kind: 'exec-failed', errno } : { kind: 'spawn-failed', errno });
    });
    child.on('exit', (code, signal) => {
      done(signal ? { kind: 'signaled', signal } : { kind: 'exited', status: code ?? 0 });
    });
  });
}

/** What butc does after MOUNT returned. */
export type MountDecision = 'proceed' | 'abort' | 'skip' | 'prompt';

/**
 * butc's reading of MOUNT's result: 0 proceed, 1 abort (TC_ABORTEDBYREQUEST), 3 skip the tape
 * (TC_SKIPTAPE, restore only), anything else prompt. `aborted` (the coordinator's abort) is abort.
 */
export function mountDecision(operation: TapeOperation, exit: CallOutExit): MountDecision {
  if (exit.kind === 'aborted') return 'abort';
  if (exit.kind !== 'exited') return 'prompt';
  if (exit.status === 0) return 'proceed';
  if (exit.status === 1) return 'abort';
  if (exit.status === 3 && operation === 'restore') return 'skip';
  return 'prompt';
}

/** butc's `wcode` for the TL line `Callout routine has exited with code <n>: will prompt`. */
export function callOutExitCode(exit: CallOutExit): number {
  if (exit.kind === 'exited') return exit.status;
  if (exit.kind === 'exec-failed') return 2;
  return -1;
}

/** The TL message when MOUNT's answer means "prompt" (TLog). */
export function willPromptMessage(exit: CallOutExit): string {
  return `Callout routine has exited with code ${callOutExitCode(exit)}: will prompt\n`;
}

/** The TE message when the callout could not be started at all (ErrorLog). */
export function callOutFailedMessage(operation: TapeOperation | 'unmount', script: string): string {
  return `Call to ${operation} outside routine ${script} failed\n`;
}
