/**
 * TC_ScanDumps(addDbFlag 0)'s work: butc's `ScanDumps()`, `getScanTape()`, `readDumps()`,
 * `readDump()` and `scanVolData()` in `src/butc/recoverDb.c` (BUTC-SPEC §1.5, §2.7, §3.4): under
 * the device latch (DRIVE_WAIT while queued), take a tape whose label names a dump, print each
 * dump label and volume header as butc does, follow continued volumes to the next tape
 * (`<name>.<seq+1>`) and appended dumps after END-OF-DUMP, check for an abort every 100 KB
 * (BIGCHUNK), and end with butc's `Scantape: ...` line and status flags. Like butc, scantape
 * leaves nKBytes and volumeName of its status node alone.
 */
import type { Task } from '../daemon/tasks.js';
import { ButmError, ButmReader, isButmError, isDatabaseTapeName, type ButmLabel } from '../format/butm/index.js';
import { formatDumpLabel, formatVolumeHeader } from '../media/report.js';
import { TASK_STATUS } from '../rx/interfaces/butc.js';
import type { Latch } from '../util/latch.js';
import { askMoreTapes, tapeNameText } from './operator.js';
import { errorTextOf, TC_ABORTEDBYREQUEST, TC_MISSINGTRAILER, TcError } from './tc-errors.js';
import { TapeSession, type TapeContext } from './tc-tape.js';

/** scanVolData's abort check interval. */
const BIGCHUNK = 102400;
const TAPE_VERSION_3 = 3;
const TAPE_VERSION_4 = 4;

/** extractTapeSeq: atol() of what follows the last dot; -1 without a dot. */
export function extractTapeSeq(tapeName: string): number {
  const dot = tapeName.lastIndexOf('.');
  if (dot < 0) return -1;
  const m = /^\s*([+-]?\d+)/.exec(tapeName.slice(dot + 1));
  return m ? Number(m[1]) | 0 : 0;
}

/** nextTapeLabel: the same name with its sequence number plus one; '' without a dot. */
export function nextTapeLabel(tapeName: string): string {
  const dot = tapeName.lastIndexOf('.');
  return dot < 0 ? '' : `${tapeName.slice(0, dot + 1)}${(extractTapeSeq(tapeName) + 1) | 0}`;
}

interface Mounted {
  reader: ButmReader;
  label: ButmLabel;
}

/** Runs a Scantape task to its end; the outcome is in the task's flags (never rejects). */
export async function scanTapeTask(ctx: TapeContext, latch: Latch, task: Task): Promise<void> {
  task.setFlags(TASK_STATUS.DRIVE_WAIT, true);
  const release = await latch.enter();
  task.setFlags(TASK_STATUS.DRIVE_WAIT, false);
  task.start();
  const session = new TapeSession(ctx, task.id, task);
  let failure: unknown = null;
  try {
    ctx.console.out('\n\n');
    ctx.logs.tLog(task.id, 'Scantape\n');
    await readDumps(session, await getScanTape(session, '', 0, ctx.cfg.autoQuery));
  } catch (e) {
    failure = e;
  } finally {
    await session.unmount();
    const error = failure === null ? null : errorTextOf(failure);
    if (error?.code === TC_ABORTEDBYREQUEST) {
      ctx.logs.errorLog(0, task.id, 'Scantape: Aborted by request\n');
      task.finish('aborted', 'aborted by request');
    } else if (error) {
      ctx.logs.errorLog(0, task.id, 'Scantape: Finished with errors\n', error);
      task.finish('failed', (failure as Error).message);
    } else {
      ctx.logs.tLog(task.id, 'Scantape: Finished\n');
      task.finish('done');
    }
    release();
  }
}

/** getScanTape: prompts (or not, the first time without AUTOQUERY) until a tape with a dump label is in. */
async function getScanTape(session: TapeSession, tname: string, tapeId: number, prompt: boolean): Promise<Mounted> {
  const { ctx, taskId } = session;
  for (let tapeCount = 1; ; tapeCount++) {
    if (prompt) await session.promptForTape('scantape', tname, tapeId, tapeCount);
    prompt = true;
    if (await session.mount()) {
      const reader = new ButmReader(session.device!);
      let label: ButmLabel | null = null;
      try {
        label = (await reader.readLabel({ rewind: true })).label;
      } catch (e) {
        if (!isButmError(e)) throw e;
        ctx.logs.errorLog(0, taskId, "Can't read tape label\n", errorTextOf(e));
      }
      if (label) {
        const got = tapeNameText(label.afsName, label.dumpId);
        const seq = extractTapeSeq(label.afsName);
        if (label.afsName === '' || seq <= 0) ctx.logs.tLog(taskId, `Expected tape with dump, label seen ${got}\n`);
        else if (isDatabaseTapeName(label.afsName)) ctx.logs.tLog(taskId, `Expected tape with dump. Can't scan database tape ${got}\n`);
        else if (tname === '') return { reader, label };
        else if (tname !== label.afsName || (label.structVersion >= TAPE_VERSION_3 && label.dumpId >>> 0 !== tapeId >>> 0)) {
          ctx.logs.tLog(taskId, `Tape label expected ${tapeNameText(tname, tapeId)}, label seen ${got}\n`);
        } else return { reader, label };
      }
    }
    await session.unmount();
  }
}

/** readDumps: the dump on the first tape, then each dump appended after its END-OF-DUMP. */
async function readDumps(session: TapeSession, first: Mounted): Promise<void> {
  let dumpLabel = first.label;
  let tape = first;
  for (;;) {
    tape = await readDump(session, tape, dumpLabel);
    if (tape.label.structVersion < TAPE_VERSION_4) return;
    let next;
    try {
      next = await tape.reader.next();
    } catch (e) {
      if (isButmError(e)) return;
      throw e;
    }
    if (next?.kind !== 'label') return;
    dumpLabel = next.label;
  }
}

type VolumeScan = { kind: 'volume'; contd: boolean } | { kind: 'end-of-dump' } | { kind: 'error'; error: unknown; volume: { name: string; id: number } | null };

/** readDump: every volume of one dump, across tapes; returns the tape it ended on. */
async function readDump(session: TapeSession, start: Mounted, dumpLabel: ButmLabel): Promise<Mounted> {
  const { ctx, taskId } = session;
  let tape = start;
  ctx.console.out(formatDumpLabel(dumpLabel));
  for (;;) {
    let badscan = 0;
    let moreTapes = -1;
    for (;;) {
      moreTapes = -1;
      const v = await scanVolume(session, tape.reader, dumpLabel);
      if (v.kind === 'end-of-dump') {
        moreTapes = 0;
        break;
      }
      if (v.kind === 'volume') {
        if (v.contd) {
          moreTapes = 1;
          break;
        }
        continue;
      }
      badscan++;
      if (errorTextOf(v.error).code === TC_ABORTEDBYREQUEST) throw v.error;
      if (v.volume) {
        ctx.logs.tapeLog(0, taskId, `Warning: volume ${v.volume.name} (${v.volume.id >>> 0}) ignored. Incomplete\n`, errorTextOf(v.error));
        continue;
      }
      if (badscan < 2) {
        ctx.logs.tapeLog(0, taskId, 'Warning: Error in scanning tape - will try skipping volume\n', errorTextOf(v.error));
        continue;
      }
      if (tape.label.structVersion >= TAPE_VERSION_4) {
        ctx.logs.tapeLog(0, taskId, 'Warning: Error in scanning tape - end-of-tape inferred\n', errorTextOf(v.error));
        moreTapes = 1;
      } else ctx.logs.errorLog(0, taskId, 'Error in scanning tape\n', errorTextOf(v.error));
      break;
    }
    if (moreTapes === -1) moreTapes = (await askMoreTapes(ctx.operator, ctx.cfg.askOperator)) ? 1 : 0;
    if (moreTapes === 0) return tape;
    await session.unmount();
    tape = await getScanTape(session, nextTapeLabel(tape.label.afsName), tape.label.dumpId, true);
  }
}

/** scanVolData + PrintVolumeHeader: the next volume fragment, read to its end with abort checks. */
async function scanVolume(session: TapeSession, reader: ButmReader, dumpLabel: ButmLabel): Promise<VolumeScan> {
  const { ctx, taskId } = session;
  let entry;
  try {
    entry = await reader.next();
  } catch (e) {
    return { kind: 'error', error: e, volume: null };
  }
  if (entry?.kind === 'end-of-dump') return { kind: 'end-of-dump' };
  if (entry?.kind !== 'volume') {
    const code = entry?.kind === 'label' ? 'BUTM_LABEL' : 'BUTM_BADBLOCK';
    return { kind: 'error', error: new ButmError(code, entry ? `${entry.kind} where FILE-BEGIN was expected` : 'end of recorded data where FILE-BEGIN was expected', reader.device.where()), volume: null };
  }
  const h = entry.header;
  const volume = { name: h.volumeName, id: h.volumeId };
  let bytes = 0;
  let chunk = 0;
  try {
    for (;;) {
      if (bytes >= chunk) {
        if (session.abortRequested) return { kind: 'error', error: new TcError(TC_ABORTEDBYREQUEST, 'scantape aborted by request'), volume };
        chunk += BIGCHUNK;
      }
      const piece = await reader.read();
      if (!piece) break;
      bytes += piece.length;
    }
  } catch (e) {
    ctx.logs.errorLog(0, taskId, "Can't read FileData on tape\n", errorTextOf(e));
    return { kind: 'error', error: e, volume };
  }
  const trailer = reader.ending?.trailer ?? null;
  if (!trailer) {
    const error = new TcError(TC_MISSINGTRAILER, `volume ${h.volumeName}: no trailer`);
    ctx.logs.errorLog(0, taskId, 'Missing volume trailer on tape\n', errorTextOf(error));
    return { kind: 'error', error, volume };
  }
  ctx.console.out(formatVolumeHeader(h));
  if (dumpLabel.dumpId && h.dumpId >>> 0 !== dumpLabel.dumpId >>> 0) {
    ctx.logs.tLog(taskId, `Warning: volume ${h.volumeName} (${h.volumeId >>> 0}) ignored. Expected DumpId ${dumpLabel.dumpId >>> 0}, got ${h.dumpId >>> 0}\n`);
  }
  return { kind: 'volume', contd: trailer.contd !== 0 };
}
