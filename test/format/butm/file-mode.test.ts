// FILE mode (BUTC-SPEC §2.7, §2.8) on real backup data files: the record layout of the lab's
// medium with an appended dump (label 0, volumes at 1, 17, 23, END-OF-DUMP 27, appended label 28,
// its volume 29, END-OF-DUMP 45), written by ButmWriter and read back by ButmReader.
import t from 'tap';
import { readFileSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import {
  BUTM_BLOCKSIZE,
  ButmReader,
  ButmWriter,
  classifyRecord,
  encodeDataRecord,
  encodeFilemark,
  encodeLabel,
  encodeVolumeHeader,
  makeVolumeHeader,
  makeVolumeTrailer,
  newLabel,
  RecordDevice,
  scanMedium,
  type ButmLabel,
  type VolumeHeaderFields,
} from '../../../lib/format/butm/index.js';
import { pseudoRandom, rng, tempDir } from '../../helpers/tmp.js';
import { payloads, vol2, volume } from './fixtures.js';

const volA = volume('volA', 536870930);
const volB = volume('volB', 536870940);
const streams = {
  vol2: pseudoRandom(202547, 21),
  volA: pseudoRandom(40000, 22),
  volB: pseudoRandom(1000, 23),
};
const firstLabel = newLabel({ afsName: 'vs2.full.1', sizeKB: 102400, creationTime: 1700000000, dumpId: 1700000000, useCount: 1, dumpPath: '/full' });
const appendedLabel = newLabel({ afsName: 'vs2.full.1', sizeKB: 102400, creationTime: 1700003600, dumpId: 1700003600, useCount: 1, dumpPath: '/full/incr' });

function openFile(path: string, capacityKB = 102400): Promise<RecordDevice> {
  return RecordDevice.open({ kind: 'file', path }, { capacityKB });
}

/** Writes one whole volume as one fragment, in irregular chunks. */
async function writeVolume(w: ButmWriter, fields: VolumeHeaderFields, stream: Buffer, seed: number): Promise<number> {
  const { position } = await w.beginVolume(makeVolumeHeader(fields, 1));
  const size = rng(seed);
  for (let off = 0; off < stream.length; ) {
    const n = Math.min(size(1, 40000), stream.length - off);
    await w.writeVolumeData(stream.subarray(off, off + n));
    off += n;
  }
  await w.endVolume(makeVolumeTrailer(fields, 1, { continues: false, endTime: 1700000200 }));
  return position;
}

function records(path: string): Buffer[] {
  const file = readFileSync(path);
  const out: Buffer[] = [];
  for (let off = 0; off < file.length; off += BUTM_BLOCKSIZE) out.push(file.subarray(off, off + BUTM_BLOCKSIZE));
  return out;
}

/** One letter per record: L label, B/E/D filemarks, H header record, d data record. */
function layout(recs: Buffer[]): string {
  return recs
    .map((r) => {
      const kind = classifyRecord(r);
      if (kind === 'data') return r.readInt32BE(0) === 208 && r.toString('latin1', 24, 32) === 'H++NAME#' && r.readUInt32BE(24 + 104) === 0xb0258191 ? 'H' : 'd';
      return { label: 'L', 'file-begin': 'B', 'file-end': 'E', 'end-of-dump': 'D' }[kind as string] ?? '?';
    })
    .join('');
}

async function writeFirstDump(path: string): Promise<number[]> {
  const dev = await openFile(path);
  const w = new ButmWriter(dev);
  const positions = [(await w.writeLabel(firstLabel)).position];
  positions.push(await writeVolume(w, vol2, streams.vol2, 1));
  positions.push(await writeVolume(w, volA, streams.volA, 2));
  positions.push(await writeVolume(w, volB, streams.volB, 3));
  positions.push((await w.writeEndOfDump()).position);
  await dev.close();
  return positions;
}

async function appendDump(path: string): Promise<number[]> {
  const dev = await openFile(path);
  const r = new ButmReader(dev);
  const { label } = await r.readLabel();
  t.equal(label.dumpId, firstLabel.dumpId);
  await dev.seekEndOfDump(23);
  const w = new ButmWriter(dev);
  const positions = [(await w.writeLabel(appendedLabel, { append: true })).position];
  positions.push(await writeVolume(w, vol2, streams.vol2, 4));
  positions.push((await w.writeEndOfDump()).position);
  await dev.close();
  return positions;
}

t.test('the lab layout: positions and record kinds, byte for byte', async (t) => {
  const path = join(tempDir(t), 'tape0');
  t.same(await writeFirstDump(path), [0, 1, 17, 23, 27], 'label 0, volumes 1, 17, 23, END-OF-DUMP 27');
  t.equal(statSync(path).size, 28 * BUTM_BLOCKSIZE);
  t.same(await appendDump(path), [28, 29, 45], 'appended label 28, its volume 29, END-OF-DUMP 45');
  const recs = records(path);
  t.equal(recs.length, 46);
  t.equal(layout(recs), 'LBH' + 'd'.repeat(13) + 'EBHdddEBHdEDLBH' + 'd'.repeat(13) + 'ED');
  // vol2: 12 full records and one of count 6435 (6227 stream bytes + the 208-byte trailer)
  t.same(recs.slice(3, 16).map((r) => r.readInt32BE(0)), [...Array(12).fill(16360), 6435]);
  t.ok(recs[15]!.subarray(24 + 6435).equals(Buffer.alloc(16360 - 6435)), 'zero padding after the trailer');
  t.equal(recs[15]!.toString('latin1', 24 + 6227, 24 + 6235), 'H++NAME#', 'trailer right after the last stream byte');
  t.equal(recs[15]!.readUInt32BE(24 + 6227 + 104), 0x9167345a);
  t.ok(recs[0]!.equals(encodeLabel(firstLabel)), 'label record');
  t.ok(recs[28]!.equals(encodeLabel(appendedLabel)), 'appended label record');
  // filemarks carry the bytes of the label written last before them
  for (const i of [1, 16, 17, 22, 23, 26, 27]) t.ok(recs[i]!.subarray(8).equals(recs[0]!.subarray(8)), `record ${i} repeats the first label`);
  for (const i of [29, 44, 45]) t.ok(recs[i]!.subarray(8).equals(recs[28]!.subarray(8)), `record ${i} repeats the appended label`);
});

t.test('scan reads it back: positions, headers, trailers and the streams', async (t) => {
  const path = join(tempDir(t), 'tape0');
  await writeFirstDump(path);
  await appendDump(path);
  const dev = await openFile(path);
  t.teardown(() => dev.close());
  const hashes = new Map<number, ReturnType<typeof createHash>>();
  const scan = await scanMedium(new ButmReader(dev), {
    onData: (file, piece) => {
      let h = hashes.get(file.position);
      if (!h) hashes.set(file.position, (h = createHash('sha256')));
      h.update(piece);
    },
  });
  t.same(scan.labels.map((l) => [l.position, l.label.dumpPath]), [[0, '/full'], [28, '/full/incr']]);
  t.same(scan.labels[1]!.label, appendedLabel);
  t.same(
    scan.files.map((f) => [f.position, f.kind, f.header?.volumeName, f.trailer?.volumeName, f.bytes, f.partial]),
    [
      [1, 'volume', 'vol2', 'vol2', 202547, false],
      [17, 'volume', 'volA', 'volA', 40000, false],
      [23, 'volume', 'volB', 'volB', 1000, false],
      [27, 'end-of-dump', undefined, undefined, 0, undefined],
      [29, 'volume', 'vol2', 'vol2', 202547, false],
      [45, 'end-of-dump', undefined, undefined, 0, undefined],
    ],
  );
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  t.equal(hashes.get(1)?.digest('hex'), sha(streams.vol2));
  t.equal(hashes.get(17)?.digest('hex'), sha(streams.volA));
  t.equal(hashes.get(23)?.digest('hex'), sha(streams.volB));
  t.equal(hashes.get(29)?.digest('hex'), sha(streams.vol2));
  t.same(scan.files[0]!.ending, { trailer: scan.files[0]!.trailer, trailerLayout: 'aligned', partial: false, streamBytes: 202547, dataRecords: 13, recordsAfterTrailer: 0, endedBy: 'file-end' });
  t.equal(dev.usage.tapeSizeKB, 102400, 'the label size is the tape size');
  t.equal(dev.usage.kBytes, 46 * 16, '16 KB per record read');
  const withMarks = await RecordDevice.open({ kind: 'file', path }, { capacityKB: 1, fileMarkSize: 100 });
  await scanMedium(new ButmReader(withMarks));
  await withMarks.close();
  t.same([withMarks.usage.kBytes, withMarks.usage.nBytes], [46 * 16, 100], 'the end-of-file read counts as a filemark');
});

t.test('seek to a volume by its position, as a restore does', async (t) => {
  const path = join(tempDir(t), 'tape0');
  await writeFirstDump(path);
  await appendDump(path);
  const dev = await openFile(path);
  t.teardown(() => dev.close());
  const r = new ButmReader(dev);
  for (const [position, name, stream] of [[17, 'volA', streams.volA], [29, 'vol2', streams.vol2], [1, 'vol2', streams.vol2]] as const) {
    await r.seekPosition(position);
    const entry = await r.next();
    t.equal(entry?.kind === 'volume' && entry.header.volumeName, name, `position ${position}`);
    const got: Buffer[] = [];
    for await (const piece of r.chunks()) got.push(piece);
    t.ok(Buffer.concat(got).equals(stream), `position ${position}: the stream`);
    t.equal(r.ending?.trailer?.volumeName, name);
  }
  await r.seekPosition(0);
  t.same((await r.next())?.kind, 'label', 'position 0 is the label');
  await r.seekPosition(28);
  const appended = await r.next();
  t.equal(appended?.kind === 'label' && appended.label.dumpId, appendedLabel.dumpId, 'position 28: the appended label');
});

t.test('a label from the beginning truncates the file', async (t) => {
  const path = join(tempDir(t), 'tape0');
  await writeFirstDump(path);
  const dev = await openFile(path);
  const w = new ButmWriter(dev);
  t.same(await w.writeLabel(newLabel({ afsName: 'lbl.test.1', sizeKB: 2048 })), { position: 0 });
  await dev.close();
  t.equal(statSync(path).size, BUTM_BLOCKSIZE, 'only the new label is left');
  const dev2 = await openFile(path);
  t.teardown(() => dev2.close());
  const scan = await scanMedium(new ButmReader(dev2));
  t.same(scan.labels.map((l) => l.label.afsName), ['lbl.test.1']);
  t.same(scan.files, []);
});

t.test('SeekEODump needs a whole number of records', async (t) => {
  const path = join(tempDir(t), 'tape0');
  await writeFirstDump(path);
  appendFileSync(path, Buffer.alloc(100));
  const dev = await openFile(path);
  t.teardown(() => dev.close());
  await new ButmReader(dev).readLabel();
  await t.rejects(dev.seekEndOfDump(23), { name: 'ButmError', code: 'BUTM_POSITION', offset: 28 * BUTM_BLOCKSIZE + 100 });
});

t.test('zero-data fragment, trailer alone, and a partial fragment', async (t) => {
  const path = join(tempDir(t), 'tape0');
  const dev = await openFile(path);
  const w = new ButmWriter(dev);
  await w.writeLabel(firstLabel);
  // a fragment with no data at all: header, then a record holding only a continuing trailer
  await w.beginVolume(makeVolumeHeader(volA, 1));
  t.same(await w.endVolume(makeVolumeTrailer(volA, 1, { continues: true })), { streamBytes: 0, dataRecords: 1 });
  // a stream of exactly two payloads: the trailer takes a record of its own
  const exact = pseudoRandom(2 * 16360, 9);
  await w.beginVolume(makeVolumeHeader(volB, 1));
  await w.writeVolumeData(exact);
  t.same(await w.endVolume(makeVolumeTrailer(volB, 1, { continues: false, endTime: 1 })), { streamBytes: 2 * 16360, dataRecords: 3 });
  // an error inside a volume: FILE-END without a trailer
  const broken = pseudoRandom(20000, 10);
  await w.beginVolume(makeVolumeHeader(vol2, 1));
  await w.writeVolumeData(broken);
  t.same(await w.endVolumePartial(), { streamBytes: 20000, dataRecords: 2 });
  await w.writeEndOfDump();
  await dev.close();

  const recs = records(path);
  t.equal(layout(recs), 'LBHdEBHdddEBHddED');
  t.equal(recs[3]!.readInt32BE(0), 208, 'zero-data fragment: one record of count 208');
  t.equal(recs[3]!.readUInt32BE(24 + 108), 0xffffffff, 'its trailer says the volume continues');
  t.same([recs[7]!.readInt32BE(0), recs[8]!.readInt32BE(0), recs[9]!.readInt32BE(0)], [16360, 16360, 208]);

  const dev2 = await openFile(path);
  t.teardown(() => dev2.close());
  const scan = await scanMedium(new ButmReader(dev2));
  const [zero, two, partial] = scan.files;
  t.same([zero?.bytes, zero?.partial, zero?.trailer?.contd], [0, false, 0xffffffff]);
  t.same([two?.bytes, two?.partial, two?.trailer?.contd, two?.ending?.dataRecords], [2 * 16360, false, 0, 3]);
  t.same([partial?.bytes, partial?.partial, partial?.trailer, partial?.ending?.endedBy], [20000, true, undefined, 'file-end'], 'partial: no trailer (TC_MISSINGTRAILER)');
  t.equal(scan.files[3]?.kind, 'end-of-dump');
});

t.test('a volume spanning two media: contd and frag, planned by the capacity accounting', async (t) => {
  const dir = tempDir(t);
  // 300 KB tapes, 96 KB margin: label, FILE-BEGIN and header take 48 KB, so a fragment gets 10
  // records before the remaining space is below the margin; 2 × 10 + 8 records of stream leave
  // the third tape too full for the next volume to start with any data
  const stream = pseudoRandom(28 * 16360, 31);
  const tapes: string[] = [];
  const big = volume('big', 536870999);
  const tail = volume('tail', 536871000);
  let fragment = 1;
  let dev = await openFile((tapes[0] = join(dir, 'vs2.full.1')), 300);
  let w = new ButmWriter(dev);
  await w.writeLabel(newLabel({ afsName: 'vs2.full.1', sizeKB: 300, dumpId: 1700000000 }));
  const nextTape = async () => {
    await w.writeEndOfDump();
    await dev.close();
    dev = await openFile((tapes[tapes.length] = join(dir, `vs2.full.${tapes.length + 1}`)), 300);
    w = new ButmWriter(dev);
    await w.writeLabel(newLabel({ afsName: `vs2.full.${tapes.length}`, sizeKB: 300, dumpId: 1700000000 }));
  };
  // butc's dumpVolume loop: ask before every read, read what readSize() allows
  const dump = async (fields: VolumeHeaderFields, data: Buffer) => {
    let off = 0;
    fragment = 1;
    for (;;) {
      await w.beginVolume(makeVolumeHeader(fields, fragment));
      let split = false;
      while (off < data.length) {
        if (w.shouldSplit()) {
          split = true;
          break;
        }
        const n = Math.min(w.readSize(), data.length - off);
        await w.writeVolumeData(data.subarray(off, off + n));
        off += n;
      }
      await w.endVolume(split ? makeVolumeTrailer(fields, fragment, { continues: true }) : makeVolumeTrailer(fields, fragment, { continues: false, endTime: 7 }));
      if (!split) return;
      await nextTape();
      fragment++;
    }
  };
  await dump(big, stream);
  // the second volume finds the tape nearly full before any data: a zero-data fragment
  await dump(tail, streams.volB);
  await w.writeEndOfDump();
  await dev.close();

  const got = new Map<string, Buffer[]>();
  const frags: [string, number, number, number, number][] = [];
  for (const path of tapes) {
    const d = await openFile(path, 300);
    const scan = await scanMedium(new ButmReader(d), {
      onData: (file, piece) => {
        const key = file.header!.volumeName;
        got.set(key, [...(got.get(key) ?? []), piece]);
      },
    });
    await d.close();
    for (const f of scan.files) if (f.kind === 'volume') frags.push([f.header!.volumeName, f.header!.frag, f.header!.contd, f.trailer!.contd, f.bytes]);
    t.equal(scan.files.at(-1)?.kind, 'end-of-dump', `${path} ends with END-OF-DUMP`);
    t.ok(statSync(path).size <= 300 * 1024 + 3 * BUTM_BLOCKSIZE, `${path} stays within its capacity plus the margin's records`);
  }
  t.ok(Buffer.concat(got.get('big')!).equals(stream), 'the big volume, joined from its fragments');
  t.ok(Buffer.concat(got.get('tail')!).equals(streams.volB), 'the tail volume');
  t.equal(tapes.length, 4);
  const bigFrags = frags.filter((f) => f[0] === 'big');
  t.same(bigFrags.map((f) => f[4]), [163600, 163600, 130880], 'stream bytes per fragment');
  t.equal(layout(records(tapes[2]!)), 'LBH' + 'd'.repeat(9) + 'EBHdED', 'tape 3: the last fragment, its trailer alone, then the zero-data fragment');
  t.same(bigFrags.map((f) => f[1]), bigFrags.map((_, i) => i + 1), 'fragments numbered from 1');
  t.same(bigFrags.map((f) => f[2]), bigFrags.map((_, i) => (i === 0 ? 0 : 0xffffffff)), 'header contd: 0 for frag 1, then 0xFFFFFFFF');
  t.same(bigFrags.map((f) => f[3]), bigFrags.map((_, i) => (i === bigFrags.length - 1 ? 0 : 0xffffffff)), 'trailer contd: 0xFFFFFFFF until the last');
  const tailFrags = frags.filter((f) => f[0] === 'tail');
  t.same(tailFrags, [['tail', 1, 0, 0xffffffff, 0], ['tail', 2, 0xffffffff, 0, 1000]], 'zero-data fragment, then the volume on the next tape');
});

t.test('savedb framing: full count=16360 records, the last zero-padded, no END-OF-DUMP', async (t) => {
  const path = join(tempDir(t), 'db');
  const db = pseudoRandom(2 * 16360 + 8773, 41);
  const dev = await openFile(path);
  const w = new ButmWriter(dev);
  await w.writeLabel(newLabel({ afsName: 'Ubik_db_dump.1', sizeKB: 102400, dumpId: 1700000500 }));
  t.same(await w.beginDatabaseDump(), { position: 1 });
  for (let off = 0; off < db.length; off += 1024) t.same(await w.writeDatabaseData(db.subarray(off, off + 1024)), { consumed: Math.min(1024, db.length - off), tapeFull: false });
  await w.endDatabaseDump();
  await dev.close();
  const recs = records(path);
  t.equal(layout(recs), 'LBdddE', 'the file ends after FILE-END');
  t.same(recs.slice(2, 5).map((r) => r.readInt32BE(0)), [16360, 16360, 16360], 'the last record says 16360 too');
  t.ok(recs[4]!.subarray(24 + 8773).equals(Buffer.alloc(16360 - 8773)), 'zero padding');

  const dev2 = await openFile(path);
  t.teardown(() => dev2.close());
  const pieces: Buffer[] = [];
  const scan = await scanMedium(new ButmReader(dev2), { onData: (_, p) => void pieces.push(p) });
  t.same(scan.files.map((f) => [f.position, f.kind, f.bytes]), [[1, 'savedb', 3 * 16360]]);
  t.ok(Buffer.concat(pieces).equals(Buffer.concat([db, Buffer.alloc(16360 - 8773)])), 'the bytes, padding included: the DB parser stops at SD_END');
});

t.test('savedb spanning tapes: FILE-END and END-OF-DUMP at the margin, the rest on the next tape', async (t) => {
  const dir = tempDir(t);
  const db = pseudoRandom(10 * 16360, 42);
  const sizeKB = 100; // label 16 KB + FILE-BEGIN 16 KB + 3 data records = 80 KB: remaining 20 < 32
  const first = join(dir, 'db1');
  let dev = await openFile(first, sizeKB);
  let w = new ButmWriter(dev);
  await w.writeLabel(newLabel({ afsName: 'Ubik_db_dump.1', sizeKB, dumpId: 9 }));
  await w.beginDatabaseDump();
  const r1 = await w.writeDatabaseData(db);
  t.same(r1, { consumed: 3 * 16360, tapeFull: true });
  await dev.close();
  t.equal(layout(records(first)), 'LBdddED');
  const second = join(dir, 'db2');
  dev = await openFile(second, 1000);
  w = new ButmWriter(dev);
  await w.writeLabel(newLabel({ afsName: 'Ubik_db_dump.2', sizeKB: 1000, dumpId: 9 }));
  await w.beginDatabaseDump();
  t.same(await w.writeDatabaseData(db.subarray(r1.consumed)), { consumed: 7 * 16360, tapeFull: false });
  await w.endDatabaseDump();
  await dev.close();
  t.equal(layout(records(second)), 'LB' + 'd'.repeat(7) + 'E');
});

t.test('corrupt media give typed errors naming the record', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'tape0');
  await writeFirstDump(path);
  const original = readFileSync(path);
  const scanWith = async (edit: (b: Buffer) => Buffer) => {
    writeFileSync(path, edit(Buffer.from(original)));
    const dev = await openFile(path);
    try {
      return await scanMedium(new ButmReader(dev));
    } finally {
      await dev.close();
    }
  };
  await t.rejects(
    scanWith((b) => b.fill(0x5a, 5 * BUTM_BLOCKSIZE, 5 * BUTM_BLOCKSIZE + 8)),
    { name: 'ButmError', code: 'BUTM_BADBLOCK', record: 5, medium: path },
    'an unknown record inside a volume',
  );
  await t.rejects(
    scanWith((b) => (b.writeInt32BE(16361, 7 * BUTM_BLOCKSIZE), b)),
    { code: 'BUTM_BADBLOCK', record: 7, field: 'count' },
    'a count beyond 16360',
  );
  await t.rejects(
    scanWith((b) => (b.fill(0, 2 * BUTM_BLOCKSIZE + 24, 2 * BUTM_BLOCKSIZE + 32), b)),
    { code: 'TC_BADVOLHEADER', record: 2 },
    'a header record without a header',
  );
  await t.rejects(scanWith((b) => b.subarray(0, 20 * BUTM_BLOCKSIZE + 100)), { code: 'BUTM_EOT', record: 20 }, 'a short last record');
  await t.rejects(scanWith((b) => b.fill(0, 0, 8)), { code: 'BUTM_NOLABEL', record: 0 }, 'no label');
  await t.rejects(scanWith(() => Buffer.alloc(0)), { code: 'BUTM_BADBLOCK', record: 0 }, 'an empty file: end of file where the label should be');
  const cut = await scanWith((b) => b.subarray(0, 10 * BUTM_BLOCKSIZE));
  t.same([cut.files[0]?.partial, cut.files[0]?.ending?.endedBy, cut.files[0]?.bytes], [true, 'end-of-data', 7 * 16360], 'a medium that ends inside a volume');
});

t.test('read-only media', async (t) => {
  const path = join(tempDir(t), 'tape0');
  await writeFirstDump(path);
  const dev = await RecordDevice.open({ kind: 'file', path }, { capacityKB: 100, medium: { readOnly: true } });
  t.teardown(() => dev.close());
  t.equal(dev.readOnly, true);
  await t.rejects(new ButmWriter(dev).writeLabel(firstLabel as ButmLabel), { code: 'BUTM_READONLY' });
  t.equal((await scanMedium(new ButmReader(dev))).files.length, 4);
});

t.test('a medium from a byte-aligned writer: packed 206-byte header and trailer', async (t) => {
  const path = join(tempDir(t), 'old');
  const pack = (b: Buffer) => Buffer.concat([b.subarray(0, 82), b.subarray(84)]);
  const label = encodeLabel(newLabel({ afsName: 'old.full.1', sizeKB: 5000 }));
  const stream = pseudoRandom(16360 + 16000, 71);
  const header = makeVolumeHeader(volA, 1);
  const trailer = makeVolumeTrailer(volA, 1, { continues: false, endTime: 3 });
  writeFileSync(
    path,
    Buffer.concat([
      label,
      encodeFilemark('file-begin', label),
      encodeDataRecord(pack(encodeVolumeHeader(header))),
      ...payloads(Buffer.concat([stream, pack(encodeVolumeHeader(trailer))])).map((r) => encodeDataRecord(r.payload.subarray(0, r.count))),
      encodeFilemark('file-end', label),
      encodeFilemark('end-of-dump', label),
    ]),
  );
  const dev = await openFile(path);
  t.teardown(() => dev.close());
  const pieces: Buffer[] = [];
  const scan = await scanMedium(new ButmReader(dev), { onData: (_, p) => void pieces.push(p) });
  const f = scan.files[0]!;
  t.same([f.headerLayout, f.ending?.trailerLayout, f.header, f.trailer], ['packed', 'packed', header, trailer]);
  t.ok(Buffer.concat(pieces).equals(stream), 'the stream ends where the packed trailer starts');
});
