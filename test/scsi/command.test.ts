// runCommand through a fake SG_IO: GOOD, CHECK CONDITION, recovered errors, transport failures.
import t from 'tap';
import type { SgIoResult } from '../../lib/native/binding.js';
import { runCommand, type SgIoFunction, statusName } from '../../lib/scsi/command.js';
import { inquiry } from '../../lib/scsi/inquiry.js';
import { moveMedium } from '../../lib/scsi/medium-changer.js';
import { ScsiError } from '../../lib/scsi/scsi-error.js';
import { SenseKey } from '../../lib/scsi/sense.js';
import { testUnitReady } from '../../lib/scsi/unit.js';
import { hex } from './fixtures/bytes.js';
import { inquiryTd8 } from './fixtures/drive.js';
import * as s from './fixtures/sense.js';

/** A fake sgio that records its call and answers with `reply`. */
function fake(reply: Partial<SgIoResult>) {
  const calls: unknown[][] = [];
  const sgio: SgIoFunction = async (...args) => {
    calls.push(args);
    return { status: 0, maskedStatus: 0, hostStatus: 0, driverStatus: 0, resid: 0, durationMs: 3, info: 0, sense: Buffer.alloc(0), ...reply };
  };
  return { sgio, calls };
}

t.test('GOOD: the data, and the call as sgio gets it', async (t) => {
  const { sgio, calls } = fake({ data: inquiryTd8, resid: 32 });
  const cmd = inquiry();
  const r = await runCommand(sgio, 7, cmd);
  t.same(calls, [[7, cmd.cdb, 'from-device', 96, 30_000]]);
  t.equal(r.data, inquiryTd8);
  t.equal(r.residual, 32);
  t.equal(r.sense, null);
  t.equal(r.durationMs, 3);

  const none = fake({});
  const tur = await runCommand(none.sgio, 3, testUnitReady());
  t.same(none.calls[0]!.slice(2, 4), ['none', null], "direction 'none' passes no buffer");
  t.equal(tur.data.length, 0, 'no data direction: an empty buffer');
  const out = fake({});
  await runCommand(out.sgio, 3, { name: 'WRITE BUFFER', cdb: Buffer.alloc(10), direction: 'to-device', data: hex('0102'), timeoutMs: 5 });
  t.same(out.calls[0]!.slice(2, 5), ['to-device', hex('0102'), 5]);
});

t.test('CHECK CONDITION becomes a ScsiError with the decoded sense', async (t) => {
  const { sgio } = fake({ status: 2, driverStatus: 8, sense: s.sourceEmpty });
  const cmd = moveMedium({ source: 4097, destination: 256 });
  const e = await runCommand(sgio, 4, cmd).then(
    () => null,
    (e: unknown) => e,
  );
  t.ok(e instanceof ScsiError);
  t.match(e, {
    message: 'MOVE MEDIUM (A5h): ILLEGAL REQUEST: medium source element empty (5/3B/0E)',
    command: 'MOVE MEDIUM',
    opcode: 0xa5,
    status: 2,
    senseKey: SenseKey.ILLEGAL_REQUEST,
    asc: 0x3b,
    ascq: 0x0e,
    residual: 0,
  });
  t.equal((e as ScsiError).cdb, cmd.cdb);
});

t.test('a READ that met a filemark: the error carries the data and the residue', async (t) => {
  const data = hex('0102030405');
  const { sgio } = fake({ status: 2, sense: s.filemark, data, resid: 16379 });
  await t.rejects(runCommand(sgio, 4, { name: 'READ(6)', cdb: hex('08 00 00 40 00 00'), direction: 'from-device', length: 16384, timeoutMs: 1000 }), {
    name: 'ScsiError',
    senseKey: 0,
    asc: 0,
    ascq: 1,
    residual: 16379,
    data,
    sense: { filemark: true, information: 16384 },
  });
});

t.test('RECOVERED ERROR is success, with the sense attached; a deferred one is not', async (t) => {
  const r = await runCommand(fake({ status: 2, sense: s.recovered, data: hex('00') }).sgio, 1, inquiry());
  t.match(r.sense, { senseKey: SenseKey.RECOVERED_ERROR, asc: 0x17, ascq: 0x01 });
  const deferred = Buffer.from(s.recovered);
  deferred[0] = 0x71;
  await t.rejects(runCommand(fake({ status: 2, sense: deferred }).sgio, 1, inquiry()), { name: 'ScsiError', senseKey: 1 });
});

t.test('CHECK CONDITION without usable sense', async (t) => {
  await t.rejects(runCommand(fake({ status: 2 }).sgio, 1, testUnitReady()), {
    message: 'TEST UNIT READY (00h): CHECK CONDITION without sense data',
    senseKey: null,
  });
  await t.rejects(runCommand(fake({ status: 2, sense: hex('7f 00 00 00') }).sgio, 1, testUnitReady()), {
    message: 'TEST UNIT READY (00h): CHECK CONDITION with unreadable sense data (sense data, byte 0: response code 7Fh is not sense data (70h–73h))',
    senseBytes: hex('7f 00 00 00'),
  });
});

t.test('other statuses and transport failures', async (t) => {
  await t.rejects(runCommand(fake({ status: 8 }).sgio, 1, testUnitReady()), { message: 'TEST UNIT READY (00h): BUSY', status: 8 });
  await t.rejects(runCommand(fake({ status: 0x18 }).sgio, 1, testUnitReady()), { message: /RESERVATION CONFLICT$/ });
  await t.rejects(runCommand(fake({ status: 0x62 }).sgio, 1, testUnitReady()), { message: /status 62h$/ });
  await t.rejects(runCommand(fake({ hostStatus: 3 }).sgio, 1, testUnitReady()), { message: 'TEST UNIT READY (00h): transport failed: DID_TIME_OUT', hostStatus: 3 });
  await t.rejects(runCommand(fake({ hostStatus: 0x40 }).sgio, 1, testUnitReady()), { message: /host status 40h$/ });
  await t.rejects(runCommand(fake({ driverStatus: 6 }).sgio, 1, testUnitReady()), { message: /sg driver: DRIVER_TIMEOUT$/ });
  await t.rejects(runCommand(fake({ driverStatus: 0x0b }).sgio, 1, testUnitReady()), { message: /driver status 0Bh$/ });
  const ok = await runCommand(fake({ status: 4, driverStatus: 8 }).sgio, 1, testUnitReady());
  t.equal(ok.sense, null, 'CONDITION MET is success; DRIVER_SENSE alone is not a failure');
  t.equal(statusName(0x28), 'TASK SET FULL');
});

t.test('a failing ioctl rejects with sgio’s own error', async (t) => {
  const boom = new Error('EBADF');
  await t.rejects(
    runCommand(async () => Promise.reject(boom), 1, testUnitReady()),
    boom,
  );
});
