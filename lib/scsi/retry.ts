/**
 * Running a SCSI command the way a changer (or drive) needs: UNIT ATTENTION is reported once per
 * event (power on, reset 29/00, medium changed 28/00, mode parameters changed 2A/01) and the
 * command is simply sent again; NOT READY "becoming ready" (04/01), "operation in progress"
 * (04/07) and BUSY status mean the robot is busy: wait with exponential backoff, then try again.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { runCommand, Status, type CommandResult, type ScsiCommand, type SgIoFunction } from './command.js';
import { isScsiError } from './scsi-error.js';
import { SenseKey } from './sense.js';

export interface RetryPolicy {
  /** UNIT ATTENTIONs accepted in a row (a bus reset can queue several). Default 5. */
  unitAttentions: number;
  /** First wait when not ready or busy; doubled each time up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Stop waiting for readiness after this long in total. Default 2 minutes. */
  readyTimeoutMs: number;
  sleep: (ms: number) => Promise<unknown>;
}

export const DEFAULT_RETRY: RetryPolicy = { unitAttentions: 5, baseDelayMs: 500, maxDelayMs: 15_000, readyTimeoutMs: 120_000, sleep };

/** One UNIT ATTENTION taken (tgt reports 29/00 on a device's first command), no waiting: for one-shot queries. */
export const ATTENTION_ONCE: RetryPolicy = { ...DEFAULT_RETRY, unitAttentions: 1, readyTimeoutMs: 0 };

function becomingReady(e: unknown): boolean {
  return isScsiError(e, SenseKey.NOT_READY, 0x04, 0x01) || isScsiError(e, SenseKey.NOT_READY, 0x04, 0x07) || (isScsiError(e) && e.status === Status.BUSY);
}

export async function runWithRetry(sgio: SgIoFunction, fd: number, command: ScsiCommand, policy: RetryPolicy = DEFAULT_RETRY): Promise<CommandResult> {
  let attentions = 0;
  let waited = 0;
  for (let delay = policy.baseDelayMs; ; ) {
    try {
      return await runCommand(sgio, fd, command);
    } catch (e) {
      if (isScsiError(e, SenseKey.UNIT_ATTENTION) && attentions++ < policy.unitAttentions) continue;
      if (!becomingReady(e) || waited >= policy.readyTimeoutMs) throw e;
      const wait = Math.min(delay, policy.readyTimeoutMs - waited);
      await policy.sleep(wait);
      waited += wait;
      delay = Math.min(delay * 2, policy.maxDelayMs);
    }
  }
}
