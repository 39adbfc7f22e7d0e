/**
 * cart_ctl's command line, letter for letter (seed 003, SYNOPSIS):
 *
 *   cart_ctl [ -ilmtefFrN ] [ -P [ <location> ] ] [ -s <serverconfigfile> ] [ -c <changerconfigfile> ]
 *            [ -d <changerdevice> ] [ -C <cartridges> ] [ -S [ <slots> ] ] [ -D [ <drives> ] ]
 *            [ -L [ <loadports> ] ] [ -b <blocksize> ] [ -a [ <cartridge-attribute-specs> ] ]
 *            [ -n <comment> ] [ <cartridge-descriptions> ... ]
 *
 * Flags combine (`-lN`, `-iN`, `-la`). -P, -S, -D and -L take an optional value: the rest of the
 * cluster (`-S5,4`), or the next argument when it looks like one (a number list; for -D also a
 * device path; for -P any word not starting with `-`). As in afbackup (label_tape.c), -a is a flag
 * and its specification is the first remaining argument, so both `-a 4-5:r` and `-la` work.
 *
 * The options then select one CartAction with afbackup's rules: -l with -i/-N/-a/-r/-S/-L/-D
 * chooses listings; -i with -N updates barcodes; -t labels; -e ejects; -m moves; -P alone sets a
 * location; -N sets descriptions; -a sets attributes.
 */
import type { CartAction, ListView, TargetSpec } from './actions.js';
import { CartError } from './errors.js';

const FLAGS = new Set(['i', 'l', 'm', 't', 'e', 'f', 'F', 'r', 'N', 'a']);
const OPTIONAL = new Set(['P', 'S', 'D', 'L']);
const REQUIRED = new Set(['C', 'd', 'n', 'b', 's', 'c']);

export interface CartCtlOptions {
  flags: Set<string>;
  /** Optional-value options present: null when given without a value. */
  optional: Map<string, string | null>;
  /** Required-value options. */
  values: Map<string, string>;
  /** Descriptions (-N) or the attribute specification (-a). */
  operands: string[];
  /** Long options tapecoord adds: --json, --catalog FILE, --device DEV, --drive N. */
  json: boolean;
  catalog?: string;
}

function looksLikeValue(letter: string, next: string | undefined): next is string {
  if (next === undefined || next === '') return false;
  if (/^-?\d[\d\s,-]*$/.test(next)) return true; // 5,4,3  1-  -3
  if (letter === 'D') return next.startsWith('/');
  if (letter === 'P') return !next.startsWith('-');
  return false;
}

/** Parses cart_ctl's argv (without the program name). CartError 'usage' for what it cannot take. */
export function parseCartCtlArgs(argv: readonly string[]): CartCtlOptions {
  const o: CartCtlOptions = { flags: new Set(), optional: new Map(), values: new Map(), operands: [], json: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      o.operands.push(...argv.slice(i + 1));
      break;
    }
    const long = /^--(json|catalog|device|drive)(?:=(.*))?$/.exec(arg);
    if (long) {
      if (long[1] === 'json') o.json = true;
      else {
        const value = long[2] ?? argv[++i];
        if (value === undefined) throw new CartError('usage', `--${long[1]} needs a value`);
        if (long[1] === 'catalog') o.catalog = value;
        else o.values.set(long[1] === 'device' ? 'd' : 'drive', value);
      }
      continue;
    }
    if (arg.startsWith('--')) throw new CartError('usage', `unknown option ${arg}`);
    if (!arg.startsWith('-') || arg === '-' || /^-\d/.test(arg)) {
      o.operands.push(arg);
      continue;
    }
    for (let j = 1; j < arg.length; j++) {
      const letter = arg[j]!;
      const rest = arg.slice(j + 1);
      if (FLAGS.has(letter)) {
        o.flags.add(letter);
      } else if (OPTIONAL.has(letter)) {
        if (rest) o.optional.set(letter, rest);
        else if (looksLikeValue(letter, argv[i + 1])) o.optional.set(letter, argv[++i]!);
        else o.optional.set(letter, null);
        break;
      } else if (REQUIRED.has(letter)) {
        const value = rest || argv[++i];
        if (value === undefined) throw new CartError('usage', `-${letter} needs a value`);
        o.values.set(letter, value);
        break;
      } else {
        throw new CartError('usage', `unknown option -${letter} (cart_ctl: -ilmtefFrN, -P [place], -C, -S/-D/-L [numbers], -a spec, -n comment, -d device, -b blocksize)`);
      }
    }
  }
  return o;
}

function usage(message: string): CartError {
  return new CartError('usage', message);
}

/** The move/place target: -S before -L before -D before -P, as cart_ctl picks it. */
function target(o: CartCtlOptions): TargetSpec | null {
  for (const [letter, kind] of [['S', 'slot'], ['L', 'loadport'], ['D', 'drive']] as const) {
    if (o.optional.has(letter)) {
      const v = o.optional.get(letter);
      return v === null || v === undefined ? { kind } : { kind, numbers: v };
    }
  }
  if (o.optional.has('P')) {
    const v = o.optional.get('P');
    return v === null || v === undefined ? { kind: 'place' } : { kind: 'place', text: v };
  }
  return null;
}

/** The action cart_ctl's options ask for. */
export function cartCtlAction(o: CartCtlOptions): CartAction {
  const f = (l: string) => o.flags.has(l);
  const C = o.values.get('C');
  if (o.values.has('s')) throw usage('-s: tapecoord reads no afbackup server configuration; the catalog is --catalog FILE (import a site with tapecoord catalog import-afbackup)');
  if (o.values.has('c')) throw usage('-c: give the changer with -d instead (a SCSI changer /dev/sgN, sim:DIR, or afbackup:FILE through tapecoord changer)');
  const extra = (what: string) => {
    if (o.operands.length) throw usage(`additional arguments (${o.operands.join(' ')}) are allowed only with -N (descriptions) and -a (attributes), not with ${what}`);
  };
  const slotsOnly = () => o.optional.get('S') ?? undefined;

  if (f('l')) {
    extra('-l');
    const views: ListView[] = [];
    if (f('i')) views.push({ view: 'hardware', numbers: f('N') });
    else if (f('N')) views.push({ view: 'names' });
    if (f('a')) views.push({ view: 'attributes' });
    if (f('r')) views.push({ view: 'reservations' });
    if (!views.length) {
      for (const [letter, kind] of [['S', 'slot'], ['L', 'loadport'], ['D', 'drive']] as const) {
        if (!o.optional.has(letter)) continue;
        const v = o.optional.get(letter);
        views.push(v === null || v === undefined ? { view: 'elements', kind } : { view: 'elements', kind, numbers: v });
      }
    }
    if (!views.length) views.push({ view: 'locations' });
    return { op: 'list', views, ...(C !== undefined ? { cartridges: C } : {}), ...(o.values.has('d') ? { changer: true } : {}) };
  }
  if (f('i') && f('t')) throw usage('the flags -i and -t are not allowed together');
  if (f('i')) {
    extra('-i');
    if (C !== undefined || o.optional.has('L')) throw usage('the flags -C and -L are not allowed with -i (inventory slots with -S)');
    const slots = slotsOnly();
    if (f('N')) return { op: 'inventory-barcodes', ...(slots !== undefined ? { slots } : {}) };
    return { op: 'inventory', ...(slots !== undefined ? { slots } : {}), forceRead: f('F') };
  }
  if (f('t')) {
    extra('-t');
    if (o.optional.has('L')) throw usage('the flag -L is not allowed with -t');
    const slots = slotsOnly();
    const b = o.values.get('b');
    if (b !== undefined && !/^\d+$/.test(b)) throw usage(`-b '${b}': the block size is a number of bytes`);
    const n = o.values.get('n');
    return {
      op: 'label',
      ...(C !== undefined ? { cartridges: C } : {}),
      ...(slots !== undefined ? { slots } : {}),
      ...(n !== undefined ? { comment: n } : {}),
      ...(b !== undefined ? { blockSize: Number(b) } : {}),
      overwritable: f('r'),
      force: f('f'),
    };
  }
  if (f('e')) {
    extra('-e');
    if (C !== undefined) throw usage('the flags -e and -C are not allowed together: -e ejects what is in the drives');
    const D = o.optional.get('D');
    const S = o.optional.get('S');
    return { op: 'eject', ...(D ? { drives: D } : {}), ...(S ? { slots: S } : {}) };
  }
  if (f('m') || o.optional.has('P')) {
    extra(f('m') ? '-m' : '-P');
    if (C === undefined) throw usage('the cartridges must be specified using the flag -C');
    const t = target(o);
    if (!t) throw usage('targets to move the cartridges to must be given using one of the flags: D L S P');
    return { op: f('m') ? 'move' : 'place', cartridges: C, target: t };
  }
  if (f('N')) {
    if (C === undefined) throw usage('if cartridge descriptions are to be set, the cartridges must be given with -C');
    return { op: 'name', cartridges: C, descriptions: o.operands };
  }
  if (f('a')) {
    if (o.operands.length !== 1) throw usage(o.operands.length ? `-a takes one specification (quote it), got: ${o.operands.join(' ')}` : '-a requires an argument, e.g. 4-5:r,6:!o,8:f=0');
    return { op: 'attr', spec: o.operands[0]! };
  }
  throw usage('at least one of the following flags must be supplied: i l m P t a e N');
}
