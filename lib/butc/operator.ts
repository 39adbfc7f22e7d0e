/**
 * Operator prompts (BUTC-SPEC §1.7; `PrintPrompt()`, `PromptForTape()` in `src/butc/lwps.c`,
 * `retryPrompt()` in `src/butc/dump.c`, `Ask()` in `src/butc/recoverDb.c`), with butc's exact texts,
 * run over an OperatorChannel instead of butc's raw stdin:
 *
 * - the tape prompt: BEL at once and every 60 s, keys polled in 5 s waits with an abort check in
 *   between; `a`/`A` aborts, `s`/`S` skips (restore only), any other key (Return) continues;
 * - the failed-volume prompt (last dump pass): r retry, o omit, a abort; `ASK NO` answers `o`;
 * - yes/no questions: "This tape has not expired - proceed", "Are there more tapes";
 *   `ASK NO` answers no and yes respectively; end of input answers no.
 *
 * Where butc spins on a stdin at EOF (§1.7, §7 #8), a channel here never reports EOF as a key: the
 * tape prompt keeps waiting (and still notices aborts), and the non-interactive channel answers the
 * ASK questions with the ASK NO defaults even when ASK is on.
 */
import { createInterface, type Interface } from 'node:readline';
import type { TapeOperation } from './callout.js';
import { bytesOf } from './c-string.js';

export const BELL = '\x07';
/** Seconds between bells (BELLTIME). */
const BELL_SECONDS = 60;
/** One key wait (LWP_GetResponseKey(5, ...)). */
const KEY_WAIT_MS = 5000;

/** Where prompts are shown and keys come from. */
export interface OperatorChannel {
  /** True when a person may answer (stdin is a terminal, or a control connection). */
  readonly interactive: boolean;
  /** True once no more input can come. */
  readonly ended: boolean;
  /** Shows text to the operator (butc's stdout). */
  show(text: string): void;
  /** Discards input typed ahead (butc's FFlushInput). */
  flush(): void;
  /**
   * The next key: the first byte of the next line typed ('\n' for an empty line, i.e. Return),
   * or null when nothing came within timeoutMs. When the input has ended it resolves null after the
   * timeout, or at once for an infinite timeout.
   */
  key(timeoutMs: number): Promise<string | null>;
  close(): void;
}

/** butc's TAPENAME(): `<NULL>` for no name, `name`, or `name (dumpid)`. */
export function tapeNameText(name: string, dumpId: number): string {
  if (name === '') return '<NULL>';
  return dumpId === 0 ? name : `${name} (${dumpId >>> 0})`;
}

/** extractDumpName(): the tape name without its last `.component`; null without a dot or if too long. */
function dumpNameOf(tapeName: string): string | null {
  const dot = tapeName.lastIndexOf('.');
  if (dot < 0 || dot + 1 > 32) return null;
  return tapeName.slice(0, dot);
}

export interface TapeRequest {
  operation: TapeOperation;
  /** The device path as in tapeconfig. */
  device: string;
  /** The tape wanted ('' if any). */
  tapeName: string;
  /** Its dump id (0 if unknown). */
  dumpId: number;
}

/** PrintPrompt(): the three lines of the tape prompt. */
export function tapePromptText(req: TapeRequest): string {
  const t = tapeNameText(req.tapeName, req.dumpId);
  let line: string;
  switch (req.operation) {
    case 'restore':
      line = `Please put in tape ${t} for reading`;
      break;
    case 'appenddump': {
      const dn = dumpNameOf(req.tapeName);
      line = dn === null || req.dumpId === 0
        ? 'Please put in last tape of dump set for appending dump'
        : `Please put in last tape of dump set for appending dump ${dn} (DumpID ${req.dumpId >>> 0})`;
      break;
    }
    case 'dump':
      line = req.tapeName === '' ? 'Please put in tape for writing' : `Please put in tape ${t} for writing`;
      break;
    case 'labeltape':
      line = `Please put in tape to be labelled as ${t}`;
      break;
    case 'readlabel':
      line = 'Please put in tape whose label is to be read';
      break;
    case 'scantape':
      line = req.tapeName === '' ? 'Please put in tape to be scanned' : `Please put in tape ${t} for scanning`;
      break;
    case 'restoredb':
      line = `Please insert a tape ${t} for the database restore`;
      break;
    case 'savedb':
      line = `Please insert a writable tape ${t} for the database dump`;
      break;
  }
  return `******* OPERATOR ATTENTION *******\nDevice :  ${req.device} \n${line} and hit return when done\n`;
}

const PROCEEDING: Record<TapeOperation, string> = {
  restoredb: 'reading',
  restore: 'reading',
  appenddump: 'append writing',
  savedb: 'writing',
  dump: 'writing',
  labeltape: 'labelling',
  readlabel: 'label reading',
  scantape: 'scanning',
};

/** What butc prints once a tape is in: the stars line only when the keyboard (not a callout) was used. */
export function proceedingText(operation: TapeOperation, keyboard: boolean): string {
  return `Thanks, now proceeding with tape ${PROCEEDING[operation]} operation.\n${keyboard ? `${'*'.repeat(34)}\n` : ''}`;
}

export interface DialogOptions {
  /** True when the coordinator asked to abort this task (checked between key waits). */
  aborted?: () => boolean;
  /** Milliseconds clock for the bell timing (the test double has a virtual one). */
  now?: () => number;
  /** One key wait; butc's is 5 s. */
  keyWaitMs?: number;
}

export type TapePromptResult =
  /** A key other than a/s: the tape is in. */
  | 'proceed'
  /** `a`: "This tape operation has been aborted." (TC_ABORTEDBYREQUEST) */
  | 'abort'
  /** `s` on a restore: "This tape will be skipped." (TC_SKIPTAPE) */
  | 'skip'
  /** The coordinator's abort request (TC_ABORTEDBYREQUEST). */
  | 'aborted';

/** The keyboard part of PromptForTape(): prompt, bells, keys, abort checks, and the "Thanks" lines. */
export async function promptForTape(ch: OperatorChannel, req: TapeRequest, options: DialogOptions = {}): Promise<TapePromptResult> {
  const now = options.now ?? Date.now;
  const aborted = options.aborted ?? (() => false);
  const wait = options.keyWaitMs ?? KEY_WAIT_MS;
  ch.show(tapePromptText(req));
  let bellAt = -Infinity;
  for (;;) {
    const sec = Math.floor(now() / 1000);
    if (sec > bellAt + BELL_SECONDS) {
      bellAt = sec;
      ch.flush();
      ch.show(BELL);
    }
    const k = await ch.key(wait);
    if (k !== null) {
      if (k === 'a' || k === 'A') {
        ch.show('This tape operation has been aborted.\n');
        return 'abort';
      }
      if (req.operation === 'restore' && (k === 's' || k === 'S')) {
        ch.show('This tape will be skipped.\n');
        return 'skip';
      }
      ch.show(proceedingText(req.operation, true));
      return 'proceed';
    }
    if (aborted()) {
      ch.show('This tape operation has been aborted by the coordinator.\n');
      return 'aborted';
    }
  }
}

/** The failed-volume prompt of the last dump pass (retryPrompt): 'r' retry, 'o' omit, 'a' abort. */
export async function failedVolumeAction(
  ch: OperatorChannel,
  volume: { name: string; id: number },
  ask: boolean,
  options: DialogOptions = {},
): Promise<'r' | 'o' | 'a'> {
  if (!ask || !ch.interactive) return 'o';
  const now = options.now ?? Date.now;
  const aborted = options.aborted ?? (() => false);
  const wait = options.keyWaitMs ?? KEY_WAIT_MS;
  ch.show(`\nDump of volume ${volume.name} (${volume.id >>> 0}) failed\n\nPlease select action to be taken for this volume\n`);
  for (;;) {
    ch.show('r - retry, try dumping this volume again\no - omit,  this volume from this dump\na - abort, the entire dump\n');
    let k: string | null = null;
    while (k === null) {
      ch.flush();
      ch.show(BELL);
      const start = Math.floor(now() / 1000);
      for (;;) {
        k = await ch.key(wait);
        if (k !== null) break;
        if (aborted()) {
          ch.show('This tape operation has been aborted by the coordinator\n');
          return 'a';
        }
        if (Math.floor(now() / 1000) > start + BELL_SECONDS) break;
      }
    }
    if (k === 'r' || k === 'o' || k === 'a') return k;
    ch.show('Please select one of the 3 options, r, o or a\n');
  }
}

/** Ask(): `<question>? (y/n) ` after a BEL; y yes, n or end of input no, anything else asks again. */
export async function askYesNo(ch: OperatorChannel, question: string): Promise<boolean> {
  for (;;) {
    ch.flush();
    ch.show(`${BELL}${question}? (y/n) `);
    const k = await ch.key(Infinity);
    if (k === 'y') return true;
    if (k === 'n' || k === null) return false;
    ch.show('please answer y/n\n');
  }
}

/** labeltape over an unexpired tape: proceed? `ASK NO` (or no operator) refuses. */
export function askOverwriteUnexpired(ch: OperatorChannel, ask: boolean): Promise<boolean> {
  if (!ask || !ch.interactive) return Promise.resolve(false);
  return askYesNo(ch, 'This tape has not expired - proceed');
}

/** scantape, when it cannot tell: are there more tapes? `ASK NO` (or no operator) assumes yes. */
export function askMoreTapes(ch: OperatorChannel, ask: boolean): Promise<boolean> {
  if (!ask || !ch.interactive) return Promise.resolve(true);
  return askYesNo(ch, 'Are there more tapes');
}

/** A channel on a terminal: lines from stdin through readline; only when stdin is a TTY. */
export class TtyOperatorChannel implements OperatorChannel {
  readonly interactive = true;
  private lines: string[] = [];
  private waiter: ((line: string | null) => void) | null = null;
  private done = false;
  private readonly rl: Interface;

  private constructor(
    input: NodeJS.ReadableStream,
    private readonly output: NodeJS.WritableStream,
  ) {
    this.rl = createInterface({ input, terminal: false });
    this.rl.on('line', (line) => {
      if (this.waiter) this.waiter(line);
      else this.lines.push(line);
    });
    this.rl.on('close', () => {
      this.done = true;
      this.waiter?.(null);
    });
  }

  /** The channel on `input`, or null when it is not a terminal (use UnattendedOperatorChannel). */
  static open(input: NodeJS.ReadStream = process.stdin, output: NodeJS.WritableStream = process.stdout): TtyOperatorChannel | null {
    return input.isTTY ? new TtyOperatorChannel(input, output) : null;
  }

  get ended(): boolean {
    return this.done;
  }

  show(text: string): void {
    this.output.write(bytesOf(text));
  }

  flush(): void {
    this.lines = [];
  }

  key(timeoutMs: number): Promise<string | null> {
    const first = this.lines.shift();
    if (first !== undefined) return Promise.resolve(first[0] ?? '\n');
    if (this.done && timeoutMs === Infinity) return Promise.resolve(null);
    return new Promise((resolve) => {
      const timer = Number.isFinite(timeoutMs) ? setTimeout(() => finish(null), timeoutMs) : null;
      const finish = (line: string | null) => {
        if (timer) clearTimeout(timer);
        this.waiter = null;
        resolve(line === null ? null : (line[0] ?? '\n'));
      };
      if (this.done) return;
      this.waiter = finish;
    });
  }

  close(): void {
    this.rl.close();
  }
}

/**
 * No operator (stdin is not a terminal): prompts are still shown (on `show`), tape prompts wait
 * until the coordinator aborts, and the ASK questions get the ASK NO answers.
 */
export class UnattendedOperatorChannel implements OperatorChannel {
  readonly interactive = false;
  readonly ended = true;
  constructor(private readonly write: (text: string) => void) {}
  show(text: string): void {
    this.write(text);
  }
  flush(): void {}
  key(timeoutMs: number): Promise<string | null> {
    if (!Number.isFinite(timeoutMs)) return Promise.resolve(null);
    return new Promise((resolve) => setTimeout(() => resolve(null), timeoutMs));
  }
  close(): void {}
}

/** One scripted answer: a key, null (nothing typed for one wait), or 'eof' (input ends). */
export type ScriptedKey = string | null | 'eof';

/**
 * Test double: answers from a script, a virtual clock that advances by the timeout on every
 * unanswered wait, and everything shown kept in `shown`. Running out of script throws, so a
 * dialog that would wait forever fails the test instead of hanging it.
 */
export class ScriptedOperatorChannel implements OperatorChannel {
  shown = '';
  flushes = 0;
  private clock = 0;
  private done = false;
  private idleAfterEnd = 0;
  constructor(
    private readonly script: ScriptedKey[],
    readonly interactive = true,
  ) {}
  get ended(): boolean {
    return this.done;
  }
  /** The virtual clock in milliseconds (pass as DialogOptions.now). */
  readonly now = (): number => this.clock;
  show(text: string): void {
    this.shown += text;
  }
  flush(): void {
    this.flushes++;
  }
  key(timeoutMs: number): Promise<string | null> {
    if (!this.done) {
      if (this.script.length === 0) throw new Error('ScriptedOperatorChannel: the dialog wanted more input than scripted');
      const next = this.script.shift()!;
      if (next === 'eof') this.done = true;
      else if (next !== null) return Promise.resolve(next);
    }
    if (this.done && ++this.idleAfterEnd > 10000) throw new Error('ScriptedOperatorChannel: still waiting long after the input ended');
    if (Number.isFinite(timeoutMs)) this.clock += timeoutMs;
    return Promise.resolve(null);
  }
  close(): void {}
}
