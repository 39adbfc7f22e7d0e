/**
 * The line syntax shared by afserver's state files (afbackup's "kfile" functions): one entry per
 * line, a key in the first column, then a space and the value, which is the rest of the line.
 * A key holding whitespace is written in double quotes. Lines without a word are skipped. Values
 * are read as whitespace-separated fields, as afserver's sscanf calls read them.
 *
 * Backslashes are refused rather than guessed at: afserver's reader keeps some and drops others,
 * so a name holding one would not read back as written.
 */
import { AfbackupFormatError, CatalogError } from './errors.js';

/** C's isspace() in the "C" locale: what separates words for afserver. */
const SPACE = /[ \t\n\v\f\r]/;
const SPACES = /[ \t\n\v\f\r]+/;

export interface KfileEntry {
  /** Line number from 1. */
  line: number;
  /** The first word, quotes removed. */
  key: string;
  /** The rest of the line from its first non-blank character. */
  value: string;
}

function skipSpace(s: string, i: number): number {
  while (i < s.length && SPACE.test(s[i]!)) i++;
  return i;
}

/** Reads a word at the start of s (after blanks): `abc`, `"a b c"`. */
export function scanWord(s: string, file: string, line: number, field: string): { word: string; rest: string } {
  let i = skipSpace(s, 0);
  let word = '';
  let quoted = false;
  for (; i < s.length && (quoted || !SPACE.test(s[i]!)); i++) {
    const c = s[i]!;
    if (c === '\\') throw new AfbackupFormatError(file, line, field, `a backslash in '${s.trim()}': escapes are not supported`);
    if (c === '"') quoted = !quoted;
    else word += c;
  }
  if (quoted) throw new AfbackupFormatError(file, line, field, `a quote is not closed in '${s.trim()}'`);
  return { word, rest: s.slice(skipSpace(s, i)) };
}

/** The lines of a file that hold words, numbered from 1. */
export function textLines(text: string): { line: number; text: string }[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.map((t, i) => ({ line: i + 1, text: t })).filter((l) => /[^ \t\n\v\f\r]/.test(l.text));
}

/** The entries of a key/value file, in file order. */
export function readKfile(file: string, text: string): KfileEntry[] {
  return textLines(text).map(({ line, text: t }) => {
    const { word, rest } = scanWord(t, file, line, 'first column');
    return { line, key: word, value: rest };
  });
}

/** A word as afserver writes it: in double quotes when empty or holding whitespace. */
export function formatWord(word: string, what: string): string {
  if (/["\\\n]/.test(word)) throw new CatalogError('invalid', `${what} '${word}': afbackup's files cannot hold '"', '\\' or a line break there`);
  return word === '' || SPACE.test(word) ? `"${word}"` : word;
}

/** Text written as the rest of a line (a description, a free-text place). */
export function checkLineText(text: string, what: string): string {
  if (text.includes('\n')) throw new CatalogError('invalid', `${what} '${text}': afbackup's files cannot hold a line break`);
  return text;
}

/** The whitespace-separated fields of a value, read in order, each named for error messages. */
export class Fields {
  private readonly words: string[];
  private next = 0;

  constructor(
    private readonly file: string,
    private readonly line: number,
    value: string,
  ) {
    this.words = value.split(SPACES).filter((w) => w !== '');
  }

  get done(): boolean {
    return this.next >= this.words.length;
  }

  /** The next field as a non-negative integer; an error naming field when missing or not a number. */
  number(field: string): number {
    const w = this.words[this.next];
    if (w === undefined) throw new AfbackupFormatError(this.file, this.line, field, 'missing');
    this.next++;
    return parseNumber(this.file, this.line, field, w);
  }

  /** The next field as a number, or null at the end of the line. */
  optionalNumber(field: string): number | null {
    return this.done ? null : this.number(field);
  }

  /** Fails when fields are left over. */
  end(): void {
    if (!this.done) throw new AfbackupFormatError(this.file, this.line, 'end of line', `unexpected '${this.words.slice(this.next).join(' ')}'`);
  }
}

/** A non-negative decimal integer that fits a JavaScript number exactly. */
export function parseNumber(file: string, line: number, field: string, text: string): number {
  if (!/^\d+$/.test(text)) throw new AfbackupFormatError(file, line, field, `'${text}' is not a number`);
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new AfbackupFormatError(file, line, field, `${text} is too large`);
  return n;
}

/** The key `<cartridge-number>:` that most files start their lines with. */
export function cartridgeKey(file: string, e: KfileEntry): number {
  const m = /^(\d+):$/.exec(e.key);
  if (!m) throw new AfbackupFormatError(file, e.line, 'cartridge number', `'${e.key}' is not '<cartridge-number>:'`);
  return positive(file, e.line, 'cartridge number', parseNumber(file, e.line, 'cartridge number', m[1]!));
}

/** n, which must be 1 or more (cartridge, cartridge set and block numbers). */
export function positive(file: string, line: number, field: string, n: number): number {
  if (n < 1) throw new AfbackupFormatError(file, line, field, `${n} is not 1 or more`);
  return n;
}

/** Fails when a key comes twice: afserver would only ever see the first. */
export function uniqueKeys<T>(file: string, entries: { line: number; key: T }[], describe: (key: T) => string): void {
  const seen = new Map<T, number>();
  for (const { line, key } of entries) {
    const before = seen.get(key);
    if (before !== undefined) throw new AfbackupFormatError(file, line, 'first column', `${describe(key)} is also on line ${before}`);
    seen.set(key, line);
  }
}

/** Sorts as afserver's kfile sorting by key text does (strcmp: byte order). */
export function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
