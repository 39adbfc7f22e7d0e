/** READ BLOCK LIMITS (SSC-4): the block sizes a drive accepts in variable-block mode. */
import { ByteReader } from './bytes.js';
import type { ScsiCommand } from './command.js';
import { TIMEOUTS } from './timeouts.js';

export function readBlockLimits(o: { timeoutMs?: number } = {}): ScsiCommand {
  const cdb = Buffer.alloc(6);
  cdb[0] = 0x05; // READ BLOCK LIMITS; byte 1 bit 0 MLOI stays 0: the 6-byte block limits data
  return { name: 'READ BLOCK LIMITS', cdb, direction: 'from-device', length: 6, timeoutMs: o.timeoutMs ?? TIMEOUTS.readBlockLimits };
}

export interface BlockLimits {
  /** GRANULARITY: block lengths must be multiples of 2^granularity bytes. */
  granularity: number;
  maximumBlockLength: number;
  minimumBlockLength: number;
}

export function parseBlockLimits(data: Buffer): BlockLimits {
  const r = new ByteReader(data, 'READ BLOCK LIMITS');
  r.need(0, 6, 'block limits data');
  return {
    granularity: r.u8(0, 'GRANULARITY') & 0x1f, // byte 0 bits 4-0
    maximumBlockLength: r.u24(1, 'MAXIMUM BLOCK LENGTH LIMIT'), // bytes 1-3
    minimumBlockLength: r.u16(4, 'MINIMUM BLOCK LENGTH LIMIT'), // bytes 4-5
  };
}
