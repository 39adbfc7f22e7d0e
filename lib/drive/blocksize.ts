/**
 * Finding the block size of a tape written in variable-block mode (Bareos PR #1496's lesson: a
 * read with the wrong size must not look like a missing label). Read the next block with a
 * buffer; on ENOMEM st has consumed the block, so step back over it and try a larger buffer; when
 * growing fails for another reason, try every block size ever used (afbackup's
 * ever_used_blocksizes). The medium is left where it was, so the block is read again by the
 * caller.
 */
import { isDeviceError } from '../native/errors.js';
import { isEndOfData, type Medium } from './medium.js';

export interface DetectOptions {
  /** First buffer size to try (default 64 KiB). */
  initial?: number;
  /** Largest block we accept (default 16 MiB; HBAs often stop at 1 MiB, drives at 8 MiB). */
  max?: number;
  /** Block sizes ever used on this site, tried after growing fails. */
  tryBlockSizes?: number[];
}

export type DetectResult = { kind: 'block'; blockSize: number } | { kind: 'filemark' } | { kind: 'endOfData' };

export async function detectBlockSize(medium: Medium, options: DetectOptions = {}): Promise<DetectResult> {
  const max = options.max ?? 16 << 20;
  const growing: number[] = [];
  for (let s = options.initial ?? 64 << 10; s <= max; s *= 2) growing.push(s);
  const everUsed = (options.tryBlockSizes ?? []).filter((s) => s > 0 && s <= max && !growing.includes(s));
  let lastError: unknown = new Error(`${medium.path}: no block of at most ${max} bytes could be read`);
  for (const [list, stopOnError] of [[growing, true], [everUsed, false]] as const) {
    for (const size of list) {
      try {
        const r = await medium.read(size);
        if (r.kind === 'filemark') {
          // st returns 0 once at end of data after a filemark; the status tells the two apart
          if ((await medium.status()).flags.includes('EOD')) return { kind: 'endOfData' };
          await medium.op('MTBSF', 1); // back to the BOT side of the filemark, where we were
          return { kind: 'filemark' };
        }
        await medium.op('MTBSR', 1);
        return { kind: 'block', blockSize: r.data.length };
      } catch (e) {
        lastError = e;
        if (isDeviceError(e, 'ENOMEM')) {
          await medium.op('MTBSR', 1); // st consumed the block: step back before trying larger
          continue;
        }
        if (await isEndOfData(medium, e)) return { kind: 'endOfData' };
        if (stopOnError) break;
      }
    }
  }
  throw lastError;
}
