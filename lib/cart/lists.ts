/**
 * Number lists as cart_ctl takes them (-C, -S, -D, -L): `3-5,8`, in the order written (seed 003:
 * "The order is significant, e.g. -m -C 2-3,1 -S 5,4,3 will move cartridge 2 to slot 5, 3 to 4
 * and 1 to slot 3"). The syntax is readonly_tapes' (lib/catalog/ranges.ts: numbers, `a-b`, `-b`,
 * `a-`, separated by commas or blanks); a range written backwards (`5-3`) counts down here,
 * since the order matters.
 */
import { CartError } from './errors.js';

/**
 * `2-3,1` → [2, 3, 1]; `5-3` → [5, 4, 3]. `-3` starts at 1. An open end (`8-`) needs `last` (the
 * number of slots, say). A number listed twice is refused: one cartridge cannot go to two places.
 */
export function expandList(text: string, what: string, last?: number): number[] {
  const bad = (why: string) => new CartError('syntax', `${what} '${text}': ${why}`);
  const parts = text.replace(/\s*-\s*/g, '-').split(/[,\s]+/).filter((p) => p !== '');
  if (parts.length === 0) throw bad('no numbers');
  const out: number[] = [];
  const number = (digits: string) => {
    const n = Number(digits);
    if (!Number.isSafeInteger(n) || n < 1) throw bad(`'${digits}' is not a number from 1`);
    return n;
  };
  for (const part of parts) {
    const m = /^(\d*)-(\d*)$/.exec(part);
    if (!m) {
      if (!/^\d+$/.test(part)) throw bad(`'${part}' is not a number or a range like 3-5`);
      out.push(number(part));
      continue;
    }
    if (m[1] === '' && m[2] === '') throw bad("a '-' needs a number on at least one side");
    const from = m[1] === '' ? 1 : number(m[1]!);
    if (m[2] === '' && last === undefined) throw bad(`'${part}' has no end here; write the last number`);
    const to = m[2] === '' ? last! : number(m[2]!);
    const step = to >= from ? 1 : -1;
    for (let n = from; n !== to + step; n += step) out.push(n);
  }
  const seen = new Set<number>();
  for (const n of out) {
    if (seen.has(n)) throw bad(`${n} is listed twice`);
    seen.add(n);
  }
  return out;
}

/** Numbers as a compact list in their order: [2, 3, 4, 1] → `2-4,1`. */
export function compactList(numbers: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < numbers.length; ) {
    let j = i;
    while (j + 1 < numbers.length && numbers[j + 1] === numbers[j]! + 1) j++;
    parts.push(j === i ? `${numbers[i]}` : `${numbers[i]}-${numbers[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}
