/**
 * The 16 KiB records of a butm medium (BUTC-SPEC §2.1, §2.3, §2.4): classification in the order
 * of file_tm's ReadTapeBlock, software filemarks, and data records.
 */
import { BLOCK_MAGIC, BUTM_BLKSIZE, BUTM_BLOCKSIZE, BUTM_HDRSIZE, FILE_BEGIN, FILE_EOD, FILE_FMEND, FILE_MAGIC, TAPE_MAGIC } from './constants.js';
import { ButmError, type ButmErrorWhere } from './errors.js';

/**
 * What one read of the medium returned (file_tm's BLOCK_* types):
 *   filemark     - a zero-length read: a hardware filemark (tape) or end of file (FILE mode);
 *   short        - 1..16383 bytes: butc's BUTM_EOT;
 *   data         - a data record (magic at offset 4);
 *   file-begin, file-end, end-of-dump - software filemarks;
 *   label        - a tape label;
 *   unknown      - anything else, including a filemark with another subtype.
 */
export type RecordKind = 'filemark' | 'short' | 'data' | 'file-begin' | 'file-end' | 'end-of-dump' | 'label' | 'unknown';

/** Software filemark subtypes as the writer names them. */
export type SoftFilemark = 'file-begin' | 'file-end' | 'end-of-dump';

/** Classifies what a read returned, in exactly the order of BUTC-SPEC §2.1. */
export function classifyRecord(block: Buffer): RecordKind {
  if (block.length === 0) return 'filemark';
  if (block.length !== BUTM_BLOCKSIZE) return 'short';
  if (block.readUInt32BE(4) === BLOCK_MAGIC) return 'data';
  if (block.readUInt32BE(0) === FILE_MAGIC) {
    // a filemark with another subtype stays unknown; the label test is not reached (else-if chain)
    switch (block.readInt32BE(4)) {
      case FILE_BEGIN:
        return 'file-begin';
      case FILE_FMEND:
        return 'file-end';
      case FILE_EOD:
        return 'end-of-dump';
      default:
        return 'unknown';
    }
  }
  if (block.readUInt32BE(0) === TAPE_MAGIC) return 'label';
  return 'unknown';
}

const SUBTYPE: Record<SoftFilemark, number> = { 'file-begin': FILE_BEGIN, 'file-end': FILE_FMEND, 'end-of-dump': FILE_EOD };

/**
 * A software filemark or end-of-dump record. butm builds these in the buffer that last held a
 * label record and overwrites only the first 8 bytes, so bytes 8..16383 are those of the last
 * label record written (BUTC-SPEC §2.3); `lastLabelRecord` null means none was written yet
 * (zeros).
 */
export function encodeFilemark(type: SoftFilemark, lastLabelRecord: Buffer | null): Buffer {
  const b = Buffer.alloc(BUTM_BLOCKSIZE);
  if (lastLabelRecord) lastLabelRecord.copy(b, 8, 8, BUTM_BLOCKSIZE);
  b.writeUInt32BE(FILE_MAGIC, 0);
  b.writeInt32BE(SUBTYPE[type], 4);
  return b;
}

/**
 * A data record: count, magic, four zero spares, `payload` (1..16360 bytes), zero padding
 * (BUTC-SPEC §2.4). Written into `into` when given (a reused 16 KiB buffer).
 */
export function encodeDataRecord(payload: Buffer, into?: Buffer): Buffer {
  const b = into ?? Buffer.allocUnsafe(BUTM_BLOCKSIZE);
  payload.copy(b, BUTM_HDRSIZE);
  return finishDataRecord(b, payload.length);
}

/**
 * Makes `record`, whose payload (from byte 24) already holds `count` bytes, a data record: the
 * header in front, zero padding behind. Lets a writer fill the payload in place, with no copy.
 */
export function finishDataRecord(record: Buffer, count: number): Buffer {
  if (count < 1 || count > BUTM_BLKSIZE) {
    throw new ButmError('BUTM_BADARGUMENT', `a data record holds 1..${BUTM_BLKSIZE} bytes, not ${count}`, { field: 'count', offset: 0 });
  }
  record.writeInt32BE(count, 0);
  record.writeUInt32BE(BLOCK_MAGIC, 4);
  record.fill(0, 8, BUTM_HDRSIZE);
  record.fill(0, BUTM_HDRSIZE + count);
  return record;
}

export interface DataRecord {
  /** Valid payload bytes, 1..16360. */
  count: number;
  /** The whole 16360-byte payload area (the trailer search looks at it up to `count`). */
  payload: Buffer;
}

/**
 * Decodes a record already classified as data. A count outside 1..16360 is a BUTM_BADBLOCK
 * naming the record (butc itself would read past its buffer).
 */
export function decodeDataRecord(block: Buffer, where: ButmErrorWhere = {}): DataRecord {
  if (block.length !== BUTM_BLOCKSIZE || block.readUInt32BE(4) !== BLOCK_MAGIC) {
    throw new ButmError('BUTM_BADBLOCK', 'not a data record', { ...where, field: 'magic', offset: 4 });
  }
  const count = block.readInt32BE(0);
  if (count < 1 || count > BUTM_BLKSIZE) {
    throw new ButmError('BUTM_BADBLOCK', `data record count ${count} is outside 1..${BUTM_BLKSIZE}`, { ...where, field: 'count', offset: 0 });
  }
  return { count, payload: block.subarray(BUTM_HDRSIZE) };
}
