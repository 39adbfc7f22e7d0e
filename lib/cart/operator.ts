/**
 * The operator: the person at the library. cart_ctl asks them for a place description (-P
 * without text), for confirmations (-t over a labelled or protected cartridge), and to move
 * cartridges by hand: out of a loadport, into one, or from an unknown origin (seed 003: "the
 * maintainer is asked to perform the move manually, naming the origin location `unknown'").
 *
 * StdinOperator asks on a terminal; ScriptedOperator answers from a script (tests, and callers
 * that already know the answers). The daemon's control socket will be a third.
 */
import { createInterface } from 'node:readline/promises';
import { CartError } from './errors.js';

/** A manual cartridge move the operator is asked to make. Places are as cart_ctl names them. */
export type OperatorTask =
  /** Take the cartridge out of a loadport and bring it to a place outside the library. */
  | { kind: 'take-out'; cartridge: number; loadport: number; to: string }
  /** Put the cartridge into a loadport; the robot does the rest. */
  | { kind: 'put-in'; cartridge: number; loadport: number; from: string }
  /** Move it by hand (no loadport to use): from a place (or `unknown`) to a place or element. */
  | { kind: 'move'; cartridge: number; from: string; to: string };

/** The request as a person reads it. */
export function describeTask(task: OperatorTask): string {
  switch (task.kind) {
    case 'take-out':
      return `Take cartridge ${task.cartridge} out of loadport ${task.loadport} and bring it to: ${task.to}`;
    case 'put-in':
      return `Put cartridge ${task.cartridge} (now at: ${task.from}) into loadport ${task.loadport}`;
    case 'move':
      return `The cartridge ${task.cartridge} must be moved manually from ${task.from} to ${task.to}`;
  }
}

export interface Operator {
  /** A line of text (a place description). */
  askLine(question: string): Promise<string>;
  /** Yes or no. */
  confirm(question: string): Promise<boolean>;
  /** Asks for a manual move and resolves when the operator reports it done. */
  perform(task: OperatorTask): Promise<void>;
}

export interface StdinOperatorOptions {
  input?: NodeJS.ReadableStream & { isTTY?: boolean };
  output?: NodeJS.WritableStream;
}

/** Asks on the terminal. Without one (a pipe, cron) every question is a CartError naming it. */
export class StdinOperator implements Operator {
  private readonly input: NodeJS.ReadableStream & { isTTY?: boolean };
  private readonly output: NodeJS.WritableStream;

  constructor(o: StdinOperatorOptions = {}) {
    this.input = o.input ?? process.stdin;
    this.output = o.output ?? process.stderr;
  }

  private async line(question: string): Promise<string> {
    if (!this.input.isTTY) {
      throw new CartError('operator', `no terminal to ask the operator: "${question.trim()}" (answer it on the command line, e.g. -P TEXT, -f, -r, or run interactively)`);
    }
    const rl = createInterface({ input: this.input, output: this.output, terminal: false });
    try {
      const answer = rl.question(question);
      const closed = new Promise<never>((_, reject) => rl.once('close', () => reject(new CartError('operator', `input ended before the operator answered: "${question.trim()}"`))));
      return await Promise.race([answer, closed]);
    } finally {
      rl.close();
    }
  }

  askLine(question: string): Promise<string> {
    return this.line(`${question}\n`);
  }

  async confirm(question: string): Promise<boolean> {
    return /^\s*y/i.test(await this.line(`${question} [y/n] `));
  }

  async perform(task: OperatorTask): Promise<void> {
    await this.line(`${describeTask(task)}.\nPlease perform the requested operation and when done press the Return key.\n`);
  }
}

export interface ScriptedAnswers {
  /** Answers to askLine, in order. */
  lines?: string[];
  /** Answers to confirm, in order. */
  confirmations?: boolean[];
  /** Does the manual move (for a simulated library: operatorRemove / operatorInsert). */
  perform?: (task: OperatorTask) => Promise<void>;
}

/**
 * An operator that answers from a script and records every question. A question the script has
 * no answer for is a CartError naming it, so a test fails where an unexpected question is asked.
 */
export class ScriptedOperator implements Operator {
  /** Everything asked, in order: `line: ...`, `confirm: ...`, `task: ...`. */
  readonly transcript: string[] = [];
  readonly tasks: OperatorTask[] = [];
  private readonly lines: string[];
  private readonly confirmations: boolean[];

  constructor(private readonly answers: ScriptedAnswers = {}) {
    this.lines = [...(answers.lines ?? [])];
    this.confirmations = [...(answers.confirmations ?? [])];
  }

  async askLine(question: string): Promise<string> {
    this.transcript.push(`line: ${question}`);
    const answer = this.lines.shift();
    if (answer === undefined) throw new CartError('operator', `no scripted answer for: "${question}"`);
    return answer;
  }

  async confirm(question: string): Promise<boolean> {
    this.transcript.push(`confirm: ${question}`);
    const answer = this.confirmations.shift();
    if (answer === undefined) throw new CartError('operator', `no scripted confirmation for: "${question}"`);
    return answer;
  }

  async perform(task: OperatorTask): Promise<void> {
    this.transcript.push(`task: ${describeTask(task)}`);
    this.tasks.push(task);
    if (!this.answers.perform) throw new CartError('operator', `no scripted hand for: "${describeTask(task)}"`);
    await this.answers.perform(task);
  }
}
