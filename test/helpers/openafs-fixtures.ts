// The media written by the real OpenAFS 1.8.9 butc (test/fixtures/openafs, see its README) and the
// byte comparison that ignores only what differs by construction between two dumps of the same
// streams: label creation times (also inside every filemark, which repeats the label's bytes) and
// the trailers' end times.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUTM_BLKSIZE, BUTM_BLOCKSIZE, BUTM_HDRSIZE, TC_VOLENDMAGIC, classifyRecord } from '../../lib/format/butm/index.js';

export const fixtureDir = join(import.meta.dirname, '..', 'fixtures', 'openafs');
export const fixture = (name: string): string => join(fixtureDir, name);
export const fixtureBytes = (name: string): Buffer => readFileSync(fixture(name));
export const spanMedia = [1, 2, 3, 4, 5, 6, 7].map((n) => fixture(`span.${n}.butc`));

/** Creation time in a label record, and in the filemark copies of it (BUTC-SPEC §2.2, §2.3). */
const LABEL_TIME = 8;
/** endTime inside a volume trailer (§2.5). */
const TRAILER_END_TIME = 188;

/** A copy of a FILE-mode medium with those times zeroed. */
export function maskTimes(medium: Buffer): Buffer {
  const b = Buffer.from(medium);
  // the payload bytes of the data records of each file, mapped back to medium offsets
  let stream: number[] = [];
  const flush = (): void => {
    const bytes = Buffer.from(stream.map((o) => b[o]!));
    for (let i = bytes.indexOf('H++NAME#'); i >= 0; i = bytes.indexOf('H++NAME#', i + 1)) {
      if (i + 208 <= bytes.length && bytes.readUInt32BE(i + 104) === TC_VOLENDMAGIC) {
        for (let k = 0; k < 4; k++) b[stream[i + TRAILER_END_TIME + k]!] = 0;
      }
    }
    stream = [];
  };
  for (let r = 0; r * BUTM_BLOCKSIZE < b.length; r++) {
    const at = r * BUTM_BLOCKSIZE;
    const record = b.subarray(at, at + BUTM_BLOCKSIZE);
    const kind = classifyRecord(record);
    if (kind === 'data') {
      const count = record.readInt32BE(0);
      for (let i = 0; i < Math.min(count, BUTM_BLKSIZE); i++) stream.push(at + BUTM_HDRSIZE + i);
      continue;
    }
    flush();
    if (kind === 'label' || kind === 'file-begin' || kind === 'file-end' || kind === 'end-of-dump') b.fill(0, at + LABEL_TIME, at + LABEL_TIME + 4);
  }
  flush();
  return b;
}
