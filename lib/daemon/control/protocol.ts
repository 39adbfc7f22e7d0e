/**
 * The control socket's wire format (docs/CONTROL.md): JSON lines. Every message is one JSON object
 * on one `\n`-terminated UTF-8 line of at most MAX_LINE bytes. Requests carry an integer id, and
 * every answer to a request (events, the result, an error, the start of a raw data stream) carries
 * the same id, so one connection may carry several requests at once.
 */
import type { Condition } from '../../api/conditions.js';
import type { ApiEvent } from '../../api/events.js';
import type { TaskEvent } from '../backend.js';
import { DaemonError, type DaemonErrorCode } from '../errors.js';

/** Bumped on any change a peer of the previous version would misread. */
export const PROTOCOL_VERSION = 1;

/** The longest line either side accepts, newline excluded (1 MiB). */
export const MAX_LINE = 1024 * 1024;

export const METHODS = ['hello', 'info', 'tasks', 'task', 'reply', 'abort', 'start', 'wait', 'watch'] as const;
export type Method = (typeof METHODS)[number];

/** The largest data frame of an `input` stream (docs/CONTROL.md "Data over the connection"). */
export const MAX_FRAME = 1024 * 1024;

/** The option value that means "the data flows over this connection" (for `input` and `output`). */
export const CONNECTION_STREAM = Object.freeze({ stream: 'connection' as const });

/** An option as it travels: lib/api's ApiOption with a JSON value (streams replaced by CONNECTION_STREAM). */
export interface WireOption {
  type: string;
  value: unknown;
}

export interface Request {
  id: number;
  method: Method;
  params: Record<string, unknown>;
}

export interface ErrorBody {
  code: DaemonErrorCode;
  message: string;
}

export type Response =
  | { id: number; result: unknown }
  /** id null: the line at fault had no usable id (not JSON, oversize). */
  | { id: number | null; error: ErrorBody }
  | { id: number; event: ApiEvent | TaskEvent }
  | { id: number; stream: 'begin'; task: number | null };

export interface HelloResult {
  version: number;
  pid: number;
  portOffset: number;
}

/** What `start` and `wait` end with. */
export type StreamResult = Condition;

/** Whether a value is the CONNECTION_STREAM marker. */
export function isConnectionStream(v: unknown): boolean {
  return typeof v === 'object' && v !== null && (v as { stream?: unknown }).stream === 'connection' && Object.keys(v).length === 1;
}

/** One message as a line; a message longer than MAX_LINE is refused (the peer could not read it). */
export function encode(message: Request | Response): Buffer {
  const line = Buffer.from(JSON.stringify(message) + '\n', 'utf8');
  if (line.length - 1 > MAX_LINE) {
    throw new DaemonError('protocol', `message of ${line.length - 1} bytes exceeds the ${MAX_LINE}-byte line limit`);
  }
  return line;
}

/**
 * Splits a byte stream into lines. Lines are taken one at a time with next(), so a reader can stop
 * at any line and take the bytes after it with rest() (raw data that followed a request in the same
 * chunk).
 */
export class LineSplitter {
  private buf: Buffer = Buffer.alloc(0);
  /** Bytes of buf already searched for a newline. */
  private scanned = 0;
  /** Lines taken so far, for messages that name the line at fault. */
  lineNumber = 0;

  push(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
  }

  /** The next complete line without its newline, or null when none is complete yet. */
  next(): Buffer | null {
    const nl = this.buf.indexOf(0x0a, this.scanned);
    if (nl < 0) {
      this.scanned = this.buf.length;
      if (this.buf.length > MAX_LINE) {
        throw new DaemonError('protocol', `line ${this.lineNumber + 1}: more than ${MAX_LINE} bytes without a newline`);
      }
      return null;
    }
    this.lineNumber++;
    if (nl > MAX_LINE) throw new DaemonError('protocol', `line ${this.lineNumber}: ${nl} bytes exceeds the ${MAX_LINE}-byte line limit`);
    const line = this.buf.subarray(0, nl);
    this.buf = this.buf.subarray(nl + 1);
    this.scanned = 0;
    return line;
  }

  /** Takes every byte not yet returned as a line. */
  rest(): Buffer {
    const r = this.buf;
    this.buf = Buffer.alloc(0);
    this.scanned = 0;
    return r;
  }
}

/** The 4-byte big-endian length that precedes each data frame of an `input` stream; 0 ends the data. */
export function frameHeader(length: number): Buffer {
  const h = Buffer.allocUnsafe(4);
  h.writeUInt32BE(length, 0);
  return h;
}

/**
 * Reads the framed data of an `input` stream: frames of a 4-byte big-endian length and that many
 * bytes, ended by a frame of length 0. The explicit end is what tells a finished stream from a
 * client that went away (both look like end of file on a socket).
 */
export class FrameReader {
  /** Data bytes read so far. */
  bytes = 0;
  private frames = 0;
  private readonly header = Buffer.alloc(4);
  private headerBytes = 0;
  /** Bytes of the current frame still to come; 0 while a header is read. */
  private left = 0;

  /**
   * Feeds bytes from the socket; the data goes to onData (slices of chunk, not copies). Returns the
   * bytes that followed the end frame once it is seen, null while the data goes on.
   */
  push(chunk: Buffer, onData: (data: Buffer) => void): Buffer | null {
    let i = 0;
    while (i < chunk.length) {
      if (this.left > 0) {
        const n = Math.min(this.left, chunk.length - i);
        onData(chunk.subarray(i, i + n));
        i += n;
        this.left -= n;
        this.bytes += n;
        continue;
      }
      const n = Math.min(4 - this.headerBytes, chunk.length - i);
      chunk.copy(this.header, this.headerBytes, i, i + n);
      this.headerBytes += n;
      i += n;
      if (this.headerBytes < 4) break;
      this.headerBytes = 0;
      const length = this.header.readUInt32BE(0);
      if (length === 0) return chunk.subarray(i);
      this.frames++;
      if (length > MAX_FRAME) {
        throw new DaemonError('protocol', `data frame ${this.frames} (after ${this.bytes} bytes): length ${length} exceeds the ${MAX_FRAME}-byte frame limit`);
      }
      this.left = length;
    }
    return null;
  }

  /** Where the stream stopped, for the error when the connection ends before the end frame. */
  describe(): string {
    return this.left > 0 ? `${this.bytes} bytes, inside frame ${this.frames} (${this.left} bytes of it missing)` : `${this.bytes} bytes, before the end frame`;
  }
}

/** A line as a JSON object; anything else is a protocol error naming the line. */
export function decodeObject(line: Buffer, lineNumber: number): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(line.toString('utf8'));
  } catch (e) {
    throw new DaemonError('protocol', `line ${lineNumber}: not JSON (${(e as Error).message})`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new DaemonError('protocol', `line ${lineNumber}: expected a JSON object, got ${Array.isArray(v) ? 'an array' : typeof v}`);
  }
  return v as Record<string, unknown>;
}

/** A request's id when it has a usable one (so an error about the rest can still be answered). */
export function requestId(o: Record<string, unknown>): number | null {
  return Number.isSafeInteger(o.id) ? (o.id as number) : null;
}

/** Checks a decoded object is a request: integer id, known method, params an object (or absent). */
export function parseRequest(o: Record<string, unknown>, lineNumber: number): Request {
  const id = requestId(o);
  if (id === null) throw new DaemonError('protocol', `line ${lineNumber}: "id" must be an integer, got ${JSON.stringify(o.id)}`);
  if (typeof o.method !== 'string' || !(METHODS as readonly string[]).includes(o.method)) {
    throw new DaemonError('protocol', `request ${id}: unknown method ${JSON.stringify(o.method)} (expected one of ${METHODS.join(', ')})`);
  }
  const params = o.params ?? {};
  if (typeof params !== 'object' || params === null || Array.isArray(params)) {
    throw new DaemonError('protocol', `request ${id}: "params" must be an object`);
  }
  return { id, method: o.method as Method, params: params as Record<string, unknown> };
}

/** A required integer parameter (a task id). */
export function intParam(req: Request, name: string): number {
  const v = req.params[name];
  if (!Number.isSafeInteger(v)) throw new DaemonError('protocol', `request ${req.id} (${req.method}): "${name}" must be an integer, got ${JSON.stringify(v)}`);
  return v as number;
}

/** A required string parameter. */
export function stringParam(req: Request, name: string): string {
  const v = req.params[name];
  if (typeof v !== 'string') throw new DaemonError('protocol', `request ${req.id} (${req.method}): "${name}" must be a string, got ${JSON.stringify(v)}`);
  return v;
}

/** The error body of a thrown value: a DaemonError keeps its code, anything else is reported as 'invalid'. */
export function errorBody(e: unknown): ErrorBody {
  if (e instanceof DaemonError) return { code: e.code, message: e.message };
  return { code: 'invalid', message: e instanceof Error ? e.message : String(e) };
}
