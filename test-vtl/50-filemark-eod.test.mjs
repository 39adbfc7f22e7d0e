// Filemark and end-of-data read semantics through st, tapecoord against dd.
// Layout: file 0 = A B (16 KiB each), filemark, file 1 = C (5000 bytes), filemark, end of data.
import { readFileSync } from 'node:fs';
import t from 'tap';
import { ddRecords, drive, loadCartridge, mtStatus, patternBytes, sh, tc, withMedium } from './lib/vtl.mjs';

t.test('filemark and end-of-data read semantics', async (t) => {
  const d = drive(0);
  const BS = 16384;
  const A = patternBytes(BS, 51);
  const B = patternBytes(BS, 52);
  const C = patternBytes(5000, 53);

  t.before(async () => {
    loadCartridge(6, d.n);
    await withMedium(d.path, async (m) => {
      await m.write(A);
      await m.write(B);
      await m.writeFilemarks(1);
      await m.write(C);
      await m.writeFilemarks(1);
    });
  });

  async function step(medium, length = BS) {
    let what;
    try {
      const r = await medium.read(length);
      what = r.kind === 'filemark' ? { kind: 'filemark' } : { kind: 'data', length: r.data.length, data: r.data };
    } catch (e) {
      what = { kind: 'error', code: e.code, error: e };
    }
    const s = await medium.status();
    return { ...what, fileno: s.fileno, blkno: s.blkno, flags: s.flags };
  }
  const show = (r) => `${r.kind}${r.length !== undefined ? ' ' + r.length : ''}${r.code ? ' ' + r.code : ''} @${r.fileno}/${r.blkno} [${r.flags.join(' ')}]`;

  t.test('read: data, data, filemark (0 bytes), then the next file, filemark', async (t) => {
    await withMedium(d.path, async (medium) => {
      await medium.rewind();
      const seq = [];
      for (let i = 0; i < 5; i++) seq.push(await step(medium));
      t.comment(seq.map(show).join('; '));
      t.ok(seq[0].kind === 'data' && seq[0].data.equals(A), 'A');
      t.ok(seq[1].kind === 'data' && seq[1].data.equals(B), 'B');
      t.same([seq[1].fileno, seq[1].blkno], [0, 2]);
      t.equal(seq[2].kind, 'filemark', 'read() returned 0: a filemark');
      t.same([seq[2].fileno, seq[2].blkno], [1, 0], 'st moved past it: 1/0');
      t.ok(seq[2].flags.includes('EOF'), 'EOF bit');
      t.ok(seq[3].kind === 'data' && seq[3].data.equals(C), 'the next read returns the next file: C (5000 bytes)');
      t.same([seq[3].fileno, seq[3].blkno], [1, 1]);
      t.equal(seq[4].kind, 'filemark', 'the second filemark');
      t.same([seq[4].fileno, seq[4].blkno], [2, 0]);
    });
  });

  // What st does past the last filemark on tgt (README bug 3: garbage instead of an end-of-data
  // error). Observed in this lab: one read returns `length` bytes of stale buffer with EOD set,
  // then two reads return 0 (looking like filemarks), then EIO with EOD.
  t.test('past the last filemark: what st really does (tgt bug 3)', async (t) => {
    await withMedium(d.path, async (medium) => {
      await medium.rewind();
      await medium.op('MTFSF', 2);
      const seq = [];
      for (let i = 0; i < 4; i++) seq.push(await step(medium));
      t.comment('reads after the last filemark: ' + seq.map(show).join('; '));
      t.equal(seq[0].kind, 'data', 'first read: data, not an error (a real drive reports BLANK CHECK)');
      t.equal(seq[0].length, BS, 'as long as the buffer asked for');
      t.ok(seq[0].flags.includes('EOD'), 'and st sets the EOD bit');
      t.notOk(seq[0].data?.equals(A) || seq[0].data?.equals(B), 'it is none of the blocks written (stale buffer)');
      t.same([seq[0].fileno, seq[0].blkno], [2, 1]);
      t.equal(seq[1].kind, 'filemark', 'second read: 0 bytes');
      t.equal(seq[2].kind, 'filemark', 'third read: 0 bytes');
      t.equal(seq[3].kind, 'error', 'fourth read: an error');
      t.equal(seq[3].code, 'EIO', 'EIO');
      t.ok(seq[3].flags.includes('EOD'), 'with the EOD bit');
      t.ok(await tc.isEndOfData(medium, seq[3].error), 'isEndOfData() calls that EIO the end of data');
    });
  });

  t.test('dd sees the same: a record, a filemark, a record, a filemark; past the last one, a record of garbage', async (t) => {
    const r = sh(
      `mt -f ${d.path} rewind; for i in 1 2 3 4 5; do dd if=${d.path} of=/tmp/vtl-eod-$i bs=256k 2>/tmp/vtl-eod-$i.err; echo "@rc=$?"; done`,
    );
    const rcs = [...r.stdout.matchAll(/@rc=(\d+)/g)].map((m) => Number(m[1]));
    const recs = [1, 2, 3, 4, 5].map((i) => ({ ...ddRecords(readFileSync(`/tmp/vtl-eod-${i}.err`, 'utf8')), bytes: readFileSync(`/tmp/vtl-eod-${i}`).length }));
    t.comment('dd bs=256k x5 from BOT: ' + recs.map((x, i) => `rc ${rcs[i]} ${x.inFull}+${x.inPartial} ${x.bytes}B${x.error ? ' ' + x.error : ''}`).join('; '));
    t.same(
      recs.slice(0, 2).map((x) => [x.inFull, x.inPartial, x.bytes]),
      [
        [0, 2, 2 * BS],
        [0, 1, 5000],
      ],
      'file 0: 2 short records, file 1: 1; each dd stops at the filemark',
    );
    t.equal(readFileSync('/tmp/vtl-eod-1').equals(Buffer.concat([A, B])), true);
    // third dd starts after the last filemark
    t.comment(`dd #3 past the last filemark: ${recs[2].inFull}+${recs[2].inPartial} records, ${recs[2].bytes} bytes, exit ${rcs[2]}`);
    t.equal(recs[2].bytes, 256 * 1024, 'tgt returns a full buffer of garbage (bug 3)');
    const s = mtStatus(d.path);
    t.ok(s.flags.includes('EOD'), `mt status after: EOD (${s.fileno}/${s.blkno})`);
  });

  t.test('TapeReader, one file at a time: a filemark event, then the next file', async (t) => {
    await withMedium(d.path, async (medium) => {
      await medium.rewind();
      for (const want of [Buffer.concat([A, B]), C]) {
        const reader = new tc.TapeReader(medium, { blockSize: BS, bufferSize: 8 * BS, files: 1 });
        let marks = 0;
        reader.on('filemark', () => marks++);
        const chunks = [];
        for await (const c of reader) chunks.push(c);
        const result = await reader.result;
        t.ok(Buffer.concat(chunks).equals(want), `${want.length} bytes, intact`);
        t.equal(marks, 1, "one 'filemark'");
        t.equal(result.endOfData, false);
      }
    });
  });

  t.test('TapeReader to end of data (files: 0) on tgt: what bug 3 does to it', async (t) => {
    await withMedium(d.path, async (medium) => {
      await medium.rewind();
      const reader = new tc.TapeReader(medium, { blockSize: BS, bufferSize: 8 * BS, files: 0 });
      let marks = 0;
      reader.on('filemark', () => marks++);
      const chunks = [];
      for await (const c of reader) chunks.push(c);
      const result = await reader.result;
      const got = Buffer.concat(chunks);
      t.comment(`files: 0 -> ${result.blocks} blocks, ${got.length} bytes, ${marks} filemark events, endOfData ${result.endOfData}`);
      t.ok(got.subarray(0, 2 * BS + 5000).equals(Buffer.concat([A, B, C])), 'the real data comes first, intact');
      t.equal(result.endOfData, true, 'it ends with endOfData');
      // tgt's garbage block after the last filemark is delivered as data, and the 0 that follows as a
      // third filemark: a real drive's BLANK CHECK would end the stream after the second filemark
      t.equal(result.blocks, 4, '3 blocks + 1 garbage block (bug 3)');
      t.equal(got.length, 2 * BS + 5000 + BS);
      t.equal(marks, 3, '2 filemarks + 1 phantom (the 0 st returns after the garbage)');
    });
  });

  // detectBlockSize at a filemark reads it and steps back with MTBSF 1, which on a real drive is
  // exactly where it was. tgt's reverse SPACE filemarks lands one block early (FINDINGS.md).
  t.test('detectBlockSize at a filemark: { kind: filemark }, and where it leaves the tape on tgt', async (t) => {
    await withMedium(d.path, async (medium) => {
      await medium.rewind();
      await medium.op('MTFSR', 2); // after B, before the first filemark
      const found = await tc.detectBlockSize(medium);
      t.same(found, { kind: 'filemark' });
      const s = await medium.status();
      const next = await step(medium);
      const what = next.kind === 'data' ? (next.data.equals(B) ? 'B (0/1)' : next.data.equals(A) ? 'A (0/0)' : 'other data') : next.kind;
      t.comment(`after detectBlockSize at the filemark: st ${s.fileno}/${s.blkno}, the next read returns ${what}`);
      t.same([s.fileno, s.blkno], [0, -1], 'st after the MTBSF: file 0, block unknown');
      t.equal(what, 'B (0/1)', 'tgt: one block before where it was (a real drive: the filemark)');
    });
  });

  t.test('detectBlockSize past the last filemark on tgt: bug 3 makes it find a block', async (t) => {
    await withMedium(d.path, async (medium) => {
      await medium.rewind();
      await medium.op('MTFSF', 2);
      const found = await tc.detectBlockSize(medium).then(
        (r) => r,
        (e) => ({ error: e.code }),
      );
      const s = await medium.status();
      t.comment(`detectBlockSize after the last filemark: ${JSON.stringify(found)}; st ${s.fileno}/${s.blkno} [${s.flags.join(' ')}]`);
      t.same(found, { kind: 'block', blockSize: 64 * 1024 }, 'the garbage read has the length of its first buffer (64 KiB); a real drive: { kind: endOfData }');
    });
  });
});
