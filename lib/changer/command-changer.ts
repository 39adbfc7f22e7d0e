/**
 * afbackup's "command changer": a changer driven by the shell commands of an afbackup changer
 * configuration (afbackup-config.ts), so sites with mtx, chio, stc or mover scripts keep them.
 *
 * Numbering: afbackup counts slots, loadports and drives from 1 each, loadport 1 being the first
 * import/export slot; this interface uses mtx's numbering (storage slots from 1, import/export
 * slots after them, drives from 0). Commands get afbackup's numbers.
 *
 * Devices never become shell text: %d and %D are replaced by references to the environment
 * variables TAPECOORD_STREAMER and TAPECOORD_CHANGER, which hold the paths. The shell expands a
 * variable into a value it never parses again, so a path such as `/tmp/x; rm -rf / $(id)` stays one
 * harmless argument. Environment variables rather than positional parameters because they reach
 * nested shells too: afbackup's changer.conf.sch-mover runs `sh -c '... mt -f %d status ...'`.
 * Numbers are integers formatted here.
 *
 * What the commands cannot tell: the source slot of a loaded cartridge (sourceSlot is null), the
 * transport elements, vendor and serial numbers; whether a drive is full, unless a tape labels
 * command lists it (and a cartridge without barcode in a drive is not listed, so it looks empty).
 */
import { spawn } from 'node:child_process';
import { describeElement, type Changer, type ChangerStatus, type DriveElement, type ElementRef, type SlotElement } from './changer.js';
import {
  describeCommand,
  LOCATION_TYPES,
  moveKey,
  parseNumberList,
  parseTapeLabels,
  type AfbackupChangerConfig,
  type ChangerCommand,
  type ChangerCommandKey,
  type LocationType,
  type TapeLabel,
} from './afbackup-config.js';
import { withLockFile } from '../util/lock-file.js';
import { changerLockPath, lockDirectory } from './device-lock.js';
import { ChangerError } from './errors.js';

export const STREAMER_VARIABLE = 'TAPECOORD_STREAMER';
export const CHANGER_VARIABLE = 'TAPECOORD_CHANGER';

/** What afbackup takes from its server configuration: how many of each the changer has. */
export interface CommandChangerLayout {
  slots: number;
  loadports: number;
  drives: number;
}

export interface CommandChangerOptions {
  config: AfbackupChangerConfig;
  /** %D: the changer device. */
  changer: string;
  /**
   * %d: the streamer of each drive, afbackup's drive 1 (mtx drive 0) first. A move gets the drive
   * it moves from or to; a move between slots and loadports gets drive 1's.
   */
  streamers: string[];
  layout: CommandChangerLayout;
  /** A move that takes longer is killed (default 10 minutes: robots are slow). */
  moveTimeoutMs?: number;
  /** A list command that takes longer is killed (default 2 minutes). */
  listTimeoutMs?: number;
  /** Where the changer's lock file goes (default TAPECOORD_LOCK_DIR or /run/lock/tapecoord). */
  lockDir?: string;
}

/** stdout beyond this is not a list any changer prints: the command is killed. */
const MAX_OUTPUT = 4 << 20;
const STDERR_TAIL = 2000;
/** Grace between SIGTERM and SIGKILL for a command that timed out. */
const KILL_GRACE_MS = 5000;

type Quote = 'none' | 'single' | 'double';
type Replacement = (quote: Quote) => string;

/** The shell text for a device: a reference to the variable holding it, quoted for where it stands. */
function deviceReference(variable: string): Replacement {
  // Inside single quotes the text is literal to this shell; it only matters to a nested shell
  // (sh -c '...'), which then sees the quoted reference in its own unquoted context.
  return (quote) => (quote === 'double' ? '${' + variable + '}' : `"$${variable}"`);
}

/**
 * Replaces the % patterns of `table` in `template`, following single and double quotes and
 * backslashes to quote device references right. A pattern not in the table is left as written
 * (list commands often hold awk's printf "%d"); a backslash before % keeps it literal. Whatever the
 * scanner misjudges (a quote in a shell comment) can at worst split a path with blanks in two;
 * it cannot make the shell run it.
 */
function expand(template: string, table: ReadonlyMap<string, Replacement>): string {
  let out = '';
  let quote: Quote = 'none';
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    const replacement = c === '%' ? table.get(template[i + 1] ?? '') : undefined;
    if (replacement) {
      out += replacement(quote);
      i++;
      continue;
    }
    out += c;
    if (c === '\\' && quote !== 'single' && i + 1 < template.length) out += template[++i];
    else if (c === "'" && quote !== 'double') quote = quote === 'single' ? 'none' : 'single';
    else if (c === '"' && quote !== 'single') quote = quote === 'double' ? 'none' : 'double';
  }
  return out;
}

/**
 * A move command as the shell will run it: %d streamer, %D changer, %n/%m origin number counted
 * from 1/from 0, %N/%M target number from 1/from 0, %% a literal %.
 */
export function expandMoveTemplate(template: string, origin: number, target: number): string {
  const number = (n: number): Replacement => () => String(n);
  return expand(
    template,
    new Map([
      ['d', deviceReference(STREAMER_VARIABLE)],
      ['D', deviceReference(CHANGER_VARIABLE)],
      ['n', number(origin)],
      ['m', number(origin - 1)],
      ['N', number(target)],
      ['M', number(target - 1)],
      ['%', () => '%'],
    ]),
  );
}

/** A list command as the shell will run it: afbackup replaces only %D in these. */
export function expandListTemplate(template: string): string {
  return expand(template, new Map([['D', deviceReference(CHANGER_VARIABLE)]]));
}

/** An element in afbackup's terms. */
interface Location {
  type: LocationType;
  number: number;
}

/** What the list commands say, with what they cannot say marked as unknown. */
interface Occupancy {
  emptySlots: Set<number>;
  emptyLoadports: Set<number>;
  /** `slot 3` → barcode, from the tape labels commands; the only sign of a full drive. */
  labels: Map<string, string>;
}

const locationKey = (l: Location) => `${l.type} ${l.number}`;

function hasControlCharacter(s: string): boolean {
  return /[\x00-\x1f\x7f]/.test(s);
}

export class CommandChanger implements Changer {
  readonly device: string;
  private readonly config: AfbackupChangerConfig;
  private readonly streamers: string[];
  private readonly layout: CommandChangerLayout;
  private readonly moveTimeoutMs: number;
  private readonly listTimeoutMs: number;
  /** One robot: operations run one after the other, in this process and across processes. */
  private readonly lockPath: Promise<string>;

  constructor(o: CommandChangerOptions) {
    this.device = o.changer;
    this.config = o.config;
    this.streamers = [...o.streamers];
    this.layout = { ...o.layout };
    this.moveTimeoutMs = o.moveTimeoutMs ?? 10 * 60_000;
    this.listTimeoutMs = o.listTimeoutMs ?? 2 * 60_000;
    this.lockPath = changerLockPath(o.changer, lockDirectory(o.lockDir));
    const fail = (message: string) => new ChangerError('config', o.changer || '(no changer device)', message);
    for (const [name, value, min] of [
      ['slots', o.layout.slots, 1],
      ['loadports', o.layout.loadports, 0],
      ['drives', o.layout.drives, 1],
    ] as const) {
      if (!Number.isSafeInteger(value) || value < min) throw fail(`layout: ${name} must be an integer of at least ${min}, got ${value}`);
    }
    for (const [what, device] of [['changer device', o.changer], ...o.streamers.map((s, i) => [`streamer of drive ${i + 1}`, s])] as const) {
      if (!device) throw fail(`the ${what} is empty`);
      if (hasControlCharacter(device)) throw fail(`the ${what} ${JSON.stringify(device)} contains a control character`);
    }
    if (o.streamers.length !== o.layout.drives) {
      throw fail(`${o.layout.drives} drives need ${o.layout.drives} streamer devices (one per drive), got ${o.streamers.length}`);
    }
    if (!o.config.commands.has('list-empty-slots')) {
      throw fail(`${o.config.file}: no List-Empty-Slots-Command: it is needed to know which slots are full`);
    }
    if (o.layout.loadports > 0 && !o.config.commands.has('list-empty-loadports')) {
      throw fail(`${o.config.file}: no List-Empty-Loadports-Command: it is needed for a changer with loadports`);
    }
  }

  status(): Promise<ChangerStatus> {
    return this.serial(async () => this.toStatus(await this.occupancy()));
  }

  move(from: ElementRef, to: ElementRef): Promise<void> {
    return this.serial(async () => {
      const origin = this.locate(from);
      const target = this.locate(to);
      const key = moveKey(origin.type, target.type);
      const command = this.config.commands.get(key);
      if (!command) {
        throw new ChangerError('unsupported', this.device, `${this.config.file} has no command to move from a ${origin.type} to a ${target.type} (${moveParameter(key)})`);
      }
      // Checked first, as cart_ctl does, so a full slot is named instead of a failing script.
      // Only what the lists prove is checked: an unlisted drive may hold a cartridge without barcode.
      const now = await this.occupancy(origin.type === 'drive' ? [target.type] : [origin.type, target.type], false);
      if (isEmpty(now, origin)) throw new ChangerError('source-empty', this.device, `cannot move from ${this.describe(from)}: it is empty`);
      if (isFull(now, target)) throw new ChangerError('destination-full', this.device, `cannot move to ${this.describe(to)}: it is full`);
      const drive = origin.type === 'drive' ? origin.number : target.type === 'drive' ? target.number : 1;
      await this.run(command, expandMoveTemplate(command.template, origin.number, target.number), this.streamers[drive - 1]!, this.moveTimeoutMs);
    });
  }

  async exchange(source: ElementRef, first: ElementRef): Promise<void> {
    throw new ChangerError('unsupported', this.device, `cannot exchange ${describeElement(source)} with ${describeElement(first)}: afbackup's changer configuration has no exchange command; move the cartridges one at a time`);
  }

  /**
   * Nothing to do: afbackup's configuration has no command for INITIALIZE ELEMENT STATUS, and the
   * list commands ask the changer afresh each time (mtx status reads the element status).
   */
  async inventory(): Promise<void> {}

  async close(): Promise<void> {}

  private async serial<T>(fn: () => Promise<T>): Promise<T> {
    return withLockFile(await this.lockPath, fn, { what: `changer ${this.device}` });
  }

  private locate(ref: ElementRef): Location {
    const { slots, loadports, drives } = this.layout;
    if (Number.isSafeInteger(ref.index)) {
      if (ref.kind === 'drive' && ref.index >= 0 && ref.index < drives) return { type: 'drive', number: ref.index + 1 };
      if (ref.kind === 'slot' && ref.index >= 1 && ref.index <= slots) return { type: 'slot', number: ref.index };
      if (ref.kind === 'slot' && ref.index > slots && ref.index <= slots + loadports) return { type: 'loadport', number: ref.index - slots };
    }
    throw new ChangerError(
      'no-such-element',
      this.device,
      `no ${describeElement(ref)}: the changer has drives 0-${drives - 1} and slots 1-${slots + loadports}` + (loadports ? ` (${slots + 1}-${slots + loadports} are loadports)` : ''),
    );
  }

  /** `slot 31 (loadport 2)`: mtx's numbering, with afbackup's for a loadport. */
  private describe(ref: ElementRef): string {
    const l = this.locate(ref);
    return l.type === 'loadport' ? `${describeElement(ref)} (loadport ${l.number})` : describeElement(ref);
  }

  /**
   * Runs the list commands for the location types asked (by default all, with barcodes). On a
   * big library each `mtx status` takes seconds, so a move asks only about the places it involves,
   * and for barcodes only where they are the sign of a full drive.
   */
  private async occupancy(types: readonly LocationType[] = LOCATION_TYPES, barcodes = true): Promise<Occupancy> {
    const { slots, loadports, drives } = this.layout;
    const wanted = (type: LocationType) => types.includes(type) && (type !== 'loadport' || loadports > 0);
    const labelled = (type: LocationType) => wanted(type) && (barcodes || type === 'drive');
    const emptySlots = wanted('slot') ? parseNumberList(await this.list('list-empty-slots'), 'slot', slots) : new Set<number>();
    const emptyLoadports = wanted('loadport') ? parseNumberList(await this.list('list-empty-loadports'), 'loadport', loadports) : new Set<number>();
    const max = { slot: slots, loadport: loadports, drive: drives };
    const listed: TapeLabel[] = [];
    // afbackup's rule: the one command for all types when it is there, else the per-type ones.
    if (this.config.commands.has('list-tape-labels')) {
      if (LOCATION_TYPES.some(labelled)) listed.push(...parseTapeLabels(await this.list('list-tape-labels'), max).filter((l) => labelled(l.type)));
    } else {
      for (const type of LOCATION_TYPES) {
        const key = `list-tape-labels-in-${type}s` as const;
        if (labelled(type) && this.config.commands.has(key)) listed.push(...parseTapeLabels(await this.list(key), max, type));
      }
    }
    const labels = new Map<string, string>();
    for (const l of listed) {
      const where = locationKey(l);
      if (labels.has(where)) throw new ChangerError('device-error', this.device, `the tape labels commands list ${where} twice ('${labels.get(where)}' and '${l.label}')`);
      if ((l.type === 'slot' ? emptySlots : l.type === 'loadport' ? emptyLoadports : null)?.has(l.number)) {
        // Two commands saw the changer at different moments (something moved it in between), or a script is wrong.
        throw new ChangerError('device-error', this.device, `${where} is listed empty and also with the label '${l.label}'; ask again`);
      }
      labels.set(where, l.label);
    }
    return { emptySlots, emptyLoadports, labels };
  }

  private toStatus(o: Occupancy): ChangerStatus {
    const { slots, loadports, drives } = this.layout;
    const driveElements: DriveElement[] = [];
    for (let n = 1; n <= drives; n++) {
      const barcode = o.labels.get(locationKey({ type: 'drive', number: n })) ?? null;
      driveElements.push({
        index: n - 1,
        address: n,
        full: barcode !== null,
        barcode,
        sourceSlot: null,
        device: this.streamers[n - 1]!,
        serial: null,
        vendor: null,
        product: null,
        exception: null,
      });
    }
    const slot = (type: 'slot' | 'loadport', number: number): SlotElement => {
      const full = !(type === 'slot' ? o.emptySlots : o.emptyLoadports).has(number);
      return {
        index: type === 'slot' ? number : slots + number,
        address: number,
        full,
        barcode: full ? (o.labels.get(locationKey({ type, number })) ?? null) : null,
        importExport: type === 'loadport',
        accessible: true,
        exception: null,
      };
    };
    const slotElements: SlotElement[] = [];
    for (let n = 1; n <= slots; n++) slotElements.push(slot('slot', n));
    for (let n = 1; n <= loadports; n++) slotElements.push(slot('loadport', n));
    return { device: this.device, vendor: null, product: null, serial: null, transports: [], drives: driveElements, slots: slotElements };
  }

  private async list(key: ChangerCommandKey): Promise<{ device: string; command: ChangerCommand; output: string }> {
    const command = this.config.commands.get(key)!;
    const output = await this.run(command, expandListTemplate(command.template), this.streamers[0]!, this.listTimeoutMs);
    return { device: this.device, command, output };
  }

  /** Runs one command through /bin/sh; resolves with its stdout when it exits with 0. */
  private run(command: ChangerCommand, text: string, streamer: string, timeoutMs: number): Promise<string> {
    const fail = (detail: string, cause?: unknown) =>
      new ChangerError('device-error', this.device, `${describeCommand(command)} ${detail}; it ran: ${text}`, cause === undefined ? undefined : { cause });
    return new Promise((resolve, reject) => {
      // $0 names us in the shell's own messages ("tapecoord-changer: 1: mtx: not found").
      // detached: a process group of its own, so a timeout kills the pipeline, not only the shell.
      const child = spawn('/bin/sh', ['-c', text, 'tapecoord-changer'], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, [STREAMER_VARIABLE]: streamer, [CHANGER_VARIABLE]: this.device },
        detached: true,
      });
      const stdout: Buffer[] = [];
      let stdoutBytes = 0;
      let stderr = '';
      let problem: string | null = null;
      let killTimer: NodeJS.Timeout | undefined;
      const kill = (why: string) => {
        problem ??= why;
        signalGroup(child.pid, 'SIGTERM');
        killTimer ??= setTimeout(() => signalGroup(child.pid, 'SIGKILL'), KILL_GRACE_MS);
      };
      const timer = setTimeout(() => kill(`did not finish within ${timeoutMs / 1000} s and was killed`), timeoutMs);
      child.stdout.on('data', (b: Buffer) => {
        stdoutBytes += b.length;
        if (stdoutBytes > MAX_OUTPUT) kill(`printed more than ${MAX_OUTPUT} bytes and was killed`);
        else stdout.push(b);
      });
      child.stderr.on('data', (b: Buffer) => {
        stderr = (stderr + b.toString()).slice(-STDERR_TAIL);
      });
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(fail(`could not be started: ${e.message}`, e));
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        clearTimeout(killTimer);
        const tail = stderr.trim() ? `; stderr: ${stderr.trim()}` : '';
        if (problem) reject(fail(problem + tail));
        else if (code !== 0) reject(fail((signal ? `was killed by ${signal}` : `failed with exit code ${code}`) + tail));
        else resolve(Buffer.concat(stdout).toString());
      });
    });
  }
}

function isEmpty(o: Occupancy, l: Location): boolean {
  if (l.type === 'slot') return o.emptySlots.has(l.number);
  if (l.type === 'loadport') return o.emptyLoadports.has(l.number);
  return false; // a drive not listed may hold a cartridge without barcode
}

function isFull(o: Occupancy, l: Location): boolean {
  if (l.type === 'drive') return o.labels.has(locationKey(l));
  return !isEmpty(o, l);
}

/** `Move-Slot-To-Loadport-Command`, the parameter as cart_ctl(8) spells it. */
function moveParameter(key: string): string {
  return key.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase()) + '-Command';
}

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone already
  }
}
