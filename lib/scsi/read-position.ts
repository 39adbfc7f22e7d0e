/**
 * READ POSITION (SSC-4): where the drive is. The short form (service action 00h) gives the
 * logical object (block) location and what is still in the drive's buffer; the long form (06h)
 * gives partition, block number and file (filemark) number.
 */
import { ByteReader } from './bytes.js';
import type { ScsiCommand } from './command.js';
import { TIMEOUTS } from './timeouts.js';

const FORMS = { short: { action: 0x00, length: 20 }, long: { action: 0x06, length: 32 } } as const;

export function readPosition(form: 'short' | 'long', o: { timeoutMs?: number } = {}): ScsiCommand {
  const cdb = Buffer.alloc(10);
  cdb[0] = 0x34; // READ POSITION
  cdb[1] = FORMS[form].action; // bits 4-0: SERVICE ACTION; bytes 7-8 ALLOCATION LENGTH stay 0 for these forms
  return { name: `READ POSITION (${form} form)`, cdb, direction: 'from-device', length: FORMS[form].length, timeoutMs: o.timeoutMs ?? TIMEOUTS.readPosition };
}

export interface ShortPosition {
  /** BOP / EOP: at the beginning / end of the partition. */
  beginningOfPartition: boolean;
  endOfPartition: boolean;
  /** BPEW: beyond the programmable early warning. */
  beyondEarlyWarning: boolean;
  /** PERR: the position counters overflowed. */
  positionError: boolean;
  partition: number;
  /** FIRST / LAST LOGICAL OBJECT LOCATION: the next block to transfer to the host and to the medium; null when LOLU (SSC-2: BPU) says unknown. */
  firstBlock: number | null;
  lastBlock: number | null;
  /** Logical objects and bytes still in the drive's buffer; null when LOCU / BYCU say unknown. */
  blocksInBuffer: number | null;
  bytesInBuffer: number | null;
}

export function parseShortPosition(data: Buffer): ShortPosition {
  const r = new ByteReader(data, 'READ POSITION (short form)');
  r.need(0, 20, 'short form position data');
  const b0 = r.u8(0, 'flags');
  const locationUnknown = (b0 & 0x04) !== 0; // bit 2: LOLU
  return {
    beginningOfPartition: (b0 & 0x80) !== 0, // bit 7: BOP
    endOfPartition: (b0 & 0x40) !== 0, // bit 6: EOP
    beyondEarlyWarning: (b0 & 0x01) !== 0, // bit 0: BPEW
    positionError: (b0 & 0x02) !== 0, // bit 1: PERR
    partition: r.u8(1, 'PARTITION NUMBER'), // byte 1
    firstBlock: locationUnknown ? null : r.u32(4, 'FIRST LOGICAL OBJECT LOCATION'), // bytes 4-7
    lastBlock: locationUnknown ? null : r.u32(8, 'LAST LOGICAL OBJECT LOCATION'), // bytes 8-11
    blocksInBuffer: (b0 & 0x20) !== 0 ? null : r.u24(13, 'NUMBER OF LOGICAL OBJECTS IN OBJECT BUFFER'), // bit 5: LOCU; bytes 13-15
    bytesInBuffer: (b0 & 0x10) !== 0 ? null : r.u32(16, 'NUMBER OF BYTES IN OBJECT BUFFER'), // bit 4: BYCU; bytes 16-19
  };
}

export interface LongPosition {
  beginningOfPartition: boolean;
  endOfPartition: boolean;
  beyondEarlyWarning: boolean;
  partition: number;
  /** LOGICAL OBJECT NUMBER (block number); null when LONU says unknown. */
  blockNumber: number | null;
  /** LOGICAL FILE IDENTIFIER (filemarks from the beginning of the partition); null when MPU says unknown. */
  fileNumber: number | null;
}

export function parseLongPosition(data: Buffer): LongPosition {
  const r = new ByteReader(data, 'READ POSITION (long form)');
  r.need(0, 32, 'long form position data');
  const b0 = r.u8(0, 'flags');
  return {
    beginningOfPartition: (b0 & 0x80) !== 0, // bit 7: BOP
    endOfPartition: (b0 & 0x40) !== 0, // bit 6: EOP
    beyondEarlyWarning: (b0 & 0x01) !== 0, // bit 0: BPEW
    partition: r.u32(4, 'PARTITION NUMBER'), // bytes 4-7
    blockNumber: (b0 & 0x04) !== 0 ? null : r.uint(8, 8, 'LOGICAL OBJECT NUMBER'), // bit 2: LONU; bytes 8-15
    fileNumber: (b0 & 0x08) !== 0 ? null : r.uint(16, 8, 'LOGICAL FILE IDENTIFIER'), // bit 3: MPU; bytes 16-23
  };
}
