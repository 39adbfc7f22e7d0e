/**
 * A SCSI medium changer at the SG_IO seam: answers INQUIRY, VPD 80h, MODE SENSE page 1Dh, READ
 * ELEMENT STATUS, MOVE MEDIUM, EXCHANGE MEDIUM and INITIALIZE ELEMENT STATUS from an in-memory
 * library, byte for byte as SMC-3 lays them out, with the quirks real libraries have (switchable):
 * VOLTAG+DVCID refused together, no DVCID, reports cut short (tgt), vendor descriptor lengths,
 * pending UNIT ATTENTION, "becoming ready".
 */
import type { SgIoResult } from '../../lib/native/binding.js';
import type { SgIoFunction } from '../../lib/scsi/command.js';

export interface FakeElement {
  address: number;
  barcode: string | null;
  full: boolean;
  source?: number | null;
  /** Drives: the serial DVCID reports. */
  serial?: string;
}

export interface FakeQuirks {
  /** ILLEGAL REQUEST 24/00 when VOLTAG and DVCID come in one command. */
  refuseVolTagWithDvcid?: boolean;
  /** ILLEGAL REQUEST 24/00 for any DVCID. */
  noDvcid?: boolean;
  /** Send the report without its last 8 bytes (tgt 1.0.85, labs/vtl bug 5). */
  dropLast8?: boolean;
  /** Extra bytes at the end of each descriptor (vendors pad them). */
  descriptorPadding?: number;
  /** No barcode reader: PVOLTAG clear whatever is asked. */
  noBarcodes?: boolean;
  /** UNIT ATTENTION 29/00 before the next N commands. */
  unitAttentions?: number;
  /** NOT READY 04/01 for the next N commands. */
  becomingReady?: number;
  /** No EXCHANGE MEDIUM: 20/00. */
  noExchange?: boolean;
}

export interface FakeLibrary {
  transport: FakeElement;
  storage: FakeElement[];
  importExport: FakeElement[];
  drives: FakeElement[];
  quirks: FakeQuirks;
  /** Every CDB received, in order. */
  log: Buffer[];
}

/** A library like the lab's tgt one: picker 1, mail slots 16.., drives 256.., storage 4096... */
export function fakeLibrary(o: { slots?: number; mail?: number; drives?: number; tapes?: number; quirks?: FakeQuirks } = {}): FakeLibrary {
  const tapes = o.tapes ?? 8;
  return {
    transport: { address: 1, barcode: null, full: false },
    storage: Array.from({ length: o.slots ?? 10 }, (_, i) => ({ address: 4096 + i, full: i < tapes, barcode: i < tapes ? `VTL${String(i + 1).padStart(3, '0')}L6` : null })),
    importExport: Array.from({ length: o.mail ?? 2 }, (_, i) => ({ address: 16 + i, full: false, barcode: null })),
    drives: Array.from({ length: o.drives ?? 2 }, (_, i) => ({ address: 256 + i, full: false, barcode: null, serial: `VTLDRV000${i + 1}` })),
    quirks: o.quirks ?? {},
    log: [],
  };
}

function sense(key: number, asc: number, ascq: number): Buffer {
  const s = Buffer.alloc(18);
  s[0] = 0x70; // current, fixed format (SPC-4 §4.5.3)
  s[2] = key;
  s[7] = 10; // ADDITIONAL SENSE LENGTH
  s[12] = asc;
  s[13] = ascq;
  return s;
}

function result(data: Buffer | null, asked: number): SgIoResult {
  const sent = data ? data.subarray(0, asked) : Buffer.alloc(0);
  return { status: 0, maskedStatus: 0, hostStatus: 0, driverStatus: 0, resid: asked - sent.length, durationMs: 0, info: 0, sense: Buffer.alloc(0), data: Buffer.from(sent) };
}

function check(key: number, asc: number, ascq: number): SgIoResult {
  return { status: 2, maskedStatus: 1, hostStatus: 0, driverStatus: 8, resid: 0, durationMs: 0, info: 1, sense: sense(key, asc, ascq), data: Buffer.alloc(0) };
}

function ascii(text: string, length: number): Buffer {
  return Buffer.from(text.padEnd(length, ' ').slice(0, length), 'latin1');
}

const TYPE_CODES = { transport: 1, storage: 2, importExport: 3, drives: 4 } as const;
type Kind = keyof typeof TYPE_CODES;

function elementsOf(lib: FakeLibrary, kind: Kind): FakeElement[] {
  return kind === 'transport' ? [lib.transport] : lib[kind];
}

function findAddress(lib: FakeLibrary, address: number): FakeElement | null {
  return [lib.transport, ...lib.storage, ...lib.importExport, ...lib.drives].find((e) => e.address === address) ?? null;
}

/** SMC-3 §6.11: header, one page per type, descriptors with volume tag and identifier. */
function elementStatus(lib: FakeLibrary, cdb: Buffer): SgIoResult {
  const code = cdb[1]! & 0x0f;
  const voltag = (cdb[1]! & 0x10) !== 0 && !lib.quirks.noBarcodes;
  const dvcid = (cdb[6]! & 0x01) !== 0;
  const asked = cdb.readUIntBE(7, 3);
  if (dvcid && (lib.quirks.noDvcid || (lib.quirks.refuseVolTagWithDvcid && (cdb[1]! & 0x10) !== 0))) return check(5, 0x24, 0x00);
  const kinds = (Object.keys(TYPE_CODES) as Kind[]).filter((k) => code === 0 || TYPE_CODES[k] === code);
  const pages: Buffer[] = [];
  let count = 0;
  for (const kind of kinds) {
    const withId = dvcid && kind === 'drives';
    const length = 12 + (voltag ? 36 : 0) + (withId ? 4 + 34 : 0) + (lib.quirks.descriptorPadding ?? 0);
    const descriptors = elementsOf(lib, kind).map((e) => {
      const d = Buffer.alloc(length);
      d.writeUInt16BE(e.address, 0);
      d[2] = (e.full ? 0x01 : 0) | (kind === 'transport' ? 0 : 0x08) | (kind === 'importExport' ? 0x30 : 0); // FULL, ACCESS, EXENAB|INENAB
      if (e.full && e.source != null) {
        d[9] = 0x80; // SVALID
        d.writeUInt16BE(e.source, 10);
      }
      let at = 12;
      if (voltag) {
        if (e.full && e.barcode) ascii(e.barcode, 32).copy(d, at);
        at += 36;
      }
      if (withId) {
        d[at] = 2; // CODE SET ascii
        d[at + 1] = 1; // IDENTIFIER TYPE: T10 vendor ID based
        d[at + 3] = 34;
        Buffer.concat([ascii('IBM', 8), ascii('ULT3580-TD8', 16), ascii(e.serial ?? '', 10)]).copy(d, at + 4);
      }
      return d;
    });
    count += descriptors.length;
    const header = Buffer.alloc(8);
    header[0] = TYPE_CODES[kind];
    header[1] = voltag ? 0x80 : 0; // PVOLTAG
    header.writeUInt16BE(length, 2);
    header.writeUIntBE(length * descriptors.length, 5, 3);
    pages.push(header, ...descriptors);
  }
  const body = Buffer.concat(pages);
  const header = Buffer.alloc(8);
  header.writeUInt16BE(kinds.length ? elementsOf(lib, kinds[0]!)[0]?.address ?? 0 : 0, 0);
  header.writeUInt16BE(count, 2);
  header.writeUIntBE(body.length, 5, 3);
  let report = Buffer.concat([header, body]);
  if (lib.quirks.dropLast8) report = report.subarray(0, report.length - 8);
  return result(report, asked);
}

function move(lib: FakeLibrary, sourceAddress: number, destinationAddress: number): SgIoResult {
  const source = findAddress(lib, sourceAddress);
  const destination = findAddress(lib, destinationAddress);
  if (!source || !destination) return check(5, 0x21, 0x01); // INVALID ELEMENT ADDRESS
  if (!source.full) return check(5, 0x3b, 0x0e); // MEDIUM SOURCE ELEMENT EMPTY
  if (destination.full && destination !== source) return check(5, 0x3b, 0x0d); // MEDIUM DESTINATION ELEMENT FULL
  const barcode = source.barcode;
  const origin = lib.storage.includes(source) || lib.importExport.includes(source) ? source.address : (source.source ?? null);
  Object.assign(source, { full: false, barcode: null, source: null });
  Object.assign(destination, { full: true, barcode, source: lib.drives.includes(destination) ? origin : null });
  return result(null, 0);
}

/** The SG_IO function of a fake library. */
export function fakeSgio(lib: FakeLibrary): SgIoFunction {
  return async (_fd, cdb, _direction, bufferOrLength) => {
    lib.log.push(Buffer.from(cdb));
    const asked = typeof bufferOrLength === 'number' ? bufferOrLength : 0;
    if (lib.quirks.unitAttentions) {
      lib.quirks.unitAttentions--;
      return check(6, 0x29, 0x00);
    }
    if (lib.quirks.becomingReady) {
      lib.quirks.becomingReady--;
      return check(2, 0x04, 0x01);
    }
    switch (cdb[0]) {
      case 0x12: {
        if (cdb[1]! & 1) {
          if (cdb[2] !== 0x80) return check(5, 0x24, 0x00);
          const serial = ascii('FAKELIB0001', 12);
          return result(Buffer.concat([Buffer.from([0x08, 0x80, 0x00, serial.length]), serial]), asked);
        }
        const d = Buffer.alloc(36);
        d[0] = 0x08; // medium changer
        d[1] = 0x80;
        d[2] = 5;
        ascii('STK', 8).copy(d, 8);
        ascii('L700', 16).copy(d, 16);
        ascii('0105', 4).copy(d, 32);
        return result(d, asked);
      }
      case 0x1a: {
        if ((cdb[2]! & 0x3f) !== 0x1d) return check(5, 0x24, 0x00);
        const page = Buffer.alloc(20);
        page[0] = 0x1d;
        page[1] = 18;
        const ranges: [FakeElement[], number][] = [[[lib.transport], 2], [lib.storage, 6], [lib.importExport, 10], [lib.drives, 14]];
        for (const [list, at] of ranges) {
          page.writeUInt16BE(list[0]?.address ?? 0, at);
          page.writeUInt16BE(list.length, at + 2);
        }
        const header = Buffer.from([3 + page.length, 0, 0, 0]);
        return result(Buffer.concat([header, page]), asked);
      }
      case 0xb8:
        return elementStatus(lib, cdb);
      case 0xa5:
        return move(lib, cdb.readUInt16BE(4), cdb.readUInt16BE(6));
      case 0xa6: {
        if (lib.quirks.noExchange) return check(5, 0x20, 0x00);
        const [s, f, t] = [cdb.readUInt16BE(4), cdb.readUInt16BE(6), cdb.readUInt16BE(8)];
        const a = findAddress(lib, s);
        const b = findAddress(lib, f);
        const c = findAddress(lib, t);
        if (!a || !b || !c) return check(5, 0x21, 0x01);
        if (!a.full || !b.full) return check(5, 0x3b, 0x0e);
        const first = { barcode: a.barcode };
        const second = { barcode: b.barcode };
        Object.assign(a, { full: false, barcode: null });
        Object.assign(b, { full: true, barcode: first.barcode });
        Object.assign(c, { full: true, barcode: second.barcode });
        return result(null, 0);
      }
      case 0x07:
        return result(null, 0);
      default:
        return check(5, 0x20, 0x00);
    }
  };
}
