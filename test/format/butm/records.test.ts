// Record classification (BUTC-SPEC §2.1), software filemarks with the copied-label quirk (§2.3)
// and data records (§2.4).
import t from 'tap';
import {
  BUTM_BLKSIZE,
  BUTM_BLOCKSIZE,
  classifyRecord,
  decodeDataRecord,
  encodeDataRecord,
  encodeFilemark,
  encodeLabel,
  newLabel,
} from '../../../lib/format/butm/index.js';
import { pseudoRandom } from '../../helpers/tmp.js';

function record(words: [number, number, number][]): Buffer {
  const b = Buffer.alloc(BUTM_BLOCKSIZE);
  for (const [offset, value, signed] of words) {
    if (signed) b.writeInt32BE(value, offset);
    else b.writeUInt32BE(value, offset);
  }
  return b;
}

t.test('classification follows ReadTapeBlock order', async (t) => {
  t.equal(classifyRecord(Buffer.alloc(0)), 'filemark', 'zero-length read');
  t.equal(classifyRecord(Buffer.alloc(1)), 'short');
  t.equal(classifyRecord(Buffer.alloc(BUTM_BLOCKSIZE - 1)), 'short');
  t.equal(classifyRecord(Buffer.alloc(BUTM_BLOCKSIZE + 1)), 'short', 'anything but 16384 bytes');
  t.equal(classifyRecord(record([[4, 0x4190ab05, 0]])), 'data');
  t.equal(classifyRecord(record([[0, 0x3b9aca07, 0], [4, 0, 1]])), 'file-begin');
  t.equal(classifyRecord(record([[0, 0x3b9aca07, 0], [4, 1, 1]])), 'file-end');
  t.equal(classifyRecord(record([[0, 0x3b9aca07, 0], [4, -1, 1]])), 'end-of-dump');
  t.equal(classifyRecord(record([[0, 0x3b9aca07, 0], [4, 2, 1]])), 'unknown', 'a filemark of another subtype');
  t.equal(classifyRecord(record([[0, 0x4190ab09, 0]])), 'label');
  t.equal(classifyRecord(Buffer.alloc(BUTM_BLOCKSIZE)), 'unknown');
  // the data magic at offset 4 wins over everything at offset 0
  t.equal(classifyRecord(record([[0, 0x3b9aca07, 0], [4, 0x4190ab05, 0]])), 'data', 'filemark magic + data magic = data');
  t.equal(classifyRecord(record([[0, 0x4190ab09, 0], [4, 0x4190ab05, 0]])), 'data', 'label magic + data magic = data');
  t.equal(classifyRecord(encodeLabel(newLabel({ afsName: 'x' }))), 'label');
});

t.test('filemarks repeat the last label record from byte 8', async (t) => {
  const dumpLabel = encodeLabel(
    newLabel({ afsName: 'vs1.full.1', sizeKB: 102400, creationTime: 0x6b013ea1, dumpId: 0x6b013f10, useCount: 1, dumpPath: '/full' }),
  );
  for (const [type, subtype] of [
    ['file-begin', '00000000'],
    ['file-end', '00000001'],
    ['end-of-dump', 'ffffffff'],
  ] as const) {
    const fm = encodeFilemark(type, dumpLabel);
    t.equal(fm.length, BUTM_BLOCKSIZE);
    t.equal(fm.subarray(0, 8).toString('hex'), '3b9aca07' + subtype, `${type}: magic and subtype`);
    t.ok(fm.subarray(8).equals(dumpLabel.subarray(8)), `${type}: bytes 8..16383 are the label's`);
    t.equal(classifyRecord(fm), type);
  }
  // the lab saw 52 non-zero bytes after the first 8 of a dump's filemarks: created 4, name 10,
  // creator 7, dumpid 4, useCount 1, comment 19, size 2, path 5
  const fm = encodeFilemark('file-end', dumpLabel);
  t.equal([...fm.subarray(8)].filter((x) => x !== 0).length, 52);
  t.ok(encodeFilemark('file-begin', null).subarray(8).equals(Buffer.alloc(BUTM_BLOCKSIZE - 8)), 'zeros before any label');
});

t.test('data records: count, magic, zero spares, payload, zero padding', async (t) => {
  const payload = pseudoRandom(6435, 1);
  const b = encodeDataRecord(payload);
  t.equal(b.length, BUTM_BLOCKSIZE);
  t.equal(b.subarray(0, 24).toString('hex'), '00001923' + '4190ab05' + '00'.repeat(16), 'count 6435, magic, spares');
  t.ok(b.subarray(24, 24 + 6435).equals(payload));
  t.ok(b.subarray(24 + 6435).equals(Buffer.alloc(BUTM_BLKSIZE - 6435)), 'zero padding');
  const d = decodeDataRecord(b);
  t.equal(d.count, 6435);
  t.equal(d.payload.length, BUTM_BLKSIZE);
  t.ok(d.payload.subarray(0, 6435).equals(payload));

  const reused = Buffer.alloc(BUTM_BLOCKSIZE, 0xff);
  encodeDataRecord(Buffer.from('abc'), reused);
  t.equal(reused.readInt32BE(0), 3);
  t.ok(reused.subarray(27).equals(Buffer.alloc(BUTM_BLOCKSIZE - 27)), 'a reused buffer is cleared after the payload');
  t.ok(reused.subarray(8, 24).equals(Buffer.alloc(16)), 'and in the spares');

  t.equal(encodeDataRecord(Buffer.alloc(BUTM_BLKSIZE, 1)).readInt32BE(0), 16360);
  t.throws(() => encodeDataRecord(Buffer.alloc(0)), { code: 'BUTM_BADARGUMENT', field: 'count' });
  t.throws(() => encodeDataRecord(Buffer.alloc(BUTM_BLKSIZE + 1)), { code: 'BUTM_BADARGUMENT', field: 'count' });
});

t.test('a data record with a count outside 1..16360 is a typed error with its record', async (t) => {
  for (const count of [0, -1, 16361, 0x7fffffff]) {
    const b = encodeDataRecord(Buffer.alloc(10));
    b.writeInt32BE(count, 0);
    t.throws(() => decodeDataRecord(b, { medium: 'tape.file', record: 17 }), { name: 'ButmError', code: 'BUTM_BADBLOCK', field: 'count', record: 17, medium: 'tape.file', offset: 0 }, `count ${count}`);
  }
  t.throws(() => decodeDataRecord(encodeLabel(newLabel())), { code: 'BUTM_BADBLOCK', field: 'magic' });
});
