// lib/scsi's parsers on real bytes: responses captured from labs/vtl (tgt 1.0.85 behind the real
// Linux sg driver) by scripts/capture-vtl-fixtures.mjs, layout 2 drives, 10 slots, 8 tapes, 2
// import/export slots.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseElementAddressAssignment } from '../../lib/scsi/changer-pages.js';
import { parseElementStatus } from '../../lib/scsi/element-status.js';
import { parseBlockLimits } from '../../lib/scsi/block-limits.js';
import { parseDeviceIdentification, parseStandardInquiry, parseSupportedVpdPages, parseUnitSerialNumber } from '../../lib/scsi/inquiry.js';
import { modePage, parseModeSense6 } from '../../lib/scsi/mode-sense.js';
import { decodeSense } from '../../lib/scsi/sense.js';

interface Capture {
  device: 'changer' | 'drive';
  label: string;
  status: number;
  sense: string;
  data: string;
}
const { captures } = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'vtl', 'captures.json'), 'utf8')) as { captures: Capture[] };

function capture(device: Capture['device'], label: string): Capture {
  const c = captures.find((x) => x.device === device && x.label === label);
  if (!c) throw new Error(`no capture ${device} ${label}`);
  return c;
}
const data = (device: Capture['device'], label: string) => Buffer.from(capture(device, label).data, 'hex');
const sense = (device: Capture['device'], label: string) => decodeSense(Buffer.from(capture(device, label).sense, 'hex'));

t.test('INQUIRY and VPD pages of the changer and the drive', async (t) => {
  t.match(parseStandardInquiry(data('changer', 'inquiry')), { peripheralDeviceType: 8, vendor: 'STK', product: 'L700', removable: true });
  t.match(parseStandardInquiry(data('drive', 'inquiry')), { peripheralDeviceType: 1, vendor: 'IBM', product: 'ULT3580-TD8', removable: true });
  t.same(parseSupportedVpdPages(data('drive', 'vpd 00')).slice(0, 2), [0x00, 0x80]);
  t.equal(parseUnitSerialNumber(data('changer', 'vpd 80')), 'VTLLIB0001', "tgt's leading spaces trimmed");
  t.equal(parseUnitSerialNumber(data('drive', 'vpd 80')), 'VTLDRV0001');
  const ids = parseDeviceIdentification(data('drive', 'vpd 83'));
  t.ok(ids.length >= 2);
  t.match(ids[0], { designatorTypeName: 'T10 vendor ID based', codeSet: 'ascii' });
});

t.test('element address assignment and element status, one element type per command', async (t) => {
  const assignment = parseElementAddressAssignment(modePage(parseModeSense6(data('changer', 'mode sense 1d')), 0x1d));
  t.same(assignment, {
    'medium-transport': { first: 1, count: 1 },
    storage: { first: 4096, count: 10 },
    'import-export': { first: 16, count: 2 },
    'data-transfer': { first: 256, count: 2 },
  });
  // tgt drops the last 8 bytes of every report (labs/vtl bug 5): strict parsing refuses it, partial
  // parsing keeps every complete descriptor and marks the cut one.
  t.throws(() => parseElementStatus(data('changer', 'element status storage voltag')), { name: 'ScsiParseError' });
  const storage = parseElementStatus(data('changer', 'element status storage voltag'), { partial: true });
  t.equal(storage.truncated, true);
  t.same(
    storage.elements.map((e) => [e.address, e.full, e.primaryVolumeTag?.identifier ?? null]),
    [
      ...[1, 2, 3, 4, 5, 6, 7, 8].map((n) => [4095 + n, true, `VTL00${n}L6`]),
      [4104, false, ''],
      [4105, false, ''], // cut after its 32-byte identifier: kept, sequence number lost
    ],
    'eight barcoded cartridges in slots 1-8, two empty slots; the last descriptor cut off',
  );
  t.same(parseElementStatus(data('changer', 'element status import-export voltag'), { partial: true }).elements.map((e) => [e.address, e.full, e.type]), [
    [16, false, 'import-export'],
    [17, false, 'import-export'],
  ]);
  const drives = parseElementStatus(data('changer', 'element status data-transfer voltag dvcid'), { partial: true });
  t.match(drives.elements[0], { address: 256, full: false, identifier: { vendor: 'IBM', product: 'ULT3580-TD8' } });
  t.match(drives.elements[0]!.identifier!.text, /VTLDRV0001$/, 'DVCID gives the drive serial: the drive-to-element mapping');
  t.equal(drives.elements[1]!.truncated, true, "the second drive's serial is what tgt cuts off");
  t.equal(drives.elements[1]!.identifier!.serial, 'VT', 'what arrived of it is kept: a prefix still tells drives apart');
  const noTags = parseElementStatus(data('changer', 'element status storage no voltag'), { partial: true });
  t.ok(noTags.elements.every((e) => e.primaryVolumeTag === null), 'no VOLTAG: no volume tags');
});

t.test('drive responses and honest errors where the emulator lacks a command', async (t) => {
  t.same(parseBlockLimits(data('drive', 'read block limits')), { granularity: 9, maximumBlockLength: 1048576, minimumBlockLength: 4 });
  t.match(sense('drive', 'test unit ready'), { senseKey: 2, asc: 0x3a, ascq: 0 }, 'NOT READY, medium not present');
  t.match(sense('drive', 'read position short'), { senseKey: 2, asc: 0x3a }, 'no cartridge: READ POSITION is refused with 02/3A/00');
  t.match(sense('drive', 'log sense 2e tapealert'), { senseKey: 5, asc: 0x20, ascq: 0 }, 'tgt has no LOG SENSE: ILLEGAL REQUEST, invalid command operation code');
  t.match(sense('drive', 'report density support'), { senseKey: 5, asc: 0x20 });
});
