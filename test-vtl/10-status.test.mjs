// MTIOCGET through tapecoord (medium.status(), formatMtStatus()) against `mt -f $TAPE0 status`,
// on the same drive, in the states st has: no cartridge, loaded (position unknown), rewound, after
// MTSETBLK. Plus the honest errors for what tgt lacks (READ POSITION: MTIOCPOS, MTSEEK).
import t from 'tap';
import { drive, equalStatusText, errnoFromMessage, loadCartridge, mtStatus, sh, tc, unloadDrive, withMedium } from './lib/vtl.mjs';

t.test('status: medium.status()/formatMtStatus() vs mt status', async (t) => {
  const d = drive(0);
  const SLOT = 1;

  /** tapecoord's status of the drive, then mt's, with the medium closed in between. */
  async function both() {
    const ours = await withMedium(d.path, (m) => m.status());
    const theirs = mtStatus(d.path);
    return { ours, text: tc.formatMtStatus(ours), theirs };
  }

  function sameStatus(t, { ours, text, theirs }, label) {
    t.comment(`${label}: tapecoord ${ours.fileno}/${ours.blkno} [${ours.flags.join(' ')}], mt ${theirs.fileno}/${theirs.blkno} [${theirs.flags.join(' ')}]`);
    equalStatusText(t, ours, theirs.text, label);
    t.equal(ours.fileno, theirs.fileno, 'file number');
    t.equal(ours.blkno, theirs.blkno, 'block number');
    t.equal(ours.blockSize, theirs.blockSize, 'block size');
    t.equal(ours.density, theirs.density, 'density code');
    t.equal(ours.gstat >>> 0, theirs.gstat, 'general status bits (hex)');
    t.same(ours.flags, theirs.flags, 'general status bits by name');
    t.equal(ours.typeName, theirs.typeName, 'drive type name');
    t.equal(ours.partition, theirs.partition, 'partition');
  }

  t.test('no cartridge: DR_OPEN, file/block -1, as mt says', async (t) => {
    unloadDrive(d.n);
    const b = await both();
    sameStatus(t, b, 'empty drive');
    t.ok(b.ours.flags.includes('DR_OPEN'), 'DR_OPEN');
    t.notOk(b.ours.flags.includes('ONLINE'), 'not ONLINE');
    t.equal(b.ours.fileno, -1);
    t.equal(b.ours.blkno, -1);
  });

  t.test('loaded, not rewound: ONLINE, position unknown (-1/-1), as mt says', async (t) => {
    loadCartridge(SLOT, d.n, { rewind: false });
    const b = await both();
    sameStatus(t, b, 'after the changer load');
    t.ok(b.ours.flags.includes('ONLINE'));
    t.same([b.ours.fileno, b.ours.blkno], [-1, -1], 'st does not know the position until a rewind (README)');
  });

  t.test('after rewind: BOT ONLINE, 0/0, variable blocks, default density, SCSI 2', async (t) => {
    await withMedium(d.path, (m) => m.rewind());
    const b = await both();
    sameStatus(t, b, 'after MTREW');
    t.equal(b.ours.fileno, 0);
    t.equal(b.ours.blkno, 0);
    t.equal(b.ours.blockSize, 0, 'variable block mode');
    t.equal(b.ours.density, 0);
    t.equal(b.ours.densityName, 'default');
    t.equal(b.ours.typeName, 'SCSI 2');
    t.equal(b.ours.type, 0x72, 'MT_ISSCSI2');
    t.same(b.ours.flags, ['BOT', 'ONLINE', 'IM_REP_EN']);
    t.equal(b.ours.gstat >>> 0, 0x41010000);
    t.equal(b.ours.softErrors, 0);
    // and rewound with mt instead: the same
    sh(`mt -f ${d.path} rewind`);
    sameStatus(t, await both(), 'after mt rewind');
  });

  t.test('MTSETBLK: fixed block size shows in both, then back to variable', async (t) => {
    await withMedium(d.path, (m) => m.op('MTSETBLK', 16384));
    let b = await both();
    sameStatus(t, b, 'after MTSETBLK 16384');
    t.equal(b.ours.blockSize, 16384);
    sh(`mt -f ${d.path} setblk 32768`);
    b = await both();
    sameStatus(t, b, 'after mt setblk 32768');
    t.equal(b.ours.blockSize, 32768);
    await withMedium(d.path, (m) => m.op('MTSETBLK', 0));
    b = await both();
    sameStatus(t, b, 'after MTSETBLK 0');
    t.equal(b.ours.blockSize, 0);
  });

  t.test('tgt bug 4: READ POSITION fails; MTIOCPOS and MTSEEK give the decoded EIO, as mt tell / mt seek do', async (t) => {
    const [tell, seek] = await withMedium(d.path, async (m) => {
      const tell = await m.tell().then(
        (v) => ({ value: v }),
        (e) => e,
      );
      const seek = await m.seek(1).then(
        () => ({ value: 'ok' }),
        (e) => e,
      );
      return [tell, seek];
    });
    t.type(tell, tc.DeviceError, 'tell() rejects with a DeviceError');
    t.equal(tell.code, 'EIO');
    t.equal(tell.errno, 5);
    t.equal(tell.op, 'MTIOCPOS');
    t.equal(tell.device, d.path);
    t.type(seek, tc.DeviceError, 'seek() rejects with a DeviceError');
    t.equal(seek.code, 'EIO');
    t.equal(seek.op, 'MTSEEK');
    const mtTell = sh(`mt -f ${d.path} tell`);
    const mtSeek = sh(`mt -f ${d.path} seek 1`);
    t.comment(`mt tell: exit ${mtTell.code} "${mtTell.out.trim()}"; mt seek: exit ${mtSeek.code} "${mtSeek.out.trim()}"`);
    t.not(mtTell.code, 0);
    t.equal(errnoFromMessage(mtTell.out), 'EIO', 'mt tell: Input/output error');
    t.not(mtSeek.code, 0);
    t.equal(errnoFromMessage(mtSeek.out), 'EIO', 'mt seek: Input/output error');
    // st gives up its position after the failed MTSEEK (LOCATE): -1/-1 in both, until a rewind
    const after = await both();
    sameStatus(t, after, 'after the failed MTIOCPOS/MTSEEK');
    t.same([after.ours.fileno, after.ours.blkno], [-1, -1], 'position unknown after the failed seek');
    await withMedium(d.path, (m) => m.rewind());
  });

  t.test('st allows one open: a second open is EBUSY, and mt is refused while tapecoord holds the drive', async (t) => {
    await withMedium(d.path, async () => {
      const e = await tc.Medium.open({ kind: 'st', path: d.path }).then(
        async (m) => {
          await m.close();
          return null;
        },
        (err) => err,
      );
      t.type(e, tc.DeviceError);
      t.equal(e?.code, 'EBUSY');
      t.equal(e?.op, 'open');
      const r = sh(`mt -f ${d.path} status`);
      t.not(r.code, 0);
      t.equal(errnoFromMessage(r.out), 'EBUSY', `mt: ${r.out.trim()}`);
    });
  });
});
