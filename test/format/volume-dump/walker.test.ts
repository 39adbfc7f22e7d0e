// The volume dump walker on whole streams, split streams and cut streams (BUTC-SPEC §4.8).
import t from 'tap';
import { VolumeDumpError } from '../../../lib/format/volume-dump/errors.js';
import type { VolumeDumpOptions, VolumeDumpSummary } from '../../../lib/format/volume-dump/summary.js';
import { VolumeDumpWalker, walkVolumeDump } from '../../../lib/format/volume-dump/walker.js';
import { rng } from '../../helpers/tmp.js';
import { be16, be32, generateVolumeDump, piece } from '../../helpers/volume-dump-gen.js';

function walk(bytes: Buffer, options?: VolumeDumpOptions): VolumeDumpSummary {
  const w = new VolumeDumpWalker(options);
  w.push(bytes);
  return w.end();
}

function walkError(bytes: Buffer, options?: VolumeDumpOptions): VolumeDumpError {
  try {
    walk(bytes, options);
  } catch (e) {
    if (e instanceof VolumeDumpError) return e;
    throw e;
  }
  throw new Error('the walk succeeded');
}

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}

/** A small stream: one directory, one file, one symlink, tiny data. */
const small = generateVolumeDump({ seed: 3, directories: 1, files: 1, symlinks: 1, maxFileBytes: 40 });

t.test('a generated full dump gives its summary', async (t) => {
  for (const seed of [1, 2, 5]) {
    const g = generateVolumeDump({ seed, directories: 3, files: 20, symlinks: 2, maxFileBytes: 20000 });
    t.same(walk(g.bytes), g.summary, `seed ${seed}`);
    t.equal(g.summary.vnodes, 25);
    t.equal(g.summary.bareVnodes, 0);
  }
  const g = generateVolumeDump({ seed: 9 });
  const s = walk(g.bytes);
  t.equal(s.volumeId, 536870915);
  t.equal(s.volumeName, 'vol1');
  t.equal(s.volumeHeader.weekUse?.length, 7);
  t.equal(s.volumeHeader.inService, true);
  t.equal(s.length, g.bytes.length);
});

t.test('a stream split at any byte gives the same summary', async (t) => {
  const bytes = small.bytes;
  t.ok(bytes.length < 6000, `small stream of ${bytes.length} bytes`);
  let same = 0;
  for (let cut = 0; cut <= bytes.length; cut++) {
    const w = new VolumeDumpWalker();
    w.push(bytes.subarray(0, cut));
    w.push(bytes.subarray(cut));
    const s = w.end();
    if (JSON.stringify(s) === JSON.stringify(small.summary)) same++;
  }
  t.equal(same, bytes.length + 1, 'every two-piece split');

  const w = new VolumeDumpWalker();
  for (let i = 0; i < bytes.length; i++) {
    w.push(bytes.subarray(i, i + 1));
    if (w.offset !== i + 1) t.fail(`offset ${w.offset} after ${i + 1} bytes`);
  }
  t.equal(w.offset, bytes.length);
  t.same(w.end(), small.summary, 'one byte at a time');

  const big = generateVolumeDump({ seed: 11, directories: 4, files: 30, symlinks: 3, fromDate: 1_700_000_000, trailingVolumeHeader: true });
  for (const seed of [1, 2, 3, 4]) {
    const r = rng(seed);
    const w = new VolumeDumpWalker();
    for (let at = 0; at < big.bytes.length; ) {
      const n = r(0, 700);
      w.push(big.bytes.subarray(at, at + n));
      at += n;
    }
    t.same(w.end(), big.summary, `random chunks, seed ${seed}`);
  }
});

t.test('a stream cut at any byte is refused at the cut', async (t) => {
  const bytes = small.bytes;
  let right = 0;
  const wrong: string[] = [];
  for (let cut = 0; cut < bytes.length; cut++) {
    const w = new VolumeDumpWalker();
    w.push(bytes.subarray(0, cut));
    try {
      w.end();
      wrong.push(`cut ${cut}: accepted`);
    } catch (e) {
      if (e instanceof VolumeDumpError && e.reason === 'truncated' && e.offset === cut) right++;
      else wrong.push(`cut ${cut}: ${String(e)}`);
    }
  }
  t.same(wrong, []);
  t.equal(right, bytes.length);

  // The message says what was being read.
  const header = piece.dumpHeader(7, 'v', [[0, 1]]);
  const e = walkError(header.subarray(0, 16));
  t.match(e.message, /^volume dump byte 16, dump header, tag 0x6e 'n': truncated: the stream ends inside its string \(1 bytes and no NUL\)$/);
  const g = generateVolumeDump({ seed: 1, directories: 1, files: 0, symlinks: 0 });
  const e2 = walkError(g.bytes.subarray(0, g.bytes.length - 100));
  t.equal(e2.section, 'vnode');
  t.equal(e2.vnode, 1);
  t.equal(e2.tag, 0x66);
  t.match(e2.message, /bytes of data \(\d+ of \d+ bytes there\)/);
});

t.test('the lab hexdump of §4.8 is accepted', async (t) => {
  const acl = Buffer.alloc(192);
  [0x1c, 1, 1, 0, 0xffffff34, 0x7f].forEach((v, i) => acl.writeUInt32BE(v, 4 * i));
  const lab = Buffer.concat([
    Buffer.from('01b3a1132200000001', 'hex'),
    Buffer.from('7620000003', 'hex'),
    Buffer.from('6e', 'hex'),
    Buffer.from('vol1\0', 'latin1'),
    Buffer.from('74000200000000' + '6b013e78', 'hex'),
    Buffer.from('02' + '6920000003' + '7600000001' + '6e', 'hex'),
    Buffer.from('vol1\0', 'latin1'),
    Buffer.from('7301' + '6201' + '7500000002' + '7400' + '7020000003', 'hex'),
    Buffer.from('6300000000' + '7100000000' + '6d00000000' + '6400000002' + '6600000001', 'hex'),
    Buffer.from('6100000000' + '6f00000000' + '436b013e00' + '4100000000' + '556b013e78' + '4500000000' + '4200000000', 'hex'),
    Buffer.from('4f00' + '4d00' + '570007' + '00'.repeat(28) + '4400000000' + '5a00000000', 'hex'),
    Buffer.from('03' + '00000001' + '00000001' + '7402' + '6c0002' + '7600000001' + '6d6b013e78' + '6100000000' + '6f00000000', 'hex'),
    Buffer.from('6201ff' + '7000000000' + '736b013e78' + '41', 'hex'),
    acl,
    Buffer.from('6600000800', 'hex'),
    Buffer.alloc(2048, 0x11),
    Buffer.from('043a214b6e', 'hex'),
  ]);
  const s = walk(lab, { expectedVolumeId: 536870915, expectedFromDate: 0, expectedLength: lab.length });
  t.equal(s.volumeId, 0x20000003);
  t.equal(s.volumeName, 'vol1');
  t.same(s.dumpTimes, [{ from: 0, to: 0x6b013e78 }]);
  t.equal(s.toDate, 0x6b013e78);
  t.equal(s.volumeHeader.parentId, 0x20000003);
  t.equal(s.volumeHeader.type, 0);
  t.equal(s.volumeHeader.uniquifier, 2);
  t.equal(s.volumeHeader.diskUsed, 2);
  t.equal(s.volumeHeader.updateDate, 0x6b013e78);
  t.equal(s.directories, 1);
  t.equal(s.dataBytes, 2048);
});

t.test('dump header rules', async (t) => {
  const rest = Buffer.concat([Buffer.from([0x02]), piece.end()]);
  const ok = (head: Buffer) => Buffer.concat([head, rest]);
  t.same(walk(ok(piece.dumpHeader(5, 'x', [[0, 9]]))).volumeId, 5, 'a header and an empty volume header are enough');

  let e = walkError(Buffer.from([0x02, 0, 0, 0, 0]));
  t.match(e, { reason: 'unexpected-tag', offset: 0, tag: 0x02, section: 'dump header' });

  const bad = ok(piece.dumpHeader(5, 'x', [[0, 9]]));
  bad.writeUInt32BE(0xb3a11323, 1);
  t.match(walkError(bad), { reason: 'bad-magic', offset: 1, tag: 0x01, message: /magic 0xb3a11323, not 0xb3a11322/ });

  const v2 = ok(piece.dumpHeader(5, 'x', [[0, 9]]));
  v2.writeUInt32BE(2, 5);
  t.match(walkError(v2), { reason: 'bad-version', offset: 5 });

  const noId = piece.dumpHeader(0, 'x', [[0, 9]]);
  t.match(walkError(ok(noId)), { reason: 'no-volume-id', offset: noId.length });

  const noTimes = piece.dumpHeader(5, 'x', []);
  t.match(walkError(ok(noTimes)), { reason: 'no-dump-times', offset: noTimes.length });
  const withoutT = Buffer.concat([Buffer.from('01b3a11322000000017600000005', 'hex')]);
  t.match(walkError(ok(withoutT)), { reason: 'no-dump-times', offset: withoutT.length });

  const odd = Buffer.concat([Buffer.from('01b3a11322000000017600000005', 'hex'), Buffer.from('t'), be16(3), be32(0), be32(1), be32(2)]);
  t.match(walkError(ok(odd)), { reason: 'bad-value', offset: 15, tag: 0x74 });
  const tooMany = Buffer.concat([Buffer.from('01b3a11322000000017600000005', 'hex'), Buffer.from('t'), be16(102), Buffer.alloc(408)]);
  t.match(walkError(ok(tooMany)), { reason: 'bad-value', message: /at most 100/ });

  const two = piece.dumpHeader(5, 'x', [[100, 200], [300, 400]]);
  const s = walk(ok(two), { expectedFromDate: 100 });
  t.same([s.fromDate, s.toDate, s.dumpTimes.length], [100, 400, 2], 'merged dumps carry several pairs');

  e = walkError(ok(piece.dumpHeader(5, 'x', [[0, 9]])), { expectedVolumeId: 6 });
  t.match(e, { reason: 'wrong-volume-id', offset: 10, tag: 0x76, message: /volume id 5, 6 expected/ });
  e = walkError(ok(piece.dumpHeader(5, 'x', [[0, 9]])), { expectedFromDate: 1234 });
  t.match(e, { reason: 'wrong-from-date', offset: 10 + 4 + 3 + 3, tag: 0x74 });

  const noVolumeHeader = Buffer.concat([piece.dumpHeader(5, 'x', [[0, 9]]), piece.bareVnode(1, 1), piece.end()]);
  t.match(walkError(noVolumeHeader), { reason: 'unexpected-tag', tag: 0x03, section: 'dump header', message: /D_VOLUMEHEADER 0x02 must follow/ });
});

t.test('section order, end magic and trailing bytes', async (t) => {
  const g = generateVolumeDump({ seed: 4, directories: 1, files: 2, symlinks: 0 });
  const len = g.bytes.length;

  const badEnd = Buffer.from(g.bytes);
  badEnd.writeUInt32BE(0x3a214b6f, len - 4);
  t.match(walkError(badEnd), { reason: 'bad-magic', offset: len - 4, section: 'dump end', tag: 0x04 });

  const trailing = Buffer.concat([g.bytes, Buffer.from([0])]);
  t.match(walkError(trailing), { reason: 'trailing-bytes', offset: len, section: 'dump end' });
  const w = new VolumeDumpWalker();
  w.push(g.bytes);
  t.match(thrown(() => w.push(Buffer.from('x'))), { reason: 'trailing-bytes', offset: len }, 'trailing bytes in a later chunk');
  t.match(thrown(() => w.end()), { reason: 'trailing-bytes' }, 'the walker stays failed');

  const noEnd = g.bytes.subarray(0, len - 5);
  t.match(walkError(noEnd), { reason: 'truncated', offset: len - 5, section: 'vnode', message: /ends where a tag should start$/ });

  const zeroTag = Buffer.concat([g.bytes.subarray(0, len - 5), Buffer.from([0x00]), piece.end()]);
  t.match(walkError(zeroTag), { reason: 'unexpected-tag', offset: len - 5, tag: 0x00, section: 'vnode' });
  const dumpHeaderAgain = Buffer.concat([g.bytes.subarray(0, len - 5), Buffer.from([0x01]), piece.end()]);
  t.match(walkError(dumpHeaderAgain), { reason: 'unexpected-tag', offset: len - 5, tag: 0x01 });
});

t.test('64-bit lengths with h: skipped as they come, never held', async (t) => {
  const hi = 1;
  const lo = 10;
  const head = Buffer.concat([
    piece.dumpHeader(9, 'big', [[0, 1]]),
    Buffer.from([0x02]),
    Buffer.from([0x03]),
    be32(2),
    be32(1),
    Buffer.from('t\x01', 'latin1'),
    Buffer.from('h'),
    be32(hi),
    be32(lo),
  ]);
  const size = hi * 2 ** 32 + lo;
  const zeros = Buffer.alloc(1 << 20);
  const w = new VolumeDumpWalker();
  w.push(head);
  let left = size;
  while (left > 0) {
    const n = Math.min(left, zeros.length);
    w.push(zeros.subarray(0, n));
    left -= n;
  }
  w.push(piece.end());
  const s = w.end();
  t.equal(s.dataBytes, size);
  t.equal(s.files, 1);
  const length = head.length + size + 5;
  t.equal(s.length, length);

  const again = () => {
    const w2 = new VolumeDumpWalker({ expectedLength: length, expectedNBytes: length - 2 ** 32 });
    w2.push(head);
    for (let left = size; left > 0; left -= zeros.length) w2.push(zeros.subarray(0, Math.min(left, zeros.length)));
    w2.push(piece.end());
    return w2.end();
  };
  t.equal(again().length, length, 'nBytes is compared modulo 2^32');

  const cut = new VolumeDumpWalker();
  cut.push(head);
  cut.push(zeros);
  t.match(thrown(() => cut.end()), { reason: 'truncated', offset: head.length + zeros.length, tag: 0x68, message: new RegExp(`${zeros.length} of ${size} bytes`) });

  const huge = Buffer.concat([head.subarray(0, head.length - 8), be32(0x200000), be32(0)]);
  t.match(thrown(() => walk(Buffer.concat([huge, piece.end()]))), { reason: 'bad-value', offset: head.length - 8 });

  const g = generateVolumeDump({ seed: 12, large: true });
  t.same(walk(g.bytes), g.summary, "'h' with a zero high word");
});

t.test('expected length and nBytes', async (t) => {
  const g = generateVolumeDump({ seed: 6 });
  const len = g.bytes.length;
  t.equal(walk(g.bytes, { expectedLength: len, expectedNBytes: len }).length, len);
  t.match(walkError(g.bytes, { expectedLength: len + 1 }), { reason: 'wrong-length', offset: len, message: new RegExp(`${len} bytes, ${len + 1} expected`) });
  t.match(walkError(g.bytes, { expectedNBytes: len - 1 }), { reason: 'wrong-length' });
});

t.test('incremental dumps: bare vnodes and all directories', async (t) => {
  const g = generateVolumeDump({ seed: 21, directories: 3, files: 40, symlinks: 4, fromDate: 1_700_000_000 });
  const s = walk(g.bytes, { expectedFromDate: 1_700_000_000 });
  t.same(s, g.summary);
  t.ok(s.bareVnodes > 5, `${s.bareVnodes} bare vnodes`);
  t.ok(s.files + s.symlinks > 5, `${s.files + s.symlinks} changed vnodes`);
  t.equal(s.directories, 3);
  t.equal(s.vnodes, 47);
  t.equal(s.fromDate, 1_700_000_000);
  t.match(walkError(g.bytes, { expectedFromDate: 0 }), { reason: 'wrong-from-date' });
});

t.test('a second volume header after the vnodes, with V', async (t) => {
  const g = generateVolumeDump({ seed: 8, trailingVolumeHeader: true });
  const s = walk(g.bytes);
  t.same(s, g.summary);
  t.equal(s.volumeHeaders, 2);
  t.equal(s.volumeHeader.volUpdateCounter, 42);
  // Vnodes may follow a later volume header too (RestoreVolume loops).
  const more = Buffer.concat([g.bytes.subarray(0, g.bytes.length - 5), piece.bareVnode(200, 9), piece.end()]);
  t.equal(walk(more).bareVnodes, 1);
});

t.test('ACL check on request', async (t) => {
  const g = generateVolumeDump({ seed: 2, directories: 2 });
  t.same(walk(g.bytes, { checkAcl: true }), g.summary, 'the generator writes valid ACL headers');
  const at = g.bytes.indexOf(Buffer.from([0x41, 0, 0, 0, 36, 0, 0, 0, 1]));
  t.ok(at > 0);
  const bad = Buffer.from(g.bytes);
  bad.writeInt32BE(3, at + 1 + 12); // positive 3, negative 0, total 2
  t.same(walk(bad), g.summary, 'not checked by default');
  t.match(walkError(bad, { checkAcl: true }), { reason: 'bad-acl', offset: at + 1, tag: 0x41, vnode: 1, message: /3 positive \+ 0 negative entries, not total 2/ });
  const big = Buffer.from(g.bytes);
  big.writeInt32BE(21, at + 1 + 8);
  t.match(walkError(big, { checkAcl: true }), { reason: 'bad-acl', message: /total 21 entries/ });
  const small = Buffer.from(g.bytes);
  small.writeInt32BE(20, at + 1);
  t.match(walkError(small, { checkAcl: true }), { reason: 'bad-acl', message: /size 20 too small/ });
});

t.test('walkVolumeDump takes a buffer or chunks', async (t) => {
  const g = generateVolumeDump({ seed: 30 });
  t.same(await walkVolumeDump(g.bytes), g.summary);
  async function* chunks() {
    for (let i = 0; i < g.bytes.length; i += 1000) yield g.bytes.subarray(i, i + 1000);
  }
  t.same(await walkVolumeDump(chunks()), g.summary);
  t.match(await walkVolumeDump(g.bytes.subarray(0, 100)).catch((e: unknown) => e), { reason: 'truncated', offset: 100 });
});
