/**
 * `tapecoord status` as the 1.8.9 `backup status` prints it: bucoord's printIfStatus, piece by
 * piece (BUTC-SPEC §3.8; the code wins over the man page, whose spacing and markers 1.8.9 never
 * prints). With --long, one more indented line per task with what butc does not know.
 */
import { TASK_STATUS } from '../rx/interfaces/butc.js';
import type { TaskSnapshot } from './tasks.js';

/** The subset of a task printIfStatus reads: the tciStatusS fields. */
export type StatusLineFields = Pick<TaskSnapshot, 'id' | 'name' | 'nKBytes' | 'volumeName' | 'flags'>;

/** One `Task <id>: <name>: ...` line, without its newline. */
export function formatStatusLine(t: StatusLineFields): string {
  let line = `Task ${t.id | 0}: ${t.name}: `;
  if (t.nKBytes !== 0) line += `${t.nKBytes} Kbytes transferred`;
  if (t.nKBytes !== 0 && t.volumeName !== '') line += ', ';
  if (t.volumeName !== '') line += `volume ${t.volumeName}`;
  if (t.flags & TASK_STATUS.ABORT_REQUEST) line += ' [abort request rcvd]';
  if (t.flags & TASK_STATUS.ABORT_DONE) line += ' [abort complete]';
  if (t.flags & TASK_STATUS.OPR_WAIT) line += ' [operator wait]';
  if (t.flags & TASK_STATUS.CALL_WAIT) line += ' [callout in progress]';
  if (t.flags & TASK_STATUS.DRIVE_WAIT) line += ' [drive wait]';
  if (t.flags & TASK_STATUS.TASK_DONE) line += ' [done]';
  return line;
}

export const IDLE_LINE = 'Tape coordinator is idle';

/** The whole `backup status` output, newline-terminated. */
export function formatStatus(tasks: readonly StatusLineFields[]): string {
  if (tasks.length === 0) return `${IDLE_LINE}\n`;
  return tasks.map((t) => formatStatusLine(t) + '\n').join('');
}

/** 1536000 -> '1.5 MB': decimal units, as drive vendors quote rates. */
export function siBytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000;
    i++;
  }
  return `${i === 0 ? n.toFixed(0) : n.toFixed(1)} ${units[i]}`;
}

function duration(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m${String(s % 60).padStart(2, '0')}s`;
}

/** The --long detail line: state, bytes, rates, ETA, drive, cartridge, file, ring fill, prompt. */
export function formatTaskDetail(t: TaskSnapshot): string {
  const parts = [t.state, t.subject !== '' ? `"${t.subject}"` : null, siBytes(t.bytes)];
  if (t.totalBytes !== null) parts.push(`of ${siBytes(t.totalBytes)}`);
  if (t.state === 'running' && t.bytes > 0) parts.push(`${siBytes(t.rate)}/s now`, `${siBytes(t.averageRate)}/s average`);
  else if (t.averageRate > 0) parts.push(`${siBytes(t.averageRate)}/s average`);
  if (t.eta !== null) parts.push(`ETA ${duration(t.eta)}`);
  if (t.drive !== null) parts.push(`drive ${t.drive}`);
  if (t.cartridge !== null) parts.push(`cartridge ${t.cartridge}`);
  if (t.file !== null) parts.push(`file ${t.file}`);
  if (t.ringFill !== null) parts.push(`ring ${Math.round(t.ringFill * 100)}%`);
  let text = `    ${parts.filter((p) => p !== null).join(', ')}`;
  if (t.prompt) text += `\n    waiting: ${t.prompt.message}${t.prompt.choices.length ? ` (tapecoord reply ${t.id} ${t.prompt.choices.join('|')})` : ''}`;
  if (t.message) text += `\n    ${t.message}`;
  return text;
}
