/**
 * afbackup's changer configuration file (cart_ctl(8), "CHANGER CONFIGURATION FILE"), and the
 * output of the list commands it names, so a site's mtx/chio/stc/mover scripts keep working.
 *
 * The file is `Parameter Name: shell command` lines, `#` comment lines and blank lines; a line
 * ending in a backslash goes on on the next line (changer.conf.stctl). afbackup matches
 * parameter names loosely, and the files it ships spell them every way (`Move Drive To Slot
 * Command`, `Move-Slot-To-Drive-Command`, `Move Slot To Drive Cmd`, `ListEmpty Slots Command`,
 * `Empty Slots Command`, `ListTapeLabels-inDrives Command`), so names are compared without case,
 * blanks, dashes and underscores, with `Cmd` for `Command`, `List` optional before the list
 * commands, and afbackup's own synonyms `Free` (for Empty) and `Load Bay` (for Loadport).
 * Unlike afbackup, which takes the first match and ignores the rest, an unknown or repeated
 * parameter is an error: a typo would otherwise silently disable a move.
 */
import { readFile } from 'node:fs/promises';
import { ChangerError } from './errors.js';

/** afbackup's three kinds of location; each is counted from 1. */
export type LocationType = 'slot' | 'drive' | 'loadport';
export const LOCATION_TYPES: readonly LocationType[] = ['slot', 'drive', 'loadport'];

export type MoveKey = `move-${LocationType}-to-${LocationType}`;
export type ListKey =
  | 'list-empty-slots'
  | 'list-empty-loadports'
  | 'list-tape-labels'
  | 'list-tape-labels-in-slots'
  | 'list-tape-labels-in-drives'
  | 'list-tape-labels-in-loadports';
export type ChangerCommandKey = MoveKey | ListKey;

/** One configured command, with where it came from so errors can point at it. */
export interface ChangerCommand {
  key: ChangerCommandKey;
  /** The parameter name as the file spells it. */
  name: string;
  /** The shell command with afbackup's % patterns still in it. */
  template: string;
  file: string;
  /** The line the parameter starts on, from 1. */
  line: number;
}

export interface AfbackupChangerConfig {
  file: string;
  commands: ReadonlyMap<ChangerCommandKey, ChangerCommand>;
}

export function moveKey(origin: LocationType, target: LocationType): MoveKey {
  return `move-${origin}-to-${target}`;
}

/** `"ListEmpty Slots Command" (changer.conf:60)`, how errors name a command. */
export function describeCommand(c: ChangerCommand): string {
  return `'${c.name}' (${c.file}:${c.line})`;
}

function locationType(word: string): LocationType {
  return word === 'loadbay' ? 'loadport' : (word as LocationType);
}

/** The key a parameter name stands for, or null when it is none of afbackup's. */
export function normaliseParameterName(name: string): ChangerCommandKey | null {
  const squashed = name.toLowerCase().replace(/[\s_-]+/g, '');
  const place = '(slot|drive|loadport|loadbay)';
  const move = new RegExp(`^move${place}to${place}(?:command|cmd)$`).exec(squashed);
  if (move) return moveKey(locationType(move[1]!), locationType(move[2]!));
  const empty = /^(?:list)?(?:empty|free)(slot|loadport|loadbay)s?(?:command|cmd)$/.exec(squashed);
  if (empty) return empty[1] === 'slot' ? 'list-empty-slots' : 'list-empty-loadports';
  const labels = new RegExp(`^(?:list)?tapelabels(?:(?:in)?${place}s?)?(?:command|cmd)$`).exec(squashed);
  if (labels) return labels[1] ? (`list-tape-labels-in-${locationType(labels[1])}s` as ListKey) : 'list-tape-labels';
  return null;
}

/** Parses the text of a changer configuration file; `file` names it in errors. */
export function parseChangerConfig(text: string, file: string): AfbackupChangerConfig {
  const commands = new Map<ChangerCommandKey, ChangerCommand>();
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  for (let i = 0; i < lines.length; i++) {
    const line = i + 1;
    let entry = lines[i]!;
    if (/^\s*(#|$)/.test(entry)) continue;
    while (entry.endsWith('\\') && i + 1 < lines.length) entry = entry.slice(0, -1) + lines[++i];
    const colon = entry.indexOf(':');
    if (colon < 0) throw new ChangerError('config', file, `line ${line}: expected 'Parameter Name: command', got '${entry.trim()}'`);
    const name = entry.slice(0, colon).trim();
    const template = entry.slice(colon + 1).trim();
    const key = normaliseParameterName(name);
    if (key === null) {
      throw new ChangerError(
        'config',
        file,
        `line ${line}: unknown parameter '${name}' (expected Move-<Slot|Drive|Loadport>-To-<Slot|Drive|Loadport>-Command, ` +
          'List-Empty-Slots-Command, List-Empty-Loadports-Command, List-Tape-Labels-Command or List-Tapelabels-in-<Slots|Drives|Loadports>-Command)',
      );
    }
    const earlier = commands.get(key);
    if (earlier) throw new ChangerError('config', file, `line ${line}: '${name}' repeats '${earlier.name}' of line ${earlier.line}`);
    if (!template) {
      throw new ChangerError('config', file, `line ${line}: '${name}' has no command (comment the line out when the changer cannot do it)`);
    }
    commands.set(key, { key, name, template, file, line });
  }
  return { file, commands };
}

export async function readChangerConfig(file: string): Promise<AfbackupChangerConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new ChangerError('config', file, `cannot read the changer configuration: ${(e as Error).message}`, { cause: e });
  }
  return parseChangerConfig(text, file);
}

/** Which command printed the output being parsed, and for which changer. */
export interface CommandOutput {
  device: string;
  command: ChangerCommand;
  output: string;
}

function outputError(o: CommandOutput, line: number, text: string, detail: string): ChangerError {
  return new ChangerError('device-error', o.device, `${describeCommand(o.command)} printed at line ${line} '${text}': ${detail}`);
}

function within(type: LocationType, max: number): string {
  return max === 0 ? `a ${type} of this changer (it has none)` : `within ${type}s 1-${max} (afbackup counts from 1)`;
}

function outputLines(o: CommandOutput): { line: number; text: string }[] {
  return o.output
    .split('\n')
    .map((text, i) => ({ line: i + 1, text: text.trim() }))
    .filter((l) => l.text !== '');
}

/**
 * The free slots or loadports a List-Empty command printed: numbers from 1, any number per line,
 * separated by blanks or commas, and ranges such as `8-11` (changer.conf.test). `max` is how many
 * the changer has; a number beyond it is an error, as is 0 (a script counting from 0).
 */
export function parseNumberList(o: CommandOutput, what: 'slot' | 'loadport', max: number): Set<number> {
  const numbers = new Set<number>();
  for (const { line, text } of outputLines(o)) {
    for (const token of text.split(/[\s,]+/).filter(Boolean)) {
      const m = /^(\d+)(?:-(\d+))?$/.exec(token);
      if (!m) throw outputError(o, line, text, `'${token}' is not a ${what} number or range`);
      const first = Number(m[1]);
      const last = m[2] === undefined ? first : Number(m[2]);
      if (first < 1 || last > max || first > last) throw outputError(o, line, text, `'${token}' is not ${within(what, max)}`);
      for (let n = first; n <= last; n++) numbers.add(n);
    }
  }
  return numbers;
}

export interface TapeLabel {
  type: LocationType;
  /** From 1, as afbackup counts. */
  number: number;
  label: string;
}

/**
 * The barcodes a List-Tape-Labels command printed: `slot|drive|loadport N LABEL` per line (the
 * type in any case), or `N LABEL` from a per-type command (`type` given). The label is the rest of
 * the line. `max` is how many elements of each type the changer has.
 */
export function parseTapeLabels(o: CommandOutput, max: Record<LocationType, number>, type?: LocationType): TapeLabel[] {
  const labels: TapeLabel[] = [];
  const shape = type ? /^(\d+)\s+(\S.*)$/ : /^(\S+)\s+(\d+)\s+(\S.*)$/;
  const expected = type ? `'<${type} number> <label>'` : `'slot|drive|loadport <number> <label>'`;
  for (const { line, text } of outputLines(o)) {
    const m = shape.exec(text);
    if (!m) throw outputError(o, line, text, `expected ${expected}`);
    const [word, number, label] = type ? [type, m[1]!, m[2]!] : [m[1]!.toLowerCase(), m[2]!, m[3]!];
    if (!LOCATION_TYPES.includes(word as LocationType)) throw outputError(o, line, text, `'${m[1]}' is not slot, drive or loadport`);
    const t = word as LocationType;
    const n = Number(number);
    if (n < 1 || n > max[t]) throw outputError(o, line, text, `${t} ${n} is not ${within(t, max[t])}`);
    labels.push({ type: t, number: n, label });
  }
  return labels;
}
