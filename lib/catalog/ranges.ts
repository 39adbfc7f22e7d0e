/**
 * Cartridge ranges as afbackup writes them (readonly_tapes, precious_tapes, cart_ctl -C).
 *
 * Seed 001 (readonly_tapes): "numbers, ranges or comma-separated numbers of cartridges. A range can
 * be given as [<start-number>]-[<end-number>], e.g. 2-4, -2 or 8-. In the last example the number
 * of cartridges configured in the server configuration file will be applied for the end of the
 * list". afserver reads them with whitespace allowed between the parts (sscan_Uns32Ranges__), so
 * `2-4, 6 8-` is three ranges; a reversed range (`5-3`) means 3-5.
 *
 * An open end (`8-`) is kept open here (`last: null`): it reaches whatever number of cartridges is
 * configured when it is read, as in afserver, instead of the number configured on the day of import.
 */

/** Cartridges first..last; last null: up to the configured number of cartridges. */
export interface CartridgeRange {
  first: number;
  last: number | null;
}

/** Why a range list does not parse: the offending text, for the caller to name file and line. */
export class RangeSyntaxError extends Error {
  override name = 'RangeSyntaxError';
}

function cartridgeNumber(digits: string): number {
  const n = Number(digits);
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeSyntaxError(`'${digits}' is not a cartridge number (1 or more)`);
  return n;
}

type Token = { kind: 'number'; text: string } | { kind: '-' | ',' };

function tokens(text: string): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(/(\d+)|([-,])|(\s+)|([^\s\d,-]+)/g)) {
    if (m[1] !== undefined) out.push({ kind: 'number', text: m[1] });
    else if (m[2] !== undefined) out.push({ kind: m[2] as '-' | ',' });
    else if (m[4] !== undefined) throw new RangeSyntaxError(`'${m[4]}' is not a cartridge number or range`);
  }
  return out;
}

/** Parses `2-4,-2 8-` into ranges in the order written. Throws RangeSyntaxError. */
export function parseRanges(text: string): CartridgeRange[] {
  const ranges: CartridgeRange[] = [];
  const t = tokens(text);
  for (let i = 0; i < t.length; ) {
    const token = t[i]!;
    if (token.kind === ',') {
      i++;
      continue;
    }
    const from = token.kind === 'number' ? cartridgeNumber(token.text) : null;
    if (from !== null) i++;
    if (from !== null && t[i]?.kind !== '-') {
      ranges.push({ first: from, last: from });
      continue;
    }
    i++; // the '-'
    const next = t[i];
    const to = next?.kind === 'number' ? cartridgeNumber(next.text) : null;
    if (to !== null) i++;
    if (from === null && to === null) throw new RangeSyntaxError(`'${text.trim()}': a range needs a number on at least one side of '-'`);
    if (t[i]?.kind === '-') throw new RangeSyntaxError(`'${text.trim()}': a '-' where a ',' or a number belongs`);
    const first = from ?? 1;
    ranges.push(to !== null && to < first ? { first: to, last: first } : { first, last: to });
  }
  return ranges;
}

/** Formats ranges as afserver does (str_Uns32Ranges): `3`, `2-4`, `8-`, comma-separated. */
export function formatRanges(ranges: readonly CartridgeRange[]): string {
  return ranges.map((r) => (r.last === null ? `${r.first}-` : r.last === r.first ? `${r.first}` : `${r.first}-${r.last}`)).join(',');
}

/** Whether cartridge n is in one of the ranges. */
export function inRanges(ranges: readonly CartridgeRange[], n: number): boolean {
  return ranges.some((r) => n >= r.first && (r.last === null || n <= r.last));
}
