/**
 * tapecoord's own tape file: what the daemon writes for a dump of any stream (tar, a database
 * dump, `vos dump` output). A cartridge carries the afbackup label as file 0 (lib/format/
 * cartridge-label.ts, so cart_ctl and afserver sites read it), then one tape file per piece of a
 * dump:
 *
 *   block 0        the header: `TAPECOORD 1\n` and one line of JSON (FileHeader), NUL-padded to
 *                  the block size, so the block size is found from the first read
 *   blocks 1..n    the data, in blocks of the block size; the last one short (never padded)
 *   filemark
 *
 * The data bytes are everything after the header up to the filemark, exactly: no trailer is
 * needed because blocks are never padded, and the catalog's byte count must agree with it. The
 * header lets a scan name every file without the catalog.
 */
export const TAPEFILE_MAGIC = 'TAPECOORD 1\n';

/** A header block is at least this long, whatever the block size (the JSON must fit). */
export const MIN_HEADER_BLOCK = 4096;

export interface FileHeader {
  /** The catalog's dump id. */
  dump: number;
  /** The dump's name. */
  name: string;
  /** The cartridge set it was written for. */
  cartridgeSet: string;
  /** This piece's number, from 1. */
  fragment: number;
  cartridge: number;
  /** The tape file number on the cartridge (the label is file 0). */
  file: number;
  /** When the dump started, Unix seconds. */
  created: number;
  blockSize: number;
}

export class TapeFileError extends Error {
  override name = 'TapeFileError';
  constructor(
    readonly where: string,
    message: string,
  ) {
    super(`${where}: ${message}`);
  }
}

export function encodeFileHeader(h: FileHeader): Buffer {
  if (!Number.isSafeInteger(h.blockSize) || h.blockSize < MIN_HEADER_BLOCK) {
    throw new TapeFileError(`cartridge ${h.cartridge} file ${h.file}`, `block size ${h.blockSize}: a tapecoord tape file needs blocks of at least ${MIN_HEADER_BLOCK} bytes`);
  }
  const text = TAPEFILE_MAGIC + JSON.stringify(h) + '\n';
  const bytes = Buffer.byteLength(text);
  if (bytes > h.blockSize) throw new TapeFileError(`cartridge ${h.cartridge} file ${h.file}`, `the header (${bytes} bytes) does not fit a ${h.blockSize}-byte block: shorten the name`);
  const block = Buffer.alloc(h.blockSize);
  block.write(text, 'utf8');
  return block;
}

const FIELDS: Record<keyof FileHeader, 'number' | 'string'> = {
  dump: 'number',
  name: 'string',
  cartridgeSet: 'string',
  fragment: 'number',
  cartridge: 'number',
  file: 'number',
  created: 'number',
  blockSize: 'number',
};

/**
 * The header in a tape file's first block; null when the block is not a tapecoord header (a
 * foreign file). A tapecoord magic with a damaged header is a TapeFileError naming `where`.
 */
export function decodeFileHeader(block: Buffer, where: string): FileHeader | null {
  if (block.length < TAPEFILE_MAGIC.length || block.toString('latin1', 0, TAPEFILE_MAGIC.length) !== TAPEFILE_MAGIC) return null;
  const end = block.indexOf(0x0a, TAPEFILE_MAGIC.length);
  if (end < 0) throw new TapeFileError(where, 'tapecoord header without the end of its JSON line');
  let value: unknown;
  try {
    value = JSON.parse(block.toString('utf8', TAPEFILE_MAGIC.length, end));
  } catch (e) {
    throw new TapeFileError(where, `tapecoord header: ${(e as Error).message}`);
  }
  if (typeof value !== 'object' || value === null) throw new TapeFileError(where, 'tapecoord header: not a JSON object');
  const o = value as Record<string, unknown>;
  for (const [field, type] of Object.entries(FIELDS)) {
    const v = o[field];
    const ok = type === 'string' ? typeof v === 'string' : Number.isSafeInteger(v) && (v as number) >= 0;
    if (!ok) throw new TapeFileError(where, `tapecoord header: field ${field} is ${JSON.stringify(v)}, expected a ${type === 'string' ? 'string' : 'non-negative integer'}`);
  }
  if (block.length !== o['blockSize']) throw new TapeFileError(where, `tapecoord header block is ${block.length} bytes, the header says ${o['blockSize']}`);
  return o as unknown as FileHeader;
}
