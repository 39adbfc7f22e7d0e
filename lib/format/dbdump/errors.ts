import { SD_NAMES } from './structs.js';

export type DbDumpErrorReason =
  /** The data ends inside an item header or payload, or before SD_END. */
  | 'truncated'
  /** A type outside 1..8. */
  | 'unknown-type'
  /** structversion is not 1. */
  | 'bad-version'
  /** A fixed item whose size is not its struct's, or a negative size. */
  | 'bad-size'
  /** An item where the order of §2.13 has no place for it: SD_TAPE outside a dump, a second SD_DBHEADER, ... */
  | 'out-of-order';

/**
 * A backup database dump (savedb stream) that does not parse. The message reads
 * `DB dump item 3 (SD_TAPE) at byte 1400: out-of-order: ...`, so the item can be found in a hexdump.
 */
export class DbDumpError extends Error {
  override name = 'DbDumpError';
  readonly reason: DbDumpErrorReason;
  /** The item's index from 0. */
  readonly index: number;
  /** The item's type, undefined when its header itself is cut. */
  readonly type: number | undefined;
  /** Byte offset of the item's header in the stream (for 'truncated': where the data ends). */
  readonly offset: number;

  constructor(reason: DbDumpErrorReason, index: number, type: number | undefined, offset: number, detail: string) {
    const what = type === undefined ? '' : ` (${SD_NAMES[type] ?? `type ${type}`})`;
    super(`DB dump item ${index}${what} at byte ${offset}: ${reason}: ${detail}`);
    this.reason = reason;
    this.index = index;
    this.type = type;
    this.offset = offset;
  }
}
