// Data: what tapecoord writes, dd reads byte for byte (and with the block sizes dd sees in its
// record counts); what dd writes, tapecoord's detectBlockSize, TapeReader and Transfer read back;
// and `tapecoord stream` against dd on the command line.
import { openSync, closeSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { ddRecords, drive, loadCartridge, mtStatus, patternBytes, repoRoot, sha256, sh, shOk, tc, withMedium } from './lib/vtl.mjs';

t.test('data: TapeWriter/TapeReader/Transfer/tapecoord stream vs dd', async (t) => {
  const d0 = drive(0);
  const d1 = drive(1);
  const KiB = 1024;
  const MiB = 1024 * 1024;

  // Two files with a short last block each (the ring flushes a partial block at a filemark).
  // The short blocks stay below half the block size: tgt bug 2 corrupts a read whose buffer is
  // larger than the block but smaller than twice it.
  const FILES = [
    { bs: 16 * KiB, data: patternBytes(MiB + 5000, 16), full: 64, partial: 1 },
    { bs: 256 * KiB, data: patternBytes(MiB + 70000, 256), full: 4, partial: 1 },
  ];

  t.test('TapeWriter at 16 KiB and 256 KiB blocks; dd bs=256k reads the same bytes and block counts', async (t) => {
    loadCartridge(3, d0.n);
    await withMedium(d0.path, async (medium) => {
      for (const [i, f] of FILES.entries()) {
        const writer = new tc.TapeWriter(medium, { blockSize: f.bs, bufferSize: 8 * f.bs });
        // chunks that are not block-aligned: the ring re-blocks them
        for (let off = 0; off < f.data.length; off += 100000) {
          if (!writer.write(f.data.subarray(off, off + 100000))) await new Promise((r) => writer.once('drain', r));
        }
        const mark = await writer.filemark(1);
        writer.end();
        const result = await writer.result;
        t.equal(result.blocks, f.full + f.partial, `file ${i}: ${f.full}+${f.partial} blocks of ${f.bs}`);
        t.equal(result.bytes, f.data.length, `file ${i}: bytes on the medium = bytes pushed (no padding)`);
        t.equal(result.filemarks, 1);
        t.equal(result.unwrittenBytes, 0);
        t.equal(result.stats.writes, f.full + f.partial, 'one write() per block');
        t.equal(mark.blocks, f.full + f.partial, 'filemark() resolves after all the blocks before it');
        const s = await medium.status();
        t.same([s.fileno, s.blkno], [i + 1, 0], `st at ${i + 1}/0 after the filemark`);
      }
    });
    const r = sh(`mt -f ${d0.path} rewind && dd if=${d0.path} of=/tmp/vtl-f0 bs=256k 2>/tmp/vtl-dd0 && dd if=${d0.path} of=/tmp/vtl-f1 bs=256k 2>/tmp/vtl-dd1`);
    t.equal(r.code, 0, `mt/dd: ${r.out}`);
    for (const [i, f] of FILES.entries()) {
      const dd = readFileSync(`/tmp/vtl-dd${i}`, 'utf8');
      const rec = ddRecords(dd);
      t.comment(`file ${i} (${f.bs}-byte blocks), dd bs=256k: ${dd.split('\n').slice(0, 2).join(', ')}`);
      // dd counts a read shorter than bs as a partial record: 16 KiB blocks are all partial at bs=256k
      const expectFull = f.bs === 256 * KiB ? f.full : 0;
      const expectPartial = f.bs === 256 * KiB ? f.partial : f.full + f.partial;
      t.same([rec.inFull, rec.inPartial], [expectFull, expectPartial], `dd sees ${expectFull}+${expectPartial} records`);
      t.equal(sha256(readFileSync(`/tmp/vtl-f${i}`)), sha256(f.data), `file ${i} is byte-identical (sha256)`);
    }
    // dd with bs=16k on the 16 KiB file: full records, the short one partial
    const r16 = sh(`mt -f ${d0.path} rewind && dd if=${d0.path} of=/dev/null bs=16k`);
    const rec16 = ddRecords(r16.stderr);
    t.same([rec16.inFull, rec16.inPartial], [64, 1], 'dd bs=16k: 64+1 records (the 16 KiB blocks and the 5000-byte one)');
  });

  t.test('detectBlockSize finds what the TapeWriter wrote and leaves the position alone', async (t) => {
    await withMedium(d0.path, async (medium) => {
      await medium.rewind();
      for (const [i, f] of FILES.entries()) {
        if (i > 0) await medium.op('MTFSF', 1);
        const before = await medium.status();
        const found = await tc.detectBlockSize(medium);
        const after = await medium.status();
        t.same(found, { kind: 'block', blockSize: f.bs }, `file ${i}: ${f.bs}`);
        t.same([after.fileno, after.blkno], [before.fileno, before.blkno], `position unchanged (${after.fileno}/${after.blkno})`);
        const first = await medium.read(f.bs);
        t.ok(first.kind === 'data' && first.data.equals(f.data.subarray(0, f.bs)), 'the first block is read again by the caller');
      }
    });
  });

  // dd writes, tapecoord reads: drive 1 (/dev/nst1), its own cartridge
  const DD = [
    { bs: 16 * KiB, data: patternBytes(MiB + 5000, 1016), ddbs: '16k', full: 64, partial: 1 },
    { bs: 256 * KiB, data: patternBytes(MiB + 70000, 1256), ddbs: '256k', full: 4, partial: 1 },
  ];

  t.test('dd writes 16k and 256k files; detectBlockSize and the TapeReader read them back', async (t) => {
    loadCartridge(4, d1.n);
    for (const [i, f] of DD.entries()) {
      writeFileSync(`/tmp/vtl-dd-src${i}`, f.data);
      const r = sh(`dd if=/tmp/vtl-dd-src${i} of=${d1.path} bs=${f.ddbs}`);
      const rec = ddRecords(r.stderr);
      t.equal(r.code, 0, `dd bs=${f.ddbs}: ${r.stderr.split('\n')[1]}`);
      t.same([rec.outFull, rec.outPartial], [f.full, f.partial], `dd wrote ${f.full}+${f.partial} records (st closed the file with a filemark)`);
    }
    const m = mtStatus(d1.path);
    t.same([m.fileno, m.blkno], [2, 0], 'two files, each closed by st with a filemark');

    await withMedium(d1.path, async (medium) => {
      await medium.rewind();
      for (const [i, f] of DD.entries()) {
        const found = await tc.detectBlockSize(medium);
        t.same(found, { kind: 'block', blockSize: f.bs }, `detectBlockSize: the ${f.ddbs} dd wrote`);
        const reader = new tc.TapeReader(medium, { blockSize: found.blockSize, bufferSize: 16 * found.blockSize, files: 1 });
        const marks = [];
        reader.on('filemark', (n) => marks.push(n));
        const chunks = [];
        for await (const c of reader) chunks.push(c);
        const result = await reader.result;
        const got = Buffer.concat(chunks);
        t.equal(got.length, f.data.length, `file ${i}: ${got.length} bytes`);
        t.equal(sha256(got), sha256(f.data), `file ${i}: byte-identical to what dd wrote`);
        t.equal(result.blocks, f.full + f.partial, `the reader counted ${f.full + f.partial} blocks`);
        t.equal(result.bytes, f.data.length);
        t.equal(result.filemarks, 1);
        t.same(marks, [1], "one 'filemark' event");
        t.equal(result.endOfData, false);
        const s = await medium.status();
        t.same([s.fileno, s.blkno], [i + 1, 0], 'the reader stopped just after the filemark');
      }
    });
  });

  t.test('TapeReader.detect sizes its slots to the block size dd wrote', { skip: typeof tc.TapeReader.detect !== 'function' && 'no TapeReader.detect in this build' }, async (t) => {
    await withMedium(d1.path, async (medium) => {
      await medium.rewind();
      for (const f of DD) {
        const reader = await tc.TapeReader.detect(medium, { bufferSize: 4 * 256 * KiB, files: 1 });
        t.equal(reader.blockSize, f.bs, `slot size ${f.bs}`);
        const chunks = [];
        for await (const c of reader) chunks.push(c);
        t.equal(sha256(Buffer.concat(chunks)), sha256(f.data), 'byte-identical');
      }
    });
  });

  t.test('Transfer: tape -> file descriptor and file descriptor -> tape, against dd', async (t) => {
    // tape (dd's file 0) -> a file
    await withMedium(d1.path, async (medium) => {
      await medium.rewind();
      const fd = openSync('/tmp/vtl-transfer-out', 'w');
      try {
        const transfer = new tc.Transfer({ medium, files: 1 }, { fd, name: 'out' }, { blockSize: 16 * KiB, bufferSize: MiB });
        const result = await transfer.done;
        t.equal(result.bytes, DD[0].data.length);
      } finally {
        closeSync(fd);
      }
    });
    t.equal(sha256(readFileSync('/tmp/vtl-transfer-out')), sha256(DD[0].data), 'Transfer read the file dd wrote');

    // a file -> tape, appended after dd's two files, then dd reads it
    const src = patternBytes(3 * 256 * KiB + 1000, 77);
    writeFileSync('/tmp/vtl-transfer-in', src);
    await withMedium(d1.path, async (medium) => {
      await medium.rewind();
      await medium.op('MTFSF', 2);
      const fd = openSync('/tmp/vtl-transfer-in', 'r');
      try {
        const transfer = new tc.Transfer({ fd, name: 'in' }, { medium }, { blockSize: 256 * KiB, bufferSize: 2 * MiB });
        const result = await transfer.done;
        t.equal(result.blocks, 4);
        t.equal(result.bytes, src.length);
      } finally {
        closeSync(fd);
      }
      await medium.writeFilemarks(1);
    });
    const r = sh(`mt -f ${d1.path} rewind && mt -f ${d1.path} fsf 2 && dd if=${d1.path} of=/tmp/vtl-transfer-back bs=256k`);
    t.equal(r.code, 0, r.out);
    t.same([ddRecords(r.stderr).inFull, ddRecords(r.stderr).inPartial], [3, 1], 'dd: 3+1 records');
    t.equal(sha256(readFileSync('/tmp/vtl-transfer-back')), sha256(src), 'dd reads what Transfer wrote');
  });

  t.test('`tapecoord stream` against dd on the command line', async (t) => {
    const bin = join(repoRoot, 'bin', 'tapecoord');
    const src = patternBytes(2 * MiB + 12345, 99);
    writeFileSync('/tmp/vtl-stream-in', src);
    loadCartridge(3, d0.n); // rewound; overwrite from BOT
    const w = sh(`node ${bin} stream -i /tmp/vtl-stream-in -o ${d0.path} --block-size 64k --buffer 4M --filemark --json`);
    t.equal(w.code, 0, `tapecoord stream to tape: ${w.out.trim()}`);
    const summary = JSON.parse(w.stdout);
    t.equal(summary.blocks, 33, '32 full 64 KiB blocks + 1 short');
    t.equal(summary.bytes, src.length);
    t.equal(summary.filemarks, 1);
    const s = mtStatus(d0.path);
    t.same([s.fileno, s.blkno], [1, 0], 'one file, one filemark (--filemark; no extra one from close)');
    const r = sh(`mt -f ${d0.path} rewind && dd if=${d0.path} of=/tmp/vtl-stream-dd bs=256k`);
    t.same([ddRecords(r.stderr).inFull, ddRecords(r.stderr).inPartial], [0, 33], 'dd bs=256k sees 33 records shorter than 256k');
    t.equal(sha256(readFileSync('/tmp/vtl-stream-dd')), sha256(src), 'dd reads the bytes tapecoord stream wrote');
    // and back: stream from tape, block size found by itself
    const rd = sh(`mt -f ${d0.path} rewind && node ${bin} stream -i ${d0.path} -o /tmp/vtl-stream-out --buffer 4M --json`);
    t.equal(rd.code, 0, `tapecoord stream from tape: ${rd.out.trim()}`);
    const back = JSON.parse(rd.stdout.slice(rd.stdout.indexOf('{')));
    t.equal(back.blockSize, 64 * KiB, 'detected the 64k block size');
    t.equal(sha256(readFileSync('/tmp/vtl-stream-out')), sha256(src), 'byte-identical');
    const s2 = mtStatus(d0.path);
    t.same([s2.fileno, s2.blkno], [1, 0], 'stopped after the filemark');
  });

  t.test('without --filemark, st closes the written file with a filemark of its own', async (t) => {
    const bin = join(repoRoot, 'bin', 'tapecoord');
    loadCartridge(3, d0.n);
    const w = sh(`node ${bin} stream -i /tmp/vtl-stream-in -o ${d0.path} --block-size 256k --buffer 4M --json`);
    t.equal(w.code, 0, w.out.trim());
    const summary = JSON.parse(w.stdout);
    const s = mtStatus(d0.path);
    t.comment(`tapecoord stream without --filemark: summary.filemarks ${summary.filemarks}; mt status ${s.fileno}/${s.blkno}`);
    t.equal(summary.filemarks, 0, 'tapecoord wrote no filemark');
    t.same([s.fileno, s.blkno], [1, 0], 'but the tape has one: st writes it when a written device is closed');
  });
});
