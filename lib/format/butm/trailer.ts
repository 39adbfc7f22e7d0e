/**
 * Finding a volume fragment's trailer the way butc's restore does (restoreVolumeData,
 * FindVolTrailer, FindVolTrailer2, ExtractTrailer in src/butc/lwps.c; BUTC-SPEC §2.6), so old
 * tapes read exactly as butc reads them, heuristic included:
 *   1. read data records until one has count ≠ 16360, or a full record shows a valid header in
 *      its last 210 bytes;
 *   2. search the last 210 bytes of the last record, or (when it holds fewer) of the last two
 *      records' payloads joined, at every byte offset;
 *   3. everything before the trailer is stream data.
 */
import { BUTM_BLKSIZE, TRAILER_WINDOW, VOLUME_HEADER_PACKED_SIZE } from './constants.js';
import { readVolumeHeader, type FoundVolumeHeader } from './volume-header.js';

export interface TrailerAt extends FoundVolumeHeader {
  /** Where the trailer starts inside the searched window. */
  offset: number;
}

/**
 * ExtractTrailer: the first offset in `window` where a header passes readVolumeHeader, trying
 * offsets 0 .. size − 206 (a packed header ending at the window's end). Bytes after `size` are
 * read as they are in `window` (zeros past its end). butc computes the bound unsigned, so for
 * size < 206 it scans on past its buffer; here the offsets stop at size − 1.
 */
export function extractTrailer(window: Buffer, size: number): TrailerAt | null {
  const last = size >= VOLUME_HEADER_PACKED_SIZE ? size - VOLUME_HEADER_PACKED_SIZE : size - 1;
  for (let offset = 0; offset <= last; offset++) {
    const found = readVolumeHeader(window, offset);
    if (found) return { ...found, offset };
  }
  return null;
}

export interface TrailerInRecord extends TrailerAt {
  /** Payload bytes before the trailer. */
  dataBytes: number;
}

/**
 * FindVolTrailer: look in the last min(210, size) bytes of a payload holding `size` valid bytes.
 * `payload` is the record's whole payload area: like butc, a header found near the end may
 * extend past `size` into the padding (its unchecked spare bytes).
 */
export function findVolTrailer(payload: Buffer, size: number): TrailerInRecord | null {
  const s = Math.min(TRAILER_WINDOW, size);
  const found = extractTrailer(payload.subarray(size - s), s);
  return found ? { ...found, dataBytes: size - (s - found.offset) } : null;
}

export interface TrailerFound extends FoundVolumeHeader {
  /** Stream bytes in the previous record (all of it unless the trailer starts there). */
  headBytes: number;
  /** Stream bytes in the last record. */
  tailBytes: number;
}

/**
 * FindVolTrailer2: the trailer at the end of the last record (`last`, `lastSize` valid bytes),
 * or straddling the previous full record (`prev`, null when the fragment has no earlier data
 * record) and the last one.
 */
export function findVolTrailer2(prev: Buffer | null, last: Buffer, lastSize: number): TrailerFound | null {
  const prevSize = prev ? BUTM_BLKSIZE : 0;
  if (lastSize >= TRAILER_WINDOW) {
    const found = findVolTrailer(last, lastSize);
    return found && { header: found.header, layout: found.layout, headBytes: prevSize, tailBytes: found.dataBytes };
  }
  const tailB = lastSize;
  let headB = TRAILER_WINDOW - lastSize;
  let s = TRAILER_WINDOW;
  if (headB > prevSize) {
    headB = prevSize;
    s = headB + tailB;
    if (s === 0) return null;
  }
  const window = Buffer.alloc(TRAILER_WINDOW); // butc's zeroed tapeVolumeHT
  if (prev && headB) prev.copy(window, 0, prevSize - headB, prevSize);
  last.copy(window, headB, 0, tailB);
  const found = extractTrailer(window, s);
  if (!found) return null;
  if (found.offset > headB) return { header: found.header, layout: found.layout, headBytes: prevSize, tailBytes: found.offset - headB };
  return { header: found.header, layout: found.layout, headBytes: prevSize - (headB - found.offset), tailBytes: 0 };
}

/** What one data record did to the search. */
export type TrailerStep =
  /** Keep reading; `data` (possibly empty) is stream data that is now certain. */
  | { done: false; data: Buffer[] }
  /** The search stopped: the last stream bytes and the trailer, or null (TC_MISSINGTRAILER) with every byte held as data. */
  | { done: true; data: Buffer[]; trailer: FoundVolumeHeader | null };

/**
 * The record loop of restoreVolumeData, holding only the previous record: push each data
 * record's payload area and count; the returned pieces are the volume's stream, in order.
 */
export class TrailerSearch {
  private prev: Buffer | null = null;

  push(payload: Buffer, count: number): TrailerStep {
    if (count === BUTM_BLKSIZE && !findVolTrailer(payload, count)) {
      const data = this.prev ? [this.prev] : [];
      this.prev = payload.subarray(0, BUTM_BLKSIZE);
      return { done: false, data };
    }
    const found = findVolTrailer2(this.prev, payload, count);
    const prev = this.prev;
    this.prev = null;
    if (!found) return { done: true, data: nonEmpty([prev, payload.subarray(0, count)]), trailer: null };
    return {
      done: true,
      data: nonEmpty([prev && prev.subarray(0, found.headBytes), payload.subarray(0, found.tailBytes)]),
      trailer: { header: found.header, layout: found.layout },
    };
  }

  /** The fragment ended (FILE-END, a filemark, end of data) before the search stopped: what is held is data. */
  finish(): Buffer[] {
    const data = nonEmpty([this.prev]);
    this.prev = null;
    return data;
  }
}

function nonEmpty(pieces: (Buffer | null)[]): Buffer[] {
  return pieces.filter((p): p is Buffer => p !== null && p.length > 0);
}
