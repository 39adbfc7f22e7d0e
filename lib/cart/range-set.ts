/**
 * Set arithmetic on cartridge ranges with open ends, for readonly_tapes and precious_tapes (seed
 * 001: a range `8-` reaches the configured number of cartridges). afbackup resolves `8-` to a
 * number first; the catalog keeps it open, so the arithmetic here works on open ranges:
 * removing 10 from `8-` leaves `8-9,11-`.
 */
import type { CartridgeRange } from '../catalog/ranges.js';

const end = (r: CartridgeRange) => r.last ?? Infinity;

/** Sorted, overlapping and adjacent ranges merged: the canonical form afbackup writes back. */
export function normalizeRanges(ranges: readonly CartridgeRange[]): CartridgeRange[] {
  const sorted = [...ranges].sort((a, b) => a.first - b.first);
  const out: CartridgeRange[] = [];
  for (const r of sorted) {
    const prev = out[out.length - 1];
    if (prev && r.first <= end(prev) + 1) {
      if (end(r) > end(prev)) prev.last = r.last;
    } else {
      out.push({ first: r.first, last: r.last });
    }
  }
  return out;
}

export function addRanges(a: readonly CartridgeRange[], b: readonly CartridgeRange[]): CartridgeRange[] {
  return normalizeRanges([...a, ...b]);
}

/** a without b. */
export function removeRanges(a: readonly CartridgeRange[], b: readonly CartridgeRange[]): CartridgeRange[] {
  let out = normalizeRanges(a);
  for (const cut of normalizeRanges(b)) {
    const next: CartridgeRange[] = [];
    for (const r of out) {
      if (end(cut) < r.first || cut.first > end(r)) {
        next.push(r);
        continue;
      }
      if (cut.first > r.first) next.push({ first: r.first, last: cut.first - 1 });
      if (end(cut) < end(r)) next.push({ first: (cut.last as number) + 1, last: r.last });
    }
    out = next;
  }
  return out;
}

/** Whether the two overlap. */
export function rangesOverlap(a: readonly CartridgeRange[], b: readonly CartridgeRange[]): boolean {
  return a.some((x) => b.some((y) => x.first <= end(y) && y.first <= end(x)));
}

/** The ranges of a list of numbers. */
export function rangesOf(numbers: Iterable<number>): CartridgeRange[] {
  return normalizeRanges([...numbers].map((n) => ({ first: n, last: n })));
}
