// lib/changer/discovery.ts on a copy of the labs/vtl guest's /sys (fixtures/sysfs/vtl.txt), and the
// pairing of data transfer elements with drives by serial number.
import t, { type Test } from 'tap';
import { readFileSync, renameSync, rmSync, symlinkSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  discoverDevices,
  discoverTapes,
  findDeviceByPath,
  inquireUnitSerialNumber,
  matchDrivesBySerial,
  type DiscoveredTape,
} from '../../lib/changer/discovery.js';
import type { SgIoResult } from '../../lib/native/binding.js';
import type { SgIoFunction } from '../../lib/scsi/command.js';
import { parseElementStatus } from '../../lib/scsi/element-status.js';
import { tempDir } from '../helpers/tmp.js';
import { hex } from '../scsi/fixtures/bytes.js';
import { powerOnReset } from '../scsi/fixtures/sense.js';
import { buildSysfs, VTL_DEVICES } from './fixtures/sysfs/tree.js';

interface Capture {
  device: string;
  label: string;
  data: string;
}
const { captures } = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'scsi', 'fixtures', 'vtl', 'captures.json'), 'utf8')) as { captures: Capture[] };
const captured = (device: string, label: string) => Buffer.from(captures.find((c) => c.device === device && c.label === label)!.data, 'hex');

/** A fake SG_IO answering every call from `replies` in turn (the last one repeats). */
function fakeSgio(...replies: Partial<SgIoResult>[]) {
  const calls: Buffer[] = [];
  const sgio: SgIoFunction = async (_fd, cdb) => {
    const reply = replies[Math.min(calls.length, replies.length - 1)]!;
    calls.push(cdb);
    return { status: 0, maskedStatus: 0, hostStatus: 0, driverStatus: 0, resid: 0, durationMs: 1, info: 0, sense: Buffer.alloc(0), ...reply };
  };
  return { sgio, calls };
}

/** The guest's /sys and an empty /dev in a temporary directory. */
function vtl(t: Test) {
  const dir = tempDir(t);
  const sysRoot = buildSysfs(join(dir, 'sys'));
  const devRoot = join(dir, 'dev');
  mkdirSync(devRoot);
  return { dir, sysRoot, devRoot, device: (hctl: string) => join(sysRoot, VTL_DEVICES, hctl) };
}

t.test('the guest: a controller, the changer and two drives, with their nodes and serials, as lsscsi lists them', async (t) => {
  const { sysRoot, device } = vtl(t);
  const devices = await discoverDevices({ sysRoot });
  // lsscsi -g in the guest:
  //   [0:0:0:0] storage IET Controller  0001 -         /dev/sg0
  //   [0:0:0:1] mediumx STK L700        0100 /dev/sch0 /dev/sg1
  //   [0:0:0:2] tape    IBM ULT3580-TD8 0100 /dev/st0  /dev/sg2
  //   [0:0:0:3] tape    IBM ULT3580-TD8 0100 /dev/st1  /dev/sg3
  t.same(
    devices.map((d) => [d.hctl, d.kind, d.peripheralDeviceType, d.vendor, d.product, d.revision, d.sg]),
    [
      ['0:0:0:0', 'other', 12, 'IET', 'Controller', '0001', '/dev/sg0'],
      ['0:0:0:1', 'changer', 8, 'STK', 'L700', '0100', '/dev/sg1'],
      ['0:0:0:2', 'tape', 1, 'IBM', 'ULT3580-TD8', '0100', '/dev/sg2'],
      ['0:0:0:3', 'tape', 1, 'IBM', 'ULT3580-TD8', '0100', '/dev/sg3'],
    ],
  );
  t.match(devices[1], { kind: 'changer', sch: '/dev/sch0', serial: 'VTLLIB0001', serialSource: 'sysfs' });
  t.match(devices[2], { kind: 'tape', st: '/dev/st0', nst: '/dev/nst0', serial: 'VTLDRV0001', serialSource: 'sysfs', serialError: null });
  t.match(devices[3], { kind: 'tape', st: '/dev/st1', nst: '/dev/nst1', serial: 'VTLDRV0002' }, 'mode 0 nodes, not st1a/st1l/st1m');
  t.same(devices[2]!.address, { host: 0, channel: 0, target: 0, lun: 2 });
  t.equal(devices[2]!.sysfsPath, device('0:0:0:2'), 'the directory under /sys/devices, links resolved');
  t.equal(devices[0]!.serial, 'beaf10', "tgt's controller has a serial too");
  t.same(
    (await discoverTapes({ sysRoot })).map((d) => d.nst),
    ['/dev/nst0', '/dev/nst1'],
  );
  t.equal((await discoverDevices({ sysRoot, devRoot: '/somewhere/dev' }))[2]!.sg, '/somewhere/dev/sg2', 'nodes under devRoot');
});

t.test('order is numeric H:C:T:L; unbound drivers give null nodes; no SCSI at all gives an empty list', async (t) => {
  const { dir, sysRoot, device } = vtl(t);
  const add = (hctl: string) => {
    const d = join(sysRoot, 'devices', 'extra', hctl);
    mkdirSync(d, { recursive: true });
    for (const [f, v] of [['type', '1\n'], ['vendor', 'HP      \n'], ['model', 'Ultrium 6-SCSI  \n'], ['rev', '35GD\n']]) writeFileSync(join(d, f!), v!);
    symlinkSync(d, join(sysRoot, 'bus', 'scsi', 'devices', hctl));
  };
  add('0:0:0:10');
  add('10:0:0:0');
  add('2:0:1:0');
  const devices = await discoverDevices({ sysRoot });
  t.same(
    devices.map((d) => d.hctl),
    ['0:0:0:0', '0:0:0:1', '0:0:0:2', '0:0:0:3', '0:0:0:10', '2:0:1:0', '10:0:0:0'],
  );
  t.match(devices[4], { kind: 'tape', vendor: 'HP', product: 'Ultrium 6-SCSI', sg: null, st: null, nst: null, serial: null, serialSource: null });

  rmSync(join(device('0:0:0:3'), 'scsi_tape'), { recursive: true });
  t.match((await discoverDevices({ sysRoot }))[3], { kind: 'tape', st: null, nst: null, sg: '/dev/sg3' }, 'st not bound');
  t.same(await discoverDevices({ sysRoot: join(dir, 'nothing') }), [], 'no /sys/bus/scsi');
});

t.test('vpd_pg80: missing, empty or not page 80h gives no serial (unless the device is asked)', async (t) => {
  const { sysRoot, device } = vtl(t);
  rmSync(join(device('0:0:0:2'), 'vpd_pg80'));
  writeFileSync(join(device('0:0:0:3'), 'vpd_pg80'), Buffer.alloc(0));
  writeFileSync(join(device('0:0:0:1'), 'vpd_pg80'), hex('08 83 00 04 01 02 03 04'));
  writeFileSync(join(device('0:0:0:0'), 'vpd_pg80'), hex('0c 80 00 24 20 20'));
  const devices = await discoverDevices({ sysRoot });
  t.same(
    devices.map((d) => [d.serial, d.serialSource, d.serialError]),
    [
      [null, null, null],
      [null, null, null],
      [null, null, null],
      [null, null, null],
    ],
    'page 83h, a cut page, an empty attribute and none: no serial, and no device asked without sgio',
  );
  writeFileSync(join(device('0:0:0:3'), 'vpd_pg80'), hex('01 80 00 04 20 20 20 20'));
  t.equal((await discoverDevices({ sysRoot }))[3]!.serial, null, 'a serial of spaces is none');
});

t.test('the fallback: INQUIRY VPD 80h through the sg node when sysfs has no vpd_pg80, a UNIT ATTENTION taken once', async (t) => {
  const { sysRoot, devRoot, device } = vtl(t);
  for (const hctl of ['0:0:0:0', '0:0:0:1', '0:0:0:2', '0:0:0:3']) rmSync(join(device(hctl), 'vpd_pg80'));
  writeFileSync(join(devRoot, 'sg2'), ''); // the node; a fake sgio answers for it
  const { sgio, calls } = fakeSgio({ status: 2, driverStatus: 8, sense: powerOnReset }, { data: captured('drive', 'vpd 80'), resid: 212 });
  const devices = await discoverDevices({ sysRoot, devRoot, sgio });
  t.match(devices[2], { serial: 'VTLDRV0001', serialSource: 'inquiry', serialError: null });
  t.same(
    calls.map((c) => c.toString('hex')),
    ['12018000fc00', '12018000fc00'],
    'INQUIRY EVPD page 80h, sent again after the unit attention',
  );
  t.match(devices[3], { serial: null, serialSource: null, serialError: /ENOENT/ }, 'sg3 is not there: the error is kept');

  const refused = fakeSgio({ status: 2, driverStatus: 8, sense: hex('70 00 05 00000000 0a 00000000 24 00 00 000000') });
  const again = await discoverDevices({ sysRoot, devRoot, sgio: refused.sgio });
  t.match(again[2], { serial: null, serialError: 'INQUIRY VPD page 80h (12h): ILLEGAL REQUEST: invalid field in CDB (5/24/00)' });

  const twice = fakeSgio({ status: 2, driverStatus: 8, sense: powerOnReset });
  await t.rejects(inquireUnitSerialNumber(twice.sgio, join(devRoot, 'sg2')), { name: 'ScsiError', senseKey: 6 }, 'one retry only');
  t.equal(twice.calls.length, 2);
});

t.test('findDeviceByPath: a node, or a link to one, back to its logical unit through /sys/class', async (t) => {
  const { dir, sysRoot, devRoot } = vtl(t);
  for (const n of ['nst0', 'st1l', 'sg2', 'sg1', 'sch0', 'sda']) writeFileSync(join(devRoot, n), '');
  mkdirSync(join(devRoot, 'tape', 'by-id'), { recursive: true });
  symlinkSync('../../nst0', join(devRoot, 'tape', 'by-id', 'scsi-3600000000000000e00000000010002-nst'));
  const find = async (p: string) => {
    const r = await findDeviceByPath(join(devRoot, p), { sysRoot });
    return r && [r.driver, r.device.hctl, r.device.kind];
  };
  t.same(await find('nst0'), ['st', '0:0:0:2', 'tape']);
  t.same(await find('tape/by-id/scsi-3600000000000000e00000000010002-nst'), ['st', '0:0:0:2', 'tape'], 'symlinks resolved');
  t.same(await find('st1l'), ['st', '0:0:0:3', 'tape'], 'any st mode node');
  t.same(await find('sg2'), ['sg', '0:0:0:2', 'tape']);
  t.same(await find('sg1'), ['sg', '0:0:0:1', 'changer']);
  t.same(await find('sch0'), ['ch', '0:0:0:1', 'changer']);
  t.equal(await find('sda'), null, 'not a node of st, sg or ch');
  const r = await findDeviceByPath(join(devRoot, 'sg2'), { sysRoot });
  t.match(r?.device, { nst: '/dev/nst0', serial: 'VTLDRV0001' }, "an sg node finds its drive's st node and serial");
  await t.rejects(findDeviceByPath(join(dir, 'missing'), { sysRoot }), { code: 'ENOENT' });
  renameSync(join(sysRoot, 'class'), join(sysRoot, 'class-gone'));
  t.equal(await find('nst0'), null, 'no /sys/class (a container): nothing found');
});

/** Drives as discovery returns them, with only what the pairing reads. */
function tape(nst: string, serial: string | null): DiscoveredTape {
  return { kind: 'tape', nst, st: nst.replace('/nst', '/st'), serial } as DiscoveredTape;
}

t.test('matchDrivesBySerial: exact first, then one serial the tail of the other; each drive once; nothing doubtful', async (t) => {
  const tapes = [tape('/dev/nst0', 'VTLDRV0001'), tape('/dev/nst1', 'VTLDRV0002')];
  const pairs = (drives: { index: number; serial: string | null }[], list = tapes) =>
    matchDrivesBySerial(drives, list).map((m) => [m.index, m.device, m.match]);

  t.same(pairs([{ index: 0, serial: 'VTLDRV0002' }, { index: 1, serial: 'VTLDRV0001' }]), [
    [0, '/dev/nst1', 'exact'],
    [1, '/dev/nst0', 'exact'],
  ]);
  t.same(pairs([{ index: 0, serial: '   VTLDRV0001\0\0 ' }]), [[0, '/dev/nst0', 'exact']], 'padding trimmed');
  t.same(
    pairs([{ index: 0, serial: 'IBM     ULT3580-TD8     VTLDRV0002' }]),
    [[0, '/dev/nst1', 'suffix']],
    'a DVCID T10 vendor ID designator: vendor, product, then the serial',
  );
  t.same(pairs([{ index: 0, serial: '2VTLDRV0001' }], [tape('/dev/nst0', 'IBM2VTLDRV0001')]), [[0, '/dev/nst0', 'suffix']], 'the drive serial the longer one');
  t.same(pairs([{ index: 0, serial: 'VTLDRV00' }]), [[0, null, null]], 'a serial tgt cut short (labs/vtl bug 5) pairs with nothing');
  t.same(pairs([{ index: 0, serial: null }, { index: 1, serial: '' }]), [
    [0, null, null],
    [1, null, null],
  ]);
  t.same(pairs([{ index: 0, serial: 'VTLDRV0009' }]), [[0, null, null]], 'a drive not attached to this host');
  t.same(pairs([{ index: 0, serial: 'XX-000001' }], [tape('/dev/nst0', '000001'), tape('/dev/nst1', 'X-000001')]), [[0, null, null]], 'two candidates: none');
  t.same(pairs([{ index: 0, serial: 'VTLDRV0001' }], [tape('/dev/nst0', '0001')]), [[0, null, null]], 'a 4-character tail is too weak');
  t.same(
    pairs([{ index: 0, serial: 'VTLDRV0001' }, { index: 1, serial: 'VTLDRV0001' }]),
    [
      [0, '/dev/nst0', 'exact'],
      [1, null, null],
    ],
    'one drive, one element',
  );
  // element 0 names drive B exactly and has drive A's serial as its tail; element 1 names A exactly
  const ab = [tape('/dev/nst0', '1013000001'), tape('/dev/nst1', 'X1013000001')];
  t.same(
    pairs([{ index: 0, serial: 'X1013000001' }, { index: 1, serial: '1013000001' }], ab),
    [
      [0, '/dev/nst1', 'exact'],
      [1, '/dev/nst0', 'exact'],
    ],
    'exact matches of every element come before any suffix match',
  );
  t.same(
    pairs([{ index: 0, serial: 'Z1013000001' }, { index: 1, serial: '1013000001' }], ab),
    [
      [0, null, null],
      [1, '/dev/nst0', 'exact'],
    ],
    'a suffix match cannot take a drive another element names exactly',
  );
  const [m] = matchDrivesBySerial([{ index: 3, serial: 'VTLDRV0002' }], tapes);
  t.equal(m!.tape, tapes[1], 'the discovered drive itself');
  t.equal(m!.serial, 'VTLDRV0002', 'the serial as the changer gave it');
});

t.test("the guest's changer DVCID report paired with the guest's drives", async (t) => {
  const { sysRoot } = vtl(t);
  const report = parseElementStatus(captured('changer', 'element status data-transfer voltag dvcid'), { partial: true });
  const drives = report.elements.map((e, index) => ({ index, serial: e.identifier?.serial ?? null }));
  t.equal(drives[0]!.serial, 'VTLDRV0001');
  const mapping = matchDrivesBySerial(drives, await discoverTapes({ sysRoot }));
  t.same(
    mapping.map((m) => [m.index, m.device, m.match]),
    [
      [0, '/dev/nst0', 'exact'],
      [1, null, null],
    ],
    "drive 1's serial is what tgt cuts off the report: it stays unmapped rather than guessed",
  );
  // the same report with the whole identifier text (vendor, product, serial) as some changers' serial field
  const whole = report.elements.map((e, index) => ({ index, serial: e.identifier?.text ?? null }));
  t.match(whole[0]!.serial, /^IBM\s+ULT3580-TD8\s+VTLDRV0001$/);
  t.same(matchDrivesBySerial(whole, await discoverTapes({ sysRoot }))[0]!.match, 'suffix');
});
