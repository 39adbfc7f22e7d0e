/**
 * Reads a butm medium the way butc and read_tape do (BUTC-SPEC §2.1, §2.6, §2.7, §2.12): the
 * label, then the files in medium order (appended labels, volume fragments, savedb files,
 * END-OF-DUMP). A volume's stream comes out in pieces as its records are read, holding at most
 * two records, and ends where butc's trailer search says it ends.
 */
import { BUTM_BLKSIZE } from './constants.js';
import { ButmError } from './errors.js';
import { decodeLabel, isDatabaseTapeName, type ButmLabel } from './label.js';
import type { RecordDevice } from './record-device.js';
import { decodeDataRecord } from './records.js';
import { TrailerSearch } from './trailer.js';
import { decodeVolumeHeader, type VolumeHeader, type VolumeHeaderLayout } from './volume-header.js';

/** One thing on the medium, with its position (tape file number, or record index in FILE mode). */
export type MediumEntry =
  | { kind: 'label'; position: number; label: ButmLabel }
  | { kind: 'volume'; position: number; header: VolumeHeader; layout: VolumeHeaderLayout }
  | { kind: 'savedb'; position: number }
  | { kind: 'end-of-dump'; position: number };

/** How a volume or savedb file ended, known once its data has been read. */
export interface FileEnding {
  /** The trailer butc's search found, or null. */
  trailer: VolumeHeader | null;
  trailerLayout: VolumeHeaderLayout | null;
  /**
   * A volume fragment without a trailer: butc wrote FILE-END after an error ("partially
   * dumped"), or the medium ends inside it. A restore fails with TC_MISSINGTRAILER.
   */
  partial: boolean;
  /** Stream bytes delivered (savedb: every record's count, padding included). */
  streamBytes: number;
  /** Data records after the header record. */
  dataRecords: number;
  /** Data records after the trailer, before FILE-END; butc never reads them. */
  recordsAfterTrailer: number;
  /** What closed the file: FILE-END, a hardware filemark, or the end of recorded data. */
  endedBy: 'file-end' | 'filemark' | 'end-of-data';
}

type State = 'between' | 'volume' | 'savedb' | 'end';

export class ButmReader {
  /** The label read last (initial or appended); decides whether a file is a savedb. */
  label: ButmLabel | null = null;
  private state: State = 'between';
  private search = new TrailerSearch();
  private ready: Buffer[] = [];
  private stopped = false;
  private fileEnding: FileEnding | null = null;
  private streamBytes = 0;
  private dataRecords = 0;
  private recordsAfterTrailer = 0;
  private trailer: { header: VolumeHeader; layout: VolumeHeaderLayout } | null = null;

  constructor(readonly device: RecordDevice) {}

  /**
   * file_ReadLabel: by default from the beginning (rewind; FILE mode record 0). The label's size
   * becomes the tape size for the capacity accounting, as in butc.
   */
  async readLabel(options: { rewind?: boolean } = {}): Promise<{ position: number; label: ButmLabel }> {
    const rewind = options.rewind ?? true;
    this.endFile();
    // a rewind first ends any file being read, which file_ReadLabel would refuse (BUTM_BADOP)
    if (rewind) await this.device.rewind();
    const record = await this.device.readLabelRecord(rewind);
    const position = this.device.position - 1;
    const label = this.takeLabel(record, position);
    this.state = 'between';
    return { position, label };
  }

  /**
   * The next label, volume fragment, savedb file or END-OF-DUMP, or null at the end of recorded
   * data. Data of the current file that was not read is read and dropped first. Stray hardware
   * filemarks between files (left by a close) are passed over.
   */
  async next(): Promise<MediumEntry | null> {
    while (this.state === 'volume' || this.state === 'savedb') await this.read();
    if (this.state === 'end') return null;
    for (;;) {
      const position = this.device.position;
      const b = await this.device.readBlock();
      switch (b.kind) {
        case 'end-of-data':
          this.state = 'end';
          return null;
        case 'filemark':
          continue;
        case 'label':
          return { kind: 'label', position, label: this.takeLabel(b.block, position) };
        case 'end-of-dump':
          return { kind: 'end-of-dump', position };
        case 'file-begin':
          return this.beginFile(position);
        default:
          throw new ButmError('BUTM_BADBLOCK', `${b.kind} record where a label, FILE-BEGIN or END-OF-DUMP was expected`, this.device.where({ record: b.record }));
      }
    }
  }

  /**
   * The next piece of the current file's data, or null when the file has ended (then `ending`
   * says how). Volume data stops where the trailer starts.
   */
  async read(): Promise<Buffer | null> {
    for (;;) {
      const piece = this.ready.shift();
      if (piece) return piece;
      if (this.state !== 'volume' && this.state !== 'savedb') return null;
      await this.readRecord();
    }
  }

  /** The current file's data as an async iterator (the same pieces as read()). */
  async *chunks(): AsyncGenerator<Buffer> {
    for (let piece = await this.read(); piece; piece = await this.read()) yield piece;
  }

  /** How the last volume or savedb file ended; null while its data is being read. */
  get ending(): FileEnding | null {
    return this.fileEnding;
  }

  /**
   * Positions as butc does before reading a volume: rewind, read the label, then go to
   * `position` (FILE mode: record `position`; tape: `MTFSF position − 2`). The label's own
   * position leaves the medium at the label.
   */
  async seekPosition(position: number): Promise<void> {
    const { position: labelPosition } = await this.readLabel({ rewind: true });
    if (position === labelPosition) await this.device.rewind();
    else await this.device.seek(position);
  }

  private takeLabel(record: Buffer, position: number): ButmLabel {
    const label = decodeLabel(record, { medium: this.device.name, position });
    this.device.usage.tapeSizeKB = label.sizeKB;
    this.label = label;
    return label;
  }

  /** After FILE-BEGIN: a savedb file on a database tape, else the header record of a volume fragment. */
  private async beginFile(position: number): Promise<MediumEntry> {
    this.startFile();
    if (this.label && isDatabaseTapeName(this.label.afsName)) {
      this.state = 'savedb';
      return { kind: 'savedb', position };
    }
    const b = await this.device.readBlock();
    const where = this.device.where({ record: b.record });
    if (b.kind !== 'data') {
      if (b.kind === 'file-end') throw new ButmError('BUTM_ENDVOLUME', 'FILE-END where the volume header record was expected', where);
      if (b.kind === 'filemark' || b.kind === 'end-of-data') throw new ButmError('BUTM_EOF', `${b.kind} where the volume header record was expected`, where);
      throw new ButmError('BUTM_BADBLOCK', `${b.kind} record where the volume header record was expected`, where);
    }
    const { payload } = decodeDataRecord(b.block, where);
    const { header, layout } = decodeVolumeHeader(payload, where);
    this.state = 'volume';
    return { kind: 'volume', position, header, layout };
  }

  /** Reads one record of the current file and queues its data. */
  private async readRecord(): Promise<void> {
    const b = await this.device.readBlock();
    if (b.kind === 'file-end' || b.kind === 'filemark' || b.kind === 'end-of-data') {
      if (this.state === 'volume' && !this.stopped) this.queue(this.search.finish());
      this.finishFile(b.kind);
      return;
    }
    if (b.kind !== 'data') {
      throw new ButmError('BUTM_BADBLOCK', `${b.kind} record inside a ${this.state === 'volume' ? 'volume fragment' : 'database dump'}`, this.device.where({ record: b.record }));
    }
    const { count, payload } = decodeDataRecord(b.block, this.device.where({ record: b.record }));
    if (this.state === 'savedb') {
      this.dataRecords++;
      this.queue([payload.subarray(0, count)]);
      return;
    }
    if (this.stopped) {
      this.recordsAfterTrailer++;
      return;
    }
    this.dataRecords++;
    const step = this.search.push(payload.subarray(0, BUTM_BLKSIZE), count);
    this.queue(step.data);
    if (step.done) {
      this.stopped = true;
      this.trailer = step.trailer;
    }
  }

  private queue(pieces: Buffer[]): void {
    for (const p of pieces) {
      this.streamBytes += p.length;
      this.ready.push(p);
    }
  }

  private startFile(): void {
    this.search = new TrailerSearch();
    this.ready = [];
    this.stopped = false;
    this.fileEnding = null;
    this.streamBytes = 0;
    this.dataRecords = 0;
    this.recordsAfterTrailer = 0;
    this.trailer = null;
  }

  private finishFile(endedBy: FileEnding['endedBy']): void {
    const volume = this.state === 'volume';
    this.fileEnding = {
      trailer: this.trailer?.header ?? null,
      trailerLayout: this.trailer?.layout ?? null,
      partial: volume && this.trailer === null,
      streamBytes: this.streamBytes,
      dataRecords: this.dataRecords,
      recordsAfterTrailer: this.recordsAfterTrailer,
      endedBy,
    };
    this.state = endedBy === 'end-of-data' ? 'end' : 'between';
  }

  /** Leaving a file without finishing it (a new label read): its pieces are dropped. */
  private endFile(): void {
    this.ready = [];
    if (this.state === 'volume' || this.state === 'savedb') this.state = 'between';
  }
}
