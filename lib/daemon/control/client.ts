/**
 * The control socket's client (docs/CONTROL.md), for the CLI and for lib/api's remote start: one
 * connection for requests, and a connection of its own for each operation whose data flows over
 * the socket.
 */
import { createConnection, type Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { condition, succeeded, type Condition } from '../../api/conditions.js';
import { deliver, type ApiEvent, type EventHandlers } from '../../api/events.js';
import type { TaskEvent } from '../backend.js';
import { DaemonError, type DaemonErrorCode } from '../errors.js';
import {
  CONNECTION_STREAM,
  decodeObject,
  encode,
  frameHeader,
  isConnectionStream,
  LineSplitter,
  MAX_FRAME,
  PROTOCOL_VERSION,
  type HelloResult,
  type Method,
  type WireOption,
} from './protocol.js';

/** A Unix socket path, or the loopback TCP listener and its token. */
export type ControlTarget = { path: string } | { host: string; port: number; token: string };

type OnEvent = (e: ApiEvent | TaskEvent) => void;

interface Pending {
  resolve(result: unknown): void;
  reject(e: Error): void;
  onEvent?: OnEvent;
  onBegin?: (task: number | null) => void;
}

function describe(target: ControlTarget): string {
  return 'path' in target ? target.path : `${target.host}:${target.port}`;
}

/** One connection: request lines out, answer lines in, and raw bytes in after an output stream's begin line. */
class Link {
  private readonly splitter = new LineSplitter();
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private raw: ((chunk: Buffer) => void) | null = null;
  private failure: Error | null = null;

  private constructor(
    readonly socket: Socket,
    private readonly where: string,
  ) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (e) => this.fail(new DaemonError('unreachable', `control connection to ${where}: ${e.message}`, { cause: e })));
    socket.on('close', () => this.fail(new DaemonError('unreachable', `the daemon at ${where} closed the connection`)));
  }

  static open(target: ControlTarget): Promise<Link> {
    const where = describe(target);
    return new Promise((resolve, reject) => {
      const socket =
        'path' in target
          ? createConnection({ path: target.path, allowHalfOpen: true })
          : createConnection({ host: target.host, port: target.port, allowHalfOpen: true });
      const onError = (e: NodeJS.ErrnoException) => {
        const absent = e.code === 'ENOENT' || e.code === 'ECONNREFUSED';
        const message = absent ? `no tapecoord daemon at ${where}: start one with \`tapecoord serve\`` : `control socket ${where}: ${e.message}`;
        reject(new DaemonError('unreachable', message, { cause: e }));
      };
      socket.once('error', onError);
      socket.once('connect', () => {
        socket.off('error', onError);
        resolve(new Link(socket, where));
      });
    });
  }

  request(method: Method, params: Record<string, unknown>, extra: Partial<Pending> = {}): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      const line = encode({ id, method, params });
      this.pending.set(id, { resolve, reject, ...extra });
      this.socket.write(line);
    });
  }

  /** From now on every byte read goes to sink (an output stream's data). */
  rawTo(sink: (chunk: Buffer) => void): void {
    this.raw = sink;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed) return resolve();
      this.socket.once('close', () => resolve());
      this.socket.end(() => this.socket.destroy());
    });
  }

  private onData(chunk: Buffer): void {
    if (this.raw) return this.raw(chunk);
    this.splitter.push(chunk);
    try {
      for (let line = this.splitter.next(); line !== null; line = this.raw ? null : this.splitter.next()) this.onLine(line);
    } catch (e) {
      this.fail(e as Error);
      this.socket.destroy();
      return;
    }
    // a begin line switched to raw inside onLine: the bytes after it are data
    const raw = this.raw as ((chunk: Buffer) => void) | null;
    if (raw) {
      const rest = this.splitter.rest();
      if (rest.length > 0) raw(rest);
    }
  }

  private onLine(line: Buffer): void {
    const o = decodeObject(line, this.splitter.lineNumber);
    const error = o.error as { code: DaemonErrorCode; message: string } | undefined;
    if (o.id === null && error) throw new DaemonError(error.code, `the daemon at ${this.where}: ${error.message}`);
    const p = this.pending.get(o.id as number);
    if (!p) return;
    if ('event' in o) p.onEvent?.(o.event as ApiEvent | TaskEvent);
    else if (o.stream === 'begin') p.onBegin?.(o.task as number | null);
    else if (error) {
      this.pending.delete(o.id as number);
      p.reject(new DaemonError(error.code, error.message));
    } else if ('result' in o) {
      this.pending.delete(o.id as number);
      p.resolve(o.result);
    } else throw new DaemonError('protocol', `the daemon at ${this.where}, line ${this.splitter.lineNumber}: an answer with neither result, error, event nor stream`);
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}

async function greet(link: Link, target: ControlTarget): Promise<HelloResult> {
  const params: Record<string, unknown> = { version: PROTOCOL_VERSION };
  if ('token' in target) params.token = target.token;
  try {
    return (await link.request('hello', params)) as HelloResult;
  } catch (e) {
    await link.close();
    throw e;
  }
}

export class ControlClient {
  private constructor(
    private readonly target: ControlTarget,
    private readonly link: Link,
    /** What the daemon said to hello: its protocol version, pid and port offset. */
    readonly hello: HelloResult,
  ) {}

  /** Connects and says hello (with the token on TCP). */
  static async connect(target: ControlTarget): Promise<ControlClient> {
    const link = await Link.open(target);
    return new ControlClient(target, link, await greet(link, target));
  }

  /** One request; resolves to its result, rejects with a DaemonError carrying the daemon's code. */
  call(method: Method, params: Record<string, unknown> = {}): Promise<unknown> {
    return this.link.request(method, params);
  }

  /** A streaming request (start, wait, watch): events to onEvent, then the result. */
  stream(method: 'start' | 'wait' | 'watch', params: Record<string, unknown>, onEvent: OnEvent): Promise<unknown> {
    return this.link.request(method, params, { onEvent });
  }

  /**
   * Starts an operation whose `input` is `input`, sent as data frames on a connection of its own.
   * Resolves to the daemon's condition; when `input` fails, the connection is dropped without the
   * end frame (the daemon's dump fails, never recording a short stream) and the condition is STREAMERR.
   */
  async startWithInput(options: readonly WireOption[], input: Readable, handlers: EventHandlers): Promise<Condition> {
    const link = await this.dataLink(options, 'input');
    let task: number | null = null;
    const started = link.request(
      'start',
      { options: withStream(options, 'input') },
      {
        onEvent: (e) => {
          task ??= e.kind === 'task' ? null : e.task;
          if (e.kind !== 'task') deliver(handlers, e);
        },
      },
    ) as Promise<Condition>;
    const pump = sendFrames(input, link.socket);
    try {
      return await Promise.race([started, pump.failure.then((e) => condition('STREAMERR', `input: ${e.message}`, task))]);
    } finally {
      pump.stop();
      await link.close();
    }
  }

  /**
   * Starts an operation whose `output` is `output`: the data arrives raw on a connection of its own,
   * the events and the condition through `wait` on another. `output` is ended only when the
   * condition is a success and the data connection ended in order; otherwise it is destroyed.
   */
  async startWithOutput(options: readonly WireOption[], output: Writable, handlers: EventHandlers): Promise<Condition> {
    const link = await this.dataLink(options, 'output');
    let onBegin!: (task: number | null) => void;
    const begun = new Promise<number | null>((resolve) => (onBegin = resolve));
    const started = link.request('start', { options: withStream(options, 'output') }, {
      onEvent: (e) => e.kind !== 'task' && deliver(handlers, e),
      onBegin: (task) => {
        link.rawTo((chunk) => {
          if (!output.write(chunk)) {
            link.socket.pause();
            output.once('drain', () => link.socket.resume());
          }
        });
        onBegin(task);
      },
    }) as Promise<Condition>;
    // after the begin line the start request is never answered on this connection
    started.catch(() => {});
    const first = await Promise.race([started.then((c) => ({ condition: c })), begun.then((task) => ({ task }))]).catch(async (e) => {
      await link.close();
      throw e;
    });
    if ('condition' in first) {
      await link.close();
      return first.condition;
    }
    if (first.task === null) {
      link.socket.destroy();
      output.destroy();
      throw new DaemonError('protocol', `the daemon at ${describe(this.target)} began an output stream without naming its task`);
    }
    let orderly = false;
    const dataDone = new Promise<boolean>((resolve) => {
      link.socket.once('end', () => {
        orderly = true;
        link.socket.destroy();
      });
      link.socket.once('close', () => resolve(orderly));
    });
    let cond: Condition;
    try {
      [orderly, cond] = await Promise.all([dataDone, this.waitOn(first.task, handlers)]);
    } catch (e) {
      link.socket.destroy();
      output.destroy();
      throw e;
    }
    if (!succeeded(cond)) {
      output.destroy();
      return cond;
    }
    if (!orderly) {
      output.destroy();
      return condition('STREAMERR', `the data connection to ${describe(this.target)} broke before the end of the output`, cond.task, cond.result);
    }
    await new Promise<void>((resolve) => output.end(resolve));
    return cond;
  }

  /** Closes the connection; open streams (a watch) reject. */
  close(): Promise<void> {
    return this.link.close();
  }

  private async dataLink(options: readonly WireOption[], kind: 'input' | 'output'): Promise<Link> {
    if (options.some((o) => o.type === kind && !isConnectionStream(o.value))) {
      throw new DaemonError('invalid', `start with the ${kind} over the connection: "${kind}" must be left out or be {"stream":"connection"}`);
    }
    const link = await Link.open(this.target);
    await greet(link, this.target);
    return link;
  }

  private async waitOn(task: number, handlers: EventHandlers): Promise<Condition> {
    const c = await ControlClient.connect(this.target);
    try {
      return (await c.stream('wait', { task }, (e) => e.kind !== 'task' && deliver(handlers, e))) as Condition;
    } finally {
      await c.close();
    }
  }
}

/** The options with the connection-stream marker for kind (added when the caller left it out). */
function withStream(options: readonly WireOption[], kind: 'input' | 'output'): WireOption[] {
  return options.some((o) => o.type === kind) ? [...options] : [...options, { type: kind, value: CONNECTION_STREAM }];
}

/** Sends input as data frames with back-pressure, then the end frame. failure resolves when input fails. */
function sendFrames(input: Readable, socket: Socket): { failure: Promise<Error>; stop(): void } {
  let stopped = false;
  let fail!: (e: Error) => void;
  const failure = new Promise<Error>((resolve) => (fail = resolve));
  const onData = (chunk: Buffer | string) => {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    let ok = true;
    // an empty chunk sends nothing: a zero length would be the end frame
    for (let i = 0; i < b.length; i += MAX_FRAME) {
      const part = b.subarray(i, i + MAX_FRAME);
      socket.cork();
      socket.write(frameHeader(part.length));
      ok = socket.write(part);
      socket.uncork();
    }
    if (!ok) {
      input.pause();
      socket.once('drain', () => stopped || input.resume());
    }
  };
  const onEnd = () => socket.write(frameHeader(0));
  const onError = (e: Error) => {
    // no end frame: the daemon sees the data stop short
    socket.destroy();
    fail(e);
  };
  input.on('data', onData);
  input.once('end', onEnd);
  input.once('error', onError);
  return {
    failure,
    stop() {
      stopped = true;
      input.off('data', onData);
      input.off('end', onEnd);
      input.off('error', onError);
      input.pause();
    },
  };
}
