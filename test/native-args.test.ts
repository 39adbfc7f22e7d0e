// Every native entry point validates its arguments: bad input is a TypeError, never a crash.
import t from 'tap';
import { join } from 'node:path';
import { native } from '../lib/native/binding.js';
import { Medium } from '../lib/drive/medium.js';
import { tempDir } from './helpers/tmp.js';

t.test('openMedium', async (t) => {
  const bad: Array<[unknown, unknown]> = [
    [undefined, undefined],
    ['tape', { path: '/x' }],
    [42, { path: '/x' }],
    ['sim', null],
    ['sim', { path: 7 }],
    ['sim', { path: '' }],
    ['sim', { path: 'a\0b' }],
    ['sim', { path: '/x', capacity: -1 }],
    ['sim', { path: '/x', capacity: 1.5 }],
    ['sim', { path: '/x', capacity: 10, earlyWarning: 20 }],
    ['sim', { path: '/x', readOnly: 'yes' }],
    ['st', { fd: 1 }],
    ['file', { fd: -1 }],
  ];
  for (const [kind, options] of bad) {
    t.throws(() => (native.openMedium as (...a: unknown[]) => unknown)(kind, options), TypeError, `openMedium(${String(kind)}, ${JSON.stringify(options)})`);
  }
});

t.test('Medium methods', async (t) => {
  const dir = tempDir(t);
  const m = await Medium.open({ kind: 'sim', path: join(dir, 't.simtape') }, { create: true });
  const h = m.handle as unknown as Record<string, (...a: unknown[]) => unknown>;
  t.throws(() => h.op!('NOPE'), TypeError);
  t.throws(() => h.op!(5), TypeError);
  t.throws(() => h.op!('MTFSF', -1), TypeError);
  t.throws(() => h.op!('MTFSF', 2 ** 40), TypeError);
  t.throws(() => h.op!('MTFSF', 0xffffffff), TypeError, 'no count wraps to a negative mt_count');
  t.throws(() => h.op!('MTBSF', 0x80000000), TypeError);
  await m.op('MTSETDRVBUFFER', 0x80000000 >>> 0); // MT_ST_SET_CLN: the top bit is an option word's
  t.throws(() => h.write!('text'), TypeError);
  t.throws(() => h.write!(Buffer.alloc(0)), TypeError);
  t.throws(() => h.write!(), TypeError);
  t.throws(() => h.read!(0), TypeError);
  t.throws(() => h.read!(-5), TypeError);
  t.throws(() => h.read!('16k'), TypeError);
  t.throws(() => new (native as unknown as { Medium: new (...a: unknown[]) => unknown }).Medium({}), TypeError);
  await m.close();
  await t.rejects(m.status(), { code: 'EBADF' }, 'a closed medium says EBADF');
});

t.test('createPipeline', async (t) => {
  const dir = tempDir(t);
  const m = await Medium.open({ kind: 'sim', path: join(dir, 't.simtape') }, { create: true });
  const create = native.createPipeline as unknown as (...a: unknown[]) => unknown;
  const ok = { slotSize: 16384, slotCount: 4, source: 'js', sink: { medium: m.handle } };
  const cb = () => undefined;
  const bad: unknown[][] = [
    [],
    [ok],
    [ok, 'not a function'],
    [{ ...ok, slotSize: 0 }, cb],
    [{ ...ok, slotSize: 2 ** 30 }, cb],
    [{ ...ok, slotCount: 1 }, cb],
    [{ ...ok, slotCount: 'many' }, cb],
    [{ ...ok, highWater: 2 }, cb],
    [{ ...ok, highWater: 0.5, lowWater: 0.6 }, cb],
    [{ ...ok, source: 'js', sink: 'js' }, cb],
    [{ ...ok, source: 'file' }, cb],
    [{ ...ok, source: { fd: -3 } }, cb],
    [{ ...ok, sink: { medium: {} } }, cb],
    [{ ...ok, sink: { medium: m.handle }, source: { medium: m.handle } }, cb],
    [{ ...ok, slotSize: 1 << 26, slotCount: 1 << 12 }, cb],
  ];
  for (const args of bad) t.throws(() => create(...args), TypeError, JSON.stringify(args[0] ?? null).slice(0, 120));
  t.equal(m.streaming, false, 'failed creations leave the medium free');

  const p = native.createPipeline({ slotSize: 16384, slotCount: 4, source: 'js', sink: { medium: m.handle } }, cb) as unknown as Record<string, (...a: unknown[]) => unknown>;
  t.equal(m.streaming, true, 'a stream claims its medium');
  await t.rejects(m.op('MTREW'), { code: 'EBUSY' }, 'single calls are refused while streaming');
  t.throws(() => create({ slotSize: 16384, slotCount: 4, source: 'js', sink: { medium: m.handle } }, cb), { code: 'EBUSY' });
  t.throws(() => p.push!('text'), TypeError);
  t.throws(() => p.filemark!(-1, false), TypeError);
  t.throws(() => p.filemark!(1, 'yes'), TypeError);
  t.throws(() => p.pull!(1024), TypeError, 'pull on a pipeline whose sink is not js');
  t.throws(() => p.consumeMarker!(), TypeError);
  const done = new Promise<void>((resolve) => {
    const q = native.createPipeline({ slotSize: 512, slotCount: 2, source: 'js', sink: { fd: 1 } }, (e) => {
      if (e.type === 'finish') resolve();
    });
    q.abort();
  });
  await done;
  p.abort();
  await new Promise((r) => setTimeout(r, 50));
  t.equal(m.streaming, false, 'the claim ends with the stream');
  await m.close();
});

t.test('sgio', async (t) => {
  const sg = native.sgio as unknown as (...a: unknown[]) => unknown;
  const cdb = Buffer.from([0x12, 0, 0, 0, 96, 0]);
  const bad: unknown[][] = [
    [],
    [-1, cdb, 'from-device', 96, 1000],
    [0, 'cdb', 'from-device', 96, 1000],
    [0, Buffer.alloc(3), 'from-device', 96, 1000],
    [0, Buffer.alloc(300), 'from-device', 96, 1000],
    [0, cdb, 'sideways', 96, 1000],
    [0, cdb, 'from-device', -1, 1000],
    [0, cdb, 'from-device', 2 ** 30, 1000],
    [0, cdb, 'to-device', 96, 1000],
    [0, cdb, 'none', Buffer.alloc(4), 1000],
    [0, cdb, 'from-device', 96, 0],
  ];
  for (const args of bad) t.throws(() => sg(...args), TypeError, JSON.stringify(args.map(String)).slice(0, 100));
  // A descriptor that is not a SCSI device: the ioctl fails with a typed error, not a crash.
  await t.rejects(sg(0, cdb, 'from-device', 96, 1000) as Promise<unknown>, { name: 'DeviceError', op: 'SG_IO' });
});
