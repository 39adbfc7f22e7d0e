/**
 * MODE SENSE(6) and (10) (SPC-4 §6.11, §6.12) and the mode parameter list they return (SPC-4
 * §7.5): header, block descriptors, pages. The pages tapecoord reads are decoded in
 * changer-pages.ts (SMC-3) and tape-pages.ts (SSC-4).
 */
import { ByteReader, hex2 } from './bytes.js';
import { field } from './cdb.js';
import type { ScsiCommand } from './command.js';
import { ScsiParseError } from './parse-error.js';
import { TIMEOUTS } from './timeouts.js';

export const ModePageCode = {
  DATA_COMPRESSION: 0x0f,
  DEVICE_CONFIGURATION: 0x10,
  ELEMENT_ADDRESS_ASSIGNMENT: 0x1d,
  DEVICE_CAPABILITIES: 0x1f,
} as const;

const PAGE_CONTROL = { current: 0, changeable: 1, default: 2, saved: 3 } as const;
export type PageControl = keyof typeof PAGE_CONTROL;

export interface ModeSenseOptions {
  page: number;
  subpage?: number;
  /** Which values: current (default), changeable (a mask), default or saved. */
  pageControl?: PageControl;
  /** DBD: no block descriptors (a changer has none; a drive returns density and block length). */
  disableBlockDescriptors?: boolean;
  /** MODE SENSE(6): up to 255 (default); MODE SENSE(10): up to 65535 (default 4096). */
  allocationLength?: number;
  timeoutMs?: number;
}

export function modeSense6(o: ModeSenseOptions): ScsiCommand {
  const length = field('MODE SENSE(6)', 'allocation length', o.allocationLength ?? 255, 8);
  const cdb = Buffer.alloc(6);
  cdb[0] = 0x1a; // MODE SENSE(6)
  cdb[1] = o.disableBlockDescriptors ? 0x08 : 0x00; // bit 3: DBD
  cdb[2] = pageByte('MODE SENSE(6)', o); // bits 7-6: PC, bits 5-0: PAGE CODE
  cdb[3] = field('MODE SENSE(6)', 'subpage code', o.subpage ?? 0, 8); // SUBPAGE CODE
  cdb[4] = length; // ALLOCATION LENGTH
  return { name: 'MODE SENSE(6)', cdb, direction: 'from-device', length, timeoutMs: o.timeoutMs ?? TIMEOUTS.modeSense };
}

export function modeSense10(o: ModeSenseOptions): ScsiCommand {
  const length = field('MODE SENSE(10)', 'allocation length', o.allocationLength ?? 4096, 16);
  const cdb = Buffer.alloc(10);
  cdb[0] = 0x5a; // MODE SENSE(10)
  cdb[1] = o.disableBlockDescriptors ? 0x08 : 0x00; // bit 3: DBD (LLBAA, bit 4, stays 0: tapes use short descriptors)
  cdb[2] = pageByte('MODE SENSE(10)', o); // bits 7-6: PC, bits 5-0: PAGE CODE
  cdb[3] = field('MODE SENSE(10)', 'subpage code', o.subpage ?? 0, 8); // SUBPAGE CODE
  cdb.writeUInt16BE(length, 7); // bytes 7-8: ALLOCATION LENGTH
  return { name: 'MODE SENSE(10)', cdb, direction: 'from-device', length, timeoutMs: o.timeoutMs ?? TIMEOUTS.modeSense };
}

function pageByte(command: string, o: ModeSenseOptions): number {
  return (PAGE_CONTROL[o.pageControl ?? 'current'] << 6) | field(command, 'page code', o.page, 6);
}

/** Mode parameter block descriptor (SPC-4 §7.5.5; SSC-4 gives the fields these meanings). */
export interface BlockDescriptor {
  /** Null in the long LBA form, which has no density. */
  densityCode: number | null;
  blocks: number;
  /** 0 on a tape: variable block mode. */
  blockLength: number;
}

export interface ModePage {
  pageCode: number;
  /** 0 for pages in the page_0 format. */
  subpageCode: number;
  /** PS: the device can save the page. */
  parametersSaveable: boolean;
  /** The whole page, its own header included, so byte offsets match the standards' tables. */
  data: Buffer;
  /** Where the page starts in the response, for messages. */
  offset: number;
}

export interface ModeParameters {
  mediumType: number;
  /** The device-type specific parameter; tape-pages.ts decodes the SSC meaning (WP, buffered mode). */
  deviceSpecific: number;
  blockDescriptors: BlockDescriptor[];
  pages: ModePage[];
}

/** MODE SENSE(6) data: 4-byte header (SPC-4 §7.5.3): MODE DATA LENGTH counts the bytes after byte 0. */
export function parseModeSense6(data: Buffer): ModeParameters {
  const r = new ByteReader(data, 'MODE SENSE(6)');
  const all = r.declared(1 + r.u8(0, 'MODE DATA LENGTH'), 'MODE DATA LENGTH');
  return parseParameters(all, 4, all.u8(1, 'MEDIUM TYPE'), all.u8(2, 'DEVICE-SPECIFIC PARAMETER'), all.u8(3, 'BLOCK DESCRIPTOR LENGTH'), false);
}

/** MODE SENSE(10) data: 8-byte header; bytes 0-1 MODE DATA LENGTH count the bytes after them. */
export function parseModeSense10(data: Buffer): ModeParameters {
  const r = new ByteReader(data, 'MODE SENSE(10)');
  const all = r.declared(2 + r.u16(0, 'MODE DATA LENGTH'), 'MODE DATA LENGTH');
  const longLba = (all.u8(4, 'LONGLBA') & 0x01) !== 0; // byte 4 bit 0
  return parseParameters(all, 8, all.u8(2, 'MEDIUM TYPE'), all.u8(3, 'DEVICE-SPECIFIC PARAMETER'), all.u16(6, 'BLOCK DESCRIPTOR LENGTH'), longLba);
}

function parseParameters(r: ByteReader, headerLength: number, mediumType: number, deviceSpecific: number, descriptorBytes: number, longLba: boolean): ModeParameters {
  const size = longLba ? 16 : 8;
  if (descriptorBytes % size !== 0) r.fail(headerLength, `block descriptor length ${descriptorBytes} is not a multiple of ${size}`);
  const descriptors = r.view(headerLength, descriptorBytes, 'block descriptors');
  const blockDescriptors: BlockDescriptor[] = [];
  for (let at = 0; at < descriptorBytes; at += size) {
    blockDescriptors.push(
      longLba
        ? // long LBA: bytes 0-7 NUMBER OF LOGICAL BLOCKS, 12-15 LOGICAL BLOCK LENGTH
          { densityCode: null, blocks: descriptors.uint(at, 8, 'NUMBER OF LOGICAL BLOCKS'), blockLength: descriptors.u32(at + 12, 'LOGICAL BLOCK LENGTH') }
        : // short: byte 0 DENSITY CODE, bytes 1-3 NUMBER OF BLOCKS, bytes 5-7 BLOCK LENGTH
          { densityCode: descriptors.u8(at, 'DENSITY CODE'), blocks: descriptors.u24(at + 1, 'NUMBER OF BLOCKS'), blockLength: descriptors.u24(at + 5, 'BLOCK LENGTH') },
    );
  }
  const pages: ModePage[] = [];
  for (let at = headerLength + descriptorBytes; at < r.length; ) {
    const b0 = r.u8(at, 'PAGE CODE');
    const subpageFormat = (b0 & 0x40) !== 0; // byte 0 bit 6: SPF
    // page_0 format: byte 1 PAGE LENGTH; sub_page format: byte 1 SUBPAGE CODE, bytes 2-3 PAGE LENGTH
    const total = subpageFormat ? 4 + r.u16(at + 2, 'PAGE LENGTH') : 2 + r.u8(at + 1, 'PAGE LENGTH');
    const page = r.view(at, total, `mode page ${hex2(b0 & 0x3f)}h`);
    pages.push({
      pageCode: b0 & 0x3f,
      subpageCode: subpageFormat ? page.u8(1, 'SUBPAGE CODE') : 0,
      parametersSaveable: (b0 & 0x80) !== 0, // byte 0 bit 7: PS
      data: page.buf,
      offset: r.origin + at,
    });
    at += total;
  }
  return { mediumType, deviceSpecific, blockDescriptors, pages };
}

/** The page asked for, or a ScsiParseError saying the device did not return it. */
export function modePage(parameters: ModeParameters, pageCode: number, subpageCode = 0): ModePage {
  const page = parameters.pages.find((p) => p.pageCode === pageCode && p.subpageCode === subpageCode);
  if (page) return page;
  const found = parameters.pages.map((p) => `${hex2(p.pageCode)}h`).join(', ') || 'none';
  throw new ScsiParseError('MODE SENSE', 0, `mode page ${hex2(pageCode)}h${subpageCode ? `/${hex2(subpageCode)}h` : ''} is not in the response (pages: ${found})`);
}

/** A reader over one page, checked to be the page expected, with offsets counted from the start of the response. */
export function pageReader(page: ModePage, pageCode: number, name: string): ByteReader {
  const r = new ByteReader(page.data, `MODE SENSE page ${hex2(pageCode)}h (${name})`, page.offset);
  if (page.pageCode !== pageCode) r.fail(0, `page code ${hex2(page.pageCode)}h, expected ${hex2(pageCode)}h`);
  return r;
}
