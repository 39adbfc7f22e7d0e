/**
 * Runs a parser written as a generator over chunks that arrive one at a time and may be split at
 * any byte. The parser yields what it needs next (an integer, a few bytes, a string up to its NUL,
 * a number of bytes to skip, or the end of the stream) and is resumed with it once enough bytes
 * have arrived. Only fixed-size values are ever copied, so a skipped file of any size costs no
 * memory.
 */

export type ByteRequest =
  /** A big-endian unsigned integer of 1, 2 or 4 bytes; resumed with a number. */
  | { readonly op: 'uint'; readonly size: 1 | 2 | 4 }
  /** A fixed number of raw bytes; resumed with a Buffer valid only until the next yield. */
  | { readonly op: 'bytes'; readonly size: number }
  /** Bytes to pass over; resumed with undefined. */
  | { readonly op: 'skip'; readonly size: number }
  /** Bytes up to and including a NUL; resumed with the first `keep` of them as latin1. */
  | { readonly op: 'string'; readonly keep: number }
  /** The end of the stream; resumed with true when it ends there, false when another byte came. */
  | { readonly op: 'end' };

export type ByteReply = number | Buffer | string | boolean | undefined;
export type ByteProgram = Generator<ByteRequest, void, ByteReply>;

export const U8: ByteRequest = { op: 'uint', size: 1 };
export const U16: ByteRequest = { op: 'uint', size: 2 };
export const U32: ByteRequest = { op: 'uint', size: 4 };
export const END: ByteRequest = { op: 'end' };

export class ByteFeed {
  /** Absolute offset in the stream of the next byte the program has not consumed. */
  offset = 0;
  private readonly program: ByteProgram;
  private request: ByteRequest | undefined;
  /** Bytes of a split 'uint' or 'bytes' value gathered so far, or bytes of a string or skip. */
  private got = 0;
  private scratch = Buffer.alloc(8);
  private stringParts: Buffer[] = [];
  private stringKept = 0;

  constructor(start: (feed: ByteFeed) => ByteProgram) {
    this.program = start(this);
    this.resume(undefined);
  }

  /** Bytes of the pending request already consumed (for messages about a cut stream). */
  get progress(): number {
    return this.got;
  }

  /** Feeds a chunk; exceptions thrown by the program come out of here. */
  push(chunk: Uint8Array): void {
    const len = chunk.length;
    let pos = 0;
    while (pos < len) {
      const req = this.request;
      if (req === undefined) throw new Error('ByteFeed: bytes pushed after the program returned');
      switch (req.op) {
        case 'uint': {
          const n = req.size;
          if (this.got === 0 && len - pos >= n) {
            const v = readUint(chunk, pos, n);
            pos += n;
            this.offset += n;
            this.resume(v);
          } else {
            const take = Math.min(n - this.got, len - pos);
            this.scratch.set(chunk.subarray(pos, pos + take), this.got);
            this.got += take;
            pos += take;
            this.offset += take;
            if (this.got === n) this.resume(readUint(this.scratch, 0, n));
          }
          break;
        }
        case 'bytes': {
          const n = req.size;
          if (this.got === 0 && len - pos >= n) {
            const v = Buffer.from(chunk.buffer, chunk.byteOffset + pos, n);
            pos += n;
            this.offset += n;
            this.resume(v);
          } else {
            if (this.scratch.length < n) this.scratch = Buffer.alloc(n);
            const take = Math.min(n - this.got, len - pos);
            this.scratch.set(chunk.subarray(pos, pos + take), this.got);
            this.got += take;
            pos += take;
            this.offset += take;
            if (this.got === n) this.resume(this.scratch.subarray(0, n));
          }
          break;
        }
        case 'skip': {
          const take = Math.min(req.size - this.got, len - pos);
          this.got += take;
          pos += take;
          this.offset += take;
          if (this.got === req.size) this.resume(undefined);
          break;
        }
        case 'string': {
          const nul = chunk.indexOf(0, pos);
          const stop = nul < 0 ? len : nul;
          const keep = Math.min(stop - pos, req.keep - this.stringKept);
          if (keep > 0) {
            this.stringParts.push(Buffer.from(chunk.subarray(pos, pos + keep)));
            this.stringKept += keep;
          }
          this.got += stop - pos;
          this.offset += stop - pos;
          pos = stop;
          if (nul >= 0) {
            pos++;
            this.offset++;
            const s = Buffer.concat(this.stringParts).toString('latin1');
            this.resume(s);
          }
          break;
        }
        case 'end':
          // The program throws when a byte follows the end it asked for.
          this.resume(false);
          break;
      }
    }
  }

  /**
   * Tells the program the stream ended, if it waits for that; otherwise returns what it waited for
   * (the stream was cut short). Undefined once the program has returned.
   */
  finish(): Exclude<ByteRequest, { op: 'end' }> | undefined {
    if (this.request?.op === 'end') this.resume(true);
    // A program told that the stream ended returns or throws; it cannot wait for the end again.
    return this.request as Exclude<ByteRequest, { op: 'end' }> | undefined;
  }

  private resume(value: ByteReply): void {
    let next = this.program.next(value);
    // A skip of nothing is done at once.
    while (!next.done && next.value.op === 'skip' && next.value.size === 0) next = this.program.next(undefined);
    this.got = 0;
    if (next.done) {
      this.request = undefined;
      return;
    }
    this.request = next.value;
    if (this.request.op === 'string') {
      this.stringParts = [];
      this.stringKept = 0;
    }
  }
}

function readUint(b: Uint8Array, at: number, n: 1 | 2 | 4): number {
  if (n === 1) return b[at];
  if (n === 2) return (b[at] << 8) | b[at + 1];
  return b[at] * 0x1000000 + ((b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]);
}
