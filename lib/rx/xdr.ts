import { XdrError } from './errors.js';

/**
 * XDR primitives (RFC 4506) as OpenAFS's `src/rx/xdr*.c` encode them (BUTC-SPEC §3.3): 4-byte
 * big-endian words; opaque data and strings padded with zeros to a multiple of 4; a C `char` is a
 * whole word (xdr_char goes through xdr_int).
 */
export class XdrEncoder {
  private buf: Buffer;
  private len = 0;

  constructor(initial = 256) {
    this.buf = Buffer.alloc(initial);
  }

  get length(): number {
    return this.len;
  }

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = Buffer.alloc(size);
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  int32(v: number, path = ''): void {
    if (!Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff) {
      throw new XdrError('encode', path, this.len, `${v} is not a 32-bit signed integer`);
    }
    this.room(4);
    this.buf.writeInt32BE(v, this.len);
    this.len += 4;
  }

  uint32(v: number, path = ''): void {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) {
      throw new XdrError('encode', path, this.len, `${v} is not a 32-bit unsigned integer`);
    }
    this.room(4);
    this.buf.writeUInt32BE(v, this.len);
    this.len += 4;
  }

  int64(v: bigint, path = ''): void {
    if (v < -(1n << 63n) || v >= 1n << 63n) throw new XdrError('encode', path, this.len, `${v} is not a 64-bit signed integer`);
    this.room(8);
    this.buf.writeBigInt64BE(v, this.len);
    this.len += 8;
  }

  /** Raw bytes followed by zero padding to a multiple of 4. */
  bytes(b: Uint8Array): void {
    const padded = (b.length + 3) & ~3;
    this.room(padded);
    this.buf.set(b, this.len);
    this.buf.fill(0, this.len + b.length, this.len + padded);
    this.len += padded;
  }

  /** The encoded bytes (a copy-free view, valid until the next write). */
  finish(): Buffer {
    return this.buf.subarray(0, this.len);
  }
}

export class XdrDecoder {
  readonly buf: Buffer;
  offset: number;

  constructor(buf: Buffer, offset = 0) {
    this.buf = buf;
    this.offset = offset;
  }

  get remaining(): number {
    return this.buf.length - this.offset;
  }

  private need(n: number, path: string): void {
    if (this.remaining < n) {
      throw new XdrError('decode', path, this.offset, `needs ${n} bytes, ${this.remaining} left`);
    }
  }

  int32(path = ''): number {
    this.need(4, path);
    const v = this.buf.readInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  uint32(path = ''): number {
    this.need(4, path);
    const v = this.buf.readUInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  int64(path = ''): bigint {
    this.need(8, path);
    const v = this.buf.readBigInt64BE(this.offset);
    this.offset += 8;
    return v;
  }

  /** `n` raw bytes, skipping the padding after them. */
  bytes(n: number, path = ''): Buffer {
    const padded = (n + 3) & ~3;
    this.need(padded, path);
    const out = Buffer.from(this.buf.subarray(this.offset, this.offset + n));
    this.offset += padded;
    return out;
  }
}
