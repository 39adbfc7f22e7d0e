/**
 * A whole-medium walk (what `tapecoord media scan` is built on, and what butc's scantape and
 * read_tape do): every label and every file in medium order, with positions, volume headers and
 * trailers, and stream byte counts. The data itself goes to `onData` if given, piece by piece,
 * so nothing is held in memory.
 */
import type { ButmLabel } from './label.js';
import type { ButmReader, FileEnding } from './reader.js';
import type { VolumeHeader, VolumeHeaderLayout } from './volume-header.js';

export interface ScannedLabel {
  position: number;
  label: ButmLabel;
}

export interface ScannedFile {
  /** Tape file number (tape) or record index (FILE mode) of the FILE-BEGIN or END-OF-DUMP record. */
  position: number;
  kind: 'volume' | 'savedb' | 'end-of-dump';
  header?: VolumeHeader;
  headerLayout?: VolumeHeaderLayout;
  trailer?: VolumeHeader;
  /** Stream bytes (savedb: every record's count, so the last record's zero padding too). */
  bytes: number;
  /** A volume fragment without a trailer (TC_MISSINGTRAILER). */
  partial?: boolean;
  /** The full ending of a volume or savedb file. */
  ending?: FileEnding;
}

export interface ScanResult {
  labels: ScannedLabel[];
  files: ScannedFile[];
}

export interface ScanOptions {
  /** Receives each file's data in order; awaited before the next piece is read. */
  onData?: (file: ScannedFile, piece: Buffer) => void | Promise<void>;
}

/** Reads the label from the beginning, then every entry to the end of recorded data. */
export async function scanMedium(reader: ButmReader, options: ScanOptions = {}): Promise<ScanResult> {
  const result: ScanResult = { labels: [await reader.readLabel({ rewind: true })], files: [] };
  for (let entry = await reader.next(); entry; entry = await reader.next()) {
    if (entry.kind === 'label') {
      result.labels.push({ position: entry.position, label: entry.label });
      continue;
    }
    if (entry.kind === 'end-of-dump') {
      result.files.push({ position: entry.position, kind: 'end-of-dump', bytes: 0 });
      continue;
    }
    const file: ScannedFile = { position: entry.position, kind: entry.kind, bytes: 0 };
    if (entry.kind === 'volume') {
      file.header = entry.header;
      file.headerLayout = entry.layout;
    }
    result.files.push(file);
    for (let piece = await reader.read(); piece; piece = await reader.read()) {
      file.bytes += piece.length;
      if (options.onData) await options.onData(file, piece);
    }
    const ending = reader.ending;
    if (ending) {
      file.ending = ending;
      if (entry.kind === 'volume') {
        if (ending.trailer) file.trailer = ending.trailer;
        file.partial = ending.partial;
      }
    }
  }
  return result;
}
