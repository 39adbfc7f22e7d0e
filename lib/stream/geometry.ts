/** Ring geometry: how a block size and a buffer size become slots. */
export interface RingOptions {
  /** One tape block: one write() per block (16 KiB for butc media, 256 KiB–1 MiB otherwise). */
  blockSize: number;
  /** Ring memory in bytes (mbuffer's -m); at least two blocks. */
  bufferSize: number;
  /** Start draining to the medium when the ring is this full (0–1; afbackup: 0.67). */
  highWater?: number;
  /** Keep draining until the ring is this empty (0–1; afbackup: 0). */
  lowWater?: number;
  /** Pad every record to the block size so record k lies at offset k × blockSize (butc FILE mode). */
  fileOffsets?: boolean;
  /**
   * A regular input file is mapped and its blocks written straight from the page cache (default
   * true); false reads it into the ring like a pipe.
   */
  mapInput?: boolean;
}

export const DEFAULT_BLOCK_SIZE = 256 * 1024;

export function ringGeometry(o: RingOptions): { slotSize: number; slotCount: number } {
  if (!Number.isSafeInteger(o.blockSize) || o.blockSize < 1 || o.blockSize > 64 << 20)
    throw new RangeError(`block size ${o.blockSize} is out of range (1 byte to 64 MiB)`);
  if (!Number.isSafeInteger(o.bufferSize) || o.bufferSize < 2 * o.blockSize)
    throw new RangeError(`buffer size ${o.bufferSize} must hold at least two blocks of ${o.blockSize} bytes`);
  return { slotSize: o.blockSize, slotCount: Math.floor(o.bufferSize / o.blockSize) };
}
