// The drive side: INQUIRY and VPD, block limits, position, TapeAlert, volume statistics,
// densities, the tape mode pages and the cartridge memory.
import t from 'tap';
import { parseAttributeList, parseAttributeValues } from '../../lib/scsi/attributes.js';
import { parseBlockLimits } from '../../lib/scsi/block-limits.js';
import { parseReportDensitySupport } from '../../lib/scsi/density.js';
import {
  deviceTypeName,
  parseDeviceIdentification,
  parseStandardInquiry,
  parseSupportedVpdPages,
  parseUnitSerialNumber,
  PeripheralDeviceType,
} from '../../lib/scsi/inquiry.js';
import { counterValue, parseLogPage } from '../../lib/scsi/log-sense.js';
import { modePage, parseModeSense10, parseModeSense6 } from '../../lib/scsi/mode-sense.js';
import { parseLongPosition, parseShortPosition } from '../../lib/scsi/read-position.js';
import { parseTapeAlert, parseTapeAlertResponse, TAPE_ALERT_FLAGS } from '../../lib/scsi/tape-alert.js';
import { decodeTapeDeviceSpecific, parseDataCompression, parseDeviceConfiguration } from '../../lib/scsi/tape-pages.js';
import { parseVolumeStatistics } from '../../lib/scsi/volume-statistics.js';
import { be, hex, logPage, vpd } from './fixtures/bytes.js';
import * as d from './fixtures/drive.js';

t.test('standard INQUIRY: an LTO-8 drive and a changer', async (t) => {
  t.same(parseStandardInquiry(d.inquiryTd8), {
    peripheralQualifier: 0,
    peripheralDeviceType: PeripheralDeviceType.SEQUENTIAL_ACCESS,
    deviceTypeName: 'sequential access device (tape)',
    removable: true,
    version: 6,
    mediumChanger: false,
    commandQueue: true,
    vendor: 'IBM',
    product: 'ULT3580-TD8',
    revision: 'Q3H4',
  });
  t.match(parseStandardInquiry(d.inquiryL700), { peripheralDeviceType: PeripheralDeviceType.MEDIUM_CHANGER, vendor: 'STK', product: 'L700', commandQueue: false });
  t.equal(parseStandardInquiry(d.inquiryTd8.subarray(0, 36)).product, 'ULT3580-TD8', 'the allocation length may cut it: 36 bytes are enough');
  t.throws(() => parseStandardInquiry(d.inquiryTd8.subarray(0, 35)), { message: 'INQUIRY, byte 0: standard INQUIRY data needs 36 bytes, 35 left' });
  t.equal(deviceTypeName(0x1f), 'unknown or no device type');
  t.equal(deviceTypeName(0x15), 'device type 15h');
  const lun0 = Buffer.from(d.inquiryL700);
  lun0[0] = 0x7f; // qualifier 3: no logical unit
  t.match(parseStandardInquiry(lun0), { peripheralQualifier: 3, peripheralDeviceType: 0x1f });
});

t.test('VPD pages: supported, serial, identification', async (t) => {
  t.same(parseSupportedVpdPages(d.vpdSupported), [0x00, 0x80, 0x83, 0xb0, 0xc0]);
  t.equal(parseUnitSerialNumber(d.vpdSerialTd8), '1013000001');
  t.equal(parseUnitSerialNumber(d.vpdSerialTgt), 'VTLDRV0001', "tgt's left padding is trimmed");
  const ids = parseDeviceIdentification(d.vpdIdentification);
  t.same(
    ids.map((i) => [i.codeSet, i.association, i.designatorTypeName, i.protocolIdentifier, i.text]),
    [
      ['binary', 'logical unit', 'NAA', null, '5005076312345678'],
      ['ascii', 'logical unit', 'T10 vendor ID based', null, 'IBM     ULT3580-TD8     1013000001'],
      ['binary', 'target port', 'NAA', 6, '5005076312345679'],
    ],
  );
  t.throws(() => parseUnitSerialNumber(d.vpdSupported), { message: 'INQUIRY VPD page 80h, byte 1: page code 00h, expected 80h' });
  t.throws(() => parseUnitSerialNumber(d.vpdSerialTgt.subarray(0, 20)), {
    message: 'INQUIRY VPD page 80h, byte 20: PAGE LENGTH declares 40 bytes, only 20 arrived',
    needed: 40,
  });
  const broken = Buffer.from(d.vpdIdentification);
  broken[4 + 3] = 200; // first DESIGNATOR LENGTH runs past the page
  t.throws(() => parseDeviceIdentification(broken), { message: /^INQUIRY VPD page 83h, byte 4: designation descriptor 0 needs 204 bytes/ });
  t.match(parseDeviceIdentification(vpd(1, 0x83, hex('05 0b 00 02 ab cd'))), [{ codeSet: 5, designatorTypeName: 'designator type 0Bh', association: 'logical unit' }]);
});

t.test('READ BLOCK LIMITS', async (t) => {
  t.same(parseBlockLimits(d.blockLimits), { granularity: 0, maximumBlockLength: 8388608, minimumBlockLength: 1 });
  t.throws(() => parseBlockLimits(d.blockLimits.subarray(0, 5)), { message: 'READ BLOCK LIMITS, byte 0: block limits data needs 6 bytes, 5 left' });
});

t.test('READ POSITION, short and long form', async (t) => {
  t.same(parseShortPosition(d.positionShort), {
    beginningOfPartition: false,
    endOfPartition: false,
    beyondEarlyWarning: false,
    positionError: false,
    partition: 0,
    firstBlock: 1234,
    lastBlock: 1231,
    blocksInBuffer: 3,
    bytesInBuffer: 786432,
  });
  t.match(parseShortPosition(d.positionShortUnknown), { beginningOfPartition: true, firstBlock: null, lastBlock: null, blocksInBuffer: null, bytesInBuffer: 0 });
  const flags = parseShortPosition(hex('53 02 00 00 00000000 00000000 00 000000 00000000'));
  t.match(flags, { endOfPartition: true, beyondEarlyWarning: true, positionError: true, partition: 2, bytesInBuffer: null });
  t.same(parseLongPosition(d.positionLong), {
    beginningOfPartition: false,
    endOfPartition: false,
    beyondEarlyWarning: false,
    partition: 1,
    blockNumber: 5_000_000_000,
    fileNumber: 42,
  });
  const unknown = Buffer.from(d.positionLong);
  unknown[0] = 0x8c; // BOP, MPU, LONU
  t.match(parseLongPosition(unknown), { beginningOfPartition: true, blockNumber: null, fileNumber: null });
  t.throws(() => parseLongPosition(d.positionShort), { message: 'READ POSITION (long form), byte 0: long form position data needs 32 bytes, 20 left' });
});

t.test('TapeAlert: page 2Eh and the non-clearing page 12h', async (t) => {
  t.equal(TAPE_ALERT_FLAGS.length, 64);
  t.same(TAPE_ALERT_FLAGS[0x14 - 1], { code: 0x14, name: 'cleaning required', severity: 'critical' });
  t.same(TAPE_ALERT_FLAGS[0x15 - 1], { code: 0x15, name: 'cleaning requested', severity: 'warning' });
  t.same(TAPE_ALERT_FLAGS[0x13 - 1], { code: 0x13, name: 'nearing medium life', severity: 'information' });
  t.same(TAPE_ALERT_FLAGS[0x40 - 1], { code: 0x40, name: 'reserved', severity: null });
  const flags = parseTapeAlert(d.tapeAlert);
  t.same(
    flags.map((f) => [f.code, f.name, f.severity]),
    [
      [0x03, 'hard error', 'warning'],
      [0x14, 'cleaning required', 'critical'],
    ],
  );
  t.same(parseTapeAlertResponse(d.tapeAlertResponse), flags, 'the packed form says the same');
  t.same(parseTapeAlert(logPage(0x2e, [[0x0005, hex('01')], [0x8000, hex('01')]])).map((f) => f.code), [5], 'vendor parameters after 0040h are skipped');
  t.throws(() => parseTapeAlert(logPage(0x2e, [[0x0005, Buffer.alloc(0)]])), { message: 'LOG SENSE page 2Eh, byte 7: flag 0005h has no value byte' });
  t.throws(() => parseTapeAlertResponse(logPage(0x12, [[0x0001, hex('00')]])), { message: 'LOG SENSE page 12h, byte 4: no parameter 0000h (the flags)' });
  t.throws(() => parseTapeAlertResponse(logPage(0x12, [[0x0000, hex('00 00 00 00')]])), {
    message: 'LOG SENSE page 12h, byte 7: parameter 0000h has 4 bytes, the flags need 8',
  });
  t.throws(() => parseTapeAlert(d.volumeStatistics), { message: 'LOG SENSE page 2Eh, byte 0: page 17h/00h, expected 2Eh/00h' });
});

t.test('volume statistics (17h)', async (t) => {
  const v = parseVolumeStatistics(d.volumeStatistics);
  t.match(v, {
    pageValid: true,
    threadCount: 17,
    totalDataSetsWritten: 123456,
    totalUnrecoveredWriteErrors: 0,
    lifetimeMegabytesWritten: 9_000_000,
    lifetimeMegabytesRead: 450_000,
    totalNativeCapacityMegabytes: 12_000_000,
    totalUsedNativeCapacityMegabytes: 8_500_000,
    volumeSerialNumber: 'A0B1C2D3E4',
    writeProtect: false,
    worm: true,
    beginningOfMediumPasses: 1500,
    middleOfMediumPasses: 2500,
  });
  t.same(v.nativeCapacityPartitionsMegabytes, [
    { partition: 0, value: 73242 },
    { partition: 1, value: 10837008 },
  ]);
  t.same(v.other, [{ code: 0xf000, value: hex('de ad be ef') }], 'unknown parameters come back raw');
  t.equal(v.totalReadRetries, undefined, 'absent parameters stay absent');
  t.equal(parseVolumeStatistics(logPage(0x17, [[0x0000, hex('00')]])).pageValid, false);
  t.throws(() => parseVolumeStatistics(logPage(0x17, [[0x0001, Buffer.alloc(9)]])), {
    message: 'LOG SENSE page 17h, byte 7: parameter 0001h is a counter of 9 bytes, expected 1 to 8',
  });
  t.throws(() => parseVolumeStatistics(logPage(0x17, [[0x0202, hex('09 00 0000 00000001')]])), {
    message: 'LOG SENSE page 17h, byte 8: parameter 0202h: partition record of 10 bytes (8 left)',
  });
});

t.test('log pages: lengths from the header, parameters bounded by the page', async (t) => {
  const page = parseLogPage(Buffer.concat([logPage(0x17, [[0x0001, be(5, 4)]]), Buffer.alloc(100)]), 0x17);
  t.equal(page.parameters.length, 1, 'bytes after the page length are padding');
  t.equal(counterValue(page, page.parameters[0]!), 5);
  t.match(page.parameters[0], { code: 1, control: 0x03, offset: 4 });
  const cut = logPage(0x17, [[0x0001, be(5, 4)]]).subarray(0, 10);
  t.throws(() => parseLogPage(cut, 0x17), { message: 'LOG SENSE page 17h, byte 10: PAGE LENGTH declares 12 bytes, only 10 arrived', needed: 12 });
  const overrun = logPage(0x17, [[0x0001, be(5, 4)]]);
  overrun[7] = 9; // PARAMETER LENGTH past the page
  t.throws(() => parseLogPage(overrun, 0x17), { message: 'LOG SENSE page 17h, byte 4: parameter 0 needs 13 bytes, 8 left' });
  t.equal(parseLogPage(logPage(0x0d, [], 0x01), 0x0d, 0x01).subpageCode, 1);
});

t.test('REPORT DENSITY SUPPORT', async (t) => {
  const list = parseReportDensitySupport(d.reportDensity);
  t.same(
    list.map((x) => [x.primaryDensityCode, x.writable, x.isDefault, x.capacityMegabytes, x.densityName, x.description]),
    [
      [0x5c, true, false, 6_000_000, 'U-732', 'Ultrium 7/16T'],
      [0x5e, true, true, 12_000_000, 'U-832', 'Ultrium 8/32T'],
    ],
  );
  t.match(list[0], { secondaryDensityCode: 0x5c, duplicate: false, bitsPerMm: 20670, mediaWidth: 127, tracks: 6656, assigningOrganization: 'LTO-CVE' });
  const odd = Buffer.concat([be(2 + 50, 2), hex('0000'), Buffer.alloc(50)]);
  t.throws(() => parseReportDensitySupport(odd), { message: 'REPORT DENSITY SUPPORT, byte 4: 50 bytes of descriptors is not a multiple of 52' });
  t.same(parseReportDensitySupport(hex('0002 0000')), []);
});

t.test('tape mode pages: compression (0Fh), device configuration (10h), the header', async (t) => {
  const c = parseModeSense6(d.modeCompression);
  t.same(c.blockDescriptors, [{ densityCode: 0x5e, blocks: 0, blockLength: 0 }]);
  t.same(decodeTapeDeviceSpecific(c.deviceSpecific), { writeProtected: false, bufferedMode: 1, speed: 0 });
  t.same(parseDataCompression(modePage(c, 0x0f)), {
    compressionEnabled: true,
    compressionCapable: true,
    decompressionEnabled: true,
    reportExceptionOnDecompression: 0,
    compressionAlgorithm: 1,
    decompressionAlgorithm: 1,
  });
  const m = parseModeSense10(d.modeDeviceConfiguration);
  t.match(decodeTapeDeviceSpecific(m.deviceSpecific), { writeProtected: true, bufferedMode: 1 });
  t.same(m.blockDescriptors, [{ densityCode: 0x5e, blocks: 0, blockLength: 16384 }]);
  t.match(m.pages[0], { pageCode: 0x10, parametersSaveable: true, offset: 16 });
  t.same(parseDeviceConfiguration(modePage(m, 0x10)), {
    activeFormat: 0,
    activePartition: 0,
    writeDelayMs: 10000,
    reportEarlyWarning: true,
    stopOnConsecutiveFilemarks: 0,
    endOfDataDefined: 0,
    enableEndOfDataGeneration: true,
    synchronizeAtEarlyWarning: true,
    softwareWriteProtect: false,
    bufferSizeAtEarlyWarning: 0,
    selectDataCompressionAlgorithm: 1,
    rewindOnReset: 1,
  });
});

t.test('mode parameter lists: long LBA descriptors, subpages, errors', async (t) => {
  const long = Buffer.concat([be(6 + 16 + 8, 2), hex('00 00 01 00'), be(16, 2), be(1_000_000, 8), be(0, 4), be(512, 4), hex('4a 01 0004 01020304')]);
  const p = parseModeSense10(long);
  t.same(p.blockDescriptors, [{ densityCode: null, blocks: 1_000_000, blockLength: 512 }]);
  t.match(p.pages, [{ pageCode: 0x0a, subpageCode: 1, parametersSaveable: false, offset: 24 }]);
  t.ok(modePage(p, 0x0a, 1));
  t.throws(() => modePage(p, 0x0a), { message: 'MODE SENSE, byte 0: mode page 0Ah is not in the response (pages: 0Ah)' });
  t.throws(() => modePage(parseModeSense6(hex('03 00 00 00')), 0x1d, 2), { message: /mode page 1Dh\/02h is not in the response \(pages: none\)/ });
  t.throws(() => parseModeSense6(hex('0b 00 00 05 00 00 00 00 00 00 00 00')), { message: 'MODE SENSE(6), byte 4: block descriptor length 5 is not a multiple of 8' });
  t.throws(() => parseModeSense6(hex('05 00 00 00 10 0e')), { message: 'MODE SENSE(6), byte 4: mode page 10h needs 16 bytes, 2 left' });
  t.throws(() => parseModeSense6(Buffer.alloc(0)), { message: 'MODE SENSE(6), byte 0: MODE DATA LENGTH needs 1 byte, 0 left' });
  t.throws(() => parseModeSense10(hex('00 40 00 00')), { name: 'ScsiParseError', needed: 66 });
  t.throws(() => parseDataCompression(modePage(parseModeSense6(hex('07 00 00 00 0f 02 c0 80')), 0x0f)), {
    message: 'MODE SENSE page 0Fh (data compression), byte 4: data compression page needs 12 bytes, 4 left',
  });
  t.throws(() => parseDeviceConfiguration(modePage(parseModeSense6(hex('07 00 00 00 10 02 00 00')), 0x10)), { message: /device configuration page needs 16 bytes/ });
});

t.test('READ ATTRIBUTE: cartridge memory', async (t) => {
  const a = parseAttributeValues(d.mamAttributes);
  t.same(
    a.map((x) => [x.id, x.name, x.readOnly, x.format, Buffer.isBuffer(x.value) ? x.value.length : x.value]),
    [
      [0x0000, 'remaining capacity in partition (MiB)', true, 'binary', 11_000_000],
      [0x0003, 'load count', true, 'binary', 42],
      [0x0400, 'medium manufacturer', true, 'ascii', 'FUJIFILM'],
      [0x0401, 'medium serial number', true, 'ascii', 'A0B1C2D3E4'],
      [0x0806, 'barcode', false, 'ascii', 'VTL001L8'],
      [0x1000, null, true, 'binary', 28],
    ],
  );
  t.same(parseAttributeList(d.mamList), [0x0000, 0x0003, 0x0400]);
  t.throws(() => parseAttributeValues(d.mamAttributes.subarray(0, 30)), { name: 'ScsiParseError', needed: d.mamAttributes.length });
  t.throws(() => parseAttributeList(Buffer.concat([be(3, 4), hex('000003')])), {
    message: 'READ ATTRIBUTE (attribute list), byte 6: an odd number of bytes of attribute identifiers',
  });
  const overrun = Buffer.concat([be(7, 4), hex('0400 01 00 08 41 42')]);
  t.throws(() => parseAttributeValues(overrun), { message: 'READ ATTRIBUTE, byte 4: attribute 0 needs 13 bytes, 7 left' });
  const text = parseAttributeValues(Buffer.concat([be(9, 4), hex('0803 02 0004 6f6b2020')]));
  t.match(text, [{ format: 'text', value: 'ok', name: 'user medium text label' }]);
});
