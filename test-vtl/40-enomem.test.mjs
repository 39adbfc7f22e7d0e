// A variable-block read with a buffer smaller than the block: st fails it with ENOMEM and has
// consumed the block (README: "Failed to read 16384 byte block with 1000 byte transfer").
// tapecoord must surface exactly that, dd sees the same, and the TapeReader steps back.
import t from 'tap';
import { ddRecords, drive, loadCartridge, mtStatus, patternBytes, sh, tc, withMedium } from './lib/vtl.mjs';

t.test('ENOMEM: a block larger than the read buffer', async (t) => {
  const d = drive(0);
  const KiB = 1024;
  const BIG = patternBytes(256 * KiB, 40);
  const SMALL1 = patternBytes(16 * KiB, 41);
  const SMALL2 = patternBytes(16 * KiB, 42);

  t.before(async () => {
    loadCartridge(5, d.n);
    await withMedium(d.path, async (m) => {
      for (const b of [BIG, SMALL1, SMALL2]) if ((await m.write(b)) !== b.length) throw new Error('short write');
      await m.writeFilemarks(1);
      // a 40 KiB block for detectBlockSize: its first buffer (64 KiB) is between 1x and 2x the block
      await m.write(patternBytes(40 * KiB, 43));
      await m.writeFilemarks(1);
    });
  });

  t.test('medium.read(16 KiB) of a 256 KiB block: DeviceError ENOMEM, the block is consumed', async (t) => {
    sh('dmesg -C');
    await withMedium(d.path, async (medium) => {
      await medium.rewind();
      const e = await medium.read(16 * KiB).then(
        () => null,
        (err) => err,
      );
      t.type(e, tc.DeviceError, 'a DeviceError');
      t.equal(e?.code, 'ENOMEM');
      t.equal(e?.errno, 12);
      t.equal(e?.op, 'read');
      t.equal(e?.device, d.path);
      const s = await medium.status();
      t.same([s.fileno, s.blkno], [0, 1], 'st counts the block as read: 0/1');
      const next = await medium.read(16 * KiB);
      t.equal(next.kind, 'data');
      t.ok(next.kind === 'data' && next.data.equals(SMALL1), 'the next read returns the next block (16 KiB, intact)');
    });
    const dmesg = sh('dmesg').stdout;
    t.match(dmesg, /Failed to read 262144 byte block with 16384 byte transfer/, 'st logged the truncated read');
    t.comment(dmesg.split('\n').filter((l) => l.includes('Failed to read')).join('\n'));
  });

  t.test('dd bs=16k on the same block: "Cannot allocate memory", also consumed', async (t) => {
    const r = sh(`mt -f ${d.path} rewind && dd if=${d.path} of=/dev/null bs=16k count=1`);
    t.comment(`dd: exit ${r.code}: ${r.stderr.trim().replace(/\n/g, ' | ')}`);
    t.not(r.code, 0, 'dd fails');
    t.equal(ddRecords(r.stderr).error, 'ENOMEM', 'with ENOMEM');
    const s = mtStatus(d.path);
    t.same([s.fileno, s.blkno], [0, 1], 'and st moved past the block: 0/1, as with tapecoord');
    const r2 = sh(`dd if=${d.path} of=/tmp/vtl-enomem-next bs=16k count=1`);
    t.equal(r2.code, 0);
  });

  t.test('a read with a buffer exactly the block size, then larger than twice it: intact', async (t) => {
    await withMedium(d.path, async (medium) => {
      await medium.rewind();
      const a = await medium.read(256 * KiB);
      t.ok(a.kind === 'data' && a.data.equals(BIG), 'buffer = block size');
      const b = await medium.read(64 * KiB);
      t.ok(b.kind === 'data' && b.data.equals(SMALL1), 'buffer = 4 x block size');
    });
  });

  t.test('TapeReader with a 16 KiB slot on a 256 KiB block: StreamError ENOMEM, stepped back to the block', async (t) => {
    await withMedium(d.path, async (medium) => {
      await medium.rewind();
      const reader = new tc.TapeReader(medium, { blockSize: 16 * KiB, bufferSize: 256 * KiB, files: 1 });
      const err = await (async () => {
        for await (const _ of reader);
      })().then(
        () => null,
        (e) => e,
      );
      t.ok(err, 'the stream fails');
      t.equal(err?.name, 'StreamError');
      t.equal(err?.code, 'ENOMEM');
      t.equal(err?.cause?.code, 'ENOMEM');
      t.equal(err?.position?.blocks, 0, 'no block delivered');
      await reader.result.catch(() => undefined);
      const s = await medium.status();
      t.same([s.fileno, s.blkno], [0, 0], 'the reader stepped back over the consumed block (MTBSR): 0/0');
      const found = await tc.detectBlockSize(medium);
      t.same(found, { kind: 'block', blockSize: 256 * KiB }, 'detectBlockSize then finds 256 KiB');
    });
  });

  t.test('detectBlockSize on a 40 KiB block (tgt bug 2 territory): the length is right', async (t) => {
    await withMedium(d.path, async (medium) => {
      await medium.rewind();
      await medium.op('MTFSF', 1);
      const found = await tc.detectBlockSize(medium);
      t.same(found, { kind: 'block', blockSize: 40 * KiB });
      const s = await medium.status();
      t.same([s.fileno, s.blkno], [1, 0], 'position unchanged');
      // tgt bug 2: a 64 KiB buffer on a 40 KiB block returns the right length, corrupted data
      const loose = await medium.read(64 * KiB);
      await medium.op('MTBSR', 1);
      const exact = await medium.read(40 * KiB);
      const want = patternBytes(40 * KiB, 43);
      t.ok(exact.kind === 'data' && exact.data.equals(want), 'read with the detected size: intact');
      const corrupt = loose.kind === 'data' && !loose.data.equals(want);
      t.comment(`64 KiB buffer on the 40 KiB block: ${loose.kind === 'data' ? loose.data.length : loose.kind} bytes, ${corrupt ? 'CORRUPTED (tgt bug 2)' : 'intact'}`);
      t.equal(loose.kind === 'data' ? loose.data.length : -1, 40 * KiB, 'length right even then');
    });
  });
});
