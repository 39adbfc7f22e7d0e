// `tapecoord drive status|inquiry|tapealert|position`: the readers against a fake SG_IO that answers
// with the responses captured from the labs/vtl drives (IBM ULT3580-TD8 as tgt emulates it) and with
// hand-built ones for what tgt lacks; the command's output and exit status; the built CLI on a
// simulated tape.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { decodeMtStatus, formatMtStatus, type MtStatus } from '../lib/drive/mtio.js';
import { openDrive, type OpenDriveOptions } from '../lib/cli/drive-access.js';
import { runDrive, type DriveIo } from '../lib/cli/drive.js';
import { formatDriveInquiry, formatDrivePosition, formatDriveStatus, formatTapeAlert } from '../lib/cli/drive-format.js';
import { DriveError, readDriveInquiry, readDrivePosition, readDriveStatus, readTapeAlert, type DriveAccess } from '../lib/cli/drive-report.js';
import type { SgIoResult } from '../lib/native/binding.js';
import { DeviceError } from '../lib/native/errors.js';
import type { SgIoFunction } from '../lib/scsi/command.js';
import { buildSysfs } from './changer/fixtures/sysfs/tree.js';
import { tempDir } from './helpers/tmp.js';
import { be, hex, modeSense6, vpd } from './scsi/fixtures/bytes.js';
import * as d from './scsi/fixtures/drive.js';
import { invalidFieldInCdb, notReadyNoMedium, powerOnReset } from './scsi/fixtures/sense.js';

interface Capture {
  device: string;
  label: string;
  cdb: string;
  status: number;
  driverStatus: number;
  resid: number;
  sense: string;
  data: string;
}
const { captures } = JSON.parse(readFileSync(join(import.meta.dirname, 'scsi', 'fixtures', 'vtl', 'captures.json'), 'utf8')) as { captures: Capture[] };

type Reply = Partial<SgIoResult>;
/** CDBs as lib/scsi builds them. */
const CDB = {
  inquiry: '120000006000',
  vpd00: '12010000fc00',
  vpd80: '12018000fc00',
  vpd83: '12018300fc00',
  blockLimits: '050000000000',
  modeSense6: '1a000f00ff00',
  tapeAlert: '4d006e00000000200000',
  positionLong: '34060000000000000000',
  positionShort: '34000000000000000000',
};
/** tgt's answer to an operation code it does not have: ILLEGAL REQUEST, invalid command operation code. */
const invalidOpcode = hex('70 00 05 00000000 0a 00000000 20 00 00 000000');
const checkCondition = (sense: Buffer): Reply => ({ status: 2, driverStatus: 8, sense });
/**
 * MODE SENSE(6) page 0Fh from the labs/vtl drive (`sg_raw -r 255 /dev/sg2 1a 00 0f 00 ff 00`), the
 * same with and without a cartridge: buffered mode 1, one block descriptor of zeros, no compression.
 */
const tgtModeSense6 = hex('1b 00 10 08 | 00 000000 00 000000 | 0f 0e 00 00 00000000 00000000 00000000');
/** The same after `mt setblk 65536` (st sets the block length with MODE SELECT). */
const tgtModeSense6Fixed64k = hex('1b 00 10 08 | 00 000000 00 010000 | 0f 0e 00 00 00000000 00000000 00000000');

/**
 * A drive behind a fake SG_IO: the labs/vtl drive's captured answers by CDB (captures.json and
 * the MODE SENSE(6) above), `answers` over them,
 * ILLEGAL REQUEST 20/00 for anything else (as tgt); the first `unitAttentions` commands get
 * UNIT ATTENTION 29/00 (as tgt after login).
 */
function fakeDrive(answers: Record<string, Reply> = {}, o: { unitAttentions?: number } = {}) {
  const replies = new Map<string, Reply>(
    captures
      .filter((c) => c.device === 'drive')
      .map((c) => [c.cdb, { status: c.status, driverStatus: c.driverStatus, resid: c.resid, sense: hex(c.sense), data: hex(c.data) }]),
  );
  replies.set(CDB.modeSense6, { data: tgtModeSense6 });
  for (const [cdb, reply] of Object.entries(answers)) replies.set(cdb, reply);
  const calls: string[] = [];
  let unitAttentions = o.unitAttentions ?? 0;
  const sgio: SgIoFunction = async (_fd, cdb) => {
    calls.push(cdb.toString('hex'));
    const reply = unitAttentions-- > 0 ? checkCondition(powerOnReset) : (replies.get(cdb.toString('hex')) ?? checkCondition(invalidOpcode));
    return { status: 0, maskedStatus: 0, hostStatus: 0, driverStatus: 0, resid: 0, durationMs: 1, info: 0, sense: Buffer.alloc(0), ...reply };
  };
  return { sgio, calls };
}

const RAW_BOT = { type: 0x72, resid: 0, dsreg: 0, gstat: 0x41010000, erreg: 0, fileno: 0, blkno: 0 };
const eio = (op: string) => new DeviceError(`/dev/nst0: ${op}: Input/output error`, 'EIO', 5, op, '/dev/nst0');

/** The st driver's side: MTIOCGET as given; MTIOCPOS a block number or, as on tgt, EIO. */
function fakeSt(raw = RAW_BOT, position: number | 'EIO' = 'EIO'): { status(): Promise<MtStatus>; tell(): Promise<number> } {
  return {
    status: async () => decodeMtStatus(raw),
    tell: async () => {
      if (position === 'EIO') throw eio('MTIOCPOS');
      return position;
    },
  };
}

function access(sgio: SgIoFunction | null, tape: DriveAccess['tape'] = fakeSt()): DriveAccess {
  return { device: '/dev/nst0', scsi: sgio ? { sgio, fd: 7 } : null, tape };
}

t.test('inquiry: the captured drive, as tapeinfo lists it', async (t) => {
  const { sgio, calls } = fakeDrive();
  const r = await readDriveInquiry(access(sgio));
  t.same(calls, [CDB.inquiry, CDB.vpd00, CDB.vpd80, CDB.vpd83, CDB.blockLimits], 'INQUIRY, VPD 00h, 80h, 83h, READ BLOCK LIMITS');
  t.match(r, {
    device: '/dev/nst0',
    peripheralDeviceType: 1,
    vendor: 'IBM',
    product: 'ULT3580-TD8',
    revision: '0100',
    removable: true,
    mediumChanger: false,
    serial: 'VTLDRV0001',
    blockLimits: { minimumBlockLength: 4, maximumBlockLength: 1048576, granularity: 9 },
  });
  t.same(
    r.identifiers.map((i) => [i.association, i.designatorTypeName, i.codeSet, i.text]),
    [
      ['logical unit', 'T10 vendor ID based', 'ascii', 'IET     00010002'],
      ['logical unit', 'NAA', 'binary', '3000000100000002'],
      ['logical unit', 'NAA', 'binary', '60000000000000000e00000000010002'],
    ],
  );
  t.notOk('designator' in r.identifiers[0]!, 'no raw bytes in the report');
  t.equal(
    formatDriveInquiry(r),
    [
      'Product Type: sequential access device (tape)',
      "Vendor ID: 'IBM'",
      "Product ID: 'ULT3580-TD8'",
      "Revision: '0100'",
      'Attached Changer API: No',
      "SerialNumber: 'VTLDRV0001'",
      'Identifier (logical unit, T10 vendor ID based): IET     00010002',
      'Identifier (logical unit, NAA): 3000000100000002',
      'Identifier (logical unit, NAA): 60000000000000000e00000000010002',
      'MinBlock: 4',
      'MaxBlock: 1048576',
      '',
    ].join('\n'),
  );
});

t.test('inquiry: an LTO-8 laid out by hand; pages the drive does not list are not asked', async (t) => {
  const td8 = { [CDB.inquiry]: { data: d.inquiryTd8 }, [CDB.vpd00]: { data: d.vpdSupported }, [CDB.vpd80]: { data: d.vpdSerialTd8 }, [CDB.vpd83]: { data: d.vpdIdentification }, [CDB.blockLimits]: { data: d.blockLimits } };
  const r = await readDriveInquiry(access(fakeDrive(td8).sgio));
  t.match(r, { revision: 'Q3H4', version: 6, serial: '1013000001', blockLimits: { minimumBlockLength: 1, maximumBlockLength: 8388608 } });
  t.same(
    r.identifiers.map((i) => [i.association, i.protocolIdentifier, i.text]),
    [
      ['logical unit', null, '5005076312345678'],
      ['logical unit', null, 'IBM     ULT3580-TD8     1013000001'],
      ['target port', 6, '5005076312345679'],
    ],
  );
  const only83 = fakeDrive({ ...td8, [CDB.vpd00]: { data: vpd(0x01, 0x00, hex('00 83')) } });
  const r2 = await readDriveInquiry(access(only83.sgio));
  t.equal(r2.serial, null);
  t.notOk(only83.calls.includes(CDB.vpd80), 'VPD 80h not asked');
  t.match(formatDriveInquiry(r2), /^SerialNumber: \(no VPD page 80h\)$/m);
  const none = fakeDrive({ ...td8, [CDB.vpd00]: checkCondition(invalidFieldInCdb) });
  const r3 = await readDriveInquiry(access(none.sgio));
  t.same([r3.serial, r3.identifiers], [null, []], 'no VPD pages at all (VPD 00h refused)');
  t.same(none.calls, [CDB.inquiry, CDB.vpd00, CDB.blockLimits]);
});

t.test('a UNIT ATTENTION is taken once and the command sent again; a second one fails', async (t) => {
  const once = fakeDrive({}, { unitAttentions: 1 });
  t.equal((await readDriveInquiry(access(once.sgio))).vendor, 'IBM');
  t.same(once.calls.slice(0, 2), [CDB.inquiry, CDB.inquiry]);
  const twice = fakeDrive({}, { unitAttentions: 2 });
  await t.rejects(readDriveInquiry(access(twice.sgio)), {
    name: 'ScsiError',
    message: 'INQUIRY (12h): UNIT ATTENTION: power on, reset, or bus device reset occurred (6/29/00)',
  });
  t.equal(twice.calls.length, 2);
});

t.test('status: MTIOCGET as mt prints it, then block limits, density, write protect and compression', async (t) => {
  const { sgio, calls } = fakeDrive();
  const r = await readDriveStatus(access(sgio));
  t.same(calls, [CDB.blockLimits, CDB.modeSense6]);
  t.same(r.mode, {
    densityCode: 0,
    blockLength: 0,
    writeProtected: false,
    bufferedMode: 1,
    compression: { compressionEnabled: false, compressionCapable: false, decompressionEnabled: false, reportExceptionOnDecompression: 0, compressionAlgorithm: 0, decompressionAlgorithm: 0 },
  }, 'what tgt reports: no compression, buffered mode 1, no density');
  t.equal(
    formatDriveStatus(r),
    formatMtStatus(decodeMtStatus(RAW_BOT)) +
      '\n' +
      [
        'MinBlock: 4',
        'MaxBlock: 1048576',
        'Density Code: 0x0',
        'BlockSize: 0',
        'Write Protect: no',
        'BufferedMode: yes',
        'DataCompEnabled: no',
        'DataCompCapable: no',
        'DataDeCompEnabled: no',
        'CompType: 0x0',
        'DeCompType: 0x0',
        '',
      ].join('\n'),
  );

  // an LTO-8 cartridge, write protected, compressing: MODE SENSE(6) laid out by hand
  const lto8 = modeSense6([hex('0f 0e c0 80 00 00 00 01 00 00 00 01 00 00 00 00')], { deviceSpecific: 0x90, blockDescriptors: [hex('5e 00 00 00 00 04 00 00')] });
  const r2 = await readDriveStatus(access(fakeDrive({ [CDB.modeSense6]: { data: lto8 } }).sgio));
  t.match(r2.mode, { densityCode: 0x5e, blockLength: 0x040000, writeProtected: true, bufferedMode: 1, compression: { compressionEnabled: true, compressionCapable: true, compressionAlgorithm: 1 } });
  t.match(formatDriveStatus(r2), /Density Code: 0x5e\nBlockSize: 262144\nWrite Protect: yes\n.*\nDataCompEnabled: yes\nDataCompCapable: yes\nDataDeCompEnabled: yes\nCompType: 0x1\nDeCompType: 0x1\n$/);

  const fixed = await readDriveStatus(access(fakeDrive({ [CDB.modeSense6]: { data: tgtModeSense6Fixed64k } }).sgio));
  t.equal(fixed.mode?.blockLength, 65536, 'fixed-block mode as st set it');

  const noPage = modeSense6([], { deviceSpecific: 0x10 });
  await t.rejects(readDriveStatus(access(fakeDrive({ [CDB.modeSense6]: { data: noPage } }).sgio)), {
    name: 'ScsiParseError',
    message: /mode page 0Fh is not in the response/,
  });

  const sim = await readDriveStatus(access(null));
  t.same([sim.blockLimits, sim.mode], [null, null], 'a simulated tape: st status only');
  t.equal(formatDriveStatus(sim), formatMtStatus(decodeMtStatus(RAW_BOT)) + '\n');
  const sgOnly = await readDriveStatus(access(sgio, null));
  t.equal(sgOnly.mt, null, 'an sg node whose st node is unknown: SCSI only');
  t.match(formatDriveStatus(sgOnly), /^MinBlock: 4\n/);
});

t.test('tapealert: the flags set with names and severities; tgt has no LOG SENSE', async (t) => {
  const r = await readTapeAlert(access(fakeDrive({ [CDB.tapeAlert]: { data: d.tapeAlert } }).sgio));
  t.same(r.flags, [
    { code: 3, name: 'hard error', severity: 'warning' },
    { code: 0x14, name: 'cleaning required', severity: 'critical' },
  ]);
  t.equal(formatTapeAlert(r), 'TapeAlert[3]: hard error (warning)\nTapeAlert[20]: cleaning required (critical)\n');
  const clear = Buffer.concat([hex('2e 00'), be(64 * 5, 2), ...Array.from({ length: 64 }, (_, i) => Buffer.concat([be(i + 1, 2), hex('03 01 00')]))]);
  t.equal(formatTapeAlert(await readTapeAlert(access(fakeDrive({ [CDB.tapeAlert]: { data: clear } }).sgio))), 'no TapeAlert flags set\n');
  await t.rejects(readTapeAlert(access(fakeDrive().sgio)), {
    name: 'ScsiError',
    message: 'LOG SENSE page 2Eh (4Dh): ILLEGAL REQUEST: invalid command operation code (5/20/00)',
    senseKey: 5,
    asc: 0x20,
    ascq: 0,
  });
  await t.rejects(readTapeAlert(access(null)), { name: 'DriveError', message: '/dev/nst0: LOG SENSE page 2Eh needs a SCSI drive; a simulated tape has no SCSI pass-through' });
});

t.test('position: READ POSITION long form, else short; MTIOCPOS; MTIOCGET; each failure kept', async (t) => {
  const atFile1 = { ...RAW_BOT, gstat: 0x81010000, fileno: 1, blkno: 0 };
  const long = await readDrivePosition(access(fakeDrive({ [CDB.positionLong]: { data: d.positionLong } }).sgio, fakeSt(atFile1, 1234)));
  t.match(long, { readPosition: { form: 'long', position: { partition: 1, blockNumber: 5_000_000_000, fileNumber: 42 } }, fileNumber: 1, blockNumber: 0, failures: [] });
  t.equal(formatDrivePosition(long), `READ POSITION (long form): partition 1, block 5000000000, file 42\nMTIOCPOS: block 1234\nMTIOCGET: file 1, block 0\n`);

  // an SSC-2 drive refuses the long form's service action: the short form answers
  const short = await readDrivePosition(
    access(fakeDrive({ [CDB.positionLong]: checkCondition(invalidFieldInCdb), [CDB.positionShort]: { data: d.positionShortUnknown } }).sgio, fakeSt(RAW_BOT, 0)),
  );
  t.match(short.readPosition, { form: 'short', position: { beginningOfPartition: true, firstBlock: null, blocksInBuffer: null } });
  t.same(short.failures.map((f) => [f.operation, f.sense?.asc]), [['READ POSITION (long form)', 0x24]]);
  t.equal(
    formatDrivePosition(short),
    'READ POSITION (short form): partition 0, first block unknown, last block unknown, buffered unknown blocks / 0 bytes (BOP)\n' +
      'MTIOCPOS: block 0\nMTIOCGET: file 0, block 0\n' +
      'failed: READ POSITION (long form) (34h): ILLEGAL REQUEST: invalid field in CDB (5/24/00), invalid field in CDB byte 6 bit 0\n',
  );

  // what labs/vtl's tgt answered with a cartridge at file 1 (after three blocks and a filemark):
  // GOOD, 32 bytes, byte 0 = 20h and zeros; st's MTIOCPOS fails with EIO
  const tgt = await readDrivePosition(access(fakeDrive({ [CDB.positionLong]: { data: Buffer.concat([hex('20'), Buffer.alloc(31)]) } }).sgio, fakeSt(atFile1)));
  t.match(tgt, { readPosition: { form: 'long', position: { blockNumber: 0, fileNumber: 0, beginningOfPartition: false } }, logicalBlock: null, fileNumber: 1 });
  t.same(tgt.failures, [{ operation: 'MTIOCPOS', message: '/dev/nst0: MTIOCPOS: Input/output error', sense: null, code: 'EIO' }]);

  // no cartridge: NOT READY is not a missing long form, so the short form is not tried
  const empty = fakeDrive({ [CDB.positionLong]: checkCondition(notReadyNoMedium) });
  const none = await readDrivePosition(access(empty.sgio, fakeSt({ ...RAW_BOT, gstat: 0x50000, fileno: -1, blkno: -1 })));
  t.same(empty.calls, [CDB.positionLong]);
  t.same(
    none.failures.map((f) => f.message),
    ['READ POSITION (long form) (34h): NOT READY: medium not present (2/3A/00)', '/dev/nst0: MTIOCPOS: Input/output error'],
  );
  t.same([none.readPosition, none.logicalBlock, none.fileNumber, none.blockNumber], [null, null, -1, -1]);

  // an answer that does not parse is a failure of that step too
  const cut = await readDrivePosition(access(fakeDrive({ [CDB.positionLong]: { data: Buffer.alloc(20) } }).sgio, fakeSt(RAW_BOT, 0)));
  t.match(cut.failures, [{ operation: 'READ POSITION (long form)', message: /needs 32 bytes, 20 left/ }]);
  t.equal(cut.logicalBlock, 0);

  const sim = await readDrivePosition(access(null, fakeSt(RAW_BOT, 0)));
  t.same(sim, { device: '/dev/nst0', readPosition: null, logicalBlock: 0, fileNumber: 0, blockNumber: 0, failures: [] }, 'a simulated tape: MTIOCPOS and MTIOCGET');
});

/** runDrive's I/O: `drive` opened for every device, the output collected. */
function fakeIo(drive: DriveAccess | Error) {
  const seen = { stdout: '', stderr: '', opened: [] as [string, OpenDriveOptions][], closed: 0 };
  const io: DriveIo = {
    open: async (device, o) => {
      seen.opened.push([device, o]);
      if (drive instanceof Error) throw drive;
      return { ...drive, device, close: async () => void seen.closed++ };
    },
    stdout: (text) => void (seen.stdout += text),
    stderr: (text) => void (seen.stderr += text),
  };
  return { io, seen };
}

t.test('runDrive: output, JSON, exit status, the message naming the device and the command', async (t) => {
  const ok = fakeIo(access(fakeDrive().sgio));
  t.equal(await runDrive('inquiry', { device: '/dev/sg2', json: true }, ok.io), 0);
  t.match(JSON.parse(ok.seen.stdout), { device: '/dev/sg2', vendor: 'IBM', serial: 'VTLDRV0001', identifiers: [{ text: 'IET     00010002' }] });
  t.same([ok.seen.stderr, ok.seen.closed, ok.seen.opened], ['', 1, [['/dev/sg2', { tape: false }]]], 'inquiry does not open the st node');

  const status = fakeIo(access(fakeDrive().sgio));
  t.equal(await runDrive('status', { device: '/dev/nst0', json: true }, status.io), 0);
  const json = JSON.parse(status.seen.stdout);
  t.match(json, { mt: { fileno: 0, blkno: 0, flags: ['BOT', 'ONLINE', 'IM_REP_EN'] }, blockLimits: { maximumBlockLength: 1048576 }, mode: { bufferedMode: 1 } });
  t.notOk('raw' in json.mt, "MTIOCGET's raw struct left out, as tapecoord status --json");
  t.same(status.seen.opened[0]![1], { tape: true });

  const alert = fakeIo(access(fakeDrive().sgio));
  t.equal(await runDrive('tapealert', { device: '/dev/nst0' }, alert.io), 1, 'tgt has no LOG SENSE: exit 1');
  t.equal(alert.seen.stdout, '');
  t.equal(alert.seen.stderr, 'tapecoord drive tapealert: /dev/nst0: LOG SENSE page 2Eh (4Dh): ILLEGAL REQUEST: invalid command operation code (5/20/00)\n');
  t.equal(alert.seen.closed, 1, 'closed after the failure');
  const alertJson = fakeIo(access(fakeDrive().sgio));
  t.equal(await runDrive('tapealert', { device: '/dev/nst0', json: true }, alertJson.io), 1);
  t.same(JSON.parse(alertJson.seen.stdout), {
    device: '/dev/nst0',
    error: {
      operation: 'LOG SENSE page 2Eh',
      message: '/dev/nst0: LOG SENSE page 2Eh (4Dh): ILLEGAL REQUEST: invalid command operation code (5/20/00)',
      sense: { senseKey: 5, senseKeyName: 'ILLEGAL REQUEST', asc: 0x20, ascq: 0, description: 'invalid command operation code' },
      code: null,
    },
  });

  const tgt = fakeIo(access(fakeDrive({ [CDB.positionLong]: { data: Buffer.concat([hex('20'), Buffer.alloc(31)]) } }).sgio));
  t.equal(await runDrive('position', { device: '/dev/nst0' }, tgt.io), 0, 'READ POSITION answered: exit 0, the MTIOCPOS failure reported');
  t.equal(tgt.seen.stdout, 'READ POSITION (long form): partition 0, block 0, file 0\nMTIOCGET: file 0, block 0\nfailed: /dev/nst0: MTIOCPOS: Input/output error\n');
  const nowhere = fakeIo(access(fakeDrive().sgio));
  t.equal(await runDrive('position', { device: '/dev/nst0' }, nowhere.io), 1, 'no long form, the short form captured without a cartridge, EIO from st: no position');
  t.equal(
    nowhere.seen.stderr,
    'tapecoord drive position: /dev/nst0: no position: READ POSITION (long form) (34h): ILLEGAL REQUEST: invalid command operation code (5/20/00); ' +
      'READ POSITION (short form) (34h): NOT READY: medium not present (2/3A/00); /dev/nst0: MTIOCPOS: Input/output error\n',
  );

  const changer = fakeIo(new DriveError('/dev/sg1: [0:0:0:1] STK L700 is a medium changer, not a tape drive'));
  t.equal(await runDrive('status', { device: '/dev/sg1' }, changer.io), 1);
  t.equal(changer.seen.stderr, 'tapecoord drive status: /dev/sg1: [0:0:0:1] STK L700 is a medium changer, not a tape drive\n');
  t.equal(changer.seen.closed, 0, 'nothing opened, nothing closed');
  const busy = fakeIo(new DeviceError('/dev/nst0: open: Device or resource busy', 'EBUSY', 16, 'open', '/dev/nst0'));
  t.equal(await runDrive('status', { device: '/dev/nst0', json: true }, busy.io), 1);
  t.match(JSON.parse(busy.seen.stdout), { error: { operation: 'open', code: 'EBUSY', message: '/dev/nst0: open: Device or resource busy' } });

  const bug = fakeIo(access(async () => {
    throw new TypeError('a bug');
  }));
  await t.rejects(runDrive('inquiry', { device: '/dev/nst0' }, bug.io), TypeError, 'a bug is not a device error: it propagates');
  t.equal(bug.seen.closed, 1);
});

t.test('openDrive: sysfs says what a node is; changers and other files are refused by name', async (t) => {
  const dir = tempDir(t);
  const sysRoot = buildSysfs(join(dir, 'sys'));
  for (const n of ['sg1', 'sg2', 'sda']) writeFileSync(join(dir, n), '');
  await t.rejects(openDrive(join(dir, 'sg1'), { tape: false, sysRoot }), {
    name: 'DriveError',
    message: `${join(dir, 'sg1')}: [0:0:0:1] STK L700 is a medium changer, not a tape drive`,
  });
  await t.rejects(openDrive(join(dir, 'sda'), { tape: false, sysRoot }), { name: 'DriveError', message: /sda: not a tape drive/ });
  const sg = await openDrive(join(dir, 'sg2'), { tape: false, sysRoot });
  t.ok(sg.scsi && sg.scsi.fd >= 0, 'the sg node opened for SG_IO');
  t.equal(sg.tape, null, 'its st node not opened when not wanted');
  await sg.close();
  await t.rejects(openDrive(join(dir, 'missing'), { tape: false, sysRoot }), { code: 'ENOENT' });
});

t.test('the built CLI on a simulated tape: status and position; SCSI-only commands refused clearly', async (t) => {
  const bin = resolve(import.meta.dirname, '..', 'bin', 'tapecoord');
  const run = (...args: string[]) => {
    const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const dir = tempDir(t);
  writeFileSync(join(dir, 'in'), Buffer.alloc(40000, 7));
  const sim = `sim:${join(dir, 't.simtape')}`;
  t.equal(run('stream', '-i', join(dir, 'in'), '-o', sim, '-b', '16k', '--filemark').status, 0);

  const status = run('drive', 'status', '--device', sim);
  t.equal(status.status, 0, status.stderr);
  t.match(status.stdout, /^SCSI 2 tape drive:\nFile number=0, block number=0, partition=0\.\n/);
  t.notMatch(status.stdout, /MinBlock/, 'no SCSI part');
  const position = run('drive', 'position', '--device', sim, '--json');
  t.equal(position.status, 0, position.stderr);
  t.same(JSON.parse(position.stdout), { device: sim, readPosition: null, logicalBlock: 0, fileNumber: 0, blockNumber: 0, failures: [] });

  for (const [sub, command] of [['inquiry', 'INQUIRY'], ['tapealert', 'LOG SENSE page 2Eh']] as const) {
    const r = run('drive', sub, '--device', sim);
    t.equal(r.status, 1, `${sub} on a sim`);
    t.equal(r.stderr, `tapecoord drive ${sub}: ${sim}: ${command} needs a SCSI drive; a simulated tape has no SCSI pass-through\n`);
  }
  const file = run('drive', 'status', '--device', join(dir, 'in'));
  t.equal(file.status, 1);
  t.match(file.stderr, /in: not a tape drive/);
  const missing = run('drive', 'inquiry', '--device', join(dir, 'nst9'));
  t.equal(missing.status, 1);
  t.match(missing.stderr, /^tapecoord drive inquiry: .*nst9: ENOENT/);
  const noDevice = run('drive', 'status');
  t.not(noDevice.status, 0);
  t.match(noDevice.stderr, /required option '--device <device>' not specified/);
});
