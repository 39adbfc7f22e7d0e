/**
 * `tapecoord dump --name NAME [--set SET] [FILE | - | --command CMD]`: a dump through the daemon.
 * A FILE is opened by the daemon itself; `-` (the default) sends stdin over the control
 * connection, and --command sends a command's output (`sh -c CMD`, e.g. `tar -C /home -cf - .`).
 * Exit status 0 on success, 1 with warnings, 2 on failure (the condition is printed).
 */
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import type { ApiOption } from '../api/options.js';
import { start } from '../api/start.js';
import { addTargetOptions, consoleHandlers, finish, socketOf, withProgress, type TargetOptions } from './daemon-target.js';

interface DumpOptions extends TargetOptions {
  name: string;
  set: string;
  command?: string;
  blockSize?: string;
  bufferSize?: string;
  expires?: string;
  overwrite?: boolean;
  drive?: string;
  ask: boolean;
  json?: boolean;
}

export function dumpCommand(): Command {
  return addTargetOptions(
    new Command('dump')
      .description('dump a stream (a file, stdin or a command) to a cartridge set through the daemon')
      .argument('[file]', 'the data: a file the daemon opens, or - for stdin (default)')
      .requiredOption('--name <name>', 'the dump\'s name (what a restore asks for)')
      .option('--set <set>', 'the cartridge set, by name or number', '1')
      .option('--command <cmd>', "dump this command's output (run with sh -c)")
      .option('--block-size <size>', 'tape block size (default: the daemon\'s, 256k)')
      .option('--buffer-size <size>', 'ring size (default: the daemon\'s)')
      .option('--expires <time>', 'when the dump may be overwritten (Unix seconds or a date)')
      .option('--overwrite', 'start cartridges that are not the set\'s write position from file 1 instead of appending')
      .option('--drive <n>', 'use this drive (from 0)')
      .addOption(new Option('--no-ask', 'answer operator questions with their defaults (butc ASK NO)'))
      .option('--json', 'print the condition as JSON'),
  ).action(async (file: string | undefined, o: DumpOptions) => {
    if (file !== undefined && o.command !== undefined) throw new Error('dump: give a file or --command, not both');
    const socket = socketOf(o);
    let input: ApiOption['value'];
    let total: number | null = null;
    let child: ReturnType<typeof spawn> | null = null;
    if (o.command !== undefined) {
      child = spawn('sh', ['-c', o.command], { stdio: ['ignore', 'pipe', 'inherit'] });
      input = child.stdout!;
    } else if (file === undefined || file === '-') {
      input = process.stdin;
    } else {
      const path = resolve(file);
      total = statSync(path).size;
      input = path;
    }
    const options: ApiOption[] = [
      { type: 'operation', value: 'dump' },
      { type: 'name', value: o.name },
      { type: 'cartridge-set', value: o.set },
      { type: 'input', value: input } as ApiOption,
      { type: 'ask', value: o.ask },
      ...(total !== null ? [{ type: 'total-bytes' as const, value: total }] : []),
      ...(o.blockSize ? [{ type: 'block-size' as const, value: o.blockSize }] : []),
      ...(o.bufferSize ? [{ type: 'buffer-size' as const, value: o.bufferSize }] : []),
      ...(o.expires ? [{ type: 'expires' as const, value: o.expires }] : []),
      ...(o.overwrite ? [{ type: 'overwrite' as const, value: true }] : []),
      ...(o.drive !== undefined ? [{ type: 'drive' as const, value: Number(o.drive) }] : []),
    ];
    const shown = consoleHandlers();
    const c = await withProgress(socket, (onTask) => start(options, { all: (e) => (onTask(e.task), shown.all!(e)) }, { path: socket }));
    // A dump that ended before its input did (aborted, failed) leaves nothing to read it for.
    if (input === process.stdin) process.stdin.destroy();
    if (child) {
      if (child.exitCode === null && c.code !== 'NORMAL') child.kill('SIGTERM');
      const code = child.exitCode ?? (await new Promise<number | null>((r) => child!.once('exit', r)));
      if (code !== 0) process.stderr.write(`tapecoord dump: the command exited with status ${code}\n`);
    }
    if (o.json) process.stdout.write(JSON.stringify(c) + '\n');
    else if (c.code === 'NORMAL') {
      const r = c.result as { dump: number; bytes: number; pieces: { cartridge: number; file: number; bytes: number }[] };
      process.stdout.write(`dump ${r.dump} "${o.name}": ${r.bytes} bytes on ${r.pieces.map((p) => `cartridge ${p.cartridge} file ${p.file}`).join(', ')} (task ${c.task})\n`);
    }
    finish(c);
  });
}
