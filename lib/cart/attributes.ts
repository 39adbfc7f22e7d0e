/**
 * cart_ctl -a: settable cartridge attributes, in the seed's syntax (seed 003):
 *
 *   cart_ctl -a 4-5:r,6:!o,8:f=0
 *
 * "Set cartridges 4 and 5 to read-only, protect cartridge 6 from overwriting and assign a
 * full-counter of 0 to cartridge 8." An item is a cartridge set (`-C` syntax, or `*` for all),
 * `:` (or `=`), then attribute letters: r (read-only), o (overwrite), f (full-counter). A letter
 * alone sets r and o, `!` before the letters unsets them, `=yes`/`=no` after a letter says so
 * explicitly and `f=N` sets the counter (afbackup's parser, label_tape.c cart_ctl: a bare f is 1,
 * `!f` 0). Items are separated by `,`, `;` or blanks.
 *
 * Side effects, as afbackup has them:
 * - r=yes adds the cartridges to readonly_tapes, r=no takes them out (open ranges stay open);
 * - o=yes removes every reservation of them and resets what afbackup resets to reuse a tape
 *   (reuse.ts); o=no adds them to the administrator's reservation ("a line to the precious_tapes
 *   file, that is not specific to any client");
 * - f=N writes tape_uses.
 */
import { cartridges as allCartridges } from '../catalog/cartridges.js';
import type { Catalog } from '../catalog/database.js';
import { ADMIN_RESERVATION, readonlyTapes, reservations, setReadonlyTapes, setReservation } from '../catalog/protection.js';
import { RangeSyntaxError, inRanges, parseRanges, type CartridgeRange } from '../catalog/ranges.js';
import { putTapeUses } from '../catalog/tape-usage.js';
import { CartError } from './errors.js';
import { addRanges, removeRanges } from './range-set.js';
import { reuseCartridges } from './reuse.js';

export type AttributeName = 'read-only' | 'overwrite' | 'full-counter';

export type AttributeAssignment =
  | { cartridges: CartridgeRange[]; attribute: 'read-only' | 'overwrite'; value: boolean }
  | { cartridges: CartridgeRange[]; attribute: 'full-counter'; value: number };

const LETTERS: Record<string, AttributeName> = { r: 'read-only', o: 'overwrite', f: 'full-counter' };
const YES = ['yes', 'y', 'true', 'on'];
const NO = ['no', 'n', 'false', 'off'];

/** Parses an attribute specification; CartError 'syntax' names the position (from 1) at fault. */
export function parseAttributes(spec: string): AttributeAssignment[] {
  const out: AttributeAssignment[] = [];
  const bad = (pos: number, why: string) => new CartError('syntax', `attribute specification '${spec}', position ${pos + 1}: ${why}`);
  const blanks = (i: number) => {
    while (i < spec.length && /\s/.test(spec[i]!)) i++;
    return i;
  };
  let i = blanks(0);
  if (i === spec.length) throw bad(i, 'empty; expected e.g. 4-5:r,6:!o,8:f=0');
  while (i < spec.length) {
    let cartridges: CartridgeRange[];
    if (spec[i] === '*') {
      cartridges = [{ first: 1, last: null }];
      i = blanks(i + 1);
    } else {
      const m = /^[\d\s,-]+/.exec(spec.slice(i));
      if (!m) throw bad(i, `expected cartridges (3-5,8 or *), found '${spec[i]}'`);
      try {
        cartridges = parseRanges(m[0]);
      } catch (e) {
        if (e instanceof RangeSyntaxError) throw bad(i, e.message);
        throw e;
      }
      if (cartridges.length === 0) throw bad(i, 'expected cartridges (3-5,8 or *)');
      i += m[0].length;
    }
    if (spec[i] !== ':' && spec[i] !== '=') throw bad(i, `expected ':' after the cartridges, found ${i < spec.length ? `'${spec[i]}'` : 'the end'}`);
    i = blanks(i + 1);
    let set = true;
    if (spec[i] === '!') {
      set = false;
      i = blanks(i + 1);
    }
    if (!(spec[i]?.toLowerCase()! in LETTERS)) throw bad(i, `unknown attribute '${spec[i] ?? ''}': r (read-only), o (overwrite) or f (full-counter)`);
    while (i < spec.length && spec[i]!.toLowerCase() in LETTERS) {
      const attribute = LETTERS[spec[i]!.toLowerCase()]!;
      i++;
      const eq = blanks(i);
      if (spec[eq] !== '=') {
        if (attribute === 'full-counter') out.push({ cartridges, attribute, value: set ? 1 : 0 });
        else out.push({ cartridges, attribute, value: set });
        continue;
      }
      i = blanks(eq + 1);
      if (attribute === 'full-counter') {
        const m = /^\d+/.exec(spec.slice(i));
        if (!m) throw bad(i, 'the full-counter needs a number (f=0)');
        out.push({ cartridges, attribute, value: Number(m[0]) });
        i += m[0].length;
      } else {
        const word = /^[A-Za-z]*/.exec(spec.slice(i))![0];
        const value = YES.includes(word.toLowerCase()) ? true : NO.includes(word.toLowerCase()) ? false : null;
        if (value === null) throw bad(i, `'${word}' is neither yes nor no`);
        out.push({ cartridges, attribute, value });
        i += word.length;
      }
    }
    if (i < spec.length && /\s/.test(spec[i]!)) {
      i = blanks(i);
      if (spec[i] === ',' || spec[i] === ';') i = blanks(i + 1);
      continue;
    }
    if (i === spec.length) break;
    if (spec[i] !== ',' && spec[i] !== ';') throw bad(i, `expected ',' between items, found '${spec[i]}'`);
    i = blanks(i + 1);
  }
  return out;
}

/** The catalog's cartridges in the ranges (for per-cartridge values such as the full-counter on `8-`). */
function expand(cat: Catalog, ranges: readonly CartridgeRange[]): number[] {
  const known = allCartridges(cat).map((c) => c.number);
  const finite = ranges.flatMap((r) => (r.last === null ? [] : Array.from({ length: r.last - r.first + 1 }, (_, k) => r.first + k)));
  return [...new Set([...finite, ...known.filter((n) => inRanges(ranges, n))])].sort((a, b) => a - b);
}

/** Applies the assignments in order, in one transaction. */
export function applyAttributes(cat: Catalog, assignments: readonly AttributeAssignment[]): void {
  cat.transaction(() => {
    for (const a of assignments) {
      switch (a.attribute) {
        case 'read-only': {
          const ro = readonlyTapes(cat);
          setReadonlyTapes(cat, a.value ? addRanges(ro, a.cartridges) : removeRanges(ro, a.cartridges));
          break;
        }
        case 'overwrite':
          if (a.value) reuseCartridges(cat, a.cartridges, { readOnly: false });
          else {
            const admin = reservations(cat).find((r) => r.client === ADMIN_RESERVATION)?.ranges ?? [];
            setReservation(cat, { client: ADMIN_RESERVATION, ranges: addRanges(admin, a.cartridges) });
          }
          break;
        case 'full-counter':
          for (const n of expand(cat, a.cartridges)) putTapeUses(cat, { cartridge: n, timesFull: a.value });
          break;
      }
    }
  });
}
