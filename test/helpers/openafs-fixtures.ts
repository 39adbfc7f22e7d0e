// The media written by the real OpenAFS 1.8.9 butc (test/fixtures/openafs, see its README) and the
// byte comparison that ignores only what differs by construction between two dumps of the same
// streams: label creation times (also inside every filemark, which repeats the label's bytes) and
// the trailers' end times.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUTM_BLKSIZE, BUTM_BLOCKSIZE, BUTM_HDRSIZE, TC_VOLENDMAGIC, classifyRecord, type RecordDevice } from '../../lib/format/butm/index.js';
import type { ExtractSink } from '../../lib/media/extract.js';
import { openMedium, UNLIMITED_KB } from '../../lib/media/open.js';

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

/** Opens each medium as a butm device (read-only unless said), runs fn, closes them all. */
export async function withMedia<T>(paths: string[], fn: (devices: RecordDevice[]) => Promise<T>, options: { readOnly?: boolean; capacityKB?: number } = {}): Promise<T> {
  const devices: RecordDevice[] = [];
  try {
    for (const p of paths) devices.push(await openMedium(p, { readOnly: options.readOnly ?? true, capacityKB: options.capacityKB ?? UNLIMITED_KB }));
    return await fn(devices);
  } finally {
    for (const d of devices) await d.close();
  }
}

/** An extract sink in memory that counts how often a partial copy was taken back. */
export class MemorySink implements ExtractSink {
  chunks: Buffer[] = [];
  restarts = 0;
  async write(chunk: Buffer): Promise<void> {
    this.chunks.push(Buffer.from(chunk));
  }
  async restart(): Promise<void> {
    this.restarts++;
    this.chunks = [];
  }
  get bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}
