/**
 * Bounds-checked reads from a SCSI response. Every parser reads through a ByteReader, so a field
 * or a length that points past the data becomes a ScsiParseError naming the command or page, the
 * field and the byte offset — never a RangeError from inside Buffer.
 */
import { ScsiParseError } from './parse-error.js';

export class ByteReader {
  /**
   * @param what   the command or page, for messages ('READ ELEMENT STATUS')
   * @param origin where byte 0 of this view lies in the whole response
   */
  constructor(
    readonly buf: Buffer,
    readonly what: string,
    readonly origin = 0,
  ) {}

  get length(): number {
    return this.buf.length;
  }

  /** Throws unless `size` bytes at `offset` lie inside the view. */
  need(offset: number, size: number, field: string): void {
    if (offset + size <= this.buf.length) return;
    const left = Math.max(0, this.buf.length - offset);
    throw new ScsiParseError(this.what, this.origin + offset, `${field} needs ${size} byte${size === 1 ? '' : 's'}, ${left} left`);
  }

  u8(offset: number, field: string): number {
    this.need(offset, 1, field);
    return this.buf[offset]!;
  }

  u16(offset: number, field: string): number {
    this.need(offset, 2, field);
    return this.buf.readUInt16BE(offset);
  }

  u24(offset: number, field: string): number {
    this.need(offset, 3, field);
    return this.buf.readUIntBE(offset, 3);
  }

  u32(offset: number, field: string): number {
    this.need(offset, 4, field);
    return this.buf.readUInt32BE(offset);
  }

  /** An unsigned big-endian integer of 1 to 8 bytes (exact up to 2^53). */
  uint(offset: number, size: number, field: string): number {
    this.need(offset, size, field);
    return uintBE(this.buf.subarray(offset, offset + size));
  }

  bytes(offset: number, size: number, field: string): Buffer {
    this.need(offset, size, field);
    return this.buf.subarray(offset, offset + size);
  }

  /** An ASCII field, with the space and NUL padding SCSI puts on either side removed. */
  ascii(offset: number, size: number, field: string): string {
    return asciiTrim(this.bytes(offset, size, field));
  }

  /** A part of this view, with offsets in messages still counted from the start of the response. */
  view(offset: number, size: number, field: string, what = this.what): ByteReader {
    this.need(offset, size, field);
    return new ByteReader(this.buf.subarray(offset, offset + size), what, this.origin + offset);
  }

  /**
   * The first `total` bytes, as the response's own length field declares them. Bytes after them
   * are dropped (some devices pad to the allocation length); fewer than `total` is an error whose
   * `needed` tells the caller what allocation length gets the whole response.
   */
  declared(total: number, field: string): ByteReader {
    if (total > this.buf.length)
      throw new ScsiParseError(this.what, this.origin + this.buf.length, `${field} declares ${total} bytes, only ${this.buf.length} arrived`, this.origin + total);
    return new ByteReader(this.buf.subarray(0, total), this.what, this.origin);
  }

  fail(offset: number, detail: string): never {
    throw new ScsiParseError(this.what, this.origin + offset, detail);
  }
}

export function uintBE(b: Buffer): number {
  let v = 0;
  for (const byte of b) v = v * 256 + byte;
  return v;
}

export function asciiTrim(b: Buffer): string {
  return b.toString('latin1').replace(/^[ \0]+|[ \0]+$/g, '');
}

/** Two hex digits, upper case: the way SCSI documents write codes (3Ah, 0Dh). */
export function hex2(n: number): string {
  return n.toString(16).toUpperCase().padStart(2, '0');
}
