/**
 * INQUIRY (SPC-4 §6.4): standard data, and the vital product data pages tapecoord uses —
 * 00h supported pages, 80h unit serial number, 83h device identification. The serial from 80h is
 * what READ ELEMENT STATUS with DVCID reports for a drive, so drives are matched to data
 * transfer elements through it.
 */
import { ByteReader, hex2 } from './bytes.js';
import { field } from './cdb.js';
import type { ScsiCommand } from './command.js';
import { TIMEOUTS } from './timeouts.js';

/** Peripheral device types (SPC-4 §6.4.2). */
export const PeripheralDeviceType = {
  SEQUENTIAL_ACCESS: 0x01,
  MEDIUM_CHANGER: 0x08,
} as const;

const DEVICE_TYPE_NAMES: Record<number, string> = {
  0x00: 'direct access block device',
  0x01: 'sequential access device (tape)',
  0x02: 'printer',
  0x03: 'processor',
  0x04: 'write-once device',
  0x05: 'CD/DVD device',
  0x07: 'optical memory device',
  0x08: 'medium changer',
  0x0c: 'storage array controller',
  0x0d: 'enclosure services device',
  0x0e: 'simplified direct-access device',
  0x0f: 'optical card reader/writer',
  0x11: 'object-based storage device',
  0x12: 'automation/drive interface',
  0x14: 'host managed zoned block device',
  0x1e: 'well known logical unit',
  0x1f: 'unknown or no device type',
};

export function deviceTypeName(type: number): string {
  return DEVICE_TYPE_NAMES[type] ?? `device type ${hex2(type)}h`;
}

export interface InquiryOptions {
  /** Keep it at most 255 for SPC-2 devices, which read only byte 4 of the allocation length. */
  allocationLength?: number;
  timeoutMs?: number;
}

/** Standard INQUIRY data; 96 bytes covers the fields every drive and library fills. */
export function inquiry(o: InquiryOptions = {}): ScsiCommand {
  return inquiryCdb('INQUIRY', false, 0, o.allocationLength ?? 96, o.timeoutMs);
}

/** One vital product data page (EVPD=1). */
export function inquiryVpd(page: number, o: InquiryOptions = {}): ScsiCommand {
  return inquiryCdb(`INQUIRY VPD page ${hex2(page)}h`, true, field('INQUIRY', 'page code', page, 8), o.allocationLength ?? 252, o.timeoutMs);
}

function inquiryCdb(name: string, evpd: boolean, page: number, length: number, timeoutMs: number | undefined): ScsiCommand {
  const cdb = Buffer.alloc(6);
  cdb[0] = 0x12; // INQUIRY
  cdb[1] = evpd ? 0x01 : 0x00; // bit 0: EVPD
  cdb[2] = page; // PAGE CODE
  cdb.writeUInt16BE(field('INQUIRY', 'allocation length', length, 16), 3); // ALLOCATION LENGTH (bytes 3-4)
  return { name, cdb, direction: 'from-device', length, timeoutMs: timeoutMs ?? TIMEOUTS.inquiry };
}

export interface StandardInquiry {
  /** 0: connected; 1: supported but not connected; 3: no logical unit here. */
  peripheralQualifier: number;
  peripheralDeviceType: number;
  deviceTypeName: string;
  /** RMB: the medium is removable. */
  removable: boolean;
  /** VERSION: which SPC the device claims (5 = SPC-3, 6 = SPC-4, 7 = SPC-5). */
  version: number;
  /** MCHNGR: a medium changer is embedded and addressed through this logical unit. */
  mediumChanger: boolean;
  /** CMDQUE: command queuing. */
  commandQueue: boolean;
  vendor: string;
  product: string;
  revision: string;
}

const STANDARD = 'INQUIRY';

/**
 * Standard INQUIRY data (SPC-4 §6.4.2). The device may have more than it was asked for
 * (the allocation length cuts it legally), so only the first 36 bytes are required.
 */
export function parseStandardInquiry(data: Buffer): StandardInquiry {
  const r = new ByteReader(data, STANDARD);
  r.need(0, 36, 'standard INQUIRY data');
  const b0 = r.u8(0, 'PERIPHERAL DEVICE TYPE');
  const type = b0 & 0x1f; // byte 0 bits 4-0; bits 7-5 PERIPHERAL QUALIFIER
  return {
    peripheralQualifier: b0 >> 5,
    peripheralDeviceType: type,
    deviceTypeName: deviceTypeName(type),
    removable: (r.u8(1, 'RMB') & 0x80) !== 0, // byte 1 bit 7
    version: r.u8(2, 'VERSION'),
    mediumChanger: (r.u8(6, 'MCHNGR') & 0x08) !== 0, // byte 6 bit 3
    commandQueue: (r.u8(7, 'CMDQUE') & 0x02) !== 0, // byte 7 bit 1
    vendor: r.ascii(8, 8, 'T10 VENDOR IDENTIFICATION'), // bytes 8-15
    product: r.ascii(16, 16, 'PRODUCT IDENTIFICATION'), // bytes 16-31
    revision: r.ascii(32, 4, 'PRODUCT REVISION LEVEL'), // bytes 32-35
  };
}

/**
 * The common VPD page header (SPC-4 §7.8.1): byte 1 PAGE CODE, bytes 2-3 PAGE LENGTH. Returns the
 * page after the header; a page other than the one asked for, or one cut short, is an error.
 */
function vpdPage(data: Buffer, page: number): ByteReader {
  const what = `INQUIRY VPD page ${hex2(page)}h`;
  const r = new ByteReader(data, what);
  const code = r.u8(1, 'PAGE CODE');
  if (code !== page) r.fail(1, `page code ${hex2(code)}h, expected ${hex2(page)}h`);
  const length = r.u16(2, 'PAGE LENGTH');
  return r.declared(4 + length, 'PAGE LENGTH').view(4, length, 'page');
}

/** VPD page 00h, Supported VPD Pages (SPC-4 §7.8): the page codes the device supports. */
export function parseSupportedVpdPages(data: Buffer): number[] {
  return [...vpdPage(data, 0x00).buf];
}

/** VPD page 80h, Unit Serial Number (SPC-4 §7.8): PRODUCT SERIAL NUMBER, padding trimmed (tgt pads on the left). */
export function parseUnitSerialNumber(data: Buffer): string {
  const p = vpdPage(data, 0x80);
  return p.ascii(0, p.length, 'PRODUCT SERIAL NUMBER');
}

const CODE_SETS: Record<number, Designator['codeSet']> = { 1: 'binary', 2: 'ascii', 3: 'utf8' };
const ASSOCIATIONS = ['logical unit', 'target port', 'target device', 'reserved'] as const;

/** Designator types (SPC-4 §7.8.6.1). */
const DESIGNATOR_TYPES: Record<number, string> = {
  0x0: 'vendor specific',
  0x1: 'T10 vendor ID based',
  0x2: 'EUI-64 based',
  0x3: 'NAA',
  0x4: 'relative target port',
  0x5: 'target port group',
  0x6: 'logical unit group',
  0x7: 'MD5 logical unit',
  0x8: 'SCSI name string',
  0x9: 'protocol specific port',
  0xa: 'UUID',
};

export interface Designator {
  /** PROTOCOL IDENTIFIER when PIV is set (6 = SAS, 0 = Fibre Channel, 5 = iSCSI), else null. */
  protocolIdentifier: number | null;
  codeSet: 'binary' | 'ascii' | 'utf8' | number;
  association: (typeof ASSOCIATIONS)[number];
  designatorType: number;
  designatorTypeName: string;
  designator: Buffer;
  /** The designator as text: trimmed ASCII/UTF-8, or hex for binary ones. */
  text: string;
}

/** VPD page 83h, Device Identification (SPC-4 §7.8.6): its designation descriptors. */
export function parseDeviceIdentification(data: Buffer): Designator[] {
  const p = vpdPage(data, 0x83);
  const list: Designator[] = [];
  for (let at = 0; at < p.length; ) {
    const length = p.u8(at + 3, 'DESIGNATOR LENGTH'); // byte 3
    const d = p.view(at, 4 + length, `designation descriptor ${list.length}`);
    const b0 = d.u8(0, 'CODE SET');
    const b1 = d.u8(1, 'DESIGNATOR TYPE');
    const designator = d.bytes(4, length, 'DESIGNATOR');
    const codeSet = CODE_SETS[b0 & 0x0f] ?? (b0 & 0x0f); // byte 0 bits 3-0
    const type = b1 & 0x0f; // byte 1 bits 3-0
    list.push({
      protocolIdentifier: (b1 & 0x80) !== 0 ? b0 >> 4 : null, // byte 1 bit 7 PIV; byte 0 bits 7-4
      codeSet,
      association: ASSOCIATIONS[(b1 >> 4) & 0x03]!, // byte 1 bits 5-4
      designatorType: type,
      designatorTypeName: DESIGNATOR_TYPES[type] ?? `designator type ${hex2(type)}h`,
      designator,
      text: codeSet === 'ascii' || codeSet === 'utf8' ? d.ascii(4, length, 'DESIGNATOR') : designator.toString('hex'),
    });
    at += 4 + length;
  }
  return list;
}
