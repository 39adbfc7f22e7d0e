/**
 * butc's `atocl()` (`src/butc/tcmain.c`; BUTC-SPEC §1.3): a size with an optional unit letter,
 * converted to the unit the caller wants. The number is a C float, a missing unit means BYTES (the
 * man page says kilobytes; the code does not), each unit step is 1024, the result is rounded by
 * adding 0.5 in float arithmetic, and anything >= 2^31 (or negative) becomes 2147483647: the "2 TB
 * limit" of BUTC-SPEC §7 #1. A NaN ("nan") slips through both tests and becomes INT_MIN, which is
 * the only way butc's "Invalid file mark size" message can ever be printed.
 */
import { cScan } from './c-scan.js';

/** Units atocl knows: bytes, kilo-, mega-, giga-, terabytes (powers of 1024). */
export type AtoclUnit = 'B' | 'K' | 'M' | 'G' | 'T';

/** The largest value atocl returns: 2^31 - 1. */
export const ATOCL_CLAMP = 0x7fffffff;
/** The ceiling when the clamp is lifted: the 32-bit KB `size` field of a tape label (4 TiB - 1 KB). */
export const ATOCL_LIFTED_CLAMP = 0xffffffff;

function unitSteps(ch: string | undefined): number | null {
  switch (ch) {
    case 't':
    case 'T':
      return 4;
    case 'g':
    case 'G':
      return 3;
    case 'm':
    case 'M':
      return 2;
    case 'k':
    case 'K':
      return 1;
    case 'b':
    case 'B':
    case ' ':
    case '\0':
      return 0;
    default:
      return null;
  }
}

/**
 * Converts `text` (one token: "100M", "2000000", "1.5g") to `unit`. Returns null where butc's
 * atocl returns -1 (no number, an unknown unit letter, or more text after the unit).
 * `ceiling` is ATOCL_CLAMP for butc's behaviour; ATOCL_LIFTED_CLAMP lifts the 2 TB clamp.
 */
export function atocl(text: string, unit: AtoclUnit, ceiling: number = ATOCL_CLAMP): number | null {
  const want = unitSteps(unit)!;
  const r = cScan(text, ['f', 'c', 's']);
  if (r.count > 2 || r.count <= 0) return null;
  const have = r.count === 1 ? 0 : unitSteps(r.values[1] as string);
  if (have === null) return null;
  let total = r.values[0] as number;
  for (let u = have; u < want; u++) total = Math.fround(total / 1024);
  for (let u = have; u > want; u--) total = Math.fround(total * 1024);
  total = Math.fround(total + 0.5);
  if (total >= ceiling + 1 || total < 0) return ceiling;
  if (Number.isNaN(total)) return -0x80000000;
  return Math.trunc(total);
}
