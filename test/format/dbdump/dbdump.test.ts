// The backup database dump stream (BUTC-SPEC §2.13): struct layouts of budb.rg, framing, order, padding.
import t from 'tap';
import { DbDumpError } from '../../../lib/format/dbdump/errors.js';
import { encodeDbDump, encodeDbDumpItem } from '../../../lib/format/dbdump/encoder.js';
import { dbDumpItems, parseDbDump, type DbDump } from '../../../lib/format/dbdump/parser.js';
import {
  budbDumpEntry,
  budbPrincipal,
  budbTapeEntry,
  budbTapeSet,
  budbVolumeEntry,
  dbHeader,
  structDumpHeader,
  type BudbDumpEntry,
  type BudbTapeEntry,
  type BudbVolumeEntry,
} from '../../../lib/format/dbdump/structs.js';

function dumpEntry(id: number, name: string): BudbDumpEntry {
  return {
    id,
    parent: id - 1,
    level: 1,
    flags: 0,
    volumeSetName: 'vs1',
    dumpPath: '/full/incr',
    name,
    created: id,
    incTime: 0,
    nVolumes: 2,
    tapes: { id: 7, tapeServer: '', format: `${name}.%d`, maxTapes: 1, a: 1, b: 0 },
    dumper: { name: 'admin', instance: '', cell: 'example.org' },
    initialDumpID: 0,
    appendedDumpID: 0,
  };
}

function tapeEntry(dump: number, seq: number): BudbTapeEntry {
  return { name: `vs1.full.${seq}`, flags: 0x20, written: 1_700_000_000, expires: 0, nMBytes: 12, nBytes: 345, nFiles: 3, nVolumes: 2, seq, labelpos: 0, useCount: 1, useKBytes: 12_600, dump };
}

function volumeEntry(dump: number, id: number, position: number): BudbVolumeEntry {
  return {
    name: `vol${id}`,
    flags: 0x18,
    id: 536870912 + id,
    server: '10.99.0.1',
    partition: 0,
    tapeSeq: 0,
    position,
    clone: 1_700_000_100,
    incTime: 0,
    startByte: 0,
    nBytes: 4_000_000_000,
    seq: 0,
    dump,
    tape: 'vs1.full.1',
  };
}

const sample: Omit<DbDump, 'length'> = {
  header: { dbversion: 2, created: 1_700_001_000, cell: '', lastDumpId: 1949463175, lastInstanceId: 4, lastTapeId: 9 },
  dumps: [
    {
      entry: dumpEntry(1949463173, 'vs1.full'),
      tapes: [{ entry: tapeEntry(1949463173, 1), volumes: [volumeEntry(1949463173, 3, 2), volumeEntry(1949463173, 6, 3)] }],
    },
    { entry: dumpEntry(1949463174, 'vs1.incr'), tapes: [] },
    {
      entry: dumpEntry(1949463175, 'vs1.full'),
      tapes: [
        { entry: tapeEntry(1949463175, 1), volumes: [volumeEntry(1949463175, 3, 2)] },
        { entry: tapeEntry(1949463175, 2), volumes: [] },
      ],
    },
  ],
  texts: {
    dumpSchedule: '1949463173 1\n/full/incr any 0 0\n/full any 0 0\n',
    volumeSet: 'volumeset vs1\n10.99.0.1 a vol.*\nend\n',
    tapeHosts: '10.99.0.1 0\n10.99.0.1 1\n',
  },
};

t.test('struct sizes of budb.rg and §2.13', async (t) => {
  t.equal(structDumpHeader.size, 12);
  t.equal(dbHeader.size, 276);
  t.equal(budbTapeSet.size, 80);
  t.equal(budbPrincipal.size, 640);
  t.equal(budbDumpEntry.size, 1076);
  t.equal(budbTapeEntry.size, 80);
  t.equal(budbVolumeEntry.size, 140);
});

/** An image with a distinct big-endian word at each given offset and C strings at others. */
function image(size: number, words: Record<number, number>, strings: Record<number, string>): Buffer {
  const b = Buffer.alloc(size, 0xee); // leftovers after each string's NUL must be ignored
  for (const [at, v] of Object.entries(words)) b.writeUInt32BE(v >>> 0, Number(at));
  for (const [at, s] of Object.entries(strings)) Buffer.from(`${s}\0`, 'latin1').copy(b, Number(at));
  return b;
}

t.test('field offsets, decoded from hand-made images', async (t) => {
  const d = budbDumpEntry.decode(
    image(
      1076,
      { 0: 101, 4: 102, 8: 3, 12: 0x8, 336: 1001, 340: 1002, 344: 17, 348: 55, 416: 4, 420: 2, 424: -1, 1068: 201, 1072: 202 },
      { 16: 'vs', 48: '/full/incr', 304: 'vs.incr', 352: 'host', 384: 'vs.incr.%d', 428: 'admin', 684: 'inst', 812: 'cell.org' },
    ),
    0,
  );
  t.same(d, {
    id: 101,
    parent: 102,
    level: 3,
    flags: 8,
    volumeSetName: 'vs',
    dumpPath: '/full/incr',
    name: 'vs.incr',
    created: 1001,
    incTime: 1002,
    nVolumes: 17,
    tapes: { id: 55, tapeServer: 'host', format: 'vs.incr.%d', maxTapes: 4, a: 2, b: -1 },
    dumper: { name: 'admin', instance: 'inst', cell: 'cell.org' },
    initialDumpID: 201,
    appendedDumpID: 202,
  });
  const tp = budbTapeEntry.decode(
    image(80, { 32: 1, 36: 2, 40: 3, 44: 4, 48: 5, 52: 6, 56: 7, 60: 8, 64: 9, 68: 10, 72: 11, 76: 0xfffffff0 }, { 0: 'tape.1' }),
    0,
  );
  t.same(tp, { name: 'tape.1', flags: 1, written: 2, expires: 3, nMBytes: 4, nBytes: 5, nFiles: 6, nVolumes: 7, seq: 8, labelpos: 9, useCount: 10, useKBytes: 11, dump: 0xfffffff0 });
  const v = budbVolumeEntry.decode(
    image(140, { 32: 1, 36: 2, 72: 3, 76: 4, 80: 5, 84: 6, 88: 7, 92: 8, 96: 0xfffffffe, 100: 10, 104: 11 }, { 0: 'vol', 40: 'srv', 108: 'tape' }),
    0,
  );
  t.same(v, { name: 'vol', flags: 1, id: 2, server: 'srv', partition: 3, tapeSeq: 4, position: 5, clone: 6, incTime: 7, startByte: 8, nBytes: 0xfffffffe, seq: 10, dump: 11, tape: 'tape' });
  const h = dbHeader.decode(image(276, { 0: 2, 4: 1234, 264: 5, 268: 6, 272: 7 }, { 8: '' }), 0);
  t.same(h, { dbversion: 2, created: 1234, cell: '', lastDumpId: 5, lastInstanceId: 6, lastTapeId: 7 });
  const full = Buffer.alloc(32, 0x41);
  t.equal(budbTapeEntry.decode(Buffer.concat([full, Buffer.alloc(48)]), 0).name, 'A'.repeat(32), 'a name with no NUL takes the whole field');
});

t.test('a stream round-trips, and the zero padding after SD_END is ignored', async (t) => {
  const bytes = encodeDbDump(sample);
  t.equal(bytes.subarray(0, 12).toString('hex'), '000000010000000100000114', 'SD_DBHEADER, structversion 1, size 276');
  t.equal(bytes.subarray(bytes.length - 12).toString('hex'), '000000080000000100000000', 'SD_END, size 0');
  const items = [...dbDumpItems(bytes)];
  t.same(
    items.map((i) => i.type),
    [1, 2, 3, 4, 4, 2, 2, 3, 4, 3, 5, 6, 7, 8],
  );
  t.same(
    items.map((i) => i.index),
    items.map((_, i) => i),
  );
  t.equal(items[1].offset, 12 + 276);
  t.equal(items[2].offset, 12 + 276 + 12 + 1076);
  t.equal(items[10].payload.toString('latin1'), sample.texts.dumpSchedule);

  const record = Buffer.alloc(16360);
  bytes.copy(record);
  const parsed = parseDbDump(record);
  t.same(parsed, { ...sample, length: bytes.length });
  t.ok(encodeDbDump(parsed).equals(bytes), 'encode(parse(x)) = x');

  const garbage = Buffer.concat([bytes, Buffer.from('not zero at all')]);
  t.equal(parseDbDump(garbage).length, bytes.length, 'nothing after SD_END is read');

  const bare = encodeDbDump({ header: sample.header, dumps: [], texts: {} });
  t.same(parseDbDump(bare), { header: sample.header, dumps: [], texts: {}, length: 12 + 276 + 12 });
});

function parseError(b: Buffer): DbDumpError {
  try {
    parseDbDump(b);
  } catch (e) {
    if (e instanceof DbDumpError) return e;
    throw e;
  }
  throw new Error('parsed');
}

t.test('a stream cut anywhere before the end of SD_END is refused', async (t) => {
  const bytes = encodeDbDump(sample);
  const wrong: string[] = [];
  for (let cut = 0; cut < bytes.length; cut++) {
    const e = parseError(bytes.subarray(0, cut));
    if (e.reason !== 'truncated' || e.offset !== cut) wrong.push(`cut ${cut}: ${e.message}`);
  }
  t.same(wrong, [], `all ${bytes.length} cuts`);
  const e = parseError(bytes.subarray(0, 12 + 276 + 12 + 100));
  t.match(e, { index: 1, type: 2, message: /^DB dump item 1 \(SD_DUMP\) at byte 400: truncated: the data ends 100 bytes into a 1076-byte payload$/ });
  t.match(parseError(bytes.subarray(0, 12 + 276 + 5)), { index: 1, type: undefined, message: /5 bytes into an item header, before SD_END/ });
});

t.test('bad items name their index, type and offset', async (t) => {
  const header = encodeDbDumpItem(1, Buffer.alloc(276));
  const end = encodeDbDumpItem(8, Buffer.alloc(0));
  const dump = encodeDbDumpItem(2, Buffer.alloc(1076));
  const tape = encodeDbDumpItem(3, Buffer.alloc(80));
  const volume = encodeDbDumpItem(4, Buffer.alloc(140));
  const text = encodeDbDumpItem(6, Buffer.from('x'));
  const at1 = header.length;

  t.match(parseError(Buffer.concat([header, encodeDbDumpItem(9, Buffer.alloc(0)), end])), { reason: 'unknown-type', index: 1, type: 9, offset: at1 });
  t.match(parseError(Buffer.concat([header, encodeDbDumpItem(0, Buffer.alloc(0))])), { reason: 'unknown-type', index: 1, type: 0 });
  const v2 = Buffer.concat([header, tape, end]);
  v2.writeInt32BE(2, at1 + 4);
  t.match(parseError(v2), { reason: 'bad-version', index: 1, type: 3, offset: at1 });
  t.match(parseError(Buffer.concat([header, dump, encodeDbDumpItem(3, Buffer.alloc(81)), end])), {
    reason: 'bad-size',
    index: 2,
    type: 3,
    offset: at1 + dump.length,
    message: /size 81, not 80/,
  });
  t.match(parseError(Buffer.concat([header, encodeDbDumpItem(8, Buffer.alloc(4))])), { reason: 'bad-size', type: 8 });
  const negative = Buffer.concat([header, encodeDbDumpItem(5, Buffer.alloc(0)), end]);
  negative.writeInt32BE(-1, at1 + 8);
  t.match(parseError(negative), { reason: 'bad-size', index: 1, type: 5 });

  t.match(parseError(Buffer.concat([dump, end])), { reason: 'out-of-order', index: 0, type: 2, offset: 0, message: /starts with SD_DBHEADER/ });
  t.match(parseError(Buffer.concat([header, header, end])), { reason: 'out-of-order', index: 1, type: 1 });
  t.match(parseError(Buffer.concat([header, tape, end])), { reason: 'out-of-order', index: 1, type: 3 });
  t.match(parseError(Buffer.concat([header, dump, volume, end])), { reason: 'out-of-order', index: 2, type: 4, offset: at1 + dump.length });
  t.match(parseError(Buffer.concat([header, dump, tape, text, tape, end])), { reason: 'out-of-order', index: 4, type: 3 }, 'texts close the last dump');
  t.match(parseError(Buffer.concat([header, text, text, end])), { reason: 'out-of-order', index: 2, type: 6, message: /second volumeSet text/ });
  t.same(parseDbDump(Buffer.concat([header, dump, tape, volume, volume, tape, end])).dumps[0].tapes.map((x) => x.volumes.length), [2, 0]);
});

t.test('the encoder refuses values that do not fit', async (t) => {
  const bad = structuredClone(sample);
  bad.dumps[0].tapes[0].volumes[1].name = 'v'.repeat(32);
  t.throws(() => encodeDbDump(bad), new RangeError('dumps[0].tapes[0].volumes[1].name: 32 characters do not fit char[32] with its NUL'));
  const bad2 = structuredClone(sample);
  bad2.dumps[1].entry.tapes.maxTapes = 2 ** 31;
  t.throws(() => encodeDbDump(bad2), new RangeError('dumps[1].tapes.maxTapes: 2147483648 is not an int32'));
  const bad3 = structuredClone(sample);
  bad3.header.lastDumpId = -1;
  t.throws(() => encodeDbDump(bad3), new RangeError('header.lastDumpId: -1 is not a uint32'));
  const bad4 = structuredClone(sample);
  bad4.dumps[0].entry.dumper.cell = 'a\0b';
  t.throws(() => encodeDbDump(bad4), new RangeError('dumps[0].dumper.cell: contains a NUL'));
});
