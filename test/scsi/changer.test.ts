// The changer side: READ ELEMENT STATUS from several vendors' layouts, the VOLTAG/DVCID fallback,
// and the element address assignment and device capabilities mode pages.
import t from 'tap';
import { parseDeviceCapabilities, parseElementAddressAssignment } from '../../lib/scsi/changer-pages.js';
import { isVolTagDvcidRefusal, mergeIdentifiers, parseElementStatus, splitVolTagDvcid } from '../../lib/scsi/element-status.js';
import { modePage, parseModeSense6 } from '../../lib/scsi/mode-sense.js';
import { ScsiParseError } from '../../lib/scsi/parse-error.js';
import { ScsiError } from '../../lib/scsi/scsi-error.js';
import { decodeSense } from '../../lib/scsi/sense.js';
import { hex } from './fixtures/bytes.js';
import { modeCapabilities, modeChangerAll, modeElementAddresses } from './fixtures/changer.js';
import * as es from './fixtures/element-status.js';
import * as s from './fixtures/sense.js';

t.test('storage slots with barcodes (STK L700 layout, 52-byte descriptors)', async (t) => {
  const r = parseElementStatus(es.elementStatus([es.l700Storage]));
  t.match(r, { firstAddress: 4096, elementsAvailable: 5, byteCount: 8 + 5 * 52, truncated: false });
  t.equal(r.pages.length, 1);
  t.match(r.pages[0], { type: 'storage', primaryVolumeTags: true, alternateVolumeTags: false, descriptorLength: 52 });
  t.same(
    r.elements.map((e) => [e.address, e.full, e.primaryVolumeTag?.identifier, e.sourceAddress, e.mediumType]),
    [
      [4096, true, 'VTL001L6', 4096, 1],
      [4097, false, '', null, 0],
      [4098, true, 'VTL003L6', 4098, 1],
      [4099, true, 'CLN001L1', 4099, 2],
      [4100, false, '', null, 0],
    ],
  );
  t.match(r.elements[4], { exception: true, asc: 0x83, ascq: 0, accessible: true, importExport: null, identifier: null, truncated: false });
  t.same(r.elements[0]!.primaryVolumeTag, { identifier: 'VTL001L6', sequence: 0 });
});

t.test('drives with VOLTAG and DVCID: T10 vendor ID identifiers (86-byte descriptors)', async (t) => {
  const r = parseElementStatus(es.elementStatus([es.l700Drives]));
  t.equal(r.elements.length, 2);
  const [d0, d1] = r.elements;
  t.match(d0, { type: 'data-transfer', address: 256, full: true, sourceAddress: 4097, primaryVolumeTag: { identifier: 'VTL002L6' } });
  t.match(d0!.identifier, { codeSet: 2, identifierType: 1, vendor: 'IBM', product: 'ULT3580-TD8', serial: '1013000001', text: 'IBM     ULT3580-TD8     1013000001' });
  t.match(d1, { address: 257, full: false, sourceAddress: null, identifier: { serial: '1013000002' } });
});

t.test('DVCID alone, serial-only identifier, vendor padding after it (Superloader layout)', async (t) => {
  const r = parseElementStatus(es.elementStatus([es.superloaderDrives]));
  t.match(r.elements[0], { address: 1, full: true, sourceAddress: 257, primaryVolumeTag: null });
  t.match(r.elements[0]!.identifier, { codeSet: 2, identifierType: 0, serial: 'HU1234ABCD', vendor: null, product: null });
  const naa = { codeSet: 1, type: 3, value: hex('5005076312345678') };
  const binary = parseElementStatus(es.elementStatus([{ ...es.superloaderDrives, descriptors: [{ address: 1, id: naa }] }]));
  t.match(binary.elements[0]!.identifier, { text: '5005076312345678', serial: null });
});

t.test('every element type in one report (element type 0), alternate tags, no identification header', async (t) => {
  const r = parseElementStatus(es.elementStatus([es.l700Picker, es.altTagStorage, es.l700MailSlots, es.minimalDrives]));
  t.same(
    r.pages.map((p) => [p.type, p.descriptorLength, p.elements.length]),
    [
      ['medium-transport', 52, 1],
      ['storage', 88, 1],
      ['import-export', 52, 2],
      ['data-transfer', 48, 1],
    ],
  );
  t.equal(r.elements.length, 5);
  t.match(r.elements[0], { type: 'medium-transport', address: 1, accessible: false, full: false });
  t.match(r.elements[1], { primaryVolumeTag: { identifier: 'A00002' }, alternateVolumeTag: { identifier: 'ALT00002', sequence: 7 } });
  t.same(r.elements[2]!.importExport, { imported: true, importEnabled: true, exportEnabled: true });
  t.same(r.elements[3]!.importExport, { imported: false, importEnabled: true, exportEnabled: true });
  t.match(r.elements[4], { type: 'data-transfer', address: 500, primaryVolumeTag: { identifier: 'A00001' }, sourceAddress: 1000, identifier: null });
});

t.test('no volume tags asked for; an empty report', async (t) => {
  const r = parseElementStatus(es.elementStatus([es.plainStorage]));
  t.same(
    r.elements.map((e) => [e.address, e.full, e.primaryVolumeTag]),
    [
      [20, true, null],
      [21, false, null],
    ],
  );
  t.match(parseElementStatus(es.elementStatus([])), { elementsAvailable: 0, byteCount: 0, pages: [], elements: [] });
  const odd = { address: 9, full: true, invert: true, disabled: true, access: false };
  const flags = parseElementStatus(es.elementStatus([{ type: 2, descriptorLength: 12, descriptors: [odd] }]));
  t.match(flags.elements[0], { invert: true, disabled: true, accessible: false });
});

t.test('padding after the report is ignored; lengths come from the headers', async (t) => {
  const padded = Buffer.concat([es.elementStatus([es.l700Storage]), Buffer.alloc(4000, 0xee)]);
  t.equal(parseElementStatus(padded).elements.length, 5);
});

t.test('a response cut short: an error saying what allocation length gets it all', async (t) => {
  const full = es.elementStatus([es.l700Storage]);
  const cut = full.subarray(0, 100);
  const e = t.throws(() => parseElementStatus(cut)) as ScsiParseError;
  t.ok(e instanceof ScsiParseError);
  t.equal(e.needed, full.length);
  t.equal(e.message, `READ ELEMENT STATUS, byte 100: BYTE COUNT OF REPORT AVAILABLE declares ${full.length} bytes, only 100 arrived`);
  t.throws(() => parseElementStatus(full.subarray(0, 5)), { message: 'READ ELEMENT STATUS, byte 0: element status data header needs 8 bytes, 5 left' });
});

t.test('partial: tgt drops the last 8 bytes; the last drive comes back with what arrived of its serial', async (t) => {
  const full = es.elementStatus([es.l700Drives]);
  const cut = full.subarray(0, full.length - 8);
  t.throws(() => parseElementStatus(cut), ScsiParseError, 'strict by default');
  const r = parseElementStatus(cut, { partial: true });
  t.equal(r.truncated, true);
  t.equal(r.elements.length, 2);
  t.match(r.elements[0], { truncated: false, identifier: { serial: '1013000001' } });
  t.match(r.elements[1], { address: 257, truncated: true, identifier: { serial: '10', vendor: 'IBM' }, primaryVolumeTag: { identifier: '' } });
  const tiny = parseElementStatus(full.subarray(0, 16 + 86 + 10), { partial: true });
  t.equal(tiny.elements.length, 1, 'a descriptor with fewer than its first 12 bytes is dropped');
  const tagCut = parseElementStatus(full.subarray(0, 16 + 86 + 30), { partial: true });
  t.match(tagCut.elements[1], { address: 257, truncated: true, primaryVolumeTag: null });
  const sequenceCut = parseElementStatus(full.subarray(0, 16 + 86 + 12 + 34), { partial: true });
  t.match(sequenceCut.elements[1]!.primaryVolumeTag, { sequence: null }, 'the identifier arrived whole, its sequence number did not: kept, as mtx keeps it');
  const headerCut = parseElementStatus(es.elementStatus([es.l700Picker, es.l700Storage]).subarray(0, 8 + 8 + 52 + 4), { partial: true });
  t.same(
    headerCut.pages.map((p) => p.type),
    ['medium-transport'],
    'a page header that did not arrive ends the report',
  );
  t.equal(parseElementStatus(full, { partial: true }).truncated, false, 'partial on a whole response changes nothing');
});

t.test('malformed reports are errors with the place', async (t) => {
  const bad = (data: Buffer, message: string) => t.throws(() => parseElementStatus(data), { name: 'ScsiParseError', message }, message);
  const storage = es.elementStatus([es.l700Storage]);
  const wrongType = Buffer.from(storage);
  wrongType[8] = 0x07;
  bad(wrongType, 'READ ELEMENT STATUS, byte 8: element type code 07h is not 1-4');
  const shortDescriptor = Buffer.from(storage);
  shortDescriptor.writeUInt16BE(40, 10); // 40 < 12 + 36
  bad(shortDescriptor, 'READ ELEMENT STATUS, byte 10: element descriptor length 40 is less than the 48 bytes its fields take');
  const zero = Buffer.from(storage);
  zero.writeUInt16BE(0, 10);
  bad(zero, 'READ ELEMENT STATUS, byte 10: element descriptor length 0 is less than the 48 bytes its fields take');
  const pageTooLong = Buffer.from(storage);
  pageTooLong.writeUIntBE(5 * 52 + 1, 13, 3);
  bad(pageTooLong, 'READ ELEMENT STATUS, byte 13: page of storage elements declares 261 bytes of descriptors, 260 left in the report');
  const notMultiple = es.elementStatus([{ ...es.l700Storage, descriptors: es.l700Storage.descriptors.slice(0, 2) }]);
  notMultiple.writeUInt16BE(60, 10); // 104 bytes of descriptors are not a multiple of 60
  bad(notMultiple, 'READ ELEMENT STATUS, byte 76: storage element descriptor needs 60 bytes, 44 left in the page');
  const idTooLong = es.elementStatus([es.l700Drives]);
  idTooLong[16 + 51] = 60; // IDENTIFIER LENGTH of the first drive: past its 86-byte descriptor
  bad(idTooLong, 'READ ELEMENT STATUS, byte 68: IDENTIFIER needs 60 bytes, 34 left');
  const strayHeader = Buffer.concat([storage, hex('02 80 00')]);
  strayHeader.writeUIntBE(storage.length - 8 + 3, 5, 3);
  bad(strayHeader, `READ ELEMENT STATUS, byte ${storage.length}: element status page header needs 8 bytes, 3 left`);
});

t.test('VOLTAG + DVCID refused: recognise it, split it, merge the answers', async (t) => {
  const refused = (senseBytes: Buffer, cdb: Buffer) =>
    new ScsiError({
      command: 'READ ELEMENT STATUS',
      cdb,
      status: 2,
      hostStatus: 0,
      driverStatus: 8,
      sense: decodeSense(senseBytes),
      senseBytes,
      residual: 0,
      data: Buffer.alloc(0),
    });
  const both = hex('b8 14 0000 ffff 01 010000 00 00');
  t.ok(isVolTagDvcidRefusal(refused(s.invalidFieldInCdb, both)), 'field pointer at byte 6 (DVCID)');
  t.ok(isVolTagDvcidRefusal(refused(s.invalidFieldNoPointer, both)), 'no field pointer');
  const atByte7 = Buffer.from(s.invalidFieldInCdb);
  atByte7.writeUInt16BE(7, 16);
  t.notOk(isVolTagDvcidRefusal(refused(atByte7, both)), 'the allocation length was the problem');
  t.notOk(isVolTagDvcidRefusal(refused(s.invalidFieldInCdb, hex('b8 04 0000 ffff 01 010000 00 00'))), 'VOLTAG was not set');
  t.notOk(isVolTagDvcidRefusal(refused(s.sourceEmpty, both)), 'another ILLEGAL REQUEST');
  t.notOk(isVolTagDvcidRefusal(new Error('x')));

  const [tags, ids] = splitVolTagDvcid({ type: 'data-transfer', volumeTags: true, deviceIdentifiers: true, start: 256 });
  t.same(tags.cdb, hex('b8 14 0100 ffff 00 010000 00 00'));
  t.same(ids.cdb, hex('b8 04 0100 ffff 01 010000 00 00'));

  const merged = mergeIdentifiers(parseElementStatus(es.elementStatus([es.l700DrivesTagsOnly])), parseElementStatus(es.elementStatus([es.l700DrivesIdsOnly])));
  t.same(
    merged.elements.map((e) => [e.address, e.primaryVolumeTag?.identifier, e.identifier?.serial]),
    [
      [256, 'VTL002L6', '1013000001'],
      [257, '', '1013000002'],
    ],
  );
  t.same(merged.pages[0]!.elements, merged.elements);
  const none = mergeIdentifiers(parseElementStatus(es.elementStatus([es.l700DrivesTagsOnly])), parseElementStatus(es.elementStatus([])));
  t.equal(none.elements[0]!.identifier, null);
});

t.test('element address assignment and device capabilities', async (t) => {
  const a = parseElementAddressAssignment(modePage(parseModeSense6(modeElementAddresses), 0x1d));
  t.same(a, {
    'medium-transport': { first: 1, count: 1 },
    storage: { first: 4096, count: 10 },
    'import-export': { first: 16, count: 2 },
    'data-transfer': { first: 256, count: 2 },
  });
  const c = parseDeviceCapabilities(modePage(parseModeSense6(modeCapabilities), 0x1f));
  t.same(c.storage, { 'medium-transport': false, storage: true, 'import-export': true, 'data-transfer': true });
  t.same(c.move.storage, { 'medium-transport': false, storage: true, 'import-export': true, 'data-transfer': true });
  t.same(c.exchange.storage, { 'medium-transport': false, storage: false, 'import-export': false, 'data-transfer': true });
  t.same(c.exchange['data-transfer'], { 'medium-transport': false, storage: true, 'import-export': false, 'data-transfer': false });
  t.same(c.exchange['medium-transport'], { 'medium-transport': false, storage: false, 'import-export': false, 'data-transfer': false });

  const all = parseModeSense6(modeChangerAll);
  t.same(
    all.pages.map((p) => [p.pageCode, p.offset, p.data.length]),
    [
      [0x1d, 4, 20],
      [0x00, 24, 4],
      [0x1f, 28, 20],
    ],
    'a vendor page (00h, PS set) between them',
  );
  t.equal(parseElementAddressAssignment(modePage(all, 0x1d)).storage.count, 10);
  t.throws(() => parseElementAddressAssignment(modePage(all, 0x1f)), {
    message: 'MODE SENSE page 1Dh (element address assignment), byte 28: page code 1Fh, expected 1Dh',
  });
  t.throws(() => modePage(all, 0x10), { name: 'ScsiParseError', message: 'MODE SENSE, byte 0: mode page 10h is not in the response (pages: 1Dh, 00h, 1Fh)' });
  const short = parseModeSense6(hex('07 00 00 00 1d 02 00 01'));
  t.throws(() => parseElementAddressAssignment(modePage(short, 0x1d)), {
    message: 'MODE SENSE page 1Dh (element address assignment), byte 4: element address assignment page needs 18 bytes, 4 left',
  });
});
