/**
 * The daemon's control socket (docs/CONTROL.md): a Unix socket (mode 0660 by default) and, when
 * configured, a TCP listener on the loopback address that admits a connection only after a `hello`
 * with the right token. Each connection is a ControlConnection speaking JSON lines to the
 * ControlBackend; `start` may turn the rest of a connection into a data stream.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { chmodSync, lstatSync, unlinkSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { succeeded, type Condition } from '../../api/conditions.js';
import type { ApiEvent, EventHandlers } from '../../api/events.js';
import type { ControlBackend } from '../backend.js';
import { DaemonError } from '../errors.js';
import {
  decodeObject,
  encode,
  errorBody,
  FrameReader,
  intParam,
  isConnectionStream,
  LineSplitter,
  parseRequest,
  PROTOCOL_VERSION,
  requestId,
  stringParam,
  type HelloResult,
  type Request,
  type Response,
  type WireOption,
} from './protocol.js';

export interface ControlServerOptions {
  /** The Unix socket's path. */
  path: string;
  /** Its file mode (default 0o660: the daemon's user and group). */
  mode?: number;
  /** Optional TCP listener: host must be 127.0.0.1 or ::1; port 0 picks a free one. */
  tcp?: { host: string; port: number; token: string };
}

/** The shortest TCP token accepted: guessing it must not be practical. */
export const MIN_TOKEN_LENGTH = 16;
const LOOPBACK = new Set(['127.0.0.1', '::1']);

export class ControlServer extends EventEmitter<{ connection: [Socket] }> {
  private unix: Server | null = null;
  private tcp: Server | null = null;
  private readonly connections = new Set<ControlConnection>();

  constructor(
    private readonly backend: ControlBackend,
    private readonly options: ControlServerOptions,
  ) {
    super();
    const t = options.tcp;
    if (t) {
      if (!LOOPBACK.has(t.host)) throw new DaemonError('invalid', `control TCP address ${t.host}: only 127.0.0.1 or ::1 (loopback) is allowed`);
      if (typeof t.token !== 'string' || t.token.length < MIN_TOKEN_LENGTH) {
        throw new DaemonError('invalid', `control TCP token: at least ${MIN_TOKEN_LENGTH} characters are required`);
      }
      if (!Number.isInteger(t.port) || t.port < 0 || t.port > 65535) throw new DaemonError('invalid', `control TCP port ${t.port}: expected 0..65535`);
    }
  }

  /** The TCP address actually bound (the port chosen when 0 was asked), or null without TCP. */
  get tcpAddress(): { host: string; port: number } | null {
    const a = this.tcp?.address();
    return a && typeof a === 'object' ? { host: a.address, port: a.port } : null;
  }

  /** Starts listening. A live daemon's socket is never taken over; a stale socket file is replaced. */
  async listen(): Promise<void> {
    const { path } = this.options;
    const unix = this.makeServer(null);
    try {
      await listenOn(unix, path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw new DaemonError('invalid', `control socket ${path}: ${(e as Error).message}`, { cause: e });
      await removeStale(path);
      await listenOn(unix, path);
    }
    this.unix = unix;
    chmodSync(path, this.options.mode ?? 0o660);
    const t = this.options.tcp;
    if (t) {
      const tcp = this.makeServer(t.token);
      try {
        await listenOn(tcp, { host: t.host, port: t.port });
      } catch (e) {
        await this.close();
        throw new DaemonError('invalid', `control TCP ${t.host}:${t.port}: ${(e as Error).message}`, { cause: e });
      }
      this.tcp = tcp;
    }
  }

  /** Stops listening, drops every connection (open streams end as broken) and removes the socket file. */
  async close(): Promise<void> {
    for (const c of this.connections) c.destroy();
    const servers = [this.unix, this.tcp].filter((s): s is Server => s !== null);
    this.unix = this.tcp = null;
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    // net.Server unlinks its Unix socket on close; a file left behind would only be stale.
  }

  private makeServer(token: string | null): Server {
    return createServer({ allowHalfOpen: true }, (socket) => {
      const conn = new ControlConnection(socket, this.backend, token);
      this.connections.add(conn);
      socket.once('close', () => this.connections.delete(conn));
      this.emit('connection', socket);
    });
  }
}

function listenOn(server: Server, where: string | { host: string; port: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (e: Error) => reject(e);
    server.once('error', fail);
    const done = () => {
      server.off('error', fail);
      resolve();
    };
    if (typeof where === 'string') server.listen(where, done);
    else server.listen(where.port, where.host, done);
  });
}

/** Removes a socket file nobody answers on; refuses a live one and anything that is not a socket. */
async function removeStale(path: string): Promise<void> {
  const st = lstatSync(path);
  if (!st.isSocket()) throw new DaemonError('invalid', `control socket ${path}: the path exists and is not a socket`);
  const answer = await new Promise<'alive' | 'stale' | Error>((resolve) => {
    const probe = createConnection(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve('alive');
    });
    probe.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED' || e.code === 'ENOENT' ? 'stale' : e));
  });
  if (answer === 'alive') throw new DaemonError('invalid', `control socket ${path}: another daemon is listening on it`);
  if (answer instanceof Error) throw new DaemonError('invalid', `control socket ${path}: in use, and probing it failed: ${answer.message}`, { cause: answer });
  try {
    unlinkSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new DaemonError('invalid', `control socket ${path}: cannot remove the stale socket: ${(e as Error).message}`);
  }
}

type BackendOptions = Parameters<ControlBackend['start']>[0];

/** How much of an `input` stream the server holds before it stops reading the socket. */
const INPUT_HIGH_WATER = 1024 * 1024;
/** How much of an `output` stream the Writable holds before the backend is told to wait. */
const OUTPUT_HIGH_WATER = 256 * 1024;

/** An `input` stream's data, read from the socket as the backend asks for it. */
class SocketSource extends Readable {
  constructor(private readonly more: () => void) {
    super({ highWaterMark: INPUT_HIGH_WATER });
    // the backend may not be reading yet when the client goes away; its own listeners see the error
    this.on('error', () => {});
  }
  override _read(): void {
    this.more();
  }
}

/** An `output` stream's sink: raw bytes to the socket, one chunk at a time, waiting for 'drain'. */
class SocketSink extends Writable {
  constructor(private readonly put: (chunk: Buffer, done: (e?: Error) => void) => void) {
    super({ highWaterMark: OUTPUT_HIGH_WATER });
    this.on('error', () => {});
  }
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (e?: Error | null) => void): void {
    this.put(chunk, done);
  }
}

/**
 * One client connection. Lines are requests; `start` with an `input` connection stream turns the
 * bytes after its line into framed data until the end frame; `start` with an `output` connection
 * stream turns the server's side into raw data once the task is named.
 */
class ControlConnection {
  private readonly splitter = new LineSplitter();
  /** lines: requests; input: data frames; output: raw bytes out, nothing read; closing: nothing more read. */
  private mode: 'lines' | 'input' | 'output' | 'closing' = 'lines';
  private greeted: boolean;
  /** Requests still answering (start, wait, watch). */
  private readonly open = new Set<number>();
  private readonly unsubscribers: (() => void)[] = [];
  private frames: FrameReader | null = null;
  private source: SocketSource | null = null;
  private sink: SocketSink | null = null;
  /** An output stream's begin line went out: from then on only raw bytes. */
  private begun = false;

  constructor(
    private readonly socket: Socket,
    private readonly backend: ControlBackend,
    private readonly token: string | null,
  ) {
    this.greeted = token === null;
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => this.onEnd());
    // a reset or EPIPE: 'close' follows, and the streams that care learn of it there
    socket.on('error', () => {});
    socket.on('close', () => this.onClose());
  }

  destroy(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    if (this.mode === 'input') return this.feed(chunk);
    if (this.mode !== 'lines') return;
    this.splitter.push(chunk);
    try {
      for (let line = this.splitter.next(); line !== null; line = this.mode === 'lines' ? this.splitter.next() : null) {
        this.onLine(line, this.splitter.lineNumber);
      }
    } catch (e) {
      // broken framing: no line boundary to resume at
      this.send({ id: null, error: errorBody(e) });
      this.hangUp();
      return;
    }
    if (this.inputting()) {
      const rest = this.splitter.rest();
      if (rest.length > 0) this.feed(rest);
    }
  }

  /** Whether an input stream's data is being read (mode changes inside onLine, out of the compiler's sight). */
  private inputting(): boolean {
    return this.mode === 'input';
  }

  private onLine(line: Buffer, lineNumber: number): void {
    let id: number | null = null;
    try {
      const o = decodeObject(line, lineNumber);
      id = requestId(o);
      // the data of an input stream follows its start line even when the request is refused
      if (o.method === 'start' && id !== null) this.maybeInput(o);
      const req = parseRequest(o, lineNumber);
      if (!this.greeted && req.method !== 'hello') {
        this.send({ id: req.id, error: { code: 'refused', message: 'this connection must begin with hello and the token' } });
        this.hangUp();
        return;
      }
      this.dispatch(req);
    } catch (e) {
      if (this.source) this.source.destroy();
      this.send({ id, error: errorBody(e) });
    }
  }

  private dispatch(req: Request): void {
    const b = this.backend;
    switch (req.method) {
      case 'hello':
        return this.hello(req);
      case 'info':
        return this.send({ id: req.id, result: b.info() });
      case 'tasks':
        return this.send({ id: req.id, result: b.tasks.snapshots() });
      case 'task': {
        const id = intParam(req, 'id');
        const t = b.tasks.get(id);
        if (!t) throw new DaemonError('not-found', `task ${id}: no such task`);
        return this.send({ id: req.id, result: t.snapshot() });
      }
      case 'reply':
        b.reply(intParam(req, 'task'), stringParam(req, 'answer'));
        return this.send({ id: req.id, result: null });
      case 'abort':
        b.abort(intParam(req, 'task'));
        return this.send({ id: req.id, result: null });
      case 'wait': {
        const task = intParam(req, 'task');
        return void this.answer(req.id, () => b.wait(task, this.forward(req.id)));
      }
      case 'watch': {
        this.open.add(req.id);
        this.unsubscribers.push(b.subscribe((e) => this.send({ id: req.id, event: e })));
        return;
      }
      case 'start':
        return this.start(req);
    }
  }

  private hello(req: Request): void {
    const version = intParam(req, 'version');
    if (version !== PROTOCOL_VERSION) {
      throw new DaemonError('protocol', `hello: protocol version ${version} is not spoken here (this daemon speaks ${PROTOCOL_VERSION})`);
    }
    if (this.token !== null) {
      const given = req.params.token;
      if (typeof given !== 'string' || !sameToken(given, this.token)) {
        this.send({ id: req.id, error: { code: 'refused', message: 'hello: wrong or missing token' } });
        this.hangUp();
        return;
      }
    }
    this.greeted = true;
    const result: HelloResult = { version: PROTOCOL_VERSION, pid: process.pid, portOffset: this.backend.tasks.portOffset };
    this.send({ id: req.id, result });
  }

  /** Enters input mode when a start line asks for its data over the connection. */
  private maybeInput(o: Record<string, unknown>): void {
    const options = (o.params as { options?: unknown } | undefined)?.options;
    if (!Array.isArray(options) || !options.some((x) => x?.type === 'input' && isConnectionStream(x?.value))) return;
    this.frames = new FrameReader();
    this.source = new SocketSource(() => this.socket.resume());
    this.mode = 'input';
  }

  private start(req: Request): void {
    const options = wireOptions(req);
    const streamed = options.filter((o) => isConnectionStream(o.value));
    if (streamed.length > 1) throw new DaemonError('protocol', `request ${req.id} (start): only one option may stream over the connection`);
    const kind = streamed[0]?.type;
    if (kind !== undefined && kind !== 'input' && kind !== 'output') {
      throw new DaemonError('protocol', `request ${req.id} (start): option "${kind}" cannot stream over the connection (only input and output)`);
    }
    if (kind === 'output' && this.open.size > 0) {
      throw new DaemonError('protocol', `request ${req.id} (start): an output stream needs a connection of its own (requests ${[...this.open].join(', ')} are open)`);
    }
    let value: unknown = null;
    if (kind === 'input') value = this.source;
    if (kind === 'output') {
      this.sink = new SocketSink((chunk, done) => this.put(req.id, chunk, done));
      value = this.sink;
    }
    const actual = options.map((o) => (isConnectionStream(o.value) ? { type: o.type, value } : o)) as unknown as BackendOptions;
    if (kind === 'output') return void this.startOutput(req.id, actual);
    const source = kind === 'input' ? this.source : null;
    void this.answer(req.id, () => this.backend.start(actual, this.forward(req.id))).finally(() => {
      if (!source || source.readableEnded) return;
      // the backend is done with the data: whatever still comes is read and dropped
      source.destroy();
      this.socket.resume();
    });
  }

  private async startOutput(id: number, options: BackendOptions): Promise<void> {
    this.open.add(id);
    const handlers: EventHandlers = {
      all: (e: ApiEvent) => {
        if (this.begun) return;
        this.send({ id, event: e });
        this.begin(id, e.task);
      },
    };
    let cond: Condition | null = null;
    let failure: unknown = null;
    try {
      cond = await this.backend.start(options, handlers);
    } catch (e) {
      failure = e;
    }
    const sink = this.sink!;
    this.sink = null;
    this.open.delete(id);
    if (!this.begun) {
      // refused or ended before any event or byte: an ordinary answer, the connection stays as it was
      sink.destroy();
      this.send(cond ? { id, result: cond } : { id, error: errorBody(failure) });
      return this.maybeEnd();
    }
    if (cond && succeeded(cond)) {
      try {
        if (!sink.writableEnded) sink.end();
        await finished(sink);
        this.socket.end();
        return;
      } catch {
        // the client went away while the last bytes were written
      }
    }
    // not a success: no more bytes, and not the orderly end a complete stream gets
    sink.destroy();
    this.socket.destroy();
  }

  /** The output stream's begin line; after it, only raw bytes. */
  private begin(id: number, task: number | null): void {
    this.send({ id, stream: 'begin', task });
    this.begun = true;
    this.mode = 'output';
  }

  private put(id: number, chunk: Buffer, done: (e?: Error) => void): void {
    if (!this.begun) this.begin(id, null);
    const s = this.socket;
    if (!s.writable) return done(new DaemonError('protocol', 'the client closed the data connection'));
    if (s.write(chunk)) return done();
    const onDrain = () => {
      s.off('close', onClose);
      done();
    };
    const onClose = () => {
      s.off('drain', onDrain);
      done(new DaemonError('protocol', 'the client closed the data connection'));
    };
    s.once('drain', onDrain);
    s.once('close', onClose);
  }

  /** Input data: frames to the source; socket paused while the source is full. */
  private feed(chunk: Buffer): void {
    const source = this.source!;
    let rest: Buffer | null;
    try {
      rest = this.frames!.push(chunk, (data) => {
        if (source.destroyed) return;
        if (!source.push(data)) this.socket.pause();
      });
    } catch (e) {
      source.destroy(e as Error);
      this.send({ id: null, error: errorBody(e) });
      this.hangUp();
      return;
    }
    if (rest === null) return;
    if (!source.destroyed) source.push(null);
    this.source = this.frames = null;
    this.mode = 'lines';
    this.socket.resume();
    if (rest.length > 0) this.onData(rest);
  }

  /** Events of a start or wait, forwarded as lines. */
  private forward(id: number): EventHandlers {
    return { all: (e: ApiEvent) => this.send({ id, event: e }) };
  }

  /** Runs a streaming request and sends its result or error. */
  private answer(id: number, run: () => Promise<unknown>): Promise<void> {
    this.open.add(id);
    return Promise.resolve()
      .then(run)
      .then(
        (result) => this.send({ id, result }),
        (e) => this.send({ id, error: errorBody(e) }),
      )
      .finally(() => {
        this.open.delete(id);
        this.maybeEnd();
      });
  }

  private send(message: Response): void {
    if (this.begun || !this.socket.writable) return;
    let line: Buffer;
    try {
      line = encode(message);
    } catch (e) {
      line = encode({ id: message.id, error: errorBody(e) });
    }
    this.socket.write(line);
  }

  /** The client half-closed: once nothing is open, so does the server. */
  private onEnd(): void {
    if (this.mode === 'input') {
      this.source!.destroy(new DaemonError('protocol', `the client ended the connection after ${this.frames!.describe()}`));
      this.source = this.frames = null;
      this.mode = 'closing';
    }
    this.maybeEnd();
  }

  private maybeEnd(): void {
    if (this.socket.readableEnded && this.open.size === 0 && this.mode !== 'output') this.socket.end();
  }

  /** Ends the connection after what was sent, reading nothing more. */
  private hangUp(): void {
    this.mode = 'closing';
    this.socket.end(() => this.socket.destroy());
  }

  private onClose(): void {
    for (const u of this.unsubscribers.splice(0)) u();
    const gone = (what: string) => new DaemonError('protocol', `the client closed the connection ${what}`);
    if (this.source) this.source.destroy(gone(`after ${this.frames!.describe()}`));
    if (this.sink && !this.sink.writableFinished) this.sink.destroy(gone('before the end of the output stream'));
  }
}

function wireOptions(req: Request): WireOption[] {
  const raw = req.params.options;
  if (!Array.isArray(raw)) throw new DaemonError('protocol', `request ${req.id} (start): "options" must be an array of {type, value}`);
  return raw.map((o: unknown, i) => {
    if (typeof o !== 'object' || o === null || typeof (o as WireOption).type !== 'string') {
      throw new DaemonError('protocol', `request ${req.id} (start): option ${i} must be an object with a string "type"`);
    }
    return { type: (o as WireOption).type, value: (o as WireOption).value };
  });
}

/** Compares tokens in time independent of where they differ. */
function sameToken(a: string, b: string): boolean {
  const h = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(h(a), h(b));
}
