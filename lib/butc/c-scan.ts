/**
 * The C library behaviour butc's file parsers depend on, reproduced bug for bug: `fgets` with a
 * 255-byte buffer, glibc `sscanf` with `%s`, `%u`, `%f` and `%c`, butc's `SafeATOL`, and 32-bit
 * wrap-around. butc's texts are byte strings; here they are "binary strings" (one char per byte,
 * latin1), so every byte of a file survives into a message unchanged (see `c-string.ts`).
 */

/** C `isspace` in the C locale. */
export function isCSpace(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\v' || ch === '\f' || ch === '\r';
}

/** A C string stops at its first NUL. */
export function cString(s: string): string {
  const nul = s.indexOf('\0');
  return nul < 0 ? s : s.slice(0, nul);
}

/** ASCII-only upper-casing (`islower`/`toupper` in the C locale): other bytes stay as they are. */
export function cUpper(s: string): string {
  return s.replace(/[a-z]+/g, (m) => m.toUpperCase());
}

/** Wraps to a signed 32-bit integer, as C arithmetic on afs_int32 does on Linux. */
export function int32(n: number): number {
  return n | 0;
}

/** One piece returned by `fgets`, with the physical line it starts on (1-based). */
export interface FgetsLine {
  text: string;
  line: number;
}

/**
 * The pieces `while (fgets(buf, 255, f))` returns: at most 254 bytes each, ending after a newline
 * or where the buffer is full (the rest of a long line comes back as the next piece).
 * BUTC-SPEC §1.3 ("255-byte buffer"), §1.4.
 */
export function fgetsLines(content: string, bufferSize = 255): FgetsLine[] {
  const max = bufferSize - 1;
  const out: FgetsLine[] = [];
  let line = 1;
  let i = 0;
  while (i < content.length) {
    const nl = content.indexOf('\n', i);
    const end = Math.min(nl < 0 ? content.length : nl + 1, i + max);
    const text = content.slice(i, end);
    out.push({ text, line });
    if (text.endsWith('\n')) line++;
    i = end;
  }
  return out;
}

/** Conversions of a `sscanf` format: `%s`, `%u`, `%f`, `%c`, or ' ' (skip white space). */
export type ScanDirective = 's' | 'u' | 'f' | 'c' | ' ';

export interface ScanResult {
  /** What sscanf returns: the number of assignments, or -1 (EOF) if input ended before the first. */
  count: number;
  /** The converted values, in order (strings for %s/%c, numbers for %u/%f). */
  values: (string | number)[];
}

/** Like glibc `sscanf(input, format)` for formats made of the directives above. */
export function cScan(input: string, format: readonly ScanDirective[]): ScanResult {
  const s = cString(input);
  let pos = 0;
  const values: (string | number)[] = [];
  const skip = () => {
    while (pos < s.length && isCSpace(s[pos])) pos++;
  };
  const inputFailure = () => ({ count: values.length === 0 ? -1 : values.length, values });
  for (const d of format) {
    if (d === ' ') {
      skip();
      continue;
    }
    if (d !== 'c') skip();
    if (pos >= s.length) return inputFailure();
    if (d === 's') {
      const start = pos;
      while (pos < s.length && !isCSpace(s[pos])) pos++;
      values.push(s.slice(start, pos));
    } else if (d === 'c') {
      values.push(s[pos++]!);
    } else if (d === 'u') {
      const r = scanUnsigned(s, pos);
      if (!r) return { count: values.length, values };
      values.push(r.value);
      pos = r.end;
    } else {
      const r = scanFloat(s, pos);
      if (!r) return { count: values.length, values };
      values.push(r.value);
      pos = r.end;
    }
  }
  return { count: values.length, values };
}

/**
 * `%u` into an afs_int32, as glibc does it on x86-64: an optional sign and decimal digits converted
 * with strtoul (64-bit; negative numbers wrap, overflow saturates), then truncated to 32 bits.
 */
export function scanUnsigned(s: string, pos: number): { value: number; end: number } | null {
  let i = pos;
  let negative = false;
  if (s[i] === '+' || s[i] === '-') negative = s[i++] === '-';
  const start = i;
  while (i < s.length && s[i]! >= '0' && s[i]! <= '9') i++;
  if (i === start) return null;
  const max = (1n << 64n) - 1n;
  let v = BigInt(s.slice(start, i));
  if (v > max) v = max;
  else if (negative) v = (1n << 64n) - v;
  v &= max;
  return { value: Number(BigInt.asIntN(32, v)), end: i };
}

/**
 * `%f` into a C float, as glibc reads it: sign; `nan`; `inf`/`infinity` (a partial "infinity" fails);
 * hexadecimal `0x...[p...]`; decimal digits with an optional fraction and exponent. An `e` (or `p`)
 * and its sign are consumed even when no exponent digits follow ("1e" is 1, "1eK" leaves "K").
 */
export function scanFloat(s: string, pos: number): { value: number; end: number } | null {
  let i = pos;
  let sign = 1;
  if (s[i] === '+' || s[i] === '-') sign = s[i++] === '-' ? -1 : 1;
  const lower = s.slice(i, i + 8).toLowerCase();
  if (lower.startsWith('nan')) return { value: NaN, end: i + 3 };
  if (lower.startsWith('inf')) {
    if (lower[3] !== 'i') return { value: sign * Infinity, end: i + 3 };
    return lower === 'infinity' ? { value: sign * Infinity, end: i + 8 } : null;
  }
  const digits = (from: number, re: RegExp) => {
    let j = from;
    while (j < s.length && re.test(s[j]!)) j++;
    return j;
  };
  const exponent = (from: number, marker: RegExp): { exp: number; end: number } => {
    if (!marker.test(s[from] ?? '')) return { exp: 0, end: from };
    let j = from + 1;
    let esign = 1;
    if (s[j] === '+' || s[j] === '-') esign = s[j++] === '-' ? -1 : 1;
    const dEnd = digits(j, /[0-9]/);
    return { exp: dEnd > j ? esign * Number(s.slice(j, dEnd)) : 0, end: dEnd };
  };
  if (s[i] === '0' && (s[i + 1] === 'x' || s[i + 1] === 'X')) {
    const intStart = i + 2;
    const intEnd = digits(intStart, /[0-9a-fA-F]/);
    let fracEnd = intEnd;
    if (s[intEnd] === '.') fracEnd = digits(intEnd + 1, /[0-9a-fA-F]/);
    const intDigits = s.slice(intStart, intEnd);
    const fracDigits = fracEnd > intEnd ? s.slice(intEnd + 1, fracEnd) : '';
    if (intDigits.length + fracDigits.length === 0) return null;
    const { exp, end } = exponent(fracEnd, /[pP]/);
    const mantissa = BigInt('0x' + (intDigits + fracDigits || '0'));
    const value = Number(mantissa) * 2 ** (exp - 4 * fracDigits.length);
    return { value: Math.fround(sign * value), end };
  }
  const intEnd = digits(i, /[0-9]/);
  let fracEnd = intEnd;
  if (s[intEnd] === '.') fracEnd = digits(intEnd + 1, /[0-9]/);
  const intDigits = s.slice(i, intEnd);
  const fracDigits = fracEnd > intEnd ? s.slice(intEnd + 1, fracEnd) : '';
  if (intDigits.length + fracDigits.length === 0) return null;
  const { exp, end } = exponent(fracEnd, /[eE]/);
  const value = Number(`${intDigits || '0'}.${fracDigits || '0'}e${exp}`);
  return { value: Math.fround(sign * value), end };
}

/**
 * butc's `SafeATOL` (`src/butc/tcmain.c`): decimal digits only, else -1; the empty string is 0;
 * accumulates in an afs_int32, so large values wrap (and "4294967295" comes out as -1).
 */
export function safeAtol(s: string): number {
  let total = 0;
  for (const ch of s) {
    if (ch < '0' || ch > '9') return -1;
    total = int32(Math.imul(total, 10) + (ch.charCodeAt(0) - 48));
  }
  return total;
}
