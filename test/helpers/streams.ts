import { createHash } from 'node:crypto';
import { Medium } from '../../lib/drive/medium.js';
import { TapeReader } from '../../lib/stream/tape-reader.js';
import { TapeWriter } from '../../lib/stream/tape-writer.js';

export function sha256(...parts: Buffer[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
}

/** Writes chunks through a TapeWriter, honouring back-pressure, then ends it. */
export async function writeAll(w: TapeWriter, chunks: Iterable<Buffer>): Promise<void> {
  for (const c of chunks) {
    if (w.destroyed) throw w.errored ?? new Error('writer destroyed');
    if (w.write(c)) continue;
    await new Promise<void>((resolve, reject) => {
      const done = (e?: Error) => {
        w.off('drain', onDrain);
        w.off('close', onClose);
        if (e) reject(e);
        else resolve();
      };
      const onDrain = () => done();
      const onClose = () => done(w.errored ?? new Error('writer closed'));
      w.on('drain', onDrain);
      w.on('close', onClose);
    });
  }
}

export function endWriter(w: TapeWriter): Promise<void> {
  return new Promise((resolve, reject) => {
    w.once('error', reject);
    w.end(() => resolve());
  });
}

/** Reads one tape file (up to the next filemark) with a TapeReader and returns its bytes. */
export async function readFile(m: Medium, blockSize: number): Promise<Buffer> {
  const r = new TapeReader(m, { blockSize, bufferSize: blockSize * 16, files: 1 });
  const parts: Buffer[] = [];
  for await (const c of r) parts.push(c as Buffer);
  await r.result;
  return Buffer.concat(parts);
}

/** Every block up to end of data, by single reads (the reference the streams are checked against). */
export async function readBlocks(m: Medium, max: number): Promise<Array<Buffer | 'filemark'>> {
  const out: Array<Buffer | 'filemark'> = [];
  for (;;) {
    try {
      const r = await m.read(max);
      // st returns 0 once more at end of data after a filemark: not a filemark
      if (r.kind === 'filemark' && out.at(-1) === 'filemark' && (await m.status()).flags.includes('EOD')) return out;
      out.push(r.kind === 'data' ? r.data : 'filemark');
    } catch (e) {
      if ((e as { code?: string }).code === 'EIO') return out;
      throw e;
    }
  }
}

export function chunked(data: Buffer, sizes: (i: number) => number): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0, i = 0; at < data.length; i++) {
    const n = Math.min(sizes(i), data.length - at);
    out.push(data.subarray(at, at + n));
    at += n;
  }
  return out;
}
