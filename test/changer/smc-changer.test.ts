// SmcChanger against a fake library at the SG_IO seam: numbering, moves, refusals, quirks, retries, locking.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { isChangerError } from '../../lib/changer/errors.js';
import { SmcChanger, type SmcChangerOptions } from '../../lib/changer/smc-changer.js';
import { fakeLibrary, fakeSgio, type FakeLibrary } from '../helpers/fake-smc.js';
import { tempDir } from '../helpers/tmp.js';

async function openFake(t: Parameters<typeof tempDir>[0], lib: FakeLibrary, o: SmcChangerOptions = {}) {
  const dir = tempDir(t);
  const device = join(dir, 'sg1');
  writeFileSync(device, '');
  const changer = await SmcChanger.open(device, { sgio: fakeSgio(lib), lockDir: join(dir, 'lock'), retry: { sleep: async () => {} }, ...o });
  t.teardown(() => changer.close());
  return { changer, device, dir };
}

t.test('status in mtx numbering: slots from 1, mail slots continue, drives from 0', async (t) => {
  const lib = fakeLibrary({ slots: 10, mail: 2, drives: 2, tapes: 8 });
  const { changer, device } = await openFake(t, lib);
  const s = await changer.status();
  t.equal(s.device, device);
  t.match(s, { vendor: 'STK', product: 'L700', serial: 'FAKELIB0001' });
  t.equal(s.slots.length, 12);
  t.same(
    s.slots.map((e) => [e.index, e.address, e.full, e.barcode, e.importExport]),
    [
      ...Array.from({ length: 10 }, (_, i) => [i + 1, 4096 + i, i < 8, i < 8 ? `VTL00${i + 1}L6` : null, false]),
      [11, 16, false, null, true],
      [12, 17, false, null, true],
    ],
  );
  t.same(
    s.drives.map((d) => [d.index, d.address, d.full, d.serial, d.vendor, d.product]),
    [
      [0, 256, false, 'VTLDRV0001', 'IBM', 'ULT3580-TD8'],
      [1, 257, false, 'VTLDRV0002', 'IBM', 'ULT3580-TD8'],
    ],
  );
  t.same(s.transports, [{ address: 1, full: false }]);
  // one element type per READ ELEMENT STATUS, never type 0 (tgt bug 1)
  const types = lib.log.filter((c) => c[0] === 0xb8).map((c) => c[1]! & 0x0f);
  t.same(types, [1, 2, 3, 4]);
});

t.test('load, unload with source slot, transfer, exchange', async (t) => {
  const lib = fakeLibrary();
  const { changer } = await openFake(t, lib);
  await changer.move({ kind: 'slot', index: 3 }, { kind: 'drive', index: 1 });
  let s = await changer.status();
  t.match(s.drives[1], { full: true, barcode: 'VTL003L6', sourceSlot: 3 });
  t.match(s.slots[2], { full: false, barcode: null });
  await changer.move({ kind: 'drive', index: 1 }, { kind: 'slot', index: 11 });
  s = await changer.status();
  t.match(s.slots[10], { full: true, barcode: 'VTL003L6', importExport: true });
  await changer.move({ kind: 'slot', index: 11 }, { kind: 'slot', index: 9 });
  await changer.exchange({ kind: 'slot', index: 1 }, { kind: 'slot', index: 9 });
  s = await changer.status();
  t.equal(s.slots[0]!.barcode, 'VTL003L6');
  t.equal(s.slots[8]!.barcode, 'VTL001L6');
});

t.test('moves are checked first, in mtx numbering, and the library refusals are mapped', async (t) => {
  const lib = fakeLibrary();
  const { changer } = await openFake(t, lib);
  await t.rejects(changer.move({ kind: 'slot', index: 9 }, { kind: 'drive', index: 0 }), { code: 'source-empty', message: /slot 9: it is empty/ });
  await t.rejects(changer.move({ kind: 'slot', index: 1 }, { kind: 'slot', index: 2 }), { code: 'destination-full', message: /slot 2: it holds VTL002L6/ });
  await t.rejects(changer.move({ kind: 'slot', index: 13 }, { kind: 'drive', index: 0 }), { code: 'no-such-element', message: /no slot 13: slots are 1-12/ });
  await t.rejects(changer.move({ kind: 'slot', index: 1 }, { kind: 'drive', index: 2 }), { code: 'no-such-element', message: /no drive 2: drives are 0-1/ });
  t.notOk(lib.log.some((c) => c[0] === 0xa5), 'the robot was never asked');
  lib.quirks.noExchange = true;
  const e = await changer.exchange({ kind: 'slot', index: 1 }, { kind: 'slot', index: 2 }).catch((e: unknown) => e);
  t.ok(isChangerError(e, 'unsupported'), 'EXCHANGE MEDIUM 20/00 is unsupported');
  t.match((e as Error).message, /invalid command operation code/i);
});

t.test('the library moved behind our back: its 3B/0E refusal is still a source-empty error', async (t) => {
  const lib = fakeLibrary();
  const sgio = fakeSgio(lib);
  const { changer } = await openFake(t, lib, {
    sgio: async (fd, cdb, ...rest) => {
      if (cdb[0] === 0xa5) lib.storage[0]!.full = false; // an operator took it between status and move
      return sgio(fd, cdb, ...rest);
    },
  });
  await t.rejects(changer.move({ kind: 'slot', index: 1 }, { kind: 'drive', index: 0 }), { code: 'source-empty', message: /medium source element empty/i });
});

t.test('VOLTAG and DVCID refused together: asked separately and merged', async (t) => {
  const lib = fakeLibrary({ quirks: { refuseVolTagWithDvcid: true } });
  lib.drives[0] = { ...lib.drives[0]!, full: true, barcode: 'ABC123L8', source: 4096 + 9 };
  lib.storage[9]!.full = false;
  const { changer } = await openFake(t, lib);
  const s = await changer.status();
  t.match(s.drives[0], { full: true, barcode: 'ABC123L8', serial: 'VTLDRV0001', sourceSlot: 10 });
  t.equal(s.drives[1]!.serial, 'VTLDRV0002');
});

t.test('no DVCID at all: drives without serials, barcodes still there', async (t) => {
  const lib = fakeLibrary({ quirks: { noDvcid: true } });
  lib.drives[1] = { ...lib.drives[1]!, full: true, barcode: 'X00001L7' };
  const { changer } = await openFake(t, lib);
  const s = await changer.status();
  t.same(s.drives.map((d) => [d.serial, d.barcode]), [[null, null], [null, 'X00001L7']]);
});

t.test('tgt drops the last 8 bytes: the cut report is taken as it came', async (t) => {
  const lib = fakeLibrary({ quirks: { dropLast8: true } });
  const { changer } = await openFake(t, lib);
  const s = await changer.status();
  t.equal(s.slots.length, 12, 'the last storage descriptor still counts (its fixed part arrived)');
  t.equal(s.drives[0]!.serial, 'VTLDRV0001');
  t.match(s.drives[1], { serial: 'VT', serialTruncated: true }, 'the last serial is cut, as on the real emulator');
});

t.test('no barcode reader, padded descriptors', async (t) => {
  const lib = fakeLibrary({ quirks: { noBarcodes: true, descriptorPadding: 4 } });
  const { changer } = await openFake(t, lib);
  const s = await changer.status();
  t.ok(s.slots.slice(0, 8).every((e) => e.full && e.barcode === null));
  t.equal(s.drives[1]!.serial, 'VTLDRV0002');
});

t.test('a report larger than the first allocation is read again with the length it asks for', async (t) => {
  const lib = fakeLibrary({ slots: 1500, tapes: 1400 });
  const { changer } = await openFake(t, lib);
  const s = await changer.status();
  t.equal(s.slots.filter((e) => !e.importExport).length, 1500);
  t.equal(s.slots[1399]!.barcode, 'VTL1400L6');
  const storageReads = lib.log.filter((c) => c[0] === 0xb8 && (c[1]! & 0x0f) === 2);
  t.same(storageReads.map((c) => c.readUIntBE(7, 3)), [0x10000, 8 + 8 + 1500 * 48]);
});

t.test('UNIT ATTENTION is retried, becoming ready is waited for with backoff', async (t) => {
  const lib = fakeLibrary({ quirks: { unitAttentions: 2, becomingReady: 3 } });
  const waits: number[] = [];
  const { changer } = await openFake(t, lib, { retry: { sleep: async (ms: number) => void waits.push(ms), baseDelayMs: 100 } });
  const s = await changer.status();
  t.equal(s.slots.length, 12);
  t.same(waits, [100, 200, 400]);
});

t.test('becoming ready for too long gives the decoded error', async (t) => {
  const lib = fakeLibrary({ quirks: { becomingReady: 1000 } });
  const { changer } = await openFake(t, lib, { retry: { sleep: async () => {}, baseDelayMs: 1000, readyTimeoutMs: 5000 } });
  await t.rejects(changer.status(), { code: 'device-error', message: /NOT READY: logical unit is in process of becoming ready \(2\/04\/01\)/, cause: { name: 'ScsiError' } });
});

t.test('one command at a time: a second process holding the lock makes us wait', async (t) => {
  const lib = fakeLibrary();
  const { changer, dir } = await openFake(t, lib, { lockTimeoutMs: 300 });
  const lockFile = join(dir, 'lock', `changer-${join(dir, 'sg1').replace(/\//g, '_')}.lock`);
  mkdirSync(join(dir, 'lock'));
  writeFileSync(lockFile, `${process.ppid}\n`); // alive: our parent
  await t.rejects(changer.status(), { name: 'LockTimeoutError', message: new RegExp(`locked by process ${process.ppid}`) });
  writeFileSync(lockFile, '999999999\n'); // dead: broken
  t.equal((await changer.status()).slots.length, 12);
  // concurrent operations in one process queue instead of interleaving
  const order: string[] = [];
  await Promise.all([
    changer.move({ kind: 'slot', index: 1 }, { kind: 'drive', index: 0 }).then(() => order.push('load')),
    changer.status().then((s) => order.push(`status ${s.drives[0]!.barcode}`)),
  ]);
  t.same(order, ['load', 'status VTL001L6']);
});

t.test('opening a device that is not there names it', async (t) => {
  await t.rejects(SmcChanger.open('/dev/does-not-exist-sg9'), { code: 'device-error', message: /\/dev\/does-not-exist-sg9: cannot open/ });
});
