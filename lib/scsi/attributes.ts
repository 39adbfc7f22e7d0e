/**
 * READ ATTRIBUTE (SPC-4) and medium auxiliary memory (MAM) attributes (SPC-4 §7.4): what the
 * cartridge's memory chip records — manufacturer, serial, load count, megabytes written over its
 * life, the application that wrote it, the barcode.
 */
import { asciiTrim, ByteReader, hex2, uintBE } from './bytes.js';
import { field } from './cdb.js';
import type { ScsiCommand } from './command.js';
import { TIMEOUTS } from './timeouts.js';

const SERVICE_ACTIONS = { values: 0x00, list: 0x01 } as const;

export interface ReadAttributeOptions {
  /** ATTRIBUTE VALUES (default) or ATTRIBUTE LIST (the identifiers available). */
  serviceAction?: keyof typeof SERVICE_ACTIONS;
  partition?: number;
  /** FIRST ATTRIBUTE IDENTIFIER: values from this identifier on. */
  firstAttribute?: number;
  /** Default 32 KiB; the response header says how much all attributes need. */
  allocationLength?: number;
  timeoutMs?: number;
}

export function readAttribute(o: ReadAttributeOptions = {}): ScsiCommand {
  const name = 'READ ATTRIBUTE';
  const length = field(name, 'allocation length', o.allocationLength ?? 32768, 32);
  const cdb = Buffer.alloc(16);
  cdb[0] = 0x8c; // READ ATTRIBUTE
  cdb[1] = SERVICE_ACTIONS[o.serviceAction ?? 'values']; // bits 4-0: SERVICE ACTION
  cdb[7] = field(name, 'partition number', o.partition ?? 0, 8); // PARTITION NUMBER (byte 5 LOGICAL VOLUME NUMBER stays 0)
  cdb.writeUInt16BE(field(name, 'first attribute identifier', o.firstAttribute ?? 0, 16), 8); // bytes 8-9: FIRST ATTRIBUTE IDENTIFIER
  cdb.writeUInt32BE(length, 10); // bytes 10-13: ALLOCATION LENGTH
  return { name, cdb, direction: 'from-device', length, timeoutMs: o.timeoutMs ?? TIMEOUTS.readAttribute };
}

export type AttributeFormat = 'binary' | 'ascii' | 'text' | 'reserved';
const FORMATS: readonly AttributeFormat[] = ['binary', 'ascii', 'text', 'reserved'];

/** Standard attribute identifiers (SPC-4 §7.4.2) and the LTFS/LTO ones in common use. */
const ATTRIBUTE_NAMES: Readonly<Record<number, string>> = {
  0x0000: 'remaining capacity in partition (MiB)',
  0x0001: 'maximum capacity in partition (MiB)',
  0x0002: 'TapeAlert flags',
  0x0003: 'load count',
  0x0004: 'MAM space remaining',
  0x0005: 'assigning organization',
  0x0006: 'formatted density code',
  0x0007: 'initialization count',
  0x0009: 'volume change reference',
  0x020a: 'device vendor/serial number at last load',
  0x020b: 'device vendor/serial number at load-1',
  0x020c: 'device vendor/serial number at load-2',
  0x020d: 'device vendor/serial number at load-3',
  0x0220: 'total MiB written in medium life',
  0x0221: 'total MiB read in medium life',
  0x0222: 'total MiB written in current/last load',
  0x0223: 'total MiB read in current/last load',
  0x0224: 'logical position of first encrypted block',
  0x0225: 'logical position of first unencrypted block after the first encrypted block',
  0x0340: 'medium usage history',
  0x0341: 'partition usage history',
  0x0400: 'medium manufacturer',
  0x0401: 'medium serial number',
  0x0402: 'medium length',
  0x0403: 'medium width',
  0x0404: 'assigning organization',
  0x0405: 'medium density code',
  0x0406: 'medium manufacture date',
  0x0407: 'MAM capacity',
  0x0408: 'medium type',
  0x0409: 'medium type information',
  0x040a: 'numeric medium serial number',
  0x0800: 'application vendor',
  0x0801: 'application name',
  0x0802: 'application version',
  0x0803: 'user medium text label',
  0x0804: 'date and time last written',
  0x0805: 'text localization identifier',
  0x0806: 'barcode',
  0x0807: 'owning host textual name',
  0x0808: 'media pool',
  0x0809: 'partition user text label',
  0x080a: 'load/unload at partition',
  0x080b: 'application format version',
  0x080c: 'volume coherency information',
  0x0820: 'medium globally unique identifier',
  0x0821: 'media pool globally unique identifier',
};

export interface Attribute {
  id: number;
  /** Null for identifiers not in the table (vendor-unique ones, 1000h and up, among them). */
  name: string | null;
  readOnly: boolean;
  format: AttributeFormat;
  /** Binary values of 1 to 8 bytes as numbers; ASCII and text trimmed; anything else the bytes. */
  value: number | string | Buffer;
  raw: Buffer;
}

/** ATTRIBUTE VALUES data: bytes 0-3 AVAILABLE DATA (the bytes after them), then attributes. */
export function parseAttributeValues(data: Buffer): Attribute[] {
  const r = new ByteReader(data, 'READ ATTRIBUTE');
  const all = r.declared(4 + r.u32(0, 'AVAILABLE DATA'), 'AVAILABLE DATA');
  const list: Attribute[] = [];
  for (let at = 4; at < all.length; ) {
    // bytes 0-1 ATTRIBUTE IDENTIFIER, byte 2 READ ONLY (bit 7) and FORMAT (bits 1-0), bytes 3-4 ATTRIBUTE LENGTH
    const length = all.u16(at + 3, 'ATTRIBUTE LENGTH');
    const a = all.view(at, 5 + length, `attribute ${list.length}`);
    const id = a.u16(0, 'ATTRIBUTE IDENTIFIER');
    const b2 = a.u8(2, 'FORMAT');
    const format = FORMATS[b2 & 0x03]!;
    const raw = a.bytes(5, length, `attribute ${hex2(id >> 8)}${hex2(id & 0xff)}h value`);
    list.push({
      id,
      name: ATTRIBUTE_NAMES[id] ?? null,
      readOnly: (b2 & 0x80) !== 0,
      format,
      value: format === 'ascii' || format === 'text' ? asciiTrim(raw) : format === 'binary' && length >= 1 && length <= 8 ? uintBE(raw) : raw,
      raw,
    });
    at += 5 + length;
  }
  return list;
}

/** ATTRIBUTE LIST data: bytes 0-3 AVAILABLE DATA, then 2-byte identifiers. */
export function parseAttributeList(data: Buffer): number[] {
  const r = new ByteReader(data, 'READ ATTRIBUTE (attribute list)');
  const all = r.declared(4 + r.u32(0, 'AVAILABLE DATA'), 'AVAILABLE DATA');
  if ((all.length - 4) % 2 !== 0) all.fail(all.length - 1, 'an odd number of bytes of attribute identifiers');
  const ids: number[] = [];
  for (let at = 4; at < all.length; at += 2) ids.push(all.u16(at, 'ATTRIBUTE IDENTIFIER'));
  return ids;
}
