/**
 * Sense data (SPC-4 §4.5): the fixed (70h/71h) and descriptor (72h/73h) formats decoded into one
 * shape, sense key names, and ASC/ASCQ text from the table in asc-table.ts.
 *
 * Sense data may legally be cut short (the sense buffer is smaller than the device's additional
 * sense length), so fields that did not arrive are absent rather than errors; only data that is
 * not sense data at all (an unknown response code, fewer bytes than the sense key) is refused.
 */
import { ASC_RANGES, ASC_TEXT } from './asc-table.js';
import { ByteReader, hex2, uintBE } from './bytes.js';

/** Sense keys (SPC-4 §4.5.6). */
export const SenseKey = {
  NO_SENSE: 0x0,
  RECOVERED_ERROR: 0x1,
  NOT_READY: 0x2,
  MEDIUM_ERROR: 0x3,
  HARDWARE_ERROR: 0x4,
  ILLEGAL_REQUEST: 0x5,
  UNIT_ATTENTION: 0x6,
  DATA_PROTECT: 0x7,
  BLANK_CHECK: 0x8,
  VENDOR_SPECIFIC: 0x9,
  COPY_ABORTED: 0xa,
  ABORTED_COMMAND: 0xb,
  VOLUME_OVERFLOW: 0xd,
  MISCOMPARE: 0xe,
  COMPLETED: 0xf,
} as const;

const SENSE_KEY_NAMES = [
  'NO SENSE',
  'RECOVERED ERROR',
  'NOT READY',
  'MEDIUM ERROR',
  'HARDWARE ERROR',
  'ILLEGAL REQUEST',
  'UNIT ATTENTION',
  'DATA PROTECT',
  'BLANK CHECK',
  'VENDOR SPECIFIC',
  'COPY ABORTED',
  'ABORTED COMMAND',
  'sense key 0Ch (obsolete)',
  'VOLUME OVERFLOW',
  'MISCOMPARE',
  'COMPLETED',
] as const;

export function senseKeyName(key: number): string {
  return SENSE_KEY_NAMES[key & 0x0f]!;
}

/** What the ASC/ASCQ pair means, from T10's list; vendor-specific and unknown codes say so. */
export function ascText(asc: number, ascq: number): string {
  const text = ASC_TEXT.get((asc << 8) | ascq);
  if (text !== undefined) return text;
  const range = ASC_RANGES.find((r) => r.asc === asc && ascq >= r.from && ascq <= r.to);
  if (range) return range.text.replace('NN', hex2(ascq));
  if (asc >= 0x80) return `vendor specific (ASC ${hex2(asc)}h, ASCQ ${hex2(ascq)}h)`;
  if (ascq >= 0x80) {
    const base = ASC_TEXT.get(asc << 8);
    return `vendor specific qualifier ${hex2(ascq)}h${base === undefined ? ` of ASC ${hex2(asc)}h` : ` of: ${base}`}`;
  }
  return `unknown ASC ${hex2(asc)}h, ASCQ ${hex2(ascq)}h`;
}

/** The sense-key specific field (SPC-4 §4.5.2.4), decoded as the sense key defines it. */
export type SenseKeySpecific =
  /** ILLEGAL REQUEST: which byte (and bit) of the CDB or the parameter list was wrong. */
  | { kind: 'field-pointer'; inCdb: boolean; fieldPointer: number; bitPointer: number | null }
  /** RECOVERED, MEDIUM or HARDWARE ERROR: retries the device made. */
  | { kind: 'retry-count'; actualRetryCount: number }
  /** NO SENSE, NOT READY: how far a long operation (format, calibration) has come, 0 to 1. */
  | { kind: 'progress'; fraction: number }
  /** COPY ABORTED: where in the segment descriptor or parameter list. */
  | { kind: 'segment-pointer'; inSegmentDescriptor: boolean; fieldPointer: number; bitPointer: number | null }
  /** UNIT ATTENTION: the unit attention condition queue overflowed. */
  | { kind: 'overflow'; overflow: boolean }
  | { kind: 'raw'; bytes: Buffer };

export interface SenseData {
  format: 'fixed' | 'descriptor';
  /** 71h/73h: the error belongs to an earlier command (a buffered write that failed later). */
  deferred: boolean;
  senseKey: number;
  asc: number;
  ascq: number;
  /** Stream commands (SSC-4; fixed format byte 2, descriptor type 04h): a filemark was read. */
  filemark: boolean;
  /** End of medium or partition (early warning when writing). */
  endOfMedium: boolean;
  /** Incorrect length: the block read was not the length asked for. */
  incorrectLength: boolean;
  /**
   * The INFORMATION field when valid, signed: for READ and SPACE, SSC makes it the residue
   * (requested minus actual), negative when a block was larger than the buffer.
   */
  information: number | null;
  /** COMMAND-SPECIFIC INFORMATION, when present and not zero. */
  commandSpecific: number | null;
  /** Field replaceable unit code, 0 when none. */
  fru: number;
  senseKeySpecific: SenseKeySpecific | null;
  /** Descriptor format: descriptors this decoder does not interpret (type and whole descriptor). */
  otherDescriptors: { type: number; bytes: Buffer }[];
  /** The sense data was shorter than its additional sense length declares. */
  truncated: boolean;
}

const WHAT = 'sense data';

export function decodeSense(raw: Buffer): SenseData {
  const r = new ByteReader(raw, WHAT);
  const code = r.u8(0, 'RESPONSE CODE') & 0x7f;
  if (code === 0x70 || code === 0x71) return decodeFixed(r, code === 0x71);
  if (code === 0x72 || code === 0x73) return decodeDescriptor(r, code === 0x73);
  return r.fail(0, `response code ${hex2(code)}h is not sense data (70h–73h)`);
}

/** Fixed format (SPC-4 §4.5.3). */
function decodeFixed(r: ByteReader, deferred: boolean): SenseData {
  const b2 = r.u8(2, 'sense key');
  // byte 7: ADDITIONAL SENSE LENGTH; the bytes after it may be cut short by the sense buffer
  const declared = r.length >= 8 ? 8 + r.buf[7]! : r.length;
  const end = Math.min(declared, r.length);
  const has = (offset: number, size: number) => offset + size <= end;
  const valid = (r.buf[0]! & 0x80) !== 0; // byte 0 bit 7: VALID (the INFORMATION field)
  const commandSpecific = has(8, 4) ? r.u32(8, 'COMMAND-SPECIFIC INFORMATION') : 0;
  return {
    format: 'fixed',
    deferred,
    senseKey: b2 & 0x0f,
    asc: has(12, 1) ? r.buf[12]! : 0,
    ascq: has(13, 1) ? r.buf[13]! : 0,
    filemark: (b2 & 0x80) !== 0, // byte 2 bit 7: FILEMARK
    endOfMedium: (b2 & 0x40) !== 0, // bit 6: EOM
    incorrectLength: (b2 & 0x20) !== 0, // bit 5: ILI
    information: valid && has(3, 4) ? r.buf.readInt32BE(3) : null, // bytes 3-6
    commandSpecific: commandSpecific === 0 ? null : commandSpecific,
    fru: has(14, 1) ? r.buf[14]! : 0,
    senseKeySpecific: has(15, 3) ? senseKeySpecific(b2 & 0x0f, r.bytes(15, 3, 'SENSE KEY SPECIFIC')) : null, // bytes 15-17
    otherDescriptors: [],
    truncated: declared > r.length,
  };
}

/** Descriptor format (SPC-4 §4.5.2) and the descriptor types of §4.5.2.2–4.5.2.6. */
function decodeDescriptor(r: ByteReader, deferred: boolean): SenseData {
  const sense: SenseData = {
    format: 'descriptor',
    deferred,
    senseKey: r.u8(1, 'sense key') & 0x0f, // byte 1 bits 3-0
    asc: r.length > 2 ? r.buf[2]! : 0,
    ascq: r.length > 3 ? r.buf[3]! : 0,
    filemark: false,
    endOfMedium: false,
    incorrectLength: false,
    information: null,
    commandSpecific: null,
    fru: 0,
    senseKeySpecific: null,
    otherDescriptors: [],
    truncated: false,
  };
  if (r.length < 8) {
    sense.truncated = r.length > 4;
    return sense;
  }
  const declared = 8 + r.buf[7]!; // byte 7: ADDITIONAL SENSE LENGTH
  sense.truncated = declared > r.length;
  const end = Math.min(declared, r.length);
  let at = 8;
  while (at + 2 <= end) {
    const type = r.buf[at]!;
    const size = 2 + r.buf[at + 1]!; // byte 1 of a descriptor: ADDITIONAL LENGTH
    if (at + size > end) {
      sense.truncated = true;
      break;
    }
    const d = r.buf.subarray(at, at + size);
    if (type === 0x00 && size >= 12) {
      // information: byte 2 bit 7 VALID, bytes 4-11 INFORMATION
      if ((d[2]! & 0x80) !== 0) sense.information = Number(d.readBigInt64BE(4));
    } else if (type === 0x01 && size >= 12) {
      sense.commandSpecific = uintBE(d.subarray(4, 12)); // bytes 4-11
    } else if (type === 0x02 && size >= 7) {
      sense.senseKeySpecific = senseKeySpecific(sense.senseKey, d.subarray(4, 7)); // bytes 4-6
    } else if (type === 0x03 && size >= 4) {
      sense.fru = d[3]!; // byte 3: FIELD REPLACEABLE UNIT CODE
    } else if (type === 0x04 && size >= 4) {
      // stream commands (SSC): byte 3 bit 7 FILEMARK, bit 6 EOM, bit 5 ILI
      sense.filemark = (d[3]! & 0x80) !== 0;
      sense.endOfMedium = (d[3]! & 0x40) !== 0;
      sense.incorrectLength = (d[3]! & 0x20) !== 0;
    } else if (type === 0x05 && size >= 4) {
      sense.incorrectLength = (d[3]! & 0x20) !== 0; // block commands (SBC): byte 3 bit 5 ILI
    } else {
      sense.otherDescriptors.push({ type, bytes: d });
    }
    at += size;
  }
  return sense;
}

/** Three bytes; byte 0 bit 7 SKSV says whether they mean anything. */
function senseKeySpecific(key: number, b: Buffer): SenseKeySpecific | null {
  if ((b[0]! & 0x80) === 0) return null;
  const pointer = b.readUInt16BE(1);
  const bitPointer = (b[0]! & 0x08) !== 0 ? b[0]! & 0x07 : null; // BPV, BIT POINTER
  switch (key) {
    case SenseKey.ILLEGAL_REQUEST:
      return { kind: 'field-pointer', inCdb: (b[0]! & 0x40) !== 0, fieldPointer: pointer, bitPointer }; // bit 6: C/D
    case SenseKey.RECOVERED_ERROR:
    case SenseKey.MEDIUM_ERROR:
    case SenseKey.HARDWARE_ERROR:
      return { kind: 'retry-count', actualRetryCount: pointer };
    case SenseKey.NO_SENSE:
    case SenseKey.NOT_READY:
      return { kind: 'progress', fraction: pointer / 65536 };
    case SenseKey.COPY_ABORTED:
      return { kind: 'segment-pointer', inSegmentDescriptor: (b[0]! & 0x20) !== 0, fieldPointer: pointer, bitPointer }; // bit 5: SD
    case SenseKey.UNIT_ATTENTION:
      return { kind: 'overflow', overflow: (b[0]! & 0x01) !== 0 };
    default:
      return { kind: 'raw', bytes: Buffer.from(b) };
  }
}

/**
 * One line for logs and error messages:
 * `NOT READY: medium not present (2/3A/00)`, with FILEMARK/EOM/ILI, the information field and
 * the field pointer when they are there.
 */
export function senseText(s: SenseData): string {
  const parts = [`${senseKeyName(s.senseKey)}: ${ascText(s.asc, s.ascq)} (${s.senseKey.toString(16).toUpperCase()}/${hex2(s.asc)}/${hex2(s.ascq)})`];
  if (s.deferred) parts.push('deferred');
  if (s.filemark) parts.push('FILEMARK');
  if (s.endOfMedium) parts.push('EOM');
  if (s.incorrectLength) parts.push('ILI');
  if (s.information !== null) parts.push(`information ${s.information}`);
  const k = s.senseKeySpecific;
  if (k?.kind === 'field-pointer')
    parts.push(`invalid field in ${k.inCdb ? 'CDB' : 'parameter list'} byte ${k.fieldPointer}${k.bitPointer === null ? '' : ` bit ${k.bitPointer}`}`);
  if (k?.kind === 'progress') parts.push(`progress ${(k.fraction * 100).toFixed(1)}%`);
  return parts.join(', ');
}
