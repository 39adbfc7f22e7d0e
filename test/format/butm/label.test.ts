// The label record of BUTC-SPEC §2.2, byte for byte, against the lab hexdump of a label written
// by `backup labeltape -name vs1.full.1` into a 100M FILE device.
import t from 'tap';
import {
  BUTM_BLOCKSIZE,
  ButmError,
  decodeLabel,
  encodeLabel,
  formatTapeName,
  isDatabaseTapeName,
  labelName,
  LABEL_LAYOUT,
  newLabel,
  tapeName,
} from '../../../lib/format/butm/index.js';

const created = 0x6b013ea1;

function labLabel() {
  return newLabel({ afsName: 'vs1.full.1', sizeKB: 102400, creationTime: created });
}

function nonZero(b: Buffer, from = 0): number {
  let n = 0;
  for (let i = from; i < b.length; i++) if (b[i] !== 0) n++;
  return n;
}

t.test('encodeLabel reproduces the lab hexdump', async (t) => {
  const b = encodeLabel(labLabel());
  t.equal(b.length, BUTM_BLOCKSIZE);
  t.equal(b.subarray(0, 16).toString('hex'), '4190ab09000000046b013ea100000000', 'magic, version 4, created, expires 0');
  t.equal(b.subarray(16, 27).toString('latin1'), 'vs1.full.1\0');
  t.equal(b.subarray(48, 56).toString('latin1'), 'AFS 3.6\0');
  t.equal(b.subarray(536, 556).toString('latin1'), 'AFS Backup Software\0');
  t.equal(b.subarray(664, 668).toString('hex'), '00019000', 'size = 102400 KB');
  // nothing else: magic 4 + version 1 + created 4 + name 10 + creator 7 + comment 19 + size 2 non-zero bytes
  t.equal(nonZero(b), 4 + 1 + 4 + 10 + 7 + 19 + 2, 'the fields above are the only non-zero bytes');
  t.equal(nonZero(b, LABEL_LAYOUT.end), 0, 'bytes 924..16383 are zero');
});

t.test('every field sits at its §2.2 offset', async (t) => {
  const label = newLabel({
    creationTime: 1,
    expirationDate: 0xffffffff,
    afsName: 'A'.repeat(31),
    creator: { name: 'n', instance: 'i', cell: 'c.example' },
    cell: 'cell.example',
    dumpId: 0xfedcba98,
    useCount: 7,
    comment: 'x'.repeat(95),
    pName: 'perm',
    sizeKB: 0x7fffffff,
    dumpPath: '/full/incr',
  });
  const b = encodeLabel(label);
  t.equal(b.readUInt32BE(12), 0xffffffff, 'expirationDate');
  t.equal(b.toString('latin1', 16, 48), 'A'.repeat(31) + '\0', 'AFSName fills 31 bytes + NUL');
  t.equal(b.toString('latin1', 48, 50), 'n\0', 'creator.name');
  t.equal(b.toString('latin1', 112, 114), 'i\0', 'creator.instance');
  t.equal(b.toString('latin1', 176, 185), 'c.example', 'creator.cell');
  t.equal(b.toString('latin1', 240, 252), 'cell.example', 'cell');
  t.equal(b.readUInt32BE(496), 0xfedcba98, 'dumpid');
  t.equal(b.readInt32BE(500), 7, 'useCount');
  t.equal(b.subarray(504, 536).toString('hex'), '00'.repeat(32), 'spare');
  t.equal(b.toString('latin1', 536, 632), 'x'.repeat(95) + '\0', 'comment');
  t.equal(b.toString('latin1', 632, 637), 'perm\0', 'pName');
  t.equal(b.readUInt32BE(664), 0x7fffffff, 'size');
  t.equal(b.toString('latin1', 668, 679), '/full/incr\0', 'dumpPath');
  t.same(decodeLabel(b), label, 'round trip');
});

t.test('decodes versions 0..4; version 0 sizes are bytes', async (t) => {
  for (let v = 0; v <= 4; v++) {
    const b = encodeLabel(labLabel());
    b.writeInt32BE(v, 4);
    const label = decodeLabel(b);
    t.equal(label.structVersion, v);
    t.equal(label.sizeKB, v === 0 ? 100 : 102400, `version ${v} size`);
  }
  const b = encodeLabel(labLabel());
  b.writeInt32BE(5, 4);
  t.throws(() => decodeLabel(b, { medium: 'm', record: 3 }), { code: 'BUTM_OLDINTERFACE', field: 'structVersion', record: 3 });
  b.writeUInt32BE(0x4190ab05, 0);
  t.throws(() => decodeLabel(b), { code: 'BUTM_NOLABEL', field: 'magic', offset: 0 });
});

t.test('spare words are raw bytes, kept as read', async (t) => {
  const b = encodeLabel(labLabel());
  b.writeUInt32LE(0x01020304, 504); // a host-order word as some old writer left it
  const label = decodeLabel(b);
  t.equal(label.spare.toString('hex'), '04030201' + '00'.repeat(28));
  t.same(encodeLabel(label), b);
});

t.test('only version 4 is written; a zero creation time becomes now', async (t) => {
  t.throws(() => encodeLabel({ ...labLabel(), structVersion: 3 }), { code: 'BUTM_OLDINTERFACE', field: 'structVersion' });
  const before = Math.floor(Date.now() / 1000);
  const b = encodeLabel({ ...labLabel(), creationTime: 0 });
  t.ok(b.readUInt32BE(8) >= before, 'creationTime filled in');
});

t.test('field lengths: a typed error names the field', async (t) => {
  const cases: [string, Partial<ReturnType<typeof labLabel>>][] = [
    ['AFSName', { afsName: 'x'.repeat(32) }],
    ['pName', { pName: 'p'.repeat(32) }],
    ['cell', { cell: 'c'.repeat(256) }],
    ['comment', { comment: 'c'.repeat(96) }],
    ['dumpPath', { dumpPath: '/'.repeat(256) }],
    ['creator.cell', { creator: { name: 'AFS 3.6', instance: '', cell: 'c'.repeat(64) } }],
  ];
  for (const [field, change] of cases) {
    t.throws(() => encodeLabel({ ...labLabel(), ...change }), { name: 'ButmError', code: 'BUTM_BADARGUMENT', field }, field);
  }
  t.throws(() => encodeLabel({ ...labLabel(), afsName: 'vs\u20ac' }), { code: 'BUTM_BADARGUMENT', field: 'AFSName', offset: 18 });
  t.throws(() => encodeLabel({ ...labLabel(), dumpId: -1 }), { code: 'BUTM_BADARGUMENT', field: 'dumpid' });
  t.throws(() => encodeLabel({ ...labLabel(), sizeKB: 2 ** 32 }), { code: 'BUTM_BADARGUMENT', field: 'size' });
  t.doesNotThrow(() => encodeLabel({ ...labLabel(), afsName: 'x'.repeat(31) }), '31 bytes fit');
  const e = (() => {
    try {
      encodeLabel({ ...labLabel(), afsName: 'x'.repeat(40) });
    } catch (e) {
      return e as ButmError;
    }
  })();
  t.equal(e?.errorNumber, 156568832 + 12, 'com_err number of BUTM_BADARGUMENT');
});

t.test('TNAME, TAPENAME and LABELNAME', async (t) => {
  t.equal(tapeName({ pName: 'perm', afsName: 'vs1.full.1' }), 'perm');
  t.equal(tapeName({ pName: '', afsName: 'vs1.full.1' }), 'vs1.full.1');
  t.equal(tapeName({ pName: '', afsName: '' }), '<NULL>');
  t.equal(labelName({ pName: '', afsName: 'vs2.full.1', dumpId: 1700000000 }), 'vs2.full.1 (1700000000)');
  t.equal(labelName({ pName: '', afsName: 'lbl.test.1', dumpId: 0 }), 'lbl.test.1');
  t.equal(labelName({ pName: '', afsName: '', dumpId: 5 }), '<NULL> (5)');
  t.equal(formatTapeName('', 5), '<NULL>');
  t.equal(formatTapeName('x', 0xffffffff), 'x (4294967295)');
});

t.test('database tape names as butc tests them', async (t) => {
  t.ok(isDatabaseTapeName('Ubik_db_dump.1'));
  t.ok(isDatabaseTapeName('Ubik_db_dump.12'));
  t.ok(isDatabaseTapeName('Ubik.3'), 'butc compares only the part before the last dot');
  t.ok(isDatabaseTapeName('.1'), 'an empty prefix matches too');
  t.notOk(isDatabaseTapeName('Ubik_db_dumpX.1'));
  t.notOk(isDatabaseTapeName('vs1.full.1'));
  t.notOk(isDatabaseTapeName('Ubik_db_dump'), 'no dot');
});
