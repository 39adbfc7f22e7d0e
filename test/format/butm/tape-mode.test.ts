// Tape mode (BUTC-SPEC §2.7, §2.11) on the simulated tape, which behaves like the st driver:
// hardware filemarks after labels, FILE-END and END-OF-DUMP; positions as tape file numbers;
// appended dumps; the filemark-skipping retries; end of tape.
import t from 'tap';
import { join } from 'node:path';
import { isEndOfData, Medium } from '../../../lib/drive/medium.js';
import {
  ButmError,
  ButmReader,
  ButmWriter,
  classifyRecord,
  hitEndOfTape,
  makeVolumeHeader,
  makeVolumeTrailer,
  newLabel,
  RecordDevice,
  scanMedium,
  type RecordDeviceOptions,
  type VolumeHeaderFields,
} from '../../../lib/format/butm/index.js';
import { pseudoRandom, tempDir } from '../../helpers/tmp.js';
import { vol2, volume } from './fixtures.js';

const volA = volume('volA', 536870930);
const volB = volume('volB', 536870940);
const streams = { vol2: pseudoRandom(202547, 51), volA: pseudoRandom(40000, 52), volB: pseudoRandom(1000, 53) };
const label1 = newLabel({ afsName: 'vs2.full.1', sizeKB: 102400, creationTime: 1700000000, dumpId: 1700000000, useCount: 1, dumpPath: '/full' });
const label2 = newLabel({ afsName: 'vs2.full.1', sizeKB: 102400, creationTime: 1700003600, dumpId: 1700003600, useCount: 1, dumpPath: '/full/incr' });

function openSim(path: string, options: Partial<RecordDeviceOptions> = {}): Promise<RecordDevice> {
  return RecordDevice.open({ kind: 'sim', path }, { capacityKB: 102400, ...options, medium: { create: true, ...options.medium } });
}

async function writeVolume(w: ButmWriter, fields: VolumeHeaderFields, stream: Buffer): Promise<number> {
  const { position } = await w.beginVolume(makeVolumeHeader(fields, 1));
  for (let off = 0; off < stream.length; off += 30000) await w.writeVolumeData(stream.subarray(off, off + 30000));
  await w.endVolume(makeVolumeTrailer(fields, 1, { continues: false, endTime: 1700000200 }));
  return position;
}

/** The medium as st shows it: L label, B/E/D filemark records, d data, | a hardware filemark. */
async function rawLayout(path: string): Promise<string> {
  const m = await Medium.open({ kind: 'sim', path }, { readOnly: true });
  let out = '';
  try {
    for (;;) {
      let r;
      try {
        r = await m.read(16384);
      } catch (e) {
        if (await isEndOfData(m, e)) break;
        throw e;
      }
      if (r.kind === 'filemark') {
        // st reads 0 once more at end of data after a filemark, and then reports EOD
        if ((await m.status()).flags.includes('EOD')) break;
        out += '|';
      }
      else out += { label: 'L', 'file-begin': 'B', 'file-end': 'E', 'end-of-dump': 'D', data: 'd' }[classifyRecord(r.data) as string] ?? '?';
    }
  } finally {
    await m.close();
  }
  return out;
}

async function writeFirstDump(path: string): Promise<number[]> {
  const dev = await openSim(path);
  const w = new ButmWriter(dev);
  const positions = [(await w.writeLabel(label1)).position];
  positions.push(await writeVolume(w, vol2, streams.vol2));
  positions.push(await writeVolume(w, volA, streams.volA));
  positions.push(await writeVolume(w, volB, streams.volB));
  positions.push((await w.writeEndOfDump()).position);
  await dev.close();
  return positions;
}

t.test('positions are tape files; a filemark follows each label, FILE-END and END-OF-DUMP', async (t) => {
  const path = join(tempDir(t), 'tape.sim');
  t.same(await writeFirstDump(path), [1, 2, 3, 4, 5], 'label 1, volumes 2, 3, 4, END-OF-DUMP 5');
  t.equal(await rawLayout(path), 'L|Bd' + 'd'.repeat(13) + 'E|BddddE|BddE|D|');
});

t.test('append after END-OF-DUMP, then scan and seek', async (t) => {
  const path = join(tempDir(t), 'tape.sim');
  await writeFirstDump(path);
  const dev = await openSim(path);
  const r = new ButmReader(dev);
  t.same((await r.readLabel()).position, 1);
  t.equal(dev.position, 2, 'after the label and its filemark');
  await dev.seekEndOfDump(4);
  t.equal(dev.position, 6, 'after the END-OF-DUMP filemark');
  const w = new ButmWriter(dev);
  t.same(await w.writeLabel(label2, { append: true }), { position: 6 });
  t.equal(await writeVolume(w, vol2, streams.vol2), 7);
  t.same(await w.writeEndOfDump(), { position: 8 });
  await dev.close();
  t.equal(await rawLayout(path), 'L|Bd' + 'd'.repeat(13) + 'E|BddddE|BddE|D|L|Bd' + 'd'.repeat(13) + 'E|D|');

  const dev2 = await openSim(path);
  t.teardown(() => dev2.close());
  const pieces = new Map<number, Buffer[]>();
  const scan = await scanMedium(new ButmReader(dev2), { onData: (f, p) => void pieces.set(f.position, [...(pieces.get(f.position) ?? []), p]) });
  t.same(scan.labels.map((l) => [l.position, l.label.dumpId]), [[1, label1.dumpId], [6, label2.dumpId]]);
  t.same(
    scan.files.map((f) => [f.position, f.kind, f.header?.volumeName, f.trailer?.volumeName, f.bytes]),
    [
      [2, 'volume', 'vol2', 'vol2', 202547],
      [3, 'volume', 'volA', 'volA', 40000],
      [4, 'volume', 'volB', 'volB', 1000],
      [5, 'end-of-dump', undefined, undefined, 0],
      [7, 'volume', 'vol2', 'vol2', 202547],
      [8, 'end-of-dump', undefined, undefined, 0],
    ],
  );
  t.ok(Buffer.concat(pieces.get(3)!).equals(streams.volA));
  t.ok(Buffer.concat(pieces.get(7)!).equals(streams.vol2));

  const r2 = new ButmReader(dev2);
  for (const [position, name, stream] of [[4, 'volB', streams.volB], [2, 'vol2', streams.vol2], [7, 'vol2', streams.vol2]] as const) {
    await r2.seekPosition(position);
    const entry = await r2.next();
    t.equal(entry?.kind === 'volume' && entry.header.volumeName, name, `seek to file ${position}`);
    const got: Buffer[] = [];
    for await (const p of r2.chunks()) got.push(p);
    t.ok(Buffer.concat(got).equals(stream), `file ${position}: the stream`);
  }
  // a restore may not seek backwards from inside a file
  await r2.seekPosition(2);
  await r2.next();
  await r2.read();
  await t.rejects(dev2.seek(2), { code: 'BUTM_BADOP' });
});

t.test('an appended label whose write fails is retried after skipping a close filemark', async (t) => {
  const path = join(tempDir(t), 'tape.sim');
  await writeFirstDump(path);
  // a close that left one more filemark after END-OF-DUMP's
  const m = await Medium.open({ kind: 'sim', path });
  await m.op('MTEOM');
  await m.writeFilemarks(1);
  await m.close();
  t.equal(await rawLayout(path), 'L|Bd' + 'd'.repeat(13) + 'E|BddddE|BddE|D||');

  // the first write of this open (the label) fails with EIO, as some drives do there
  const dev = await openSim(path, { medium: { failWriteAt: 1 } });
  await new ButmReader(dev).readLabel();
  await dev.seekEndOfDump(4);
  const w = new ButmWriter(dev);
  t.same(await w.writeLabel(label2, { append: true }), { position: 7 }, 'the label lands one file further');
  await w.writeEndOfDump();
  await dev.close();
  t.equal(await rawLayout(path), 'L|Bd' + 'd'.repeat(13) + 'E|BddddE|BddE|D||L|D|');

  const dev2 = await openSim(path);
  t.teardown(() => dev2.close());
  const scan = await scanMedium(new ButmReader(dev2));
  t.same(scan.labels.map((l) => l.position), [1, 7], 'the reader passes the stray filemark');
  t.same(scan.files.map((f) => [f.position, f.kind]).slice(3), [[5, 'end-of-dump'], [8, 'end-of-dump']]);

  // reading the appended label without rewinding skips the filemark too
  const r = new ButmReader(dev2);
  await r.readLabel();
  await dev2.seekEndOfDump(4);
  t.same(await r.readLabel({ rewind: false }), { position: 7, label: { ...label2 } });
});

t.test('a label-only tape, and a blank one', async (t) => {
  const dir = tempDir(t);
  const dev = await openSim(join(dir, 'label.sim'));
  await new ButmWriter(dev).writeLabel(newLabel({ afsName: 'lbl.test.1', sizeKB: 2048 }));
  await dev.close();
  const dev2 = await openSim(join(dir, 'label.sim'));
  const scan = await scanMedium(new ButmReader(dev2));
  await dev2.close();
  t.same([scan.labels.length, scan.files.length, dev2.usage.tapeSizeKB], [1, 0, 2048]);

  const blank = await openSim(join(dir, 'blank.sim'));
  t.teardown(() => blank.close());
  await t.rejects(new ButmReader(blank).readLabel(), { name: 'ButmError', code: 'BUTM_NOLABEL', position: 1 });
});

t.test('end of tape while writing is a BUTM_EOT error with its position, never lost', async (t) => {
  const path = join(tempDir(t), 'small.sim');
  // room for 20 records; early warning 4 records before the end
  const dev = await openSim(path, { capacityKB: 1000, medium: { capacity: 20 * 16384, earlyWarning: 4 * 16384 } });
  t.teardown(() => dev.close());
  const w = new ButmWriter(dev);
  await w.writeLabel(label1);
  await w.beginVolume(makeVolumeHeader(vol2, 1));
  const stream = pseudoRandom(40 * 16360, 61);
  let error: unknown;
  let written = 0;
  try {
    for (; written < stream.length; written += 16360) await w.writeVolumeData(stream.subarray(written, written + 16360));
  } catch (e) {
    error = e;
  }
  t.ok(error instanceof ButmError, 'a typed error');
  const e = error as ButmError;
  t.equal(e.code, 'BUTM_EOT');
  t.ok(hitEndOfTape(e), 'butc would treat it as end of tape (HITEOT)');
  t.equal(e.medium, `sim:${path}`);
  t.equal(e.position, 2, 'inside tape file 2');
  // the 14th data record crosses early warning (17 records > 16) and is written; the next is refused
  t.equal(e.record, 2 + 14, 'the block inside the file: FILE-BEGIN, header, 14 data records written');
  t.equal((e.cause as { code?: string }).code, 'ENOSPC');
  t.equal(written, 14 * 16360, 'the data that reached the tape');
  t.equal(e.errorNumber, 156568842, 'BUTM_EOT as backup prints it');
});

t.test('a fixed-block drive: records assembled from smaller blocks', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'fixed.sim');
  await writeFirstDump(path);
  // rewrite the medium in 4 KiB fixed blocks: each 16 KiB record becomes four tape blocks
  const src = await Medium.open({ kind: 'sim', path }, { readOnly: true });
  const dst = await Medium.open({ kind: 'sim', path: join(dir, 'fixed4k.sim') }, { create: true });
  await dst.op('MTSETBLK', 4096);
  for (;;) {
    let r;
    try {
      r = await src.read(16384);
    } catch (e) {
      if (await isEndOfData(src, e)) break;
      throw e;
    }
    if (r.kind === 'filemark') await dst.writeFilemarks(1);
    else await dst.write(r.data);
  }
  await src.close();
  await dst.op('MTSETBLK', 0); // the reader's open starts in variable mode: 4 KiB per read
  await dst.close();
  const dev = await openSim(join(dir, 'fixed4k.sim'));
  t.teardown(() => dev.close());
  const scan = await scanMedium(new ButmReader(dev));
  t.equal(dev.readChunkSize, 4096, 'butc: "Tape blocks read in 4096 Byte chunks."');
  t.same(scan.files.map((f) => f.bytes), [202547, 40000, 1000, 0]);
});
