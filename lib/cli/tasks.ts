/**
 * Talking to a running task: `tapecoord reply TASK ANSWER` answers the question it waits on
 * (insert a cartridge, confirm an overwrite); `tapecoord abort TASK` asks it to stop (butc's
 * RequestAbort: the medium is left consistent and nothing unfinished is recorded).
 */
import { Command } from 'commander';
import { ControlClient } from '../daemon/control/client.js';
import { addTargetOptions, socketOf, type TargetOptions } from './daemon-target.js';

function taskId(text: string): number {
  if (!/^\d+$/.test(text)) throw new Error(`'${text}' is not a task id (tapecoord status lists them)`);
  return Number(text);
}

async function call(o: TargetOptions, method: 'reply' | 'abort', params: Record<string, unknown>): Promise<void> {
  const client = await ControlClient.connect({ path: socketOf(o) });
  try {
    await client.call(method, params);
  } finally {
    await client.close();
  }
}

export function replyCommand(): Command {
  return addTargetOptions(new Command('reply'))
    .description('answer the question a task waits on')
    .argument('<task>', 'the task id')
    .argument('<answer...>', 'the answer (one of the choices the question names)')
    .action((task: string, answer: string[], o: TargetOptions) => call(o, 'reply', { task: taskId(task), answer: answer.join(' ') }));
}

export function abortCommand(): Command {
  return addTargetOptions(new Command('abort'))
    .alias('kill')
    .description('abort a task (backup kill)')
    .argument('<task>', 'the task id')
    .action((task: string, o: TargetOptions) => call(o, 'abort', { task: taskId(task) }));
}
