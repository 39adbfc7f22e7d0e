/**
 * Fixed-layout C struct images, big-endian, as budb writes them into a database dump (BUTC-SPEC
 * §2.13). One field list per struct serves both decoding and encoding, in declaration order.
 */

export interface Codec<T> {
  readonly size: number;
  decode(b: Buffer, at: number): T;
  /** Writes `v` at `at`; `path` names the field in errors ('dump.tapes.format'). */
  encode(v: T, b: Buffer, at: number, path: string): void;
}

export type Decoded<C> = C extends Codec<infer T> ? T : never;

export const int32: Codec<number> = {
  size: 4,
  decode: (b, at) => b.readInt32BE(at),
  encode(v, b, at, path) {
    if (!Number.isInteger(v) || v < -0x8000_0000 || v > 0x7fff_ffff) throw new RangeError(`${path}: ${v} is not an int32`);
    b.writeInt32BE(v, at);
  },
};

export const uint32: Codec<number> = {
  size: 4,
  decode: (b, at) => b.readUInt32BE(at),
  encode(v, b, at, path) {
    if (!Number.isInteger(v) || v < 0 || v > 0xffff_ffff) throw new RangeError(`${path}: ${v} is not a uint32`);
    b.writeUInt32BE(v, at);
  },
};

/**
 * `char name[n]`: a C string. Decoding stops at the first NUL (budb copies with strcpy, so bytes
 * after it are leftovers); encoding zero-fills and needs room for the NUL.
 */
export function chars(n: number): Codec<string> {
  return {
    size: n,
    decode(b, at) {
      const field = b.subarray(at, at + n);
      const nul = field.indexOf(0);
      return field.toString('latin1', 0, nul < 0 ? n : nul);
    },
    encode(v, b, at, path) {
      const bytes = Buffer.from(v, 'latin1');
      if (bytes.length >= n) throw new RangeError(`${path}: ${bytes.length} characters do not fit char[${n}] with its NUL`);
      if (bytes.includes(0)) throw new RangeError(`${path}: contains a NUL`);
      b.fill(0, at, at + n);
      bytes.copy(b, at);
    },
  };
}

/** A struct of the given fields, laid out one after the other with no padding (all are 4-byte multiples). */
export function struct<F extends Record<string, Codec<unknown>>>(fields: F): Codec<{ [K in keyof F]: Decoded<F[K]> }> {
  const entries = Object.entries(fields);
  const size = entries.reduce((n, [, c]) => n + c.size, 0);
  type T = { [K in keyof F]: Decoded<F[K]> };
  return {
    size,
    decode(b, at) {
      const out: Record<string, unknown> = {};
      for (const [name, c] of entries) {
        out[name] = c.decode(b, at);
        at += c.size;
      }
      return out as T;
    },
    encode(v, b, at, path) {
      for (const [name, c] of entries) {
        c.encode((v as Record<string, unknown>)[name], b, at, `${path}.${name}`);
        at += c.size;
      }
    },
  };
}
