/**
 * REPORT DENSITY SUPPORT (SSC-4): the recording formats a drive reads and writes, or with MEDIA
 * set those of the loaded cartridge (an LTO-8 drive reads LTO-7, writes LTO-7 and LTO-8).
 */
import { ByteReader } from './bytes.js';
import { field } from './cdb.js';
import type { ScsiCommand } from './command.js';
import { TIMEOUTS } from './timeouts.js';

export function reportDensitySupport(o: { media?: boolean; allocationLength?: number; timeoutMs?: number } = {}): ScsiCommand {
  const name = 'REPORT DENSITY SUPPORT';
  const length = field(name, 'allocation length', o.allocationLength ?? 8192, 16);
  const cdb = Buffer.alloc(10);
  cdb[0] = 0x44; // REPORT DENSITY SUPPORT
  cdb[1] = o.media ? 0x01 : 0x00; // bit 0: MEDIA; bit 1 MEDIUM TYPE stays 0: density descriptors
  cdb.writeUInt16BE(length, 7); // bytes 7-8: ALLOCATION LENGTH
  return { name, cdb, direction: 'from-device', length, timeoutMs: o.timeoutMs ?? TIMEOUTS.reportDensitySupport };
}

export interface DensityDescriptor {
  primaryDensityCode: number;
  secondaryDensityCode: number;
  /** WRTOK: the drive can write this density. */
  writable: boolean;
  /** DUP: the same density is reported by another descriptor too. */
  duplicate: boolean;
  /** DEFLT: the density the drive uses when none is selected. */
  isDefault: boolean;
  bitsPerMm: number;
  /** MEDIA WIDTH, in tenths of a millimetre. */
  mediaWidth: number;
  tracks: number;
  /** CAPACITY, in megabytes (10^6 bytes). */
  capacityMegabytes: number;
  assigningOrganization: string;
  densityName: string;
  description: string;
}

const DESCRIPTOR = 52;

/** Header: bytes 0-1 AVAILABLE DENSITY SUPPORT LENGTH (the bytes after them), 2-3 reserved; then 52-byte descriptors. */
export function parseReportDensitySupport(data: Buffer): DensityDescriptor[] {
  const r = new ByteReader(data, 'REPORT DENSITY SUPPORT');
  const all = r.declared(2 + r.u16(0, 'AVAILABLE DENSITY SUPPORT LENGTH'), 'AVAILABLE DENSITY SUPPORT LENGTH');
  all.need(0, 4, 'density support header');
  if ((all.length - 4) % DESCRIPTOR !== 0) all.fail(4, `${all.length - 4} bytes of descriptors is not a multiple of ${DESCRIPTOR}`);
  const list: DensityDescriptor[] = [];
  for (let at = 4; at < all.length; at += DESCRIPTOR) {
    const d = all.view(at, DESCRIPTOR, `density descriptor ${list.length}`);
    const b2 = d.u8(2, 'WRTOK');
    list.push({
      primaryDensityCode: d.u8(0, 'PRIMARY DENSITY CODE'), // byte 0
      secondaryDensityCode: d.u8(1, 'SECONDARY DENSITY CODE'), // byte 1
      writable: (b2 & 0x80) !== 0, // byte 2 bit 7: WRTOK
      duplicate: (b2 & 0x40) !== 0, // bit 6: DUP
      isDefault: (b2 & 0x20) !== 0, // bit 5: DEFLT
      bitsPerMm: d.u24(5, 'BITS PER MM'), // bytes 5-7
      mediaWidth: d.u16(8, 'MEDIA WIDTH'), // bytes 8-9
      tracks: d.u16(10, 'TRACKS'), // bytes 10-11
      capacityMegabytes: d.u32(12, 'CAPACITY'), // bytes 12-15
      assigningOrganization: d.ascii(16, 8, 'ASSIGNING ORGANIZATION'), // bytes 16-23
      densityName: d.ascii(24, 8, 'DENSITY NAME'), // bytes 24-31
      description: d.ascii(32, 20, 'DESCRIPTION'), // bytes 32-51
    });
  }
  return list;
}
