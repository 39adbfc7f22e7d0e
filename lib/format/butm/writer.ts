/**
 * Writes what butc writes (BUTC-SPEC §2.6, §2.7, §2.12, §2.13): labels, volume fragments
 * (FILE-BEGIN, a 208-byte header record, the stream in full 16360-byte payloads with the trailer
 * right after its last byte, FILE-END), END-OF-DUMP, and savedb files. It also answers butc's
 * capacity questions (§2.9) so the caller can split a volume where butc would.
 *
 * End of medium is never swallowed: a write that hits it throws ButmError `BUTM_EOT` (see
 * `hitEndOfTape`), carrying the medium, position and record.
 */
import { dumpEndMarginKB, plannedSplit, savedbEndMarginKB, throttledReadSize } from './accounting.js';
import { BUTM_BLKSIZE, BUTM_BLOCKSIZE, BUTM_HDRSIZE } from './constants.js';
import { ButmError } from './errors.js';
import { encodeLabel, type ButmLabel } from './label.js';
import type { RecordDevice } from './record-device.js';
import { encodeDataRecord, encodeFilemark, finishDataRecord, type SoftFilemark } from './records.js';
import { encodeVolumeHeader, type VolumeHeader } from './volume-header.js';

/** Where something was written, as butc records it in budb (`labelpos`, volume `position`). */
export interface Written {
  position: number;
}

export interface FragmentWritten {
  /** Stream bytes in this fragment (butc's volBytesRead, budb's nBytes). */
  streamBytes: number;
  /** Data records after the header record, the trailer's included. */
  dataRecords: number;
}

export interface DatabaseDataWritten {
  /** Bytes of the chunk taken; the rest goes to the next tape when `tapeFull`. */
  consumed: number;
  /**
   * The tape reached the savedb end margin after a full record: FILE-END and END-OF-DUMP are
   * written. Label the next tape, call beginDatabaseDump again and pass the rest.
   */
  tapeFull: boolean;
}

type State = 'idle' | 'volume' | 'savedb';

export class ButmWriter {
  private state: State = 'idle';
  private readonly record = Buffer.alloc(BUTM_BLOCKSIZE);
  /** The payload being filled (butc's buffer), in place inside `record`; written when full. */
  private readonly pending = this.record.subarray(BUTM_HDRSIZE);
  private pendingBytes = 0;
  private fragmentBytes = 0;
  private fragmentRecords = 0;

  constructor(readonly device: RecordDevice) {}

  /**
   * A label, from the beginning of the medium (rewind; FILE mode truncates) or appended at the
   * current position (after `device.seekEndOfDump`). Returns the label's position: 1 on tape or
   * 0 in FILE mode at the beginning; its own file or record when appended.
   */
  async writeLabel(label: ButmLabel, options: { append?: boolean } = {}): Promise<Written> {
    const record = encodeLabel(label);
    this.state = 'idle';
    this.pendingBytes = 0;
    await this.device.writeLabel(record, !options.append);
    return { position: this.device.position - 1 };
  }

  /**
   * FILE-BEGIN and the header record (count 208). Returns the fragment's position: the tape
   * file number or record index of its FILE-BEGIN.
   */
  async beginVolume(header: VolumeHeader): Promise<Written> {
    this.requireState('idle', 'begin a volume');
    const position = this.device.position;
    await this.writeMark('file-begin');
    await this.device.writeBlock(encodeDataRecord(encodeVolumeHeader(header), this.record), 'data');
    this.state = 'volume';
    this.fragmentBytes = 0;
    this.fragmentRecords = 0;
    this.pendingBytes = 0;
    return { position };
  }

  /** Volume stream bytes, packed into full 16360-byte payloads as they fill. */
  async writeVolumeData(chunk: Buffer): Promise<void> {
    this.requireState('volume', 'write volume data');
    this.fragmentBytes += chunk.length;
    await this.pack(chunk, 0, chunk.length);
  }

  /**
   * The trailer right after the last stream byte (so it may straddle two records, or take a
   * record of its own with count 208), the last record zero-padded, then FILE-END.
   */
  async endVolume(trailer: VolumeHeader): Promise<FragmentWritten> {
    this.requireState('volume', 'end a volume');
    const t = encodeVolumeHeader(trailer);
    await this.pack(t, 0, t.length);
    if (this.pendingBytes > 0) await this.flush(this.pendingBytes);
    return this.closeFragment();
  }

  /**
   * FILE-END without a trailer, as butc writes after an error inside a volume ("partially
   * dumped"; readers fail with TC_MISSINGTRAILER). Buffered stream bytes are written first.
   */
  async endVolumePartial(): Promise<FragmentWritten> {
    this.requireState('volume', 'end a volume');
    if (this.pendingBytes > 0) await this.flush(this.pendingBytes);
    return this.closeFragment();
  }

  /** END-OF-DUMP (then a filemark on tape): after a dump's last volume and at a planned tape switch. */
  async writeEndOfDump(): Promise<Written> {
    this.requireState('idle', 'write END-OF-DUMP');
    if (this.device.reading || this.device.writing) {
      throw new ButmError('BUTM_BADOP', 'END-OF-DUMP inside a file', this.device.where());
    }
    const position = this.device.position;
    await this.writeMark('end-of-dump');
    return { position };
  }

  /** FILE-BEGIN of a savedb file (also on each continuation tape). */
  async beginDatabaseDump(): Promise<Written> {
    this.requireState('idle', 'begin a database dump');
    const position = this.device.position;
    await this.writeMark('file-begin');
    this.state = 'savedb';
    this.pendingBytes = 0;
    return { position };
  }

  /**
   * Database dump bytes in full count=16360 records. After each full record butc checks the
   * savedb end margin; when the tape is below it, FILE-END and END-OF-DUMP are written here and
   * the bytes not yet taken are left to the next tape (BUTC-SPEC §2.7, §2.13).
   */
  async writeDatabaseData(chunk: Buffer): Promise<DatabaseDataWritten> {
    this.requireState('savedb', 'write database data');
    const margin = savedbEndMarginKB(this.device.usage.fileMarkSize);
    let offset = 0;
    while (offset < chunk.length) {
      const n = Math.min(BUTM_BLKSIZE - this.pendingBytes, chunk.length - offset);
      chunk.copy(this.pending, this.pendingBytes, offset, offset + n);
      this.pendingBytes += n;
      offset += n;
      if (this.pendingBytes < BUTM_BLKSIZE) continue; // the chunk is used up
      await this.flush(BUTM_BLKSIZE);
      if (this.device.usage.remainingKB < margin) {
        await this.writeMark('file-end');
        this.state = 'idle';
        await this.writeMark('end-of-dump');
        return { consumed: offset, tapeFull: true };
      }
    }
    return { consumed: chunk.length, tapeFull: false };
  }

  /** The last savedb record, zero-padded but with count=16360 like every other, then FILE-END (no END-OF-DUMP). */
  async endDatabaseDump(): Promise<void> {
    this.requireState('savedb', 'end a database dump');
    if (this.pendingBytes > 0) {
      this.pending.fill(0, this.pendingBytes);
      await this.flush(BUTM_BLKSIZE);
    }
    await this.writeMark('file-end');
    this.state = 'idle';
  }

  /** `butm_remainingKSpace`: tape size − KB used, signed (negative past the end). */
  get remainingKB(): number {
    return this.device.usage.remainingKB;
  }

  /** What butc stores as the tape's useKBytes. */
  get usedKB(): number {
    return this.device.usage.usedKB;
  }

  /** `tc_KEndMargin` for this device's filemark size. */
  get endMarginKB(): number {
    return dumpEndMarginKB(this.device.usage.fileMarkSize);
  }

  /** Stream bytes given to the open fragment so far. */
  get fragmentStreamBytes(): number {
    return this.fragmentBytes;
  }

  /**
   * butc's planned split, to ask before reading more volume data: below the end margin, and
   * this fragment has data or the volume is not the first on the medium. When true, end the
   * fragment with a continuing trailer, write END-OF-DUMP and go on with the next tape.
   */
  shouldSplit(): boolean {
    this.requireState('volume', 'ask for a split');
    return plannedSplit(this.device.usage, { fragmentBytes: this.fragmentBytes, position: this.device.position, fileMode: this.device.mode === 'file' });
  }

  /** How many bytes butc would read from the volserver next, for a BUFFERSIZE of `bufferSize` bytes. */
  readSize(bufferSize = BUTM_BLOCKSIZE): number {
    return throttledReadSize(this.device.usage.remainingKB, bufferSize);
  }

  private async closeFragment(): Promise<FragmentWritten> {
    await this.writeMark('file-end');
    this.state = 'idle';
    return { streamBytes: this.fragmentBytes, dataRecords: this.fragmentRecords };
  }

  private writeMark(type: SoftFilemark): Promise<void> {
    return this.device.writeBlock(encodeFilemark(type, this.device.lastLabelRecord), type);
  }

  private async pack(data: Buffer, start: number, end: number): Promise<void> {
    let offset = start;
    while (offset < end) {
      const n = Math.min(BUTM_BLKSIZE - this.pendingBytes, end - offset);
      data.copy(this.pending, this.pendingBytes, offset, offset + n);
      this.pendingBytes += n;
      offset += n;
      if (this.pendingBytes === BUTM_BLKSIZE) await this.flush(BUTM_BLKSIZE);
    }
  }

  /** One data record of `count` bytes from the pending payload; the pending bytes are gone either way. */
  private async flush(count: number): Promise<void> {
    finishDataRecord(this.record, count);
    this.pendingBytes = 0;
    await this.device.writeBlock(this.record, 'data');
    this.fragmentRecords++;
  }

  private requireState(state: State, what: string): void {
    if (this.state !== state) {
      throw new ButmError('BUTM_BADOP', `cannot ${what} ${this.state === 'idle' ? 'outside a file' : `inside a ${this.state === 'volume' ? 'volume' : 'database dump'}`}`, this.device.where());
    }
  }
}
