/**
 * How the CLI finds the daemon: --socket PATH, else $TAPECOORD_SOCKET, else the socket of the
 * configuration given with --config, else the embedded default's (./var/tapecoord.sock). Progress
 * for long work is a line on stderr, redrawn from the task's snapshot while stderr is a terminal.
 */
import { Option, type Command } from 'commander';
import type { Condition } from '../api/conditions.js';
import type { ApiEvent, EventHandlers } from '../api/events.js';
import { loadConfig } from '../daemon/config.js';
import { ControlClient } from '../daemon/control/client.js';
import { siBytes } from '../daemon/status-format.js';
import type { TaskSnapshot } from '../daemon/tasks.js';

export interface TargetOptions {
  socket?: string;
  config?: string;
}

export function addTargetOptions(c: Command): Command {
  return c
    .addOption(new Option('--socket <path>', "the daemon's control socket").env('TAPECOORD_SOCKET'))
    .option('--config <file>', "the daemon's configuration (for its socket)");
}

export function socketOf(o: TargetOptions): string {
  return o.socket ?? loadConfig(o.config ?? null).socket;
}

/** Prints events a person wants to see on stderr: questions, errors, warnings, continuations. */
export function consoleHandlers(quiet = false): EventHandlers {
  return {
    all: (e: ApiEvent) => {
      if (e.kind === 'control' && e.responseRequired) {
        const choices = e.prompt?.choices.length ? e.prompt.choices.join('|') : 'TEXT';
        process.stderr.write(`\ntask ${e.task} waits: ${e.message}\n  answer with: tapecoord reply ${e.task} ${choices}\n`);
      } else if (e.kind === 'error-message') process.stderr.write(`task ${e.task}: ${e.message}\n`);
      else if (!quiet && e.kind === 'user-message') process.stderr.write(`task ${e.task}: ${e.message}\n`);
      else if (!quiet && e.kind === 'log' && (e.subtype === 'new-saveset' || e.subtype === 'created')) process.stderr.write(`task ${e.task}: ${e.message}\n`);
    },
  };
}

function bar(t: TaskSnapshot): string {
  const width = 30;
  const frac = t.totalBytes ? Math.min(1, t.bytes / t.totalBytes) : null;
  const filled = frac === null ? '' : '#'.repeat(Math.round(frac * width)).padEnd(width, '.');
  const parts = [`task ${t.id}`, frac === null ? '' : `[${filled}] ${(frac * 100).toFixed(0).padStart(3)}%`, siBytes(t.bytes), `${siBytes(t.rate)}/s`];
  if (t.eta !== null) parts.push(`ETA ${Math.round(t.eta)}s`);
  if (t.cartridge !== null) parts.push(`cartridge ${t.cartridge}${t.file !== null ? ` file ${t.file}` : ''}`);
  if (t.prompt) parts.push('[operator wait]');
  return parts.filter(Boolean).join('  ');
}

/**
 * Runs `work` (which reports its task id through `onTask`) with a progress line on a terminal;
 * returns the condition.
 */
export async function withProgress(socket: string, work: (onTask: (id: number) => void) => Promise<Condition>): Promise<Condition> {
  if (!process.stderr.isTTY) return work(() => undefined);
  let task: number | null = null;
  let client: ControlClient | null = null;
  let drawn = false;
  const timer = setInterval(() => {
    if (task === null) return;
    void (async () => {
      client ??= await ControlClient.connect({ path: socket });
      const t = (await client.call('task', { id: task })) as TaskSnapshot;
      process.stderr.write(`\r${bar(t)}\x1b[K`);
      drawn = true;
    })().catch(() => undefined);
  }, 500);
  try {
    return await work((id) => (task = id));
  } finally {
    clearInterval(timer);
    if (drawn) process.stderr.write('\n');
    await (client as ControlClient | null)?.close();
  }
}

/** Prints the condition's message when it is not success, and sets the exit status. */
export function finish(c: Condition): void {
  if (c.severity !== 'success' && c.severity !== 'informational') {
    process.stderr.write(`tapecoord: %${c.code}: ${c.message}\n`);
    process.exitCode = c.severity === 'warning' ? 1 : 2;
  }
}
