/**
 * READ ELEMENT STATUS (SMC-3 §6.11): what is in each slot, drive, picker and mail slot, with
 * barcodes (volume tags) and the drives' identities (DVCID). Parsed faithfully: every length comes
 * from the response's headers (descriptor lengths differ by vendor), element addresses are the
 * library's own; mtx-style numbering is lib/changer's business.
 */
import { asciiTrim, ByteReader, hex2 } from './bytes.js';
import { field } from './cdb.js';
import type { ScsiCommand } from './command.js';
import { ELEMENT_TYPE_CODES, elementTypeOf, type ElementType } from './element-types.js';
import { isScsiError } from './scsi-error.js';
import { SenseKey } from './sense.js';
import { TIMEOUTS } from './timeouts.js';

export interface ReadElementStatusOptions {
  /** One type per command is the safe choice: tgt crashes on 'all' (labs/vtl README, bug 1). */
  type: ElementType | 'all';
  /** STARTING ELEMENT ADDRESS (default 0: the first). */
  start?: number;
  /** NUMBER OF ELEMENTS (default 65535: all). */
  count?: number;
  /** VOLTAG: report barcodes. */
  volumeTags?: boolean;
  /** DVCID: report data transfer elements' device identifiers (vendor, product, serial). */
  deviceIdentifiers?: boolean;
  /** CURDATA: report what the library knows without moving the robot to look. */
  currentData?: boolean;
  /** Default 64 KiB; the report header says how much a full answer needs. */
  allocationLength?: number;
  timeoutMs?: number;
}

const NAME = 'READ ELEMENT STATUS';

export function readElementStatus(o: ReadElementStatusOptions): ScsiCommand {
  const length = field(NAME, 'allocation length', o.allocationLength ?? 0x10000, 24);
  const cdb = Buffer.alloc(12);
  cdb[0] = 0xb8; // READ ELEMENT STATUS
  cdb[1] = (o.volumeTags ? 0x10 : 0x00) | (o.type === 'all' ? 0 : ELEMENT_TYPE_CODES[o.type]); // bit 4: VOLTAG, bits 3-0: ELEMENT TYPE CODE
  cdb.writeUInt16BE(field(NAME, 'starting element address', o.start ?? 0, 16), 2); // bytes 2-3: STARTING ELEMENT ADDRESS
  cdb.writeUInt16BE(field(NAME, 'number of elements', o.count ?? 0xffff, 16), 4); // bytes 4-5: NUMBER OF ELEMENTS
  cdb[6] = (o.currentData ? 0x02 : 0x00) | (o.deviceIdentifiers ? 0x01 : 0x00); // bit 1: CURDATA, bit 0: DVCID
  cdb.writeUIntBE(length, 7, 3); // bytes 7-9: ALLOCATION LENGTH
  return { name: NAME, cdb, direction: 'from-device', length, timeoutMs: o.timeoutMs ?? TIMEOUTS.readElementStatus };
}

/** Volume tag information: 32 bytes of identifier, 2 reserved, 2 of sequence number. */
export interface VolumeTag {
  /** The barcode, padding removed; '' when the library has none for this element. */
  identifier: string;
  /** Null when a cut-off report ended after the identifier (tgt drops the last 8 bytes). */
  sequence: number | null;
}

/** The identification descriptor DVCID asks for (the layout of a VPD 83h designator). */
export interface DeviceIdentifier {
  codeSet: number;
  identifierType: number;
  identifier: Buffer;
  /** ASCII (code set 2) or UTF-8 (3) as trimmed text, hex otherwise. */
  text: string;
  /** Identifier type 1 (T10 vendor ID based): 8 bytes vendor, 16 product, the rest the serial. */
  vendor: string | null;
  product: string | null;
  /** Type 1's serial; type 0 with ASCII (Quantum Superloader 3) is the serial alone. */
  serial: string | null;
}

export interface ElementStatus {
  type: ElementType;
  address: number;
  full: boolean;
  /** EXCEPT: the element is in an abnormal state; asc/ascq say which. */
  exception: boolean;
  /** ACCESS: the robot can reach it (not defined for medium transport elements: false). */
  accessible: boolean;
  asc: number;
  ascq: number;
  /** Import/export elements: IMPEXP (placed by an operator, not the robot), INENAB, EXENAB. */
  importExport: { imported: boolean; importEnabled: boolean; exportEnabled: boolean } | null;
  /** SVALID + SOURCE STORAGE ELEMENT ADDRESS: where the medium came from. */
  sourceAddress: number | null;
  invert: boolean;
  /** ED: element disabled. */
  disabled: boolean;
  /** 0 unspecified, 1 data, 2 cleaning, 3 diagnostic, 4 WORM, 5 microcode image. */
  mediumType: number;
  primaryVolumeTag: VolumeTag | null;
  alternateVolumeTag: VolumeTag | null;
  identifier: DeviceIdentifier | null;
  /** Only when parsed with `partial`: the descriptor was cut off; what did not arrive is null. */
  truncated: boolean;
}

export interface ElementStatusPage {
  type: ElementType;
  /** PVOLTAG / AVOLTAG: the descriptors carry primary / alternate volume tags. */
  primaryVolumeTags: boolean;
  alternateVolumeTags: boolean;
  descriptorLength: number;
  elements: ElementStatus[];
}

export interface ElementStatusReport {
  firstAddress: number;
  elementsAvailable: number;
  /** BYTE COUNT OF REPORT AVAILABLE: the report's size after its 8-byte header. */
  byteCount: number;
  pages: ElementStatusPage[];
  /** Every page's elements, in order. */
  elements: ElementStatus[];
  /** Only with `partial`: the response ended before the report did. */
  truncated: boolean;
}

export interface ParseElementStatusOptions {
  /**
   * Accept a response shorter than its header declares and return what arrived: complete
   * descriptors, and a cut-off last one if its first 12 bytes are there (tgt drops the last 8
   * bytes of every report, labs/vtl README bug 5). Without it, a short response is a
   * ScsiParseError whose `needed` is the allocation length that gets the whole report.
   */
  partial?: boolean;
}

const HEADER = 8; // element status data header and element status page header: 8 bytes each
const FIXED = 12; // the part of every element descriptor before the volume tags
const VOLUME_TAG = 36;

export function parseElementStatus(data: Buffer, o: ParseElementStatusOptions = {}): ElementStatusReport {
  const r = new ByteReader(data, NAME);
  r.need(0, HEADER, 'element status data header');
  const byteCount = r.u24(5, 'BYTE COUNT OF REPORT AVAILABLE'); // bytes 5-7
  const report: ElementStatusReport = {
    firstAddress: r.u16(0, 'FIRST ELEMENT ADDRESS REPORTED'), // bytes 0-1
    elementsAvailable: r.u16(2, 'NUMBER OF ELEMENTS AVAILABLE'), // bytes 2-3
    byteCount,
    pages: [],
    elements: [],
    truncated: HEADER + byteCount > data.length,
  };
  const body = report.truncated && o.partial ? r : r.declared(HEADER + byteCount, 'BYTE COUNT OF REPORT AVAILABLE');
  for (let at = HEADER; at < body.length; ) {
    if (at + HEADER > body.length) {
      if (report.truncated) break;
      body.fail(at, `element status page header needs ${HEADER} bytes, ${body.length - at} left`);
    }
    const code = body.u8(at, 'ELEMENT TYPE CODE') & 0x0f; // byte 0 bits 3-0
    const type = elementTypeOf(code) ?? body.fail(at, `element type code ${hex2(code)}h is not 1-4`);
    const flags = body.u8(at + 1, 'PVOLTAG'); // byte 1 bit 7: PVOLTAG, bit 6: AVOLTAG
    const page: ElementStatusPage = {
      type,
      primaryVolumeTags: (flags & 0x80) !== 0,
      alternateVolumeTags: (flags & 0x40) !== 0,
      descriptorLength: body.u16(at + 2, 'ELEMENT DESCRIPTOR LENGTH'), // bytes 2-3
      elements: [],
    };
    const pageBytes = body.u24(at + 5, 'BYTE COUNT OF DESCRIPTOR DATA AVAILABLE'); // bytes 5-7
    const minimum = FIXED + (page.primaryVolumeTags ? VOLUME_TAG : 0) + (page.alternateVolumeTags ? VOLUME_TAG : 0);
    if (pageBytes > 0 && page.descriptorLength < minimum)
      body.fail(at + 2, `element descriptor length ${page.descriptorLength} is less than the ${minimum} bytes its fields take`);
    let end = at + HEADER + pageBytes;
    if (end > body.length) {
      if (!report.truncated) body.fail(at + 5, `page of ${type} elements declares ${pageBytes} bytes of descriptors, ${body.length - at - HEADER} left in the report`);
      end = body.length;
    }
    for (let d = at + HEADER; d < end; d += page.descriptorLength) {
      const size = Math.min(page.descriptorLength, end - d);
      if (size < page.descriptorLength) {
        if (!report.truncated) body.fail(d, `${type} element descriptor needs ${page.descriptorLength} bytes, ${size} left in the page`);
        if (size < FIXED) break;
      }
      page.elements.push(parseDescriptor(body.view(d, size, `${type} element descriptor`), page, size < page.descriptorLength));
    }
    report.pages.push(page);
    report.elements.push(...page.elements);
    at = end;
  }
  return report;
}

/** One element descriptor (SMC-3 §6.11): the four types share this layout. */
function parseDescriptor(d: ByteReader, page: ElementStatusPage, truncated: boolean): ElementStatus {
  const b2 = d.u8(2, 'flags'); // byte 2: FULL (bit 0), IMPEXP (1), EXCEPT (2), ACCESS (3), EXENAB (4), INENAB (5)
  const b9 = d.u8(9, 'SVALID'); // byte 9: SVALID (7), INVERT (6), ED (3), MEDIUM TYPE (2-0)
  let at = FIXED;
  const tag = (present: boolean): VolumeTag | null => {
    if (!present) return null;
    const start = at;
    at += VOLUME_TAG;
    // only when truncated can the tag be short (the page minimum was checked): an identifier that
    // arrived whole is kept, as mtx keeps it (tgt cuts the last slot's tag after its 32 bytes)
    if (start + 32 > d.length) return null;
    return { identifier: d.ascii(start, 32, 'VOLUME IDENTIFICATION'), sequence: at <= d.length ? d.u16(start + 34, 'VOLUME SEQUENCE NUMBER') : null };
  };
  const element: ElementStatus = {
    type: page.type,
    address: d.u16(0, 'ELEMENT ADDRESS'), // bytes 0-1
    full: (b2 & 0x01) !== 0,
    exception: (b2 & 0x04) !== 0,
    accessible: page.type !== 'medium-transport' && (b2 & 0x08) !== 0,
    asc: d.u8(4, 'ADDITIONAL SENSE CODE'), // byte 4
    ascq: d.u8(5, 'ADDITIONAL SENSE CODE QUALIFIER'), // byte 5
    importExport: page.type === 'import-export' ? { imported: (b2 & 0x02) !== 0, exportEnabled: (b2 & 0x10) !== 0, importEnabled: (b2 & 0x20) !== 0 } : null,
    sourceAddress: (b9 & 0x80) !== 0 ? d.u16(10, 'SOURCE STORAGE ELEMENT ADDRESS') : null, // bytes 10-11
    invert: (b9 & 0x40) !== 0,
    disabled: (b9 & 0x08) !== 0,
    mediumType: b9 & 0x07,
    primaryVolumeTag: tag(page.primaryVolumeTags),
    alternateVolumeTag: tag(page.alternateVolumeTags),
    identifier: null,
    truncated,
  };
  // then: byte 0 CODE SET (bits 3-0), byte 1 IDENTIFIER TYPE (bits 3-0), byte 3 IDENTIFIER LENGTH
  if (at + 4 <= d.length) {
    const length = d.u8(at + 3, 'IDENTIFIER LENGTH');
    // a cut-off descriptor keeps the identifier bytes that did arrive: a serial's prefix still
    // tells drives apart (lib/changer/drive-map.ts), and `truncated` says it is partial
    const available = truncated ? Math.min(length, d.length - at - 4) : length;
    if (available > 0)
      element.identifier = deviceIdentifier(d.u8(at, 'CODE SET') & 0x0f, d.u8(at + 1, 'IDENTIFIER TYPE') & 0x0f, d.bytes(at + 4, available, 'IDENTIFIER'));
  }
  return element;
}

function deviceIdentifier(codeSet: number, identifierType: number, identifier: Buffer): DeviceIdentifier {
  const ascii = codeSet === 2 || codeSet === 3;
  const text = ascii ? asciiTrim(identifier) : identifier.toString('hex');
  const t10 = ascii && identifierType === 1 && identifier.length >= 24;
  return {
    codeSet,
    identifierType,
    identifier,
    text,
    vendor: t10 ? asciiTrim(identifier.subarray(0, 8)) : null,
    product: t10 ? asciiTrim(identifier.subarray(8, 24)) : null,
    serial: t10 ? asciiTrim(identifier.subarray(24)) : ascii && identifierType === 0 ? text : null,
  };
}

/**
 * Some libraries refuse VOLTAG and DVCID in one command with ILLEGAL REQUEST, invalid field in CDB
 * (pbs-tape asks for them separately for that reason). True for that refusal of a READ ELEMENT
 * STATUS that asked for both, when the field pointer (if any) points at either bit.
 */
export function isVolTagDvcidRefusal(e: unknown): boolean {
  if (!isScsiError(e, SenseKey.ILLEGAL_REQUEST, 0x24, 0x00)) return false;
  if (e.opcode !== 0xb8 || (e.cdb[1]! & 0x10) === 0 || (e.cdb[6]! & 0x01) === 0) return false;
  const k = e.sense?.senseKeySpecific;
  return k?.kind !== 'field-pointer' || (k.inCdb && (k.fieldPointer === 1 || k.fieldPointer === 6));
}

/** The two commands to send instead of one with both: volume tags alone, then identifiers alone. */
export function splitVolTagDvcid(o: ReadElementStatusOptions): [ScsiCommand, ScsiCommand] {
  return [readElementStatus({ ...o, volumeTags: true, deviceIdentifiers: false }), readElementStatus({ ...o, volumeTags: false, deviceIdentifiers: true })];
}

/** The volume-tag report with each element's identifier from the DVCID report, matched by type and address. */
export function mergeIdentifiers(tags: ElementStatusReport, identifiers: ElementStatusReport): ElementStatusReport {
  const byAddress = new Map(identifiers.elements.map((e) => [`${e.type}:${e.address}`, e.identifier]));
  const pages = tags.pages.map((p) => ({
    ...p,
    elements: p.elements.map((e) => ({ ...e, identifier: e.identifier ?? byAddress.get(`${e.type}:${e.address}`) ?? null })),
  }));
  return { ...tags, pages, elements: pages.flatMap((p) => p.elements) };
}
