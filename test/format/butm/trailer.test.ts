// butc's trailer search (BUTC-SPEC §2.6) on crafted records: every way the trailer can fall
// against record boundaries, the packed trailer, a missing trailer, and the heuristic's false
// positive that butc has too.
import t from 'tap';
import {
  BUTM_BLKSIZE,
  encodeVolumeHeader,
  findVolTrailer,
  findVolTrailer2,
  makeVolumeTrailer,
  TrailerSearch,
  type VolumeHeader,
} from '../../../lib/format/butm/index.js';
import { pseudoRandom } from '../../helpers/tmp.js';
import { payloads, vol2 } from './fixtures.js';

const trailer = makeVolumeTrailer(vol2, 1, { continues: false, endTime: 1700000200 });
const trailerBytes = encodeVolumeHeader(trailer);

interface Outcome {
  data: Buffer;
  trailer: VolumeHeader | null;
  /** Records pushed before the search stopped. */
  pushed: number;
}

function search(records: { payload: Buffer; count: number }[]): Outcome {
  const s = new TrailerSearch();
  const pieces: Buffer[] = [];
  for (let i = 0; i < records.length; i++) {
    const step = s.push(records[i]!.payload, records[i]!.count);
    pieces.push(...step.data);
    if (step.done) return { data: Buffer.concat(pieces), trailer: step.trailer?.header ?? null, pushed: i + 1 };
  }
  pieces.push(...s.finish());
  return { data: Buffer.concat(pieces), trailer: null, pushed: records.length };
}

t.test('vol2: 202547 stream bytes are 12 full records and one of count 6435', async (t) => {
  const stream = pseudoRandom(202547, 2);
  const records = payloads(Buffer.concat([stream, trailerBytes]));
  t.equal(records.length, 13);
  t.same(records.slice(0, 12).map((r) => r.count), Array(12).fill(16360));
  t.equal(records[12]!.count, 6435, '6227 stream bytes + 208');
  const out = search(records);
  t.ok(out.data.equals(stream), 'the stream comes back exactly');
  t.same(out.trailer, trailer);
  t.equal(out.pushed, 13);
});

t.test('every position of the trailer against a record boundary', async (t) => {
  // stream lengths whose tail leaves 0..220 bytes free in the last full record, and a few
  // that put 0..12 bytes in a new record, around two different boundaries
  const lengths: number[] = [0, 1, 2, 100, 16150, 16151, 16152, 16153, 16154, 16155, 16360];
  for (let free = 0; free <= 220; free++) lengths.push(2 * BUTM_BLKSIZE - free, BUTM_BLKSIZE - free);
  for (let extra = 1; extra <= 12; extra++) lengths.push(2 * BUTM_BLKSIZE + extra);
  let stopsEarly = 0;
  for (const length of new Set(lengths)) {
    const stream = pseudoRandom(length, length + 11);
    const records = payloads(Buffer.concat([stream, trailerBytes]));
    const out = search(records);
    if (!out.data.equals(stream) || out.trailer === null) {
      t.fail(`stream of ${length} bytes: got ${out.data.length} bytes, trailer ${out.trailer ? 'found' : 'missing'}`);
      continue;
    }
    // butc's window catches a trailer of which 206 or 207 bytes are in a full record (only spare
    // bytes spill into the next one) and stops before reading that next record
    const inLast = length % BUTM_BLKSIZE;
    const early = inLast === BUTM_BLKSIZE - 206 || inLast === BUTM_BLKSIZE - 207;
    t.equal(out.pushed, early ? records.length - 1 : records.length, `stream of ${length} bytes: records read`);
    if (early) stopsEarly++;
  }
  t.equal(stopsEarly, 4, 'the two early-stop cases at two boundaries');
});

t.test('the trailer alone: count 208, with and without an earlier record', async (t) => {
  const alone = findVolTrailer2(null, payloads(trailerBytes)[0]!.payload, 208);
  t.same([alone?.headBytes, alone?.tailBytes], [0, 0], 'zero-data fragment');
  const full = Buffer.alloc(BUTM_BLKSIZE, 7);
  const after = findVolTrailer2(full, payloads(trailerBytes)[0]!.payload, 208);
  t.same([after?.headBytes, after?.tailBytes], [BUTM_BLKSIZE, 0], 'the stream ended at a record boundary');
  const one = findVolTrailer2(full, payloads(Buffer.concat([Buffer.from([9]), trailerBytes]))[0]!.payload, 209);
  t.same([one?.headBytes, one?.tailBytes], [BUTM_BLKSIZE, 1], 'count 209');
  t.same(one?.header, trailer);
});

t.test('a packed (206-byte) trailer is found at the end of the data', async (t) => {
  const packed = Buffer.concat([trailerBytes.subarray(0, 82), trailerBytes.subarray(84)]);
  for (const length of [0, 5, 5000, BUTM_BLKSIZE - 206, BUTM_BLKSIZE - 100, BUTM_BLKSIZE]) {
    const stream = pseudoRandom(length, 99 + length);
    const s = new TrailerSearch();
    const pieces: Buffer[] = [];
    let found: VolumeHeader | null = null;
    for (const r of payloads(Buffer.concat([stream, packed]))) {
      const step = s.push(r.payload, r.count);
      pieces.push(...step.data);
      if (step.done) {
        t.equal(step.trailer?.layout, 'packed', `stream of ${length}: layout`);
        found = step.trailer?.header ?? null;
        break;
      }
    }
    t.ok(Buffer.concat(pieces).equals(stream), `stream of ${length} bytes comes back`);
    t.same(found, trailer);
  }
});

t.test('no trailer: a short last record, or data that just ends', async (t) => {
  const stream = pseudoRandom(40000, 5);
  const out = search(payloads(stream));
  t.equal(out.trailer, null, 'TC_MISSINGTRAILER');
  t.ok(out.data.equals(stream), 'every byte read is reported as data');
  const exact = pseudoRandom(2 * BUTM_BLKSIZE, 6);
  const ended = search(payloads(exact));
  t.equal(ended.trailer, null);
  t.ok(ended.data.equals(exact), 'full records without a stop: finish() gives the held record');
});

t.test('stream data that looks like a header near a record end fools the search, as it fools butc', async (t) => {
  const stream = pseudoRandom(3 * BUTM_BLKSIZE, 8);
  const fake = encodeVolumeHeader({ ...trailer, volumeName: 'not-a-trailer' });
  fake.copy(stream, BUTM_BLKSIZE - 208); // ends exactly at the end of the first record
  const out = search(payloads(Buffer.concat([stream, trailerBytes])));
  t.equal(out.pushed, 1, 'the search stops after the first record');
  t.equal(out.trailer?.volumeName, 'not-a-trailer');
  t.equal(out.data.length, BUTM_BLKSIZE - 208, 'the data before the fake header is all that is delivered');
});

t.test('findVolTrailer looks only at the last 210 bytes', async (t) => {
  const payload = pseudoRandom(BUTM_BLKSIZE, 3);
  trailerBytes.copy(payload, BUTM_BLKSIZE - 208 - 3); // 3 bytes before the window's last position
  t.equal(findVolTrailer(payload, BUTM_BLKSIZE), null, 'offset -1 of the window is not tried');
  trailerBytes.copy(payload, BUTM_BLKSIZE - 210);
  t.equal(findVolTrailer(payload, BUTM_BLKSIZE)?.dataBytes, BUTM_BLKSIZE - 210, 'window offset 0');
});
