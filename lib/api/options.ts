/**
 * Option lists for start(): the TypeScript equivalent of BACKUP$START's argument buffer (seed 004:
 * "a variable-length array of one or more Backup API option structures that define the attributes
 * of the requested BACKUP operation"). An option is `{ type, value }`; the list ends where the
 * array ends (no all-zero terminator). validateOptions() turns a list into one validated request
 * (lib/daemon/requests.ts) or the condition the seed names ("Condition Values Returned").
 *
 * Checking order (the first failure is returned):
 *   1. NOAPIARGS  not an array, empty, or an element that is not an object with a string `type`
 *   2. BADOPTTYP  a `type` that is not one of OPTION_TYPES
 *   3. BADOPTVAL  a value that is wrong by itself (kind, range, syntax, a number listed twice)
 *   4. NOAPIARGS  no `operation` (DUPOPT when it is given twice)
 *   5. NOAPIARGS  an option the operation requires is missing
 *   6. DUPOPT     a type given twice where it is not a list (`name` repeats for restore only;
 *                 `cartridge` and `slot` always repeat)
 *   7. BADOPTVAL  a value that is wrong only beside another option (a buffer smaller than two
 *                 blocks, an open list end for scan): which value counts is known only after 6
 * Then the conflicts, as the seed says ("making a best guess as to your intentions, ignoring the
 * least likely of the conflicting qualifiers, issuing a message that warns"): an option that does
 * not apply to the operation is ignored with a warning, and so is the losing half of
 * overwrite/append.
 */
import { resolve } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { isCartError } from '../cart/errors.js';
import { expandList } from '../cart/lists.js';
import type { CartAction, TargetSpec } from '../cart/actions.js';
import type { DataSink, DataSource, Operation, OperationRequest } from '../daemon/requests.js';
import { MAX_COMMENT_LENGTH } from '../format/cartridge-label.js';
import { DEFAULT_BLOCK_SIZE } from '../stream/geometry.js';
import { parseSize } from '../util/size.js';
import { parseUnixTime } from '../util/unix-time.js';
import { condition, type Condition } from './conditions.js';

/** A time: Unix seconds, a Date, or text parseUnixTime reads (Unix seconds or ISO 8601). */
export type ApiTime = number | Date | string;
/** A size in bytes: a number, or text such as '256k' or '1M' (binary units, lib/util/size.ts). */
export type ApiSize = number | string;
/** Numbers as cart_ctl writes them: one number, or a list such as '2-3,5' or '8-' (lib/cart/lists.ts). */
export type ApiNumbers = number | string;

export type ApiOption =
  /** What to do. Required, once. */
  | { type: 'operation'; value: Operation }
  /** The dump's name (dump: exactly one, required) or a dump to restore (restore: one or more, required). 1–255 characters, one line. */
  | { type: 'name'; value: string }
  /** dump: the cartridge set, by name or number (default '1'). */
  | { type: 'cartridge-set'; value: string | number }
  /** dump, required: a Readable stream, or a path the daemon opens. */
  | { type: 'input'; value: Readable | string }
  /** restore, required: a Writable stream, or a path the daemon writes. */
  | { type: 'output'; value: Writable | string }
  /** dump: bytes expected, for progress and ETA. */
  | { type: 'total-bytes'; value: number }
  /** dump, label: tape block size, 512 bytes to 16 MiB in steps of 512 (default 256 KiB). */
  | { type: 'block-size'; value: ApiSize }
  /** dump, restore: ring size, at least two blocks and at most 4 GiB (default 64 MiB). */
  | { type: 'buffer-size'; value: ApiSize }
  /** dump: when the dump may be overwritten; null: never (the default). */
  | { type: 'expires'; value: ApiTime | null }
  /** restore: the dumps as of this time; null: the latest (the default). */
  | { type: 'at'; value: ApiTime | null }
  /** dump: start the cartridge from file 1 instead of appending. */
  | { type: 'overwrite'; value: boolean }
  /** dump: append after the set's write position (the default); true beside overwrite true wins. */
  | { type: 'append'; value: boolean }
  /** Any operation: the drive (mtx number from 0); default the first one free. */
  | { type: 'drive'; value: number }
  /** Any operation: ASK YES (true, the default) waits for the operator; ASK NO takes the documented defaults. */
  | { type: 'ask'; value: boolean }
  /** scan (required; no open end), label, move (required): cartridge numbers; repeats add to the list. */
  | { type: 'cartridge'; value: ApiNumbers }
  /** label, inventory: slot numbers; repeats add to the list. */
  | { type: 'slot'; value: ApiNumbers }
  /** move, required: where the cartridges go. */
  | { type: 'target'; value: TargetSpec }
  /** label: the label's comment, one line of printable ASCII, at most 256 characters. */
  | { type: 'comment'; value: string }
  /** label: no questions (cart_ctl -f). */
  | { type: 'force'; value: boolean }
  /** label: mark the labelled cartridges overwritable (cart_ctl -r). */
  | { type: 'overwritable'; value: boolean }
  /** inventory: read the label of every cartridge, not only the unknown ones (cart_ctl -i with -F). */
  | { type: 'read-labels'; value: boolean };

export type OptionType = ApiOption['type'];

export const OPTION_TYPES: readonly OptionType[] = [
  'operation', 'name', 'cartridge-set', 'input', 'output', 'total-bytes', 'block-size', 'buffer-size', 'expires', 'at',
  'overwrite', 'append', 'drive', 'ask', 'cartridge', 'slot', 'target', 'comment', 'force', 'overwritable', 'read-labels',
];

export const OPERATIONS: readonly Operation[] = ['dump', 'restore', 'scan', 'label', 'inventory', 'move'];

export const DEFAULT_BUFFER_SIZE = 64 * 1024 * 1024;
export const MIN_BLOCK_SIZE = 512;
export const MAX_BLOCK_SIZE = 16 * 1024 * 1024;
export const MAX_BUFFER_SIZE = 4 * 1024 * 1024 * 1024;
export const MAX_NAME_LENGTH = 255;

export type Validation = { ok: true; request: OperationRequest; warnings: string[] } | { ok: false; condition: Condition };

/** Which operations an option applies to (the others ignore it with a warning). */
const APPLIES: Record<OptionType, readonly Operation[]> = {
  operation: OPERATIONS,
  name: ['dump', 'restore'],
  'cartridge-set': ['dump'],
  input: ['dump'],
  output: ['restore'],
  'total-bytes': ['dump'],
  'block-size': ['dump', 'label'],
  'buffer-size': ['dump', 'restore'],
  expires: ['dump'],
  at: ['restore'],
  overwrite: ['dump'],
  append: ['dump'],
  drive: OPERATIONS,
  ask: OPERATIONS,
  cartridge: ['scan', 'label', 'move'],
  slot: ['label', 'inventory'],
  target: ['move'],
  comment: ['label'],
  force: ['label'],
  overwritable: ['label'],
  'read-labels': ['inventory'],
};

/** What each operation cannot do without; an inner array is "one of these". */
const REQUIRED: Record<Operation, readonly (OptionType | readonly OptionType[])[]> = {
  dump: ['name', 'input'],
  restore: ['name', 'output'],
  scan: ['cartridge'],
  label: [['cartridge', 'slot']],
  inventory: [],
  move: ['cartridge', 'target'],
};

const repeatable = (type: OptionType, op: Operation) => type === 'cartridge' || type === 'slot' || (type === 'name' && op === 'restore');

/** A value that is not what its type takes: `expected` says what would have been. */
class Expected extends Error {
  readonly expected: string;

  constructor(expected: string) {
    super(expected);
    this.expected = expected;
  }
}

/** A number list, checked with its open ends closed at their start ('8-' as '8'): what is certain before the run. */
interface NumberList {
  text: string;
  /** The numbers written, an open range contributing its first. */
  numbers: number[];
  /** The first part with an open end ('8-'), if any. */
  open: string | null;
}

type Parsed = string | number | boolean | null | DataSource | DataSink | NumberList | TargetSpec;

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}...` : v);
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? 'an invalid Date' : `Date ${v.toISOString()}`;
  if (typeof v === 'function') return 'a function';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object' && v !== null) {
    const name = Object.getPrototypeOf(v)?.constructor?.name;
    return name && name !== 'Object' ? `a ${name}` : 'an object';
  }
  return String(v);
}

const hasFunctions = (v: unknown, ...names: string[]) =>
  typeof v === 'object' && v !== null && names.every((n) => typeof (v as Record<string, unknown>)[n] === 'function');

function oneLine(v: unknown, max: number, what: string): string {
  if (typeof v !== 'string' || v.length < 1 || v.length > max || /[\0\n\r]/.test(v)) throw new Expected(`${what}: a string of 1 to ${max} characters on one line`);
  return v;
}

function path(v: unknown, what: string): string {
  if (typeof v !== 'string' || v === '' || v.includes('\0')) throw new Expected(what);
  return resolve(v);
}

function integer(v: unknown, min: number, what: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) throw new Expected(what);
  return v;
}

function boolean(v: unknown): boolean {
  if (typeof v !== 'boolean') throw new Expected('true or false');
  return v;
}

function size(v: unknown, what: string): number {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  if (typeof v === 'string') {
    try {
      return parseSize(v);
    } catch {
      throw new Expected(what);
    }
  }
  throw new Expected(what);
}

function blockSize(v: unknown): number {
  const what = `a multiple of ${MIN_BLOCK_SIZE} from ${MIN_BLOCK_SIZE} to ${MAX_BLOCK_SIZE} bytes (a number or a size such as '256k')`;
  const n = size(v, what);
  if (n < MIN_BLOCK_SIZE || n > MAX_BLOCK_SIZE || n % MIN_BLOCK_SIZE !== 0) throw new Expected(what);
  return n;
}

function bufferSize(v: unknown): number {
  const what = `${2 * MIN_BLOCK_SIZE} to ${MAX_BUFFER_SIZE} bytes, at least two blocks (a number or a size such as '64M')`;
  const n = size(v, what);
  if (n < 2 * MIN_BLOCK_SIZE || n > MAX_BUFFER_SIZE) throw new Expected(what);
  return n;
}

function time(v: unknown): number | null {
  const what = "null, Unix seconds, a valid Date, or a date string such as '2026-11-20T18:00:00Z'";
  if (v === null) return null;
  if (typeof v === 'number') return integer(v, 0, what);
  if (v instanceof Date) {
    const ms = v.getTime();
    if (Number.isNaN(ms) || ms < 0) throw new Expected(what);
    return Math.floor(ms / 1000);
  }
  if (typeof v === 'string') {
    let s: number;
    try {
      s = parseUnixTime(v.trim(), 'time');
    } catch {
      throw new Expected(what);
    }
    if (s < 0 || !Number.isSafeInteger(s)) throw new Expected(what);
    return s;
  }
  throw new Expected(what);
}

function numberList(v: unknown, what: string): NumberList {
  const expected = `a positive integer or a list of ${what} such as '2-3,5'`;
  if (typeof v === 'number') return { text: String(integer(v, 1, expected)), numbers: [v], open: null };
  if (typeof v !== 'string') throw new Expected(expected);
  // The same parts expandList reads; an open end ('8-') is closed at its start to check the rest.
  const parts = v.replace(/\s*-\s*/g, '-').split(/[,\s]+/).filter((p) => p !== '');
  const open = parts.find((p) => /^\d+-$/.test(p)) ?? null;
  const closed = parts.map((p) => (/^\d+-$/.test(p) ? p.slice(0, -1) : p)).join(',');
  try {
    return { text: v.trim(), numbers: expandList(closed, what), open };
  } catch (e) {
    if (!isCartError(e)) throw e;
    const prefix = `${what} '${closed}': `;
    throw new Expected(`${expected} (${e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message})`);
  }
}

function target(v: unknown): TargetSpec {
  const what = "{ kind: 'slot' | 'drive' | 'loadport', numbers?: list } or { kind: 'place', text?: string }";
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Expected(what);
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  if (o['kind'] === 'place') {
    if (keys.some((k) => k !== 'kind' && k !== 'text')) throw new Expected(what);
    if (o['text'] === undefined) return { kind: 'place' };
    return { kind: 'place', text: oneLine(o['text'], 256, `${what}; text`) };
  }
  if (o['kind'] !== 'slot' && o['kind'] !== 'drive' && o['kind'] !== 'loadport') throw new Expected(what);
  if (keys.some((k) => k !== 'kind' && k !== 'numbers')) throw new Expected(what);
  if (o['numbers'] === undefined) return { kind: o['kind'] };
  if (typeof o['numbers'] !== 'string') throw new Expected(`${what}; numbers as text such as '2-3,5'`);
  return { kind: o['kind'], numbers: numberList(o['numbers'], `${o['kind']}s`).text };
}

function comment(v: unknown): string {
  if (typeof v !== 'string' || v.length > MAX_COMMENT_LENGTH || /[^\x20-\x7e\t]/.test(v))
    throw new Expected(`one line of printable ASCII, at most ${MAX_COMMENT_LENGTH} characters`);
  return v;
}

/** One value alone (checking step 3). */
function parse(type: OptionType, v: unknown): Parsed {
  switch (type) {
    case 'operation':
      if (!OPERATIONS.includes(v as Operation)) throw new Expected(`one of ${OPERATIONS.join(', ')}`);
      return v as Operation;
    case 'name':
      return oneLine(v, MAX_NAME_LENGTH, 'a dump name');
    case 'cartridge-set':
      if (typeof v === 'number') return String(integer(v, 1, 'a positive integer or a set name'));
      return oneLine(v, MAX_NAME_LENGTH, 'a positive integer or a set name');
    case 'input':
      if (v instanceof Readable || (!(v instanceof Writable) && hasFunctions(v, 'pipe', 'on'))) return { kind: 'stream', stream: v as Readable, name: 'stream' };
      return { kind: 'file', path: path(v, 'a Readable stream or a file path') };
    case 'output':
      if (v instanceof Writable || hasFunctions(v, 'write', 'end')) return { kind: 'stream', stream: v as Writable, name: 'stream' };
      return { kind: 'file', path: path(v, 'a Writable stream or a file path') };
    case 'total-bytes':
      return integer(v, 0, 'a non-negative integer');
    case 'block-size':
      return blockSize(v);
    case 'buffer-size':
      return bufferSize(v);
    case 'expires':
    case 'at':
      return time(v);
    case 'overwrite':
    case 'append':
    case 'ask':
    case 'force':
    case 'overwritable':
    case 'read-labels':
      return boolean(v);
    case 'drive':
      return integer(v, 0, 'a drive number from 0');
    case 'cartridge':
      return numberList(v, 'cartridges');
    case 'slot':
      return numberList(v, 'slots');
    case 'target':
      return target(v);
    case 'comment':
      return comment(v);
  }
}

interface Given {
  index: number;
  value: Parsed;
}

const label = (i: number, type: string) => `option ${i} '${type}'`;

/** What a request gets for an option not given: the daemon's configured sizes, else the built-in ones. */
export interface OptionDefaults {
  blockSize?: number;
  bufferSize?: number;
}

export function validateOptions(options: unknown, defaults: OptionDefaults = {}): Validation {
  const blockDefault = defaults.blockSize ?? DEFAULT_BLOCK_SIZE;
  const bufferDefault = defaults.bufferSize ?? DEFAULT_BUFFER_SIZE;
  const fail = (...a: Parameters<typeof condition>): Validation => ({ ok: false, condition: condition(...a) });

  // 1. The list itself.
  if (!Array.isArray(options)) return fail('NOAPIARGS', `the options must be an array of { type, value }, not ${show(options)}`);
  if (options.length === 0) return fail('NOAPIARGS', 'the option list is empty (an operation is required)');
  for (const [i, o] of options.entries()) {
    if (typeof o !== 'object' || o === null || typeof (o as { type?: unknown }).type !== 'string')
      return fail('NOAPIARGS', `option ${i} is ${show(o)}, not an object with a string 'type'`);
  }
  const list = options as { type: string; value?: unknown }[];

  // 2. Types.
  for (const [i, o] of list.entries()) {
    if (!(OPTION_TYPES as readonly string[]).includes(o.type)) return fail('BADOPTTYP', `option ${i} has type ${JSON.stringify(o.type)} (types: ${OPTION_TYPES.join(', ')})`);
  }

  // 3. Each value alone; a number listed twice across repeated lists is refused here too.
  const given = new Map<OptionType, Given[]>();
  const listed = { cartridge: new Map<number, number>(), slot: new Map<number, number>() };
  for (const [i, o] of list.entries()) {
    const type = o.type as OptionType;
    let value: Parsed;
    try {
      value = parse(type, o.value);
    } catch (e) {
      if (!(e instanceof Expected)) throw e;
      return fail('BADOPTVAL', `${label(i, type)} is ${show(o.value)}; expected ${e.expected}`);
    }
    if (type === 'cartridge' || type === 'slot') {
      for (const n of (value as NumberList).numbers) {
        const before = listed[type].get(n);
        if (before !== undefined) return fail('BADOPTVAL', `${label(i, type)} is ${show(o.value)}; expected numbers not listed before (${n} is also in option ${before})`);
        listed[type].set(n, i);
      }
    }
    given.set(type, [...(given.get(type) ?? []), { index: i, value }]);
  }
  const first = <T extends Parsed>(type: OptionType): T | undefined => given.get(type)?.[0]?.value as T | undefined;

  // 4. The operation.
  const operations = given.get('operation') ?? [];
  if (operations.length === 0) return fail('NOAPIARGS', `no 'operation' option (one of ${OPERATIONS.join(', ')})`);
  if (operations.length > 1) return fail('DUPOPT', `'operation' is given as option ${operations[0]!.index} and option ${operations[1]!.index}`);
  const op = operations[0]!.value as Operation;

  // 5. What the operation requires.
  const missing = REQUIRED[op].filter((r) => (typeof r === 'string' ? [r] : r).every((t) => !given.has(t))).map((r) => (typeof r === 'string' ? `'${r}'` : r.map((t) => `'${t}'`).join(' or ')));
  if (missing.length) return fail('NOAPIARGS', `${op} requires ${missing.join(' and ')}`);

  // 6. Types given twice.
  const seconds = [...given].filter(([type, g]) => g.length > 1 && !repeatable(type, op)).sort((a, b) => a[1][1]!.index - b[1][1]!.index);
  if (seconds.length) {
    const [type, g] = seconds[0]!;
    return fail('DUPOPT', `'${type}' is given as option ${g[0]!.index} and option ${g[1]!.index}${type === 'name' ? ` (${op} takes one name)` : ''}`);
  }

  // 7. Values beside each other.
  // (A restore's block size is the medium's: step 3's minimum of two smallest blocks is all there is.)
  const buffer = given.get('buffer-size')?.[0];
  const block = first<number>('block-size') ?? blockDefault;
  if (op === 'dump' && buffer && (buffer.value as number) < 2 * block)
    return fail('BADOPTVAL', `${label(buffer.index, 'buffer-size')} is ${buffer.value}; expected at least two blocks of ${block} bytes (${2 * block})`);
  if (op === 'scan') {
    for (const c of given.get('cartridge')!) {
      const l = c.value as NumberList;
      if (l.open !== null) return fail('BADOPTVAL', `${label(c.index, 'cartridge')} is ${show(l.text)}; expected cartridge numbers without an open end for scan ('${l.open}')`);
    }
  }

  // The conflicts: best guess, a warning, and on.
  const warnings: string[] = [];
  for (const [type, g] of given) {
    if (APPLIES[type].includes(op)) continue;
    for (const { index } of g) warnings.push(`${label(index, type)} does not apply to ${op}: ignored`);
  }
  let overwrite = false;
  if (op === 'dump') {
    const ow = given.get('overwrite')?.[0];
    const ap = given.get('append')?.[0];
    if (ow && ap && ow.value === ap.value) {
      warnings.push(`${label(ow.index, 'overwrite')} and ${label(ap.index, 'append')} are both ${ow.value}: appending (${ow.value ? 'overwrite' : 'append'} ignored)`);
    } else if (ow) {
      overwrite = ow.value as boolean;
    } else if (ap) {
      overwrite = !(ap.value as boolean);
    }
  }

  const drive = first<number>('drive') ?? null;
  const ask = first<boolean>('ask') ?? true;
  const lists = (type: 'cartridge' | 'slot') => given.get(type)?.map((g) => (g.value as NumberList).text).join(',');
  let request: OperationRequest;
  switch (op) {
    case 'dump':
      request = {
        operation: 'dump',
        name: first<string>('name')!,
        cartridgeSet: first<string>('cartridge-set') ?? '1',
        input: first<DataSource>('input')!,
        totalBytes: first<number>('total-bytes') ?? null,
        blockSize: first<number>('block-size') ?? blockDefault,
        bufferSize: first<number>('buffer-size') ?? bufferDefault,
        expires: first<number | null>('expires') ?? null,
        overwrite,
        drive,
        ask,
      };
      break;
    case 'restore':
      request = {
        operation: 'restore',
        names: given.get('name')!.map((g) => g.value as string),
        at: first<number | null>('at') ?? null,
        output: first<DataSink>('output')!,
        bufferSize: first<number>('buffer-size') ?? bufferDefault,
        drive,
        ask,
      };
      break;
    case 'scan':
      request = { operation: 'scan', cartridges: given.get('cartridge')!.flatMap((g) => (g.value as NumberList).numbers), drive, ask };
      break;
    case 'label': {
      const cartridges = lists('cartridge');
      const slots = lists('slot');
      const text = first<string>('comment');
      const size = first<number>('block-size');
      const action: CartAction = {
        op: 'label',
        ...(cartridges !== undefined ? { cartridges } : {}),
        ...(slots !== undefined ? { slots } : {}),
        ...(text !== undefined ? { comment: text } : {}),
        ...(size !== undefined ? { blockSize: size } : {}),
        overwritable: first<boolean>('overwritable') ?? false,
        force: first<boolean>('force') ?? false,
      };
      request = { operation: 'label', action, drive, ask };
      break;
    }
    case 'inventory': {
      const slots = lists('slot');
      request = { operation: 'inventory', action: { op: 'inventory', ...(slots !== undefined ? { slots } : {}), forceRead: first<boolean>('read-labels') ?? false }, drive, ask };
      break;
    }
    case 'move':
      request = { operation: 'move', action: { op: 'move', cartridges: lists('cartridge')!, target: first<TargetSpec>('target')! }, drive, ask };
      break;
  }
  return { ok: true, request, warnings };
}
