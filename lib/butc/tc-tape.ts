/**
 * The tape steps the TC operations share, as butc's `src/butc/lwps.c` does them (BUTC-SPEC §1.6,
 * §1.7, §3.6): one tape operation at a time (the device latch, lib/util/latch.ts; DRIVE_WAIT
 * while queued), PromptForTape (the MOUNT callout with CALL_WAIT, else the operator prompt with
 * OPR_WAIT, abort checks in between), butm_Mount on the tapeconfig device, and unmountTape (close,
 * UNMOUNT callout).
 */
import type { Task } from '../daemon/tasks.js';
import { RecordDevice } from '../format/butm/index.js';
import { openMedium } from '../media/open.js';
import { TASK_STATUS } from '../rx/interfaces/butc.js';
import { callOutFailedMessage, mountArgs, mountDecision, runCallOut, unmountArgs, willPromptMessage, type CallOutOptions, type TapeOperation } from './callout.js';
import type { CfgSettings } from './cfg.js';
import type { ButcConsole } from './console.js';
import type { ButcLogs } from './logs.js';
import { promptForTape as operatorPrompt, proceedingText, tapePromptText, type OperatorChannel } from './operator.js';
import { errorTextOf, TC_ABORTEDBYREQUEST, TC_SKIPTAPE, TcError } from './tc-errors.js';

/** Everything a TC tape operation needs from butc's startup state. */
export interface TapeContext {
  /** The tapeconfig device path (binary string). */
  device: string;
  capacityKB: number;
  fileMarkSize: number;
  cfg: CfgSettings;
  logs: ButcLogs;
  console: ButcConsole;
  operator: OperatorChannel;
  /** One key wait of the operator prompt (butc: 5 s; tests shorten it). */
  keyWaitMs?: number;
  /** The callouts' environment (butc: empty). */
  calloutEnv?: Record<string, string>;
}

/** A mounted tape and whether a MOUNT/prompt preceded it (butc's `tapemounted`, for UNMOUNT). */
export class TapeSession {
  device: RecordDevice | null = null;
  mounted = false;

  constructor(
    readonly ctx: TapeContext,
    readonly taskId: number,
    /** The status node, if the operation has one (ReadLabel has none). */
    readonly task: Task | null,
  ) {}

  get abortRequested(): boolean {
    return this.task?.signal.aborted ?? false;
  }

  /** PromptForTape: MOUNT callout or operator, until the tape is in; throws TcError on abort/skip. */
  async promptForTape(operation: TapeOperation, name: string, dumpId: number, tapeCount: number): Promise<void> {
    const { ctx, taskId, task } = this;
    if (this.abortRequested) throw new TcError(TC_ABORTEDBYREQUEST, 'aborted before the tape prompt');
    ctx.logs.tapeLog(2, taskId, dumpId ? `Prompt for tape ${name} (${dumpId >>> 0})\n` : `Prompt for tape ${name}\n`);
    try {
      let keyboard = true;
      const script = ctx.cfg.mountCallout;
      if (script !== null) {
        task?.setFlags(TASK_STATUS.CALL_WAIT, true);
        const options: CallOutOptions = { ...(ctx.calloutEnv ? { env: ctx.calloutEnv } : {}), ...(task ? { signal: task.signal } : {}) };
        const exit = await runCallOut(script, mountArgs(ctx.device, operation, tapeCount, name, dumpId), options);
        const decision = mountDecision(operation, exit);
        if (exit.kind === 'aborted') {
          ctx.console.out('This tape operation has been aborted by the coordinator.\n');
          throw new TcError(TC_ABORTEDBYREQUEST, 'MOUNT callout aborted by request');
        }
        if (decision === 'abort') throw new TcError(TC_ABORTEDBYREQUEST, 'MOUNT callout exited 1');
        if (decision === 'skip') throw new TcError(TC_SKIPTAPE, 'MOUNT callout exited 3');
        if (decision === 'proceed') keyboard = false;
        else if (exit.kind === 'spawn-failed') ctx.logs.errorLog(0, taskId, callOutFailedMessage(operation, script));
        else ctx.logs.tLog(taskId, willPromptMessage(exit));
      }
      if (keyboard) {
        task?.setFlags(TASK_STATUS.CALL_WAIT, false);
        const request = { operation, device: ctx.device, tapeName: name, dumpId };
        task?.setPrompt({ kind: 'mount', message: tapePromptText(request), choices: [], default: '', asked: Date.now() });
        const answer = await operatorPrompt(ctx.operator, request, {
          aborted: () => this.abortRequested,
          ...(ctx.keyWaitMs !== undefined ? { keyWaitMs: ctx.keyWaitMs } : {}),
        });
        if (answer === 'abort' || answer === 'aborted') throw new TcError(TC_ABORTEDBYREQUEST, `operator prompt: ${answer}`);
        if (answer === 'skip') throw new TcError(TC_SKIPTAPE, 'operator skipped the tape');
      } else ctx.console.out(proceedingText(operation, false));
      ctx.logs.tapeLog(2, taskId, 'Proceeding with tape operation\n');
      this.mounted = true;
    } finally {
      if (task && task.flags & (TASK_STATUS.OPR_WAIT | TASK_STATUS.CALL_WAIT)) {
        task.setPrompt(null);
        task.setFlags(TASK_STATUS.CALL_WAIT, false);
      }
    }
  }

  /** butm_Mount: opens the tapeconfig device; TapeLog `Can't open tape` and false on failure. */
  async mount(): Promise<boolean> {
    const { ctx } = this;
    try {
      this.device = await openMedium(ctx.device, { capacityKB: ctx.capacityKB, fileMarkSize: ctx.fileMarkSize });
      return true;
    } catch (e) {
      ctx.logs.tapeLog(0, this.taskId, "Can't open tape\n", errorTextOf(e));
      return false;
    }
  }

  /** unmountTape: closes the device, then runs UNMOUNT if a tape was mounted (CALL_WAIT meanwhile). */
  async unmount(): Promise<void> {
    const { ctx, taskId, task } = this;
    if (this.device) {
      const device = this.device;
      this.device = null;
      try {
        await device.close();
      } catch (e) {
        ctx.logs.errorLog(0, taskId, 'Warning: Can\'t close tape\n', errorTextOf(e));
      }
    }
    const script = ctx.cfg.unmountCallout;
    if (!this.mounted || script === null) return;
    this.mounted = false;
    task?.setFlags(TASK_STATUS.CALL_WAIT, true);
    const exit = await runCallOut(script, unmountArgs(ctx.device), { ...(ctx.calloutEnv ? { env: ctx.calloutEnv } : {}), ...(task ? { signal: task.signal } : {}) });
    if (exit.kind === 'aborted') ctx.logs.tLog(taskId, 'Callout routine has been aborted\n');
    task?.setFlags(TASK_STATUS.CALL_WAIT, false);
  }
}
