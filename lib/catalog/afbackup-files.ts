/**
 * afserver's var directory, file by file: parse (text to rows, errors naming file, line and field)
 * and format (rows to the text afserver itself writes). The formats are the seeds' (001 afserver,
 * FILES; 003 cart_ctl); where the seeds leave a detail open, what afserver's own writer produces
 * decides it (afbackup 3.5.8: kfile_insert in fileutil.c, save_bytes_per_tape in buutil.c,
 * save_cart_order and write_tapepos_file in server.c, set_location and set_cartname in cart_ctl).
 *
 * Round trip: a file as afserver writes it formats back byte for byte. Where the format leaves
 * freedom (blank lines, extra blanks between fields, leading zeros, line order, a range list
 * spread over several lines or written as `-2` or `5-3`, a quoted word that needs no quotes, an
 * empty file against a missing one), the result means the same to afserver but is written the
 * way afserver writes it.
 */
import {
  Fields,
  byteOrder,
  cartridgeKey,
  checkLineText,
  formatWord,
  parseNumber,
  positive,
  readKfile,
  scanWord,
  textLines,
  uniqueKeys,
} from './afbackup-kfile.js';
import type { CartridgeName } from './cartridges.js';
import { AfbackupFormatError, CatalogError } from './errors.js';
import { ELEMENT_KINDS, type CartridgeLocation, type ElementKind, type Location } from './locations.js';
import type { CartridgeOrder, DrivePosition, WritePosition } from './positions.js';
import type { Reservation } from './protection.js';
import { RangeSyntaxError, formatRanges, parseRanges, type CartridgeRange } from './ranges.js';
import type { BytesOnTape, TapeUses } from './tape-usage.js';

/** tapepos: the writing position per cartridge set and what is in each drive. */
export interface Tapepos {
  writePositions: WritePosition[];
  drivePositions: DrivePosition[];
}

/** Everything afserver and cart_ctl keep in the var directory, one property per file. */
export interface AfbackupState {
  bytesOnTape: BytesOnTape[];
  tapeUses: TapeUses[];
  readonlyTapes: CartridgeRange[];
  preciousTapes: Reservation[];
  tapepos: Tapepos;
  cartridgeOrder: CartridgeOrder[];
  cartridgeLocations: CartridgeLocation[];
  cartridgeNames: CartridgeName[];
  everUsedBlocksizes: number[];
}

export interface AfbackupFile<T> {
  /** The file's name in the var directory. */
  name: string;
  /** file: how to name it in errors (its path), by default its name. */
  parse(text: string, file?: string): T;
  format(data: T): string;
}

function afbackupFile<T>(name: string, parse: (text: string, file: string) => T, format: (data: T) => string): AfbackupFile<T> {
  return { name, parse: (text, file = name) => parse(text, file), format };
}

const byNumber = <T>(key: (x: T) => number) => (a: T, b: T) => key(a) - key(b);
const zeroIsNone = (n: number): number | null => (n === 0 ? null : n);

function ranges(file: string, line: number, field: string, text: string): CartridgeRange[] {
  try {
    return parseRanges(text);
  } catch (e) {
    if (e instanceof RangeSyntaxError) throw new AfbackupFormatError(file, line, field, e.message);
    throw e;
  }
}

/**
 * bytes_on_tape (seed 001): "<cartridge-number>: <number-of-bytes-on-tape>
 * <number-of-files-on-tape> <tape-full-flag> <last-writing-timestamp>". The flag is 0 or 1, the
 * timestamp Unix seconds. afserver reads a line that stops after any field.
 */
const bytesOnTape = afbackupFile<BytesOnTape[]>(
  'bytes_on_tape',
  (text, file) => {
    const entries = readKfile(file, text).map((e) => {
      const cartridge = cartridgeKey(file, e);
      const f = new Fields(file, e.line, e.value);
      const bytes = f.number('number-of-bytes-on-tape');
      const files = f.optionalNumber('number-of-files-on-tape');
      const flag = files === null ? null : f.optionalNumber('tape-full-flag');
      if (flag !== null && flag > 1) throw new AfbackupFormatError(file, e.line, 'tape-full-flag', `${flag} is not 0 or 1`);
      const lastWrite = flag === null ? null : f.optionalNumber('last-writing-timestamp');
      f.end();
      return { line: e.line, key: cartridge, row: { cartridge, bytes, files, full: flag === null ? null : flag === 1, lastWrite } };
    });
    uniqueKeys(file, entries, (n) => `cartridge ${n}`);
    return entries.map((e) => e.row);
  },
  (rows) =>
    [...rows]
      .sort(byNumber((r) => r.cartridge))
      .map((r) => [`${r.cartridge}:`, r.bytes, r.files, r.full === null ? null : Number(r.full), r.lastWrite].filter((x) => x !== null).join(' ') + '\n')
      .join(''),
);

/** tape_uses (seed 001): "cartridge numbers in the first column, followed by a colon", then how often it became full. */
const tapeUses = afbackupFile<TapeUses[]>(
  'tape_uses',
  (text, file) => {
    const entries = readKfile(file, text).map((e) => {
      const cartridge = cartridgeKey(file, e);
      const f = new Fields(file, e.line, e.value);
      const row = { cartridge, timesFull: f.number('full-counter') };
      f.end();
      return { line: e.line, key: row.cartridge, row };
    });
    uniqueKeys(file, entries, (n) => `cartridge ${n}`);
    return entries.map((e) => e.row);
  },
  (rows) =>
    [...rows]
      .sort(byNumber((r) => r.cartridge))
      .map((r) => `${r.cartridge}: ${r.timesFull}\n`)
      .join(''),
);

/**
 * readonly_tapes (seed 001): "numbers, ranges or comma-separated numbers of cartridges", ranges
 * as 2-4, -2 or 8-, on one line or several. afserver writes one line.
 */
const readonlyTapes = afbackupFile<CartridgeRange[]>(
  'readonly_tapes',
  (text, file) =>
    textLines(text).flatMap((l) => ranges(file, l.line, 'cartridge ranges', l.text)),
  (rows) =>
    rows.length === 0 ? '' : formatRanges(rows) + '\n',
);

/**
 * precious_tapes (seed 001): "a line for each client, listing which cartridges the client needs
 * for restoring": the client (quoted when it holds blanks, as cart_ctl's admin line does), then
 * its cartridges as ranges. Lines sorted by client, as afserver keeps them.
 */
const preciousTapes = afbackupFile<Reservation[]>(
  'precious_tapes',
  (text, file) => {
    const entries = readKfile(file, text).map((e) => {
      const list = ranges(file, e.line, 'cartridges', e.value);
      if (list.length === 0) throw new AfbackupFormatError(file, e.line, 'cartridges', `no cartridges for client '${e.key}'`);
      return { line: e.line, key: e.key, row: { client: e.key, ranges: list } };
    });
    uniqueKeys(file, entries, (c) => `client '${c}'`);
    return entries.map((e) => e.row);
  },
  (rows) =>
    [...rows]
      .sort((a, b) => byteOrder(a.client, b.client))
      .map((r) => `${formatWord(r.client, 'client')} ${formatRanges(r.ranges)}\n`)
      .join(''),
);

/**
 * tapepos (seed 001): "Lines starting with a number followed by a colon specify the writing
 * position for the cartridge set specified by the leading number. Lines starting with a device
 * name field indicate, what tape in which position is currently in that drive", each position a
 * cartridge and a file number. afserver writes the drive lines first, then the sets in order.
 * (The key-less format of afbackup before 3.2 is refused: afserver rewrites it when it starts.)
 */
const tapepos = afbackupFile<Tapepos>(
  'tapepos',
  (text, file) => {
    const entries = readKfile(file, text);
    uniqueKeys(file, entries, (k) => `'${k}'`);
    const out: Tapepos = { writePositions: [], drivePositions: [] };
    for (const e of entries) {
      if (/^\d+$/.test(e.key)) {
        throw new AfbackupFormatError(file, e.line, 'first column', `'${e.key}' is neither '<cartridge-set>:' nor a device (a tapepos file from before afbackup 3.2?)`);
      }
      const f = new Fields(file, e.line, e.value);
      const cartridge = zeroIsNone(f.number('cartridge number'));
      const position = f.number('file number');
      f.end();
      const set = /^(\d+):$/.exec(e.key);
      if (set) {
        const cartridgeSet = positive(file, e.line, 'cartridge set', parseNumber(file, e.line, 'cartridge set', set[1]!));
        out.writePositions.push({ cartridgeSet, cartridge, file: position });
      } else {
        out.drivePositions.push({ device: e.key, cartridge, file: position });
      }
    }
    return out;
  },
  ({ writePositions, drivePositions }) => {
    const drives = drivePositions.map((p) => `${formatWord(p.device, 'drive device')} ${p.cartridge ?? 0} ${p.file}\n`);
    const sets = [...writePositions].sort(byNumber((p) => p.cartridgeSet)).map((p) => `${p.cartridgeSet}: ${p.cartridge ?? 0} ${p.file}\n`);
    return [...drives, ...sets].join('');
  },
);

/**
 * cartridge_order (seed 001): "Behind the number of the cartridge in the first column and the
 * arrow characters -> the following numbers name the tape and file to be read next". afserver
 * writes `5 -> 7 1`; it reads a missing file number as 1, and invalidates an entry by writing
 * cartridge 0 into it.
 */
const cartridgeOrder = afbackupFile<CartridgeOrder[]>(
  'cartridge_order',
  (text, file) => {
    const entries = readKfile(file, text).map((e) => {
      if (!/^\d+$/.test(e.key)) throw new AfbackupFormatError(file, e.line, 'cartridge number', `'${e.key}' is not a cartridge number`);
      const cartridge = positive(file, e.line, 'cartridge number', parseNumber(file, e.line, 'cartridge number', e.key));
      if (!e.value.startsWith('->')) throw new AfbackupFormatError(file, e.line, 'arrow', `'${e.value}' does not start with '->'`);
      const f = new Fields(file, e.line, e.value.slice(2));
      const nextCartridge = zeroIsNone(f.number('next cartridge'));
      const nextFile = f.optionalNumber('next file');
      f.end();
      return { line: e.line, key: cartridge, row: { cartridge, nextCartridge, nextFile } };
    });
    uniqueKeys(file, entries, (n) => `cartridge ${n}`);
    return entries.map((e) => e.row);
  },
  (rows) =>
    [...rows]
      .sort(byNumber((r) => r.cartridge))
      .map((r) => `${r.cartridge} -> ${r.nextCartridge ?? 0}${r.nextFile === null ? '' : ` ${r.nextFile}`}\n`)
      .join(''),
);

/**
 * A cartridge_locations value (seed 001): "three fields: the device name of the media changer, a
 * word to specify the location class (drive, slot or loadport), and a number counting instances
 * of location classes, e.g. /dev/rmt/stctl0 slot 6. If the rest of the line is not of this form,
 * it is considered to be a freetext description". (cart_ctl also checks that the changer device
 * exists on the machine it runs on; the form alone decides here.)
 */
export function parseLocation(text: string): Location {
  const words = text.split(/[ \t\v\f\r]+/).filter((w) => w !== '');
  if (words.length !== 3) return { place: text };
  const [changer, kind, digits] = words as [string, string, string];
  const number = /^\d+$/.test(digits) ? Number(digits) : 0;
  if (!(ELEMENT_KINDS as readonly string[]).includes(kind) || number < 1 || !Number.isSafeInteger(number)) return { place: text };
  return { changer, kind: kind as ElementKind, number };
}

function formatLocation(l: Location): string {
  if ('changer' in l) {
    if (l.changer === '' || /[ \t\n\v\f\r]/.test(l.changer)) throw new CatalogError('invalid', `changer name '${l.changer}': afbackup's cartridge_locations cannot hold blanks in it`);
    return `${l.changer} ${l.kind} ${l.number}`;
  }
  if ('changer' in parseLocation(l.place)) throw new CatalogError('invalid', `place '${l.place}' would read back as a changer element`);
  return checkLineText(l.place, 'place');
}

/** cartridge_locations (seed 001): "The first column is the cartridge number, followed by a colon. A space follows and the rest of the line" is the location. */
const cartridgeLocations = afbackupFile<CartridgeLocation[]>(
  'cartridge_locations',
  (text, file) => {
    const entries = readKfile(file, text).map((e) => {
      const cartridge = cartridgeKey(file, e);
      return { line: e.line, key: cartridge, row: { cartridge, location: parseLocation(e.value) } };
    });
    uniqueKeys(file, entries, (n) => `cartridge ${n}`);
    const elements = new Map<string, number>();
    for (const { line, row } of entries) {
      if (!('changer' in row.location)) continue;
      const element = `${row.location.changer} ${row.location.kind} ${row.location.number}`;
      const other = elements.get(element);
      if (other !== undefined) throw new AfbackupFormatError(file, line, 'location', `'${element}' is also the location on line ${other}`);
      elements.set(element, line);
    }
    return entries.map((e) => e.row);
  },
  (rows) =>
    [...rows]
      .sort(byNumber((r) => r.cartridge))
      .map((r) => `${r.cartridge}: ${formatLocation(r.location)}\n`)
      .join(''),
);

/**
 * cartridge_names (seed 003: "the determined barcode labels and the freetext comments assigned to
 * the cartridges"): `<cartridge>: <barcode> <description>`, the barcode a word (`""` when there is
 * none), the description the rest of the line. cart_ctl sorts the lines by their key text, so
 * 10: comes before 1: and 2:. A description's leading blanks do not survive (cart_ctl reads from the
 * first non-blank).
 */
const cartridgeNames = afbackupFile<CartridgeName[]>(
  'cartridge_names',
  (text, file) => {
    const entries = readKfile(file, text).map((e) => {
      const cartridge = cartridgeKey(file, e);
      const { word, rest } = scanWord(e.value, file, e.line, 'barcode');
      return { line: e.line, key: cartridge, row: { cartridge, barcode: word === '' ? null : word, description: rest } };
    });
    uniqueKeys(file, entries, (n) => `cartridge ${n}`);
    return entries.map((e) => e.row);
  },
  (rows) =>
    rows
      .map((r) => ({ key: `${r.cartridge}:`, r }))
      .sort((a, b) => byteOrder(a.key, b.key))
      .map(({ key, r }) => `${key} ${formatWord(r.barcode ?? '', 'barcode')} ${checkLineText(r.description, 'description')}\n`)
      .join(''),
);

/**
 * ever_used_blocksizes (seed 001): block sizes, "one per line". afserver adds them as keys with
 * an empty value, so each line it writes ends in a blank: `16384 `. A size listed twice is kept once.
 */
const everUsedBlocksizes = afbackupFile<number[]>(
  'ever_used_blocksizes',
  (text, file) => {
    const sizes = readKfile(file, text).map((e) => {
      new Fields(file, e.line, e.value).end();
      return positive(file, e.line, 'blocksize', parseNumber(file, e.line, 'blocksize', e.key));
    });
    return [...new Set(sizes)];
  },
  (sizes) =>
    [...sizes]
      .sort((a, b) => a - b)
      .map((n) => `${n} \n`)
      .join(''),
);

/** How many entries a file's data holds (lines of a keyed file, ranges of readonly_tapes). */
export function entryCount(data: AfbackupState[keyof AfbackupState]): number {
  return Array.isArray(data) ? data.length : data.writePositions.length + data.drivePositions.length;
}

/** The nine files, by the AfbackupState property each one fills. */
export const afbackupFiles: { [K in keyof AfbackupState]: AfbackupFile<AfbackupState[K]> } = {
  bytesOnTape,
  tapeUses,
  readonlyTapes,
  preciousTapes,
  tapepos,
  cartridgeOrder,
  cartridgeLocations,
  cartridgeNames,
  everUsedBlocksizes,
};
