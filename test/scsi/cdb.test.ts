// Every CDB builder, byte for byte, with its direction, length and default timeout.
import t from 'tap';
import { readAttribute } from '../../lib/scsi/attributes.js';
import { readBlockLimits } from '../../lib/scsi/block-limits.js';
import type { ScsiCommand } from '../../lib/scsi/command.js';
import { reportDensitySupport } from '../../lib/scsi/density.js';
import { readElementStatus } from '../../lib/scsi/element-status.js';
import { inquiry, inquiryVpd } from '../../lib/scsi/inquiry.js';
import { logSense } from '../../lib/scsi/log-sense.js';
import {
  exchangeMedium,
  initializeElementStatus,
  initializeElementStatusWithRange,
  moveMedium,
  positionToElement,
} from '../../lib/scsi/medium-changer.js';
import { modeSense10, modeSense6 } from '../../lib/scsi/mode-sense.js';
import { readPosition } from '../../lib/scsi/read-position.js';
import { TIMEOUTS } from '../../lib/scsi/timeouts.js';
import { preventAllowMediumRemoval, requestSense, testUnitReady } from '../../lib/scsi/unit.js';
import { hex } from './fixtures/bytes.js';

const MIN = 60_000;

const cases: [ScsiCommand, string, string, number | null, number][] = [
  // command, CDB, direction, transfer length, timeout
  [testUnitReady(), '00 00 00 00 00 00', 'none', null, 30_000],
  [requestSense(), '03 00 00 00 fc 00', 'from-device', 252, 30_000],
  [requestSense({ descriptorFormat: true, allocationLength: 96 }), '03 01 00 00 60 00', 'from-device', 96, 30_000],
  [preventAllowMediumRemoval(true), '1e 00 00 00 01 00', 'none', null, MIN],
  [preventAllowMediumRemoval(false, { timeoutMs: 5 }), '1e 00 00 00 00 00', 'none', null, 5],
  [inquiry(), '12 00 00 00 60 00', 'from-device', 96, 30_000],
  [inquiry({ allocationLength: 36 }), '12 00 00 00 24 00', 'from-device', 36, 30_000],
  [inquiryVpd(0x80), '12 01 80 00 fc 00', 'from-device', 252, 30_000],
  [inquiryVpd(0x83, { allocationLength: 1024 }), '12 01 83 04 00 00', 'from-device', 1024, 30_000],
  [modeSense6({ page: 0x1d, disableBlockDescriptors: true }), '1a 08 1d 00 ff 00', 'from-device', 255, 10 * MIN],
  [modeSense6({ page: 0x10, pageControl: 'changeable', allocationLength: 64, timeoutMs: 1000 }), '1a 00 50 00 40 00', 'from-device', 64, 1000],
  [modeSense10({ page: 0x3f, subpage: 0xff, pageControl: 'saved' }), '5a 00 ff ff 00 00 00 10 00 00', 'from-device', 4096, 10 * MIN],
  [modeSense10({ page: 0x0f, pageControl: 'default', disableBlockDescriptors: true }), '5a 08 8f 00 00 00 00 10 00 00', 'from-device', 4096, 10 * MIN],
  [
    readElementStatus({ type: 'storage', volumeTags: true }),
    'b8 12 0000 ffff 00 010000 00 00',
    'from-device',
    0x10000,
    5 * MIN,
  ],
  [
    readElementStatus({ type: 'data-transfer', volumeTags: true, deviceIdentifiers: true, start: 256, count: 4, allocationLength: 0x123456 }),
    'b8 14 0100 0004 01 123456 00 00',
    'from-device',
    0x123456,
    5 * MIN,
  ],
  [readElementStatus({ type: 'all', currentData: true }), 'b8 00 0000 ffff 02 010000 00 00', 'from-device', 0x10000, 5 * MIN],
  [readElementStatus({ type: 'medium-transport' }), 'b8 01 0000 ffff 00 010000 00 00', 'from-device', 0x10000, 5 * MIN],
  [readElementStatus({ type: 'import-export' }), 'b8 03 0000 ffff 00 010000 00 00', 'from-device', 0x10000, 5 * MIN],
  [moveMedium({ source: 4097, destination: 256 }), 'a5 00 0000 1001 0100 0000 00 00', 'none', null, 5 * MIN],
  [moveMedium({ transport: 1, source: 256, destination: 4097, invert: true }), 'a5 00 0001 0100 1001 0000 01 00', 'none', null, 5 * MIN],
  [
    exchangeMedium({ transport: 1, source: 4096, firstDestination: 256, secondDestination: 4097, invertSecond: true }),
    'a6 00 0001 1000 0100 1001 02 00',
    'none',
    null,
    5 * MIN,
  ],
  [exchangeMedium({ source: 1, firstDestination: 2, secondDestination: 1, invertFirst: true }), 'a6 00 0000 0001 0002 0001 01 00', 'none', null, 5 * MIN],
  [positionToElement({ destination: 4100 }), '2b 00 0000 1004 0000 00 00', 'none', null, 5 * MIN],
  [positionToElement({ transport: 1, destination: 16, invert: true }), '2b 00 0001 0010 0000 01 00', 'none', null, 5 * MIN],
  [initializeElementStatus(), '07 00 00 00 00 00', 'none', null, 30 * MIN],
  [initializeElementStatusWithRange({ start: 4096, count: 10 }), '37 01 1000 0000 000a 00 00', 'none', null, 30 * MIN],
  [initializeElementStatusWithRange({ start: 16, count: 2, fast: true, timeoutMs: MIN }), '37 03 0010 0000 0002 00 00', 'none', null, MIN],
  [readBlockLimits(), '05 00 00 00 00 00', 'from-device', 6, 10 * MIN],
  [readPosition('short'), '34 00 00 00 00 00 00 00 00 00', 'from-device', 20, 10 * MIN],
  [readPosition('long'), '34 06 00 00 00 00 00 00 00 00', 'from-device', 32, 10 * MIN],
  [logSense({ page: 0x2e }), '4d 00 6e 00 00 00 00 20 00 00', 'from-device', 8192, 10 * MIN],
  [logSense({ page: 0x17, pageControl: 'threshold', parameterPointer: 0x0100, allocationLength: 512 }), '4d 00 17 00 00 01 00 02 00 00', 'from-device', 512, 10 * MIN],
  [logSense({ page: 0x0d, subpage: 0x01, pageControl: 'default-cumulative' }), '4d 00 cd 01 00 00 00 20 00 00', 'from-device', 8192, 10 * MIN],
  [reportDensitySupport(), '44 00 00 00 00 00 00 20 00 00', 'from-device', 8192, 10 * MIN],
  [reportDensitySupport({ media: true, allocationLength: 1024 }), '44 01 00 00 00 00 00 04 00 00', 'from-device', 1024, 10 * MIN],
  [readAttribute(), '8c 00 00 00 00 00 00 00 0000 00008000 00 00', 'from-device', 32768, 10 * MIN],
  [
    readAttribute({ serviceAction: 'list', partition: 1, firstAttribute: 0x0400, allocationLength: 4096 }),
    '8c 01 00 00 00 00 00 01 0400 00001000 00 00',
    'from-device',
    4096,
    10 * MIN,
  ],
];

t.test('CDBs, directions, lengths, timeouts', async (t) => {
  for (const [cmd, cdb, direction, length, timeoutMs] of cases) {
    t.same(cmd.cdb, hex(cdb), `${cmd.name}: ${cdb}`);
    t.equal(cmd.direction, direction, `${cmd.name}: direction`);
    t.equal(cmd.direction === 'from-device' ? cmd.length : null, length, `${cmd.name}: transfer length`);
    t.equal(cmd.timeoutMs, timeoutMs, `${cmd.name}: timeout`);
  }
});

t.test('names say what the command is', async (t) => {
  t.equal(inquiryVpd(0x83).name, 'INQUIRY VPD page 83h');
  t.equal(readPosition('long').name, 'READ POSITION (long form)');
  t.equal(logSense({ page: 0x17 }).name, 'LOG SENSE page 17h');
  t.equal(readElementStatus({ type: 'storage' }).name, 'READ ELEMENT STATUS');
});

t.test('the default timeouts are exported per command', async (t) => {
  t.equal(TIMEOUTS.initializeElementStatus, 30 * MIN);
  t.equal(TIMEOUTS.moveMedium, 5 * MIN);
  t.equal(TIMEOUTS.logSense, 10 * MIN);
  t.equal(TIMEOUTS.inquiry, 30_000);
});

t.test('values that do not fit their field are RangeErrors before anything is sent', async (t) => {
  t.throws(() => moveMedium({ source: 65536, destination: 1 }), new RangeError('MOVE MEDIUM: source address 65536 does not fit in 16 bits'));
  t.throws(() => moveMedium({ source: -1, destination: 1 }), RangeError);
  t.throws(() => moveMedium({ source: 1.5, destination: 1 }), RangeError);
  t.throws(() => readElementStatus({ type: 'storage', allocationLength: 1 << 24 }), RangeError);
  t.throws(() => modeSense6({ page: 0x40 }), new RangeError('MODE SENSE(6): page code 64 does not fit in 6 bits'));
  t.throws(() => modeSense6({ page: 0x1d, allocationLength: 256 }), RangeError);
  t.throws(() => inquiryVpd(256), RangeError);
  t.throws(() => logSense({ page: 0x17, allocationLength: 65536 }), RangeError);
  t.throws(() => requestSense({ allocationLength: 256 }), RangeError);
  t.throws(() => initializeElementStatusWithRange({ start: 0, count: 70000 }), RangeError);
  t.throws(() => readAttribute({ partition: 256 }), RangeError);
});
