/**
 * The commands that make a library move (SMC-3): MOVE MEDIUM, EXCHANGE MEDIUM, POSITION TO
 * ELEMENT, and the inventory commands INITIALIZE ELEMENT STATUS (WITH RANGE). Addresses are the
 * library's element addresses (READ ELEMENT STATUS, MODE SENSE page 1Dh); 0 as the transport
 * address means "the library's default picker".
 */
import { field } from './cdb.js';
import type { ScsiCommand } from './command.js';
import { TIMEOUTS } from './timeouts.js';

export interface MoveMediumOptions {
  transport?: number;
  source: number;
  destination: number;
  /** INVERT: turn the medium over (double-sided optical media). */
  invert?: boolean;
  timeoutMs?: number;
}

export function moveMedium(o: MoveMediumOptions): ScsiCommand {
  const name = 'MOVE MEDIUM';
  const cdb = Buffer.alloc(12);
  cdb[0] = 0xa5; // MOVE MEDIUM
  cdb.writeUInt16BE(field(name, 'transport element address', o.transport ?? 0, 16), 2); // bytes 2-3: MEDIUM TRANSPORT ADDRESS
  cdb.writeUInt16BE(field(name, 'source address', o.source, 16), 4); // bytes 4-5: SOURCE ADDRESS
  cdb.writeUInt16BE(field(name, 'destination address', o.destination, 16), 6); // bytes 6-7: DESTINATION ADDRESS
  cdb[10] = o.invert ? 0x01 : 0x00; // bit 0: INVERT; bytes 8-9 reserved, byte 11 CONTROL
  return { name, cdb, direction: 'none', timeoutMs: o.timeoutMs ?? TIMEOUTS.moveMedium };
}

export interface ExchangeMediumOptions {
  transport?: number;
  /** The medium at source goes to firstDestination; the one there goes to secondDestination. */
  source: number;
  firstDestination: number;
  secondDestination: number;
  invertFirst?: boolean;
  invertSecond?: boolean;
  timeoutMs?: number;
}

export function exchangeMedium(o: ExchangeMediumOptions): ScsiCommand {
  const name = 'EXCHANGE MEDIUM';
  const cdb = Buffer.alloc(12);
  cdb[0] = 0xa6; // EXCHANGE MEDIUM
  cdb.writeUInt16BE(field(name, 'transport element address', o.transport ?? 0, 16), 2); // bytes 2-3: MEDIUM TRANSPORT ADDRESS
  cdb.writeUInt16BE(field(name, 'source address', o.source, 16), 4); // bytes 4-5: SOURCE ADDRESS
  cdb.writeUInt16BE(field(name, 'first destination address', o.firstDestination, 16), 6); // bytes 6-7: FIRST DESTINATION ADDRESS
  cdb.writeUInt16BE(field(name, 'second destination address', o.secondDestination, 16), 8); // bytes 8-9: SECOND DESTINATION ADDRESS
  cdb[10] = (o.invertSecond ? 0x02 : 0x00) | (o.invertFirst ? 0x01 : 0x00); // bit 1: INV2, bit 0: INV1
  return { name, cdb, direction: 'none', timeoutMs: o.timeoutMs ?? TIMEOUTS.exchangeMedium };
}

export interface PositionToElementOptions {
  transport?: number;
  destination: number;
  invert?: boolean;
  timeoutMs?: number;
}

export function positionToElement(o: PositionToElementOptions): ScsiCommand {
  const name = 'POSITION TO ELEMENT';
  const cdb = Buffer.alloc(10);
  cdb[0] = 0x2b; // POSITION TO ELEMENT
  cdb.writeUInt16BE(field(name, 'transport element address', o.transport ?? 0, 16), 2); // bytes 2-3: MEDIUM TRANSPORT ADDRESS
  cdb.writeUInt16BE(field(name, 'destination address', o.destination, 16), 4); // bytes 4-5: DESTINATION ELEMENT ADDRESS
  cdb[8] = o.invert ? 0x01 : 0x00; // bit 0: INVERT; bytes 6-7 reserved, byte 9 CONTROL
  return { name, cdb, direction: 'none', timeoutMs: o.timeoutMs ?? TIMEOUTS.positionToElement };
}

/** Inventory every element (scan barcodes, check slots): minutes on a large library. */
export function initializeElementStatus(o: { timeoutMs?: number } = {}): ScsiCommand {
  const cdb = Buffer.alloc(6);
  cdb[0] = 0x07; // INITIALIZE ELEMENT STATUS; bytes 1-4 reserved, byte 5 CONTROL
  return { name: 'INITIALIZE ELEMENT STATUS', cdb, direction: 'none', timeoutMs: o.timeoutMs ?? TIMEOUTS.initializeElementStatus };
}

export interface InitializeRangeOptions {
  start: number;
  count: number;
  /** FAST: only check whether elements hold media, do not read barcodes. */
  fast?: boolean;
  timeoutMs?: number;
}

/** Inventory `count` elements from `start` (RANGE=1). */
export function initializeElementStatusWithRange(o: InitializeRangeOptions): ScsiCommand {
  const name = 'INITIALIZE ELEMENT STATUS WITH RANGE';
  const cdb = Buffer.alloc(10);
  cdb[0] = 0x37; // INITIALIZE ELEMENT STATUS WITH RANGE
  cdb[1] = (o.fast ? 0x02 : 0x00) | 0x01; // bit 1: FAST, bit 0: RANGE
  cdb.writeUInt16BE(field(name, 'starting element address', o.start, 16), 2); // bytes 2-3: STARTING ELEMENT ADDRESS
  cdb.writeUInt16BE(field(name, 'number of elements', o.count, 16), 6); // bytes 6-7: NUMBER OF ELEMENTS
  return { name, cdb, direction: 'none', timeoutMs: o.timeoutMs ?? TIMEOUTS.initializeElementStatus };
}
