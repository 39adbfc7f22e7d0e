/**
 * TC_ReadLabel's work, as butc's `ReadLabel()` in `src/butc/lwps.c` does it (BUTC-SPEC §3.4,
 * §1.5): synchronous, under the device latch, a task id taken for the logs but no status node;
 * with AUTOQUERY the operator (or MOUNT) is asked for the first tape; the label is read from the
 * beginning and printed (PrintTapeLabel), and its size, dump id and names go back to `backup`.
 *
 * Not done: butc replaces the printed expiration date with the dump's from the backup database
 * (`ExpirationDate(dumpid)`); tapecoord has no budb client yet and prints the label's own.
 */
import type { TaskTable } from '../daemon/tasks.js';
import { ButmReader } from '../format/butm/index.js';
import { formatTapeLabel } from '../media/report.js';
import type { TcTapeLabel } from '../rx/interfaces/butc.js';
import type { Latch } from '../util/latch.js';
import { BUTM_NOLABEL, errorTextOf, TC_ABORTEDBYREQUEST, TcError } from './tc-errors.js';
import { TapeSession, type TapeContext } from './tc-tape.js';

/** The label as TC_ReadLabel returns it, or throws TcError / ButmError with butc's code. */
export async function readLabelTask(ctx: TapeContext, latch: Latch, table: TaskTable): Promise<TcTapeLabel> {
  const release = await latch.enter();
  const taskId = table.allocateId();
  const session = new TapeSession(ctx, taskId, null);
  let failure: unknown = null;
  let result: TcTapeLabel | null = null;
  try {
    ctx.console.out('\n\n');
    ctx.logs.tLog(taskId, 'Readlabel\n');
    let interactive = ctx.cfg.autoQuery;
    for (let tapeCount = 1; ; tapeCount++) {
      if (interactive) await session.promptForTape('readlabel', '', 0, tapeCount);
      interactive = true;
      if (await session.mount()) break;
      await session.unmount();
    }
    let label;
    try {
      label = (await new ButmReader(session.device!).readLabel({ rewind: true })).label;
    } catch (e) {
      if (errorTextOf(e).code === BUTM_NOLABEL) ctx.console.out('Tape is unlabelled\n');
      else ctx.logs.errorLog(1, taskId, "Can't read tape label\n", errorTextOf(e));
      throw e;
    }
    result = { size: label.sizeKB | 0, afsname: label.afsName.slice(0, 31), pname: label.pName.slice(0, 31), tapeId: label.dumpId >>> 0 };
    ctx.console.out(formatTapeLabel(label));
  } catch (e) {
    failure = e;
  } finally {
    await session.unmount();
    const code = failure === null ? 0 : errorTextOf(failure).code;
    if (code === TC_ABORTEDBYREQUEST) ctx.logs.errorLog(0, taskId, 'ReadLabel: Aborted by request\n');
    else if (code !== 0 && code !== BUTM_NOLABEL) ctx.logs.errorLog(0, taskId, 'ReadLabel: Finished with errors\n', errorTextOf(failure));
    else ctx.logs.tLog(taskId, 'ReadLabel: Finished\n');
    release();
  }
  if (failure !== null) throw failure instanceof TcError ? failure : new TcError(errorTextOf(failure).code, (failure as Error).message, { cause: failure });
  return result!;
}
