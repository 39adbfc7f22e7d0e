// butc's capacity accounting (BUTC-SPEC §2.9): incSize, margins, the split trigger and the
// throttled read size.
import t from 'tap';
import { dumpEndMarginKB, plannedSplit, savedbEndMarginKB, TapeUsage, throttledReadSize } from '../../../lib/format/butm/index.js';

t.test('incSize: 16 KB per record, filemark bytes carried below 1 KB', async (t) => {
  const u = new TapeUsage(1000, 500);
  u.add(16384);
  t.same([u.kBytes, u.nBytes], [16, 0]);
  u.addFilemarks(1);
  t.same([u.kBytes, u.nBytes], [16, 500]);
  t.equal(u.usedKB, 17, 'a partial KB counts as one in useKBytes');
  u.addFilemarks(1);
  t.same([u.kBytes, u.nBytes], [16, 1000], '1000 bytes still below 1 KB');
  u.addFilemarks(2);
  t.same([u.kBytes, u.nBytes], [17, 976], '2000 bytes: 1 KB moves, 976 stay');
  t.equal(u.remainingKB, 1000 - 17);
  u.reset();
  t.same([u.kBytes, u.nBytes, u.remainingKB], [0, 0, 1000]);
  u.setUsedKB(990);
  t.equal(u.remainingKB, 10);
  u.add(16384);
  t.equal(u.remainingKB, -6, 'signed below zero, as butc compares it');
});

t.test('counters wrap at 32 bits like afs_uint32', async (t) => {
  const u = new TapeUsage(0xffffffff, 0);
  u.setUsedKB(0xfffffff8);
  u.add(16384);
  t.equal(u.kBytes, 8, 'kBytes wraps');
  const back = new TapeUsage(100, 1024);
  back.addFilemarks(-1);
  t.equal(back.kBytes, 4194303, 'a backward space adds (uint32)(-1024) bytes, as incSize does');
});

t.test('end margins', async (t) => {
  t.equal(dumpEndMarginKB(0), 96, 'tc_KEndMargin with filemark size 0');
  t.equal(dumpEndMarginKB(1024), 104, '2 × (3×16384 + 4×1024) bytes');
  t.equal(dumpEndMarginKB(100), 96, '2 × (49152 + 400) = 99104 bytes = 96 KB');
  t.equal(savedbEndMarginKB(0), 32);
  t.equal(savedbEndMarginKB(2048), 44);
});

t.test('planned split: below the margin, and data in this fragment or not the first volume', async (t) => {
  const u = new TapeUsage(1000, 0);
  u.setUsedKB(904); // remaining 96: not below
  t.notOk(plannedSplit(u, { fragmentBytes: 1, position: 9, fileMode: true }));
  u.setUsedKB(905); // remaining 95
  t.ok(plannedSplit(u, { fragmentBytes: 1, position: 2, fileMode: false }), 'data already read');
  t.notOk(plannedSplit(u, { fragmentBytes: 0, position: 2, fileMode: false }), 'first volume on the tape, nothing read');
  t.ok(plannedSplit(u, { fragmentBytes: 0, position: 3, fileMode: false }), 'second volume on the tape');
  t.notOk(plannedSplit(u, { fragmentBytes: 0, position: 3, fileMode: true }), 'FILE mode: label 0, FILE-BEGIN 1, header 2');
  t.ok(plannedSplit(u, { fragmentBytes: 0, position: 4, fileMode: true }));
});

t.test('throttled read size', async (t) => {
  t.equal(throttledReadSize(10000), 16360, 'default BUFFERSIZE: one payload');
  t.equal(throttledReadSize(10000, 16384 * 4), 4 * 16360, 'BUFFERSIZE 64 KB');
  t.equal(throttledReadSize(63, 16384 * 4), 4 * 16360, '(63/16 + 1) = 4 payloads');
  t.equal(throttledReadSize(47, 16384 * 4), 3 * 16360);
  t.equal(throttledReadSize(15, 16384 * 4), 16360);
  t.equal(throttledReadSize(0, 16384 * 4), 16360);
  t.equal(throttledReadSize(-5, 16384 * 4), 16360, 'past the end: one payload');
});
