// Sense data: fixed and descriptor formats, the ASC/ASCQ table, ScsiError.
import t from 'tap';
import { ASC_TEXT } from '../../lib/scsi/asc-table.js';
import { ScsiParseError } from '../../lib/scsi/parse-error.js';
import { isScsiError, ScsiError } from '../../lib/scsi/scsi-error.js';
import { ascText, decodeSense, SenseKey, senseKeyName, senseText } from '../../lib/scsi/sense.js';
import { hex } from './fixtures/bytes.js';
import * as s from './fixtures/sense.js';

t.test('the ASC/ASCQ table: the whole T10 list, the tape and changer codes exactly', async (t) => {
  t.ok(ASC_TEXT.size > 700, `${ASC_TEXT.size} codes`);
  const expect: [number, number, string][] = [
    [0x00, 0x00, 'no additional sense information'],
    [0x00, 0x01, 'filemark detected'],
    [0x00, 0x02, 'end-of-partition/medium detected'],
    [0x00, 0x04, 'beginning-of-partition/medium detected'],
    [0x00, 0x05, 'end-of-data detected'],
    [0x00, 0x17, 'cleaning requested'],
    [0x04, 0x01, 'logical unit is in process of becoming ready'],
    [0x04, 0x02, 'logical unit not ready, initializing command required'],
    [0x14, 0x00, 'recorded entity not found'],
    [0x27, 0x00, 'write protected'],
    [0x28, 0x00, 'not ready to ready change, medium may have changed'],
    [0x29, 0x00, 'power on, reset, or bus device reset occurred'],
    [0x30, 0x00, 'incompatible medium installed'],
    [0x3a, 0x00, 'medium not present'],
    [0x3b, 0x0d, 'medium destination element full'],
    [0x3b, 0x0e, 'medium source element empty'],
    [0x53, 0x02, 'medium removal prevented'],
    [0x21, 0x01, 'invalid element address'],
    [0x24, 0x00, 'invalid field in CDB'],
  ];
  for (const [asc, ascq, text] of expect) t.equal(ascText(asc, ascq), text, `${asc.toString(16)}/${ascq.toString(16)}`);
});

t.test('ASC/ASCQ ranges, vendor specific and unknown codes', async (t) => {
  t.equal(ascText(0x40, 0x91), 'diagnostic failure on component 91h');
  t.equal(ascText(0x4d, 0x07), 'tagged overlapped commands (task tag 07h)');
  t.equal(ascText(0x70, 0x02), 'decompression exception short algorithm ID of 02h');
  t.equal(ascText(0x82, 0x82), 'vendor specific (ASC 82h, ASCQ 82h)');
  t.equal(ascText(0x3b, 0x90), 'vendor specific qualifier 90h of: sequential positioning error');
  t.equal(ascText(0x7f, 0x01), 'unknown ASC 7Fh, ASCQ 01h');
  t.equal(senseKeyName(SenseKey.ILLEGAL_REQUEST), 'ILLEGAL REQUEST');
  t.equal(senseKeyName(0x0c), 'sense key 0Ch (obsolete)');
});

t.test('fixed format: the conditions a tape drive reports', async (t) => {
  const nr = decodeSense(s.notReadyNoMedium);
  t.match(nr, { format: 'fixed', deferred: false, senseKey: 2, asc: 0x3a, ascq: 0, information: null, senseKeySpecific: null, truncated: false });
  t.equal(senseText(nr), 'NOT READY: medium not present (2/3A/00)');

  const ili = decodeSense(s.incorrectLength);
  t.match(ili, { senseKey: 0, incorrectLength: true, filemark: false, information: -4096 }, 'residue is signed: the block was larger');
  t.equal(senseText(ili), 'NO SENSE: no additional sense information (0/00/00), ILI, information -4096');

  t.match(decodeSense(s.filemark), { filemark: true, asc: 0, ascq: 1, information: 16384 });
  t.match(decodeSense(s.earlyWarning), { endOfMedium: true, information: null });

  const ready = decodeSense(s.becomingReady);
  t.same(ready.senseKeySpecific, { kind: 'progress', fraction: 0.25 });
  t.equal(senseText(ready), 'NOT READY: logical unit is in process of becoming ready (2/04/01), progress 25.0%');

  const bad = decodeSense(s.invalidFieldInCdb);
  t.same(bad.senseKeySpecific, { kind: 'field-pointer', inCdb: true, fieldPointer: 6, bitPointer: 0 });
  t.equal(senseText(bad), 'ILLEGAL REQUEST: invalid field in CDB (5/24/00), invalid field in CDB byte 6 bit 0');
  t.equal(decodeSense(s.invalidFieldNoPointer).senseKeySpecific, null, 'SKSV clear: no field pointer');

  const deferred = decodeSense(s.deferredMediumError);
  t.match(deferred, { deferred: true, senseKey: 3, asc: 0x11 });
  t.same(deferred.senseKeySpecific, { kind: 'retry-count', actualRetryCount: 3 });
  t.match(senseText(deferred), /deferred/);

  t.same(decodeSense(hex('70 00 06 00000000 0a 00000000 2a 01 00 81 0000')).senseKeySpecific, { kind: 'overflow', overflow: true });
  t.same(decodeSense(hex('70 00 0a 00000000 0a 00000000 1d 00 00 a0 0010')).senseKeySpecific, {
    kind: 'segment-pointer',
    inSegmentDescriptor: true,
    fieldPointer: 16,
    bitPointer: null,
  });
  t.same(decodeSense(hex('70 00 07 00000000 0a 00000000 27 00 00 81 0203')).senseKeySpecific, { kind: 'raw', bytes: hex('81 0203') });
  t.match(senseText(decodeSense(s.vendorCleaning)), 'NO SENSE: vendor specific (ASC 82h, ASCQ 82h) (0/82/82)');
});

t.test('fixed format cut short: fields that did not arrive are absent', async (t) => {
  const short = decodeSense(s.fixedShort);
  t.match(short, { senseKey: 3, asc: 0x0c, ascq: 0, fru: 0, senseKeySpecific: null, truncated: false });
  const cut = decodeSense(s.notReadyNoMedium.subarray(0, 12));
  t.match(cut, { senseKey: 2, asc: 0, ascq: 0, truncated: true }, 'ASC missing: 0, and flagged');
  t.match(decodeSense(hex('70 00 02')), { senseKey: 2, truncated: false });
});

t.test('descriptor format', async (t) => {
  const fm = decodeSense(s.descriptorFilemark);
  t.match(fm, { format: 'descriptor', senseKey: 0, asc: 0, ascq: 1, filemark: true, information: 16384, truncated: false });
  t.same(fm.otherDescriptors, [{ type: 0x80, bytes: hex('80 02 12 34') }]);

  const pl = decodeSense(s.descriptorParameterList);
  t.same(pl.senseKeySpecific, { kind: 'field-pointer', inCdb: false, fieldPointer: 12, bitPointer: null });
  t.equal(pl.fru, 5);
  t.equal(senseText(pl), 'ILLEGAL REQUEST: invalid field in parameter list (5/26/00), invalid field in parameter list byte 12');

  const cut = decodeSense(s.descriptorCut);
  t.match(cut, { deferred: true, senseKey: 3, asc: 0x11, information: 100, filemark: false, truncated: true });
  t.match(decodeSense(hex('72 06 29 00')), { senseKey: 6, asc: 0x29, truncated: false });
  const ili = decodeSense(hex('72 00 00 00 00 00 00 04 05 02 00 20'));
  t.equal(ili.incorrectLength, true, 'block commands descriptor: ILI');
  t.equal(decodeSense(hex('72 00 00 00 00 00 00 0c 01 0a 00 00 0000000000001234')).commandSpecific, 0x1234);
});

t.test('not sense data at all', async (t) => {
  t.throws(() => decodeSense(Buffer.alloc(0)), ScsiParseError);
  t.throws(() => decodeSense(hex('00 00 00 00')), { name: 'ScsiParseError', message: 'sense data, byte 0: response code 00h is not sense data (70h–73h)' });
  t.throws(() => decodeSense(hex('70 00')), { message: 'sense data, byte 2: sense key needs 1 byte, 0 left' });
});

t.test('ScsiError: message, fields, matching', async (t) => {
  const sense = decodeSense(s.sourceEmpty);
  const e = new ScsiError({
    command: 'MOVE MEDIUM',
    cdb: hex('a5 00 0000 1001 0100 0000 00 00'),
    status: 2,
    hostStatus: 0,
    driverStatus: 8,
    sense,
    senseBytes: s.sourceEmpty,
    residual: 0,
    data: Buffer.alloc(0),
  });
  t.equal(e.message, 'MOVE MEDIUM (A5h): ILLEGAL REQUEST: medium source element empty (5/3B/0E)');
  t.match(e, { name: 'ScsiError', opcode: 0xa5, senseKey: 5, asc: 0x3b, ascq: 0x0e });
  t.ok(isScsiError(e));
  t.ok(isScsiError(e, SenseKey.ILLEGAL_REQUEST, 0x3b, 0x0e));
  t.notOk(isScsiError(e, SenseKey.ILLEGAL_REQUEST, 0x3b, 0x0d));
  t.notOk(isScsiError(e, SenseKey.NOT_READY));
  t.notOk(isScsiError(new Error('x')));
});
