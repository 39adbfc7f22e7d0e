/**
 * butc's command line, parsed the way OpenAFS `cmd` (`src/cmd/cmd.c`, 1.8.9) parses it, with butc's
 * syntax table from `main()` in `src/butc/tcmain.c` (BUTC-SPEC §1.1). The rules reproduced:
 *
 * - A word is a switch when it starts with '-' and its second byte is not a digit ("-5" is a value).
 * - A switch matches an option exactly, or as a prefix of exactly one visible option (`-p`, `-l`,
 *   `-al`, `-auditl`, `-audit-i`); hidden options (`-device`, `-restoretofile`,
 *   `-xbsaforcemultiple`) only match in full. `--name` (4+ bytes) is read as `-name`; `-name=value`
 *   splits at the last '='.
 * - Words without a switch fill the value options in table order (flags and unused hidden options
 *   are skipped) until the first value-taking switch; after that a word belongs to the last switch.
 * - Errors print cmd's messages on stderr and exit with the low byte of the CMD error code
 *   (the table base 0x334400 has a zero low byte, so the exit status is the error's index).
 * - `-help` prints the usage and the flag help on stdout and exits 0, after all words are parsed.
 */

/** CMD error codes' exit statuses (`src/cmd/cmd_errors.et` index = code & 0xff). */
export const CMD_EXIT = {
  NOTLIST: 2,
  TOOMANY: 3,
  UNKNOWNSWITCH: 6,
  TOOFEW: 8,
} as const;

interface ParmDesc {
  name: string;
  kind: 'flag' | 'single';
  hidden: boolean;
  help: string;
}

/** CMD_MAXPARMS; the last slot is `-help` (CMD_HELPPARM). */
const MAXPARMS = 64;

/** butc 1.8.9's options, in slot order (BUTC-SPEC §1.1 table). */
const BUTC_PARMS: readonly ParmDesc[] = [
  { name: '-port', kind: 'single', hidden: false, help: 'port offset' },
  { name: '-debuglevel', kind: 'single', hidden: false, help: '0 | 1 | 2' },
  { name: '-cell', kind: 'single', hidden: false, help: 'cell name' },
  { name: '-device', kind: 'single', hidden: true, help: 'tape device path' },
  { name: '-noautoquery', kind: 'flag', hidden: false, help: 'do not query operator for first tape' },
  { name: '-localauth', kind: 'flag', hidden: false, help: 'create tickets from KeyFile' },
  { name: '-restoretofile', kind: 'single', hidden: true, help: 'file to restore to' },
  { name: '-xbsaforcemultiple', kind: 'flag', hidden: true, help: 'Force multiple XBSA server support' },
  { name: '-rxbind', kind: 'flag', hidden: false, help: 'bind Rx socket' },
  { name: '-auditlog', kind: 'single', hidden: false, help: 'location of audit log' },
  { name: '-audit-interface', kind: 'single', hidden: false, help: 'interface to use for audit logging' },
  { name: '-allow_unauthenticated', kind: 'flag', hidden: false, help: 'allow unauthenticated inbound RPCs (requires firewalling)' },
];

const HELP_PARM: ParmDesc = { name: '-help', kind: 'flag', hidden: false, help: 'get detailed help' };

/** The slots as cmd holds them: butc's options from 0, `-help` in the last slot, nothing between. */
function slots(): (ParmDesc | undefined)[] {
  const s: (ParmDesc | undefined)[] = new Array(MAXPARMS).fill(undefined);
  BUTC_PARMS.forEach((p, i) => (s[i] = p));
  s[MAXPARMS - 1] = HELP_PARM;
  return s;
}

/** What butc's WorkerBee gets: the raw words (validated later, in startup order). */
export interface ButcArgs {
  port?: string;
  debuglevel?: string;
  cell?: string;
  device?: string;
  noautoquery: boolean;
  localauth: boolean;
  restoretofile?: string;
  xbsaforcemultiple: boolean;
  rxbind: boolean;
  auditlog?: string;
  auditInterface?: string;
  allowUnauthenticated: boolean;
}

export type CmdOutcome =
  /** Parsed: run butc. `stderr` carries cmd messages that did not stop the parse (rare). */
  | { kind: 'run'; args: ButcArgs; stderr: string }
  /** Stop now with this exit status (an error, or `-help`). */
  | { kind: 'exit'; exitCode: number; stdout: string; stderr: string };

/** cmd's `NName(a, b)`: "" when `a` is empty, else `a + b`. */
function nname(a: string, b: string): string {
  return a.length === 0 ? '' : a + b;
}

/** cmd's `FindType`: the slot of a switch, or -1 (unknown or ambiguous). */
function findType(table: (ParmDesc | undefined)[], word: string): number {
  let name = word;
  if (name[0] === '-' && name[1] === '-' && name.length >= 4) name = name.slice(1);
  let best = -1;
  let ambiguous = false;
  for (let i = 0; i < table.length; i++) {
    const p = table[i];
    if (!p) continue;
    if (p.name === name) return i;
    if (p.name.length < name.length || p.hidden) continue;
    if (p.name.startsWith(name)) {
      if (best !== -1) ambiguous = true;
      else best = i;
    }
  }
  return ambiguous ? -1 : best;
}

/** cmd's `PrintSyntax` + `PrintFlagHelp` for a command without opcodes (what `butc -help` prints). */
export function butcUsage(a0name: string): string {
  const table = slots();
  let out = `Usage: ${a0name}`;
  let len = out.length;
  for (const p of table) {
    if (!p || p.hidden) continue;
    const arg = p.kind === 'flag' ? '' : ` <${p.help}>`;
    const extra = 1 + p.name.length + arg.length + 2;
    if (len + extra > 78) {
      out += '\n        ';
      len = 8;
    }
    out += ` [${p.name}${arg}]`;
    len += extra;
  }
  out += '\n';
  const flags = table.filter((p, i): p is ParmDesc => !!p && i !== MAXPARMS - 1 && p.kind === 'flag' && !p.hidden);
  const width = Math.max(0, ...flags.map((p) => p.name.length));
  let prefix = 'Where:';
  for (const p of flags) {
    out += `${prefix.padEnd(7)}${p.name.padEnd(width)}  ${p.help}\n`;
    prefix = '';
  }
  return out;
}

/**
 * Parses butc's arguments (`argv` without argv[0]; `a0name` is what butc would have as argv[0]
 * and appears in the messages). The no-arguments case is not cmd's business: butc's main() turns
 * it into `-port 0 -debuglevel 0` before cmd sees anything, and so does this function.
 */
export function parseButcArgs(argv: readonly string[], a0name = 'butc'): CmdOutcome {
  const table = slots();
  const items: (string[] | true | undefined)[] = new Array(MAXPARMS).fill(undefined);
  const processed: boolean[] = new Array(MAXPARMS).fill(false);
  const pfx = nname(a0name, ': ');
  let stderr = '';
  const fail = (exitCode: number, msg: string): CmdOutcome => ({ kind: 'exit', exitCode, stdout: '', stderr: stderr + msg });

  if (argv.length === 0) {
    return { kind: 'run', args: { ...emptyArgs(), port: '0', debuglevel: '0' }, stderr: '' };
  }

  let positional = true;
  let curType = 0;
  /** cmd's `AddItem`: refuses a second value for a single-value option (message, CMD_NOTLIST). */
  const addItem = (slot: number, value: string): string | null => {
    const cur = items[slot];
    if (Array.isArray(cur)) return `${pfx}Too many values after switch ${table[slot]!.name}\n`;
    items[slot] = [value];
    return null;
  };
  /** cmd's `AdvanceType`: the next slot that takes a value, or the same slot if there is none. */
  const advanceType = (from: number): number => {
    for (let next = from + 1; next < MAXPARMS; next++) {
      const p = table[next];
      if (p && p.kind !== 'flag') return next;
    }
    return from;
  };

  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word[0] === '-' && !(word[1]! >= '0' && word[1]! <= '9')) {
      const eq = word.lastIndexOf('=');
      const key = eq >= 0 ? word.slice(0, eq) : word;
      const embedded = eq >= 0 ? word.slice(eq + 1) : undefined;
      const j = findType(table, key);
      if (j < 0) {
        return fail(CMD_EXIT.UNKNOWNSWITCH, `${pfx}Unrecognized or ambiguous switch '${word}'; type '${a0name} -help' for detailed help\n`);
      }
      const p = table[j]!;
      if (p.kind === 'flag') {
        items[j] = true;
        if (embedded !== undefined) return fail(CMD_EXIT.TOOMANY, `${pfx}Switch '${p.name}' doesn't take an argument\n`);
      } else {
        positional = false;
        curType = j;
        processed[j] = true;
        // cmd ignores AddItem's result here: the message is printed and parsing goes on.
        if (embedded !== undefined) stderr += addItem(curType, embedded) ?? '';
      }
      continue;
    }
    if (curType >= MAXPARMS) return fail(CMD_EXIT.TOOMANY, `${pfx}Too many arguments\n`);
    const p = table[curType];
    if (!p || p.kind === 'flag' || (p.hidden && !processed[curType])) {
      curType++;
      i--;
      continue;
    }
    const err = addItem(curType, word);
    if (err) return fail(CMD_EXIT.NOTLIST, err);
    if (positional) curType = advanceType(curType);
  }

  if (items[MAXPARMS - 1]) return { kind: 'exit', exitCode: 0, stdout: butcUsage(a0name), stderr };

  for (let i = 0; i < MAXPARMS; i++) {
    if (table[i] && processed[i] && items[i] === undefined) {
      return fail(CMD_EXIT.TOOFEW, `${pfx} The field '${table[i]!.name}' isn't completed properly\n`);
    }
  }

  const value = (slot: number) => {
    const v = items[slot];
    return Array.isArray(v) ? v[0] : undefined;
  };
  const flag = (slot: number) => items[slot] === true;
  const args: ButcArgs = {
    ...emptyArgs(),
    noautoquery: flag(4),
    localauth: flag(5),
    xbsaforcemultiple: flag(7),
    rxbind: flag(8),
    allowUnauthenticated: flag(11),
  };
  const set = <K extends keyof ButcArgs>(k: K, slot: number) => {
    const v = value(slot);
    if (v !== undefined) (args as unknown as Record<string, unknown>)[k] = v;
  };
  set('port', 0);
  set('debuglevel', 1);
  set('cell', 2);
  set('device', 3);
  set('restoretofile', 6);
  set('auditlog', 9);
  set('auditInterface', 10);
  return { kind: 'run', args, stderr };
}

function emptyArgs(): ButcArgs {
  return { noautoquery: false, localauth: false, xbsaforcemultiple: false, rxbind: false, allowUnauthenticated: false };
}
