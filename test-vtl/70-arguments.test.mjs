// Bad arguments on a real st medium: rejected before anything reaches the driver.
import t from 'tap';
import { drive, loadCartridge, mtStatus, outcome, parseMtStatus, sh, tc, withMedium } from './lib/vtl.mjs';

t.test('bad arguments', async (t) => {
  const d = drive(0);

  t.before(() => {
    loadCartridge(12, d.n);
  });

  t.test("medium.op('NOPE') throws a TypeError (synchronously: op() is not async)", async (t) => {
    await withMedium(d.path, async (medium) => {
      const o = await outcome(() => medium.op('NOPE'));
      t.equal(o.mode, 'sync', 'thrown at the call');
      t.type(o.error, TypeError);
      t.match(o.error?.message, /unknown tape operation 'NOPE'/);
      const o2 = await outcome(() => medium.op('MTFSF', -1));
      t.type(o2.error, TypeError, 'a negative count is a TypeError too');
    });
  });

  t.test('medium.read(0) throws a TypeError before any device call', async (t) => {
    await withMedium(d.path, async (medium) => {
      const o = await outcome(() => medium.read(0));
      t.type(o.error, TypeError);
      t.equal(o.mode, 'sync', 'thrown at once, like every native entry point');
      t.comment(`read(0): ${o.mode}: ${o.error?.message}`);
      const big = await outcome(() => medium.read(2 ** 31));
      t.type(big.error, TypeError, 'read(2^31) too');
      const empty = await outcome(() => medium.write(Buffer.alloc(0)));
      t.type(empty.error, TypeError, 'write(empty buffer) too');
      t.equal(empty.mode, 'sync');
      // none of it moved the tape
      const s = await medium.status();
      t.same([s.fileno, s.blkno], [0, 0]);
    });
  });

  t.test('ring geometry errors are RangeErrors', async (t) => {
    await withMedium(d.path, async (medium) => {
      t.throws(() => new tc.TapeWriter(medium, { blockSize: 0, bufferSize: 1 << 20 }), RangeError);
      t.throws(() => new tc.TapeWriter(medium, { blockSize: 1 << 20, bufferSize: 1 << 20 }), RangeError, 'a ring of less than two blocks');
      t.equal(medium.streaming, false, 'no stream was left holding the medium');
    });
  });

  t.test('opening something that is not a tape as st: DeviceError ENOTTY', async (t) => {
    const e = await tc.Medium.open({ kind: 'st', path: '/dev/null' }).then(
      async (m) => {
        await m.close();
        return null;
      },
      (err) => err,
    );
    t.type(e, tc.DeviceError);
    t.equal(e?.code, 'ENOTTY');
  });

  // Found here first: counts above INT_MAX used to wrap to a negative mt_count (MTFSF 0xffffffff
  // = MTFSF -1, and st spaced backwards). They are refused now, as mt-st refuses them.
  t.test('a count above INT_MAX is refused, not wrapped to a negative count', async (t) => {
    loadCartridge(12, d.n);
    await withMedium(d.path, async (medium) => {
      for (let i = 0; i < 3; i++) {
        await medium.write(Buffer.alloc(1024, i));
        await medium.writeFilemarks(1);
      }
      for (const [op, count] of [
        ['MTFSF', 0xffffffff],
        ['MTFSF', 0x80000000],
        ['MTBSF', 0xffffffff],
      ]) {
        await medium.rewind();
        await medium.op('MTFSF', 2);
        const o = await outcome(() => medium.op(op, count));
        const s = await medium.status();
        t.comment(`${op} 0x${count.toString(16)} from 2/0: ${o.mode}${o.error ? ' ' + o.error.name + ' ' + (o.error.code ?? '') : ''}, st now at ${s.fileno}/${s.blkno}`);
        const moved = s.fileno !== 2 || s.blkno !== 0;
        t.not(o.mode, 'ok', `${op} ${count}: refused`);
        t.notOk(moved, `${op} ${count}: the tape did not move`);
      }
      await medium.rewind();
    });
    const m = mtStatus(d.path);
    t.same([m.fileno, m.blkno], [0, 0]);
    // mt-st with the same count, for the record
    const r = sh(`mt -f ${d.path} fsf 2 && mt -f ${d.path} fsf 4294967295; echo "@rc=$?"; mt -f ${d.path} status; mt -f ${d.path} rewind`);
    const after = parseMtStatus(r.stdout.slice(r.stdout.indexOf('@rc')));
    t.comment(`mt fsf 4294967295 from 2/0: ${r.out.split('\n').filter((l) => l && !/^(SCSI|Tape|Soft|General| )/.test(l)).join(' | ')}; st now at ${after.fileno}/${after.blkno}`);
  });
});
