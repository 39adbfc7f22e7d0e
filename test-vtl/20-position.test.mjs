// Positioning: tapecoord writes FILES files of BLOCKS blocks (TapeWriter, filemark after each);
// then every op sequence runs twice from a rewind, once with medium.op() and once with `mt`, and
// st's file/block numbers (MTIOCGET) must agree. A one-block read (tapecoord) and `dd count=1`
// then show where the tape really is, which is what tgt's SPACE bugs (README bug 8) get wrong.
import { readFileSync } from 'node:fs';
import t from 'tap';
import { drive, equalStatusText, errnoFromMessage, loadCartridge, mtStatus, patternBytes, sh, tc, withMedium } from './lib/vtl.mjs';

t.test('positioning: tapecoord ops vs mt on a tape the TapeWriter wrote', async (t) => {
  const d = drive(0);
  const SLOT = 2;
  const FILES = 3;
  const BLOCKS = 5;
  const BS = 16384;

  function block(file, blockNo) {
    const b = patternBytes(BS, 1000 + file * 100 + blockNo);
    b.writeUInt16BE(file, 0);
    b.writeUInt16BE(blockNo, 2);
    return b;
  }
  /** Which block of the layout this is ("f/b"), or what else. */
  function identify(data) {
    if (data.length !== BS) return `a ${data.length}-byte block`;
    const f = data.readUInt16BE(0);
    const b = data.readUInt16BE(2);
    if (f < FILES && b < BLOCKS && data.equals(block(f, b))) return `${f}/${b}`;
    return 'garbage';
  }

  t.before(async () => {
    loadCartridge(SLOT, d.n);
  });

  t.test(`write ${FILES} files of ${BLOCKS} x ${BS}-byte blocks with the TapeWriter`, async (t) => {
    await withMedium(d.path, async (medium) => {
      const writer = new tc.TapeWriter(medium, { blockSize: BS, bufferSize: 16 * BS });
      const marks = [];
      for (let f = 0; f < FILES; f++) {
        for (let b = 0; b < BLOCKS; b++) writer.write(block(f, b));
        marks.push(await writer.filemark(1));
      }
      writer.end();
      const result = await writer.result;
      t.equal(result.blocks, FILES * BLOCKS, 'blocks written');
      t.equal(result.bytes, FILES * BLOCKS * BS, 'bytes written');
      t.equal(result.filemarks, FILES, 'filemarks written');
      t.equal(result.unwrittenBytes, 0);
      t.same(
        marks.map((p) => [p.blocks, p.filemarks]),
        Array.from({ length: FILES }, (_, f) => [(f + 1) * BLOCKS, f + 1]),
        'each filemark() resolved with the blocks and filemarks before it',
      );
      t.equal(result.stats.writes, FILES * BLOCKS, 'one write() per block');
      const s = await medium.status();
      t.same([s.fileno, s.blkno], [FILES, 0], `after the last filemark st is at ${FILES}/0`);
    });
    const m = mtStatus(d.path);
    t.same([m.fileno, m.blkno], [FILES, 0], 'mt agrees after close (close after MTWEOF adds no filemark)');
  });

  const MT = { MTFSF: 'fsf', MTBSF: 'bsf', MTFSR: 'fsr', MTBSR: 'bsr', MTEOM: 'eod', MTREW: 'rewind' };

  const SEQUENCES = [
    { ops: [], expect: [0, 0], at: '0/0' },
    { ops: [['MTFSF', 1]], expect: [1, 0], at: '1/0' },
    { ops: [['MTFSF', 2]], expect: [2, 0], at: '2/0' },
    { ops: [['MTFSF', 3]], expect: [3, 0], at: 'end of data', noRead: true },
    { ops: [['MTFSR', 3]], expect: [0, 3], at: '0/3' },
    { ops: [['MTFSF', 1], ['MTFSR', 3]], expect: [1, 3], at: '1/3' },
    { ops: [['MTFSF', 1], ['MTFSR', 4], ['MTBSR', 2]], expect: [1, 2], at: '1/2' },
    { ops: [['MTFSF', 2], ['MTFSR', 1], ['MTFSF', 1]], expect: [3, 0], at: 'end of data', noRead: true },
    // BSF: st has no block number afterwards. A real drive stops on the BOT side of the filemark
    // (the next read returns it); tgt backs up one block further (see FINDINGS.md)
    { ops: [['MTFSF', 2], ['MTBSF', 1]], quirk: 'BSF lands one block early' },
    { ops: [['MTFSF', 3], ['MTBSF', 2]], quirk: 'BSF lands one block early' },
    { ops: [['MTFSF', 2], ['MTBSF', 1], ['MTFSF', 1]], expect: [2, 0], at: '2/0' },
    { ops: [['MTFSF', 1], ['MTFSR', 2], ['MTREW']], expect: [0, 0], at: '0/0' },
    // tgt bug 8: SPACE over blocks crosses filemarks silently (a real drive stops with FILEMARK sense)
    { ops: [['MTFSF', 1], ['MTBSR', 1]], quirk: 'BSR over a filemark' },
    { ops: [['MTFSR', 7]], quirk: 'FSR past the filemark' },
    // tgt bug 8: SPACE to end of data returns no residual: st's file number is nonsense after MTEOM
    { ops: [['MTEOM']], quirk: 'MTEOM', noRead: true },
    { ops: [['MTEOM'], ['MTBSF', 1]], quirk: 'MTEOM then MTBSF', noRead: true },
    // errors
    { ops: [['MTFSF', FILES + 1]], quirk: 'FSF past end of data', noRead: true },
    { ops: [['MTFSF', 1], ['MTBSF', 3]], quirk: 'BSF past BOT' },
  ];

  const observed = [];

  for (const seq of SEQUENCES) {
    const label = seq.ops.length ? seq.ops.map(([op, n]) => (n === undefined ? op : `${op} ${n}`)).join(', ') : '(rewind only)';
    t.test(`${label}: tapecoord and mt agree${seq.quirk ? ` (tgt quirk: ${seq.quirk})` : ''}`, async (t) => {
      // tapecoord
      const ours = await withMedium(d.path, async (medium) => {
        await medium.rewind();
        const errors = [];
        for (const [op, n] of seq.ops) {
          try {
            await (n === undefined ? medium.op(op) : medium.op(op, n));
            errors.push(null);
          } catch (e) {
            t.type(e, tc.DeviceError, `${op} fails with a DeviceError`);
            t.equal(e.op, op, 'the error names the operation');
            t.equal(e.device, d.path, 'and the device');
            errors.push(e.code);
          }
        }
        const status = await medium.status();
        let next = null;
        if (!seq.noRead) {
          try {
            const r = await medium.read(BS);
            next = r.kind === 'filemark' ? 'filemark' : identify(r.data);
          } catch (e) {
            next = e.code;
          }
        }
        return { errors, status, next };
      });
      // mt, same sequence, then mt status; dd reads the next block
      const script = [`mt -f ${d.path} rewind`]
        .concat(seq.ops.map(([op, n]) => `echo @op; mt -f ${d.path} ${MT[op]}${n === undefined ? '' : ' ' + n} 2>&1; echo "@rc=$?"`))
        .join('; ');
      const r = sh(script);
      const mtOps = [...r.stdout.matchAll(/@op\n([\s\S]*?)@rc=(\d+)/g)].map((m) => (m[2] === '0' ? null : errnoFromMessage(m[1]) ?? `exit ${m[2]}: ${m[1].trim()}`));
      const theirs = mtStatus(d.path);
      let ddNext = null;
      if (!seq.noRead) {
        const dd = sh(`dd if=${d.path} of=/tmp/vtl-pos.blk bs=${BS} count=1`);
        const data = readFileSync('/tmp/vtl-pos.blk');
        ddNext = dd.code !== 0 ? errnoFromMessage(dd.stderr) ?? `dd exit ${dd.code}` : data.length === 0 ? 'filemark' : identify(data);
      }
      const rec = {
        ops: label,
        tapecoord: { fileno: ours.status.fileno, blkno: ours.status.blkno, flags: ours.status.flags.join(' '), errors: ours.errors, next: ours.next },
        mt: { fileno: theirs.fileno, blkno: theirs.blkno, flags: theirs.flags.join(' '), errors: mtOps, ddNext },
      };
      observed.push(rec);
      t.comment(JSON.stringify(rec));

      t.same(ours.errors, mtOps, 'the same ops fail, with the same errno');
      equalStatusText(t, ours.status, theirs.text, 'after the ops');
      t.same([ours.status.fileno, ours.status.blkno], [theirs.fileno, theirs.blkno], 'file/block numbers agree');
      t.same(ours.status.flags, theirs.flags, 'status bits agree');
      if (!seq.noRead) t.equal(ours.next, ddNext, 'tapecoord and dd read the same next block');

      if (seq.expect) {
        t.same(ours.errors, seq.ops.map(() => null), 'no op fails');
        t.same([ours.status.fileno, ours.status.blkno], seq.expect, `st says ${seq.expect.join('/')}`);
        if (seq.at === 'filemark') t.equal(ours.next, 'filemark', 'the next read returns the filemark');
        else if (seq.at !== 'end of data') t.equal(ours.next, seq.at, `the tape really is at ${seq.at}`);
        if (seq.expect[0] === FILES && seq.expect[1] === 0) t.ok(ours.status.flags.includes('EOF'), 'EOF bit after spacing over a filemark');
        if (seq.expect[0] === 0 && seq.expect[1] === 0) t.ok(ours.status.flags.includes('BOT'), 'BOT');
      }
      switch (seq.quirk) {
        case 'BSR over a filemark':
          // a real drive stops at the filemark with FILEMARK sense (st: EIO); tgt backs over it as if it
          // were a block, with no error. The next read returns the filemark either way.
          t.same(ours.errors, [null, null], 'no error (tgt crosses the filemark silently)');
          t.same([ours.status.fileno, ours.status.blkno], [1, -1], 'st: 1/-1');
          t.equal(ours.next, 'filemark', 'really on the BOT side of the filemark');
          break;
        case 'BSF lands one block early':
          t.same(ours.errors, [null, null], 'no error');
          t.same([ours.status.fileno, ours.status.blkno], [1, -1], 'st: 1/-1 (BSF leaves the block number unknown)');
          t.equal(ours.next, `1/${BLOCKS - 1}`, 'tgt: the next read returns the last block of file 1, not the filemark');
          break;
        case 'FSR past the filemark':
          t.same(ours.errors, [null], 'no error (tgt crosses the filemark silently)');
          t.same([ours.status.fileno, ours.status.blkno], [0, 7], 'st believes 0/7');
          t.equal(ours.next, '1/1', 'the tape is at 1/1: the filemark counted as a block');
          break;
        case 'MTEOM':
        case 'MTEOM then MTBSF':
          t.same(ours.errors, seq.ops.map(() => null), 'no error');
          if (seq.quirk === 'MTEOM') t.ok(ours.status.flags.includes('EOD'), 'EOD bit set');
          t.not(ours.status.fileno, FILES - (seq.ops.length - 1), `st's file number is not the real ${FILES - (seq.ops.length - 1)} (tgt returns no residual)`);
          break;
        case 'FSF past end of data':
          t.same(ours.errors, ['EIO'], 'MTFSF past the last filemark: EIO');
          break;
        case 'BSF past BOT':
          t.same(ours.errors, [null, 'EIO'], 'MTBSF past BOT: EIO');
          t.equal(ours.next, '0/0', 'the tape is at BOT');
          t.comment(`st's numbers after it: ${ours.status.fileno}/${ours.status.blkno} (no residual from tgt)`);
          break;
        default:
          break;
      }
    });
  }

  t.test('after everything, a rewind brings both back to BOT', async (t) => {
    await withMedium(d.path, (m) => m.rewind());
    const m = mtStatus(d.path);
    t.same([m.fileno, m.blkno], [0, 0]);
    t.ok(m.flags.includes('BOT'));
    t.comment('observed: ' + JSON.stringify(observed));
  });
});
