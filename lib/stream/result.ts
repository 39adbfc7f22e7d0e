import type { DeviceError } from '../native/errors.js';
import type { PipelineEvent, PipelineStats } from '../native/binding.js';

/** Where a stream stood on its medium when something happened (native counts, exact). */
export interface MediumPosition {
  /** Blocks written to (or read from) the medium by this stream. */
  blocks: number;
  /** Bytes on the medium from this stream, padding included. */
  bytes: number;
  filemarks: number;
  /** Bytes accepted from the producer that are not on the medium (still in the ring). */
  unwrittenBytes: number;
}

export interface StreamResult extends MediumPosition {
  aborted: boolean;
  /** Reading: the end of recorded data was reached. */
  endOfData: boolean;
  /** Writing: early warning was reached after this many blocks (null = not reached). */
  earlyWarningBlock: number | null;
  stats: PipelineStats;
}

/** A stream failed: the device error, plus exactly what reached the medium. */
export class StreamError extends Error {
  override name = 'StreamError';
  readonly code: string;
  override readonly cause: DeviceError;
  /** ENOSPC/EIO at or after early warning: the cartridge is full. */
  readonly endOfMedium: boolean;
  readonly position: MediumPosition;

  constructor(cause: DeviceError, endOfMedium: boolean, position: MediumPosition) {
    const where = `${position.blocks} blocks (${position.bytes} bytes) and ${position.filemarks} filemarks on the medium, ${position.unwrittenBytes} bytes not written`;
    super(`${endOfMedium ? 'end of medium' : cause.message}: ${where}`);
    this.code = endOfMedium ? 'END_OF_MEDIUM' : cause.code;
    this.cause = cause;
    this.endOfMedium = endOfMedium;
    this.position = position;
  }
}

export function positionOf(e: PipelineEvent): MediumPosition {
  return { blocks: e.blocks, bytes: e.bytes, filemarks: e.filemarks, unwrittenBytes: e.unwrittenBytes };
}

export function resultOf(e: Extract<PipelineEvent, { type: 'finish' }>, stats: PipelineStats): StreamResult {
  return {
    ...positionOf(e),
    aborted: e.aborted,
    endOfData: e.endOfData,
    earlyWarningBlock: stats.earlyWarning ? stats.earlyWarningBlock : null,
    stats,
  };
}
