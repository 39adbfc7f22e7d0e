/**
 * butc's capacity accounting (BUTC-SPEC §2.9): the kBytes/nBytes counters of `butm_tapeInfo`
 * (file_tm's incSize), the remaining space, the end margins, the planned-split trigger and the
 * throttled read size of dumpVolume. All counters are unsigned 32-bit as in butc, and wrap the
 * same way.
 */
import { BUTM_BLKSIZE, BUTM_BLOCKSIZE, dumpEndMarginBytes, savedbEndMarginBytes } from './constants.js';

export class TapeUsage {
  /** KB counted so far (`kBytes`). */
  kBytes = 0;
  /** Bytes below 1 KB not yet counted in kBytes (`nBytes`, always < 1024). */
  nBytes = 0;

  /**
   * @param tapeSizeKB `tapeSize`: the tapeconfig capacity until a label is read, then the label's size.
   * @param fileMarkSize tapeconfig's filemark size in bytes, added for every filemark written or spaced over.
   */
  constructor(
    public tapeSizeKB: number,
    readonly fileMarkSize: number,
  ) {}

  /** incSize: add bytes; whole KB move to kBytes. */
  add(bytes: number): void {
    this.nBytes = (this.nBytes + bytes) >>> 0;
    this.kBytes = (this.kBytes + Math.floor(this.nBytes / 1024)) >>> 0;
    this.nBytes %= 1024;
  }

  /** One filemark (written, read or spaced over). A negative count (backward space) wraps as in butc. */
  addFilemarks(count: number): void {
    this.add((count * this.fileMarkSize) >>> 0);
  }

  /** After a rewind (rewindFile) the counters restart. */
  reset(): void {
    this.kBytes = 0;
    this.nBytes = 0;
  }

  /** For an append butc sets kBytes to the budb tape entry's useKBytes after positioning. */
  setUsedKB(kb: number): void {
    this.kBytes = kb >>> 0;
    this.nBytes = 0;
  }

  /** `butm_remainingKSpace`: tapeSize − kBytes, as the signed 32-bit value dumpVolume compares. */
  get remainingKB(): number {
    return (this.tapeSizeKB - this.kBytes) | 0;
  }

  /** What butc records as the tape's useKBytes: kBytes, plus one for a partial KB. */
  get usedKB(): number {
    return (this.kBytes + (this.nBytes ? 1 : 0)) >>> 0;
  }
}

/** `tc_KEndMargin` of a volume dump in KB (96 KB with filemark size 0). */
export function dumpEndMarginKB(fileMarkSize: number): number {
  return Math.floor(dumpEndMarginBytes(fileMarkSize) / 1024);
}

/** The savedb end margin in KB (32 KB with filemark size 0). */
export function savedbEndMarginKB(fileMarkSize: number): number {
  return Math.floor(savedbEndMarginBytes(fileMarkSize) / 1024);
}

/**
 * dumpVolume's planned-split trigger, checked before every read of volume data: the remaining
 * space is below the end margin, and either this fragment already has data or the volume is not
 * the first on the medium (`position > 2` on tape, `> 3` in FILE mode).
 */
export function plannedSplit(usage: TapeUsage, args: { fragmentBytes: number; position: number; fileMode: boolean }): boolean {
  if (usage.remainingKB >= dumpEndMarginKB(usage.fileMarkSize)) return false;
  return args.fragmentBytes > 0 || args.position > (args.fileMode ? 3 : 2);
}

/**
 * How much volume data dumpVolume asks for in its next read: `BufferSize / 16384` payloads
 * (`dataSize`), throttled close to the end to `((remainingKB / 16) + 1) × 16360` bytes, at least
 * 16360 (BUTC-SPEC §2.9).
 */
export function throttledReadSize(remainingKB: number, bufferSize = BUTM_BLOCKSIZE): number {
  const tapeblocks = Math.max(1, Math.floor(bufferSize / BUTM_BLOCKSIZE));
  const dataSize = tapeblocks * BUTM_BLKSIZE;
  if (remainingKB >= tapeblocks * 16) return dataSize;
  if (remainingKB < 0) return BUTM_BLKSIZE;
  return Math.min((Math.floor(remainingKB / 16) + 1) * BUTM_BLKSIZE, dataSize);
}
