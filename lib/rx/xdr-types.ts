import { XdrError } from './errors.js';
import { XdrDecoder, XdrEncoder } from './xdr.js';

/**
 * Declarative XDR types: an interface's structures are tables of (field, type) built from these, the
 * way rxgen builds them from a `.xg` file (BUTC-SPEC §3.3). Each type knows its encoded size when it
 * is fixed, so tests can check the sizes §3.5 states.
 */
export interface XdrType<T> {
  readonly name: string;
  /** Encoded size in bytes when it does not depend on the value. */
  readonly size: number | undefined;
  encode(enc: XdrEncoder, value: T, path: string): void;
  decode(dec: XdrDecoder, path: string): T;
}

export type XdrValue<X> = X extends XdrType<infer T> ? T : never;

export const int32: XdrType<number> = {
  name: 'afs_int32',
  size: 4,
  encode: (enc, v, path) => enc.int32(v, path),
  decode: (dec, path) => dec.int32(path),
};

export const uint32: XdrType<number> = {
  name: 'afs_uint32',
  size: 4,
  encode: (enc, v, path) => enc.uint32(v, path),
  decode: (dec, path) => dec.uint32(path),
};

export const int64: XdrType<bigint> = {
  name: 'afs_int64',
  size: 8,
  encode: (enc, v, path) => enc.int64(v, path),
  decode: (dec, path) => dec.int64(path),
};

export const bool: XdrType<boolean> = {
  name: 'bool',
  size: 4,
  encode: (enc, v, path) => enc.int32(v ? 1 : 0, path),
  decode: (dec, path) => {
    const at = dec.offset;
    const v = dec.int32(path);
    if (v !== 0 && v !== 1) throw new XdrError('decode', path, at, `bool is ${v}`);
    return v === 1;
  },
};

/** An empty reply or argument list. */
export const xdrVoid: XdrType<undefined> = {
  name: 'void',
  size: 0,
  encode: () => undefined,
  decode: () => undefined,
};

/**
 * `char x[N]`: N words, one per character (xdr_vector of xdr_char, BUTC-SPEC §3.3). The value is the
 * C string up to the first NUL, as latin1 (one byte per character). Encoding sign-extends bytes
 * >= 0x80 like x86 (`FF FF FF E9`); decoding keeps the low byte, so both forms are accepted.
 */
export function charArray(n: number): XdrType<string> {
  return {
    name: `char[${n}]`,
    size: 4 * n,
    encode(enc, v, path) {
      if (v.length > n) throw new XdrError('encode', path, enc.length, `${v.length} characters do not fit char[${n}]`);
      for (let i = 0; i < n; i++) {
        const c = i < v.length ? v.charCodeAt(i) : 0;
        if (c > 0xff) throw new XdrError('encode', path, enc.length, `character ${i} (U+${c.toString(16)}) is not a byte`);
        enc.int32(c >= 0x80 ? c - 0x100 : c, path);
      }
    },
    decode(dec, path) {
      let s = '';
      let ended = false;
      for (let i = 0; i < n; i++) {
        const c = dec.uint32(path) & 0xff;
        if (c === 0) ended = true;
        if (!ended) s += String.fromCharCode(c);
      }
      return s;
    },
  };
}

/** `opaque x[N]`: N raw bytes padded to 4 (§3.3). Shorter values are zero-filled. */
export function fixedOpaque(n: number): XdrType<Buffer> {
  return {
    name: `opaque[${n}]`,
    size: (n + 3) & ~3,
    encode(enc, v, path) {
      if (v.length > n) throw new XdrError('encode', path, enc.length, `${v.length} bytes do not fit opaque[${n}]`);
      const b = Buffer.alloc(n);
      b.set(v);
      enc.bytes(b);
    },
    decode: (dec, path) => dec.bytes(n, path),
  };
}

/** `opaque x<max>`: a length word, the bytes, padding. */
export function varOpaque(max: number): XdrType<Buffer> {
  return {
    name: `opaque<${max}>`,
    size: undefined,
    encode(enc, v, path) {
      if (v.length > max) throw new XdrError('encode', path, enc.length, `${v.length} bytes exceed opaque<${max}>`);
      enc.uint32(v.length, path);
      enc.bytes(v);
    },
    decode(dec, path) {
      const at = dec.offset;
      const len = dec.uint32(path);
      if (len > max) throw new XdrError('decode', path, at, `length ${len} exceeds opaque<${max}>`);
      return dec.bytes(len, path);
    },
  };
}

/** `string s<max>`: a length word, the bytes (latin1), padding; decoding fails if length > max (§3.3). */
export function xdrString(max: number): XdrType<string> {
  return {
    name: `string<${max}>`,
    size: undefined,
    encode(enc, v, path) {
      const b = Buffer.from(v, 'latin1');
      if (b.length !== v.length) throw new XdrError('encode', path, enc.length, 'string has characters that are not bytes');
      if (b.length > max) throw new XdrError('encode', path, enc.length, `${b.length} bytes exceed string<${max}>`);
      enc.uint32(b.length, path);
      enc.bytes(b);
    },
    decode(dec, path) {
      const at = dec.offset;
      const len = dec.uint32(path);
      if (len > max) throw new XdrError('decode', path, at, `length ${len} exceeds string<${max}>`);
      return dec.bytes(len, path).toString('latin1');
    },
  };
}

/**
 * `T x<max>`: a count word, then the elements (§3.3). Decoding also refuses a count whose elements
 * cannot fit in the bytes left, before allocating anything.
 */
export function varArray<T>(elem: XdrType<T>, max: number): XdrType<T[]> {
  return {
    name: `${elem.name}<${max}>`,
    size: undefined,
    encode(enc, v, path) {
      if (v.length > max) throw new XdrError('encode', path, enc.length, `${v.length} elements exceed <${max}>`);
      enc.uint32(v.length, path);
      v.forEach((e, i) => elem.encode(enc, e, `${path}[${i}]`));
    },
    decode(dec, path) {
      const at = dec.offset;
      const count = dec.uint32(path);
      if (count > max) throw new XdrError('decode', path, at, `count ${count} exceeds <${max}>`);
      const min = elem.size ?? 4;
      if (min > 0 && count > dec.remaining / min) {
        throw new XdrError('decode', path, at, `count ${count} needs at least ${count * min} bytes, ${dec.remaining} left`);
      }
      const out: T[] = [];
      for (let i = 0; i < count; i++) out.push(elem.decode(dec, `${path}[${i}]`));
      return out;
    },
  };
}

/** `T x[N]`: exactly N elements, no count word. */
export function fixedArray<T>(elem: XdrType<T>, n: number): XdrType<T[]> {
  return {
    name: `${elem.name}[${n}]`,
    size: elem.size === undefined ? undefined : elem.size * n,
    encode(enc, v, path) {
      if (v.length !== n) throw new XdrError('encode', path, enc.length, `${v.length} elements, [${n}] needs exactly ${n}`);
      v.forEach((e, i) => elem.encode(enc, e, `${path}[${i}]`));
    },
    decode(dec, path) {
      const out: T[] = [];
      for (let i = 0; i < n; i++) out.push(elem.decode(dec, `${path}[${i}]`));
      return out;
    },
  };
}

type Fields = Record<string, XdrType<any>>;
export type StructValue<F extends Fields> = { [K in keyof F]: XdrValue<F[K]> };

/** A struct: its fields in declaration order (object key order), encoded back to back. */
export function struct<F extends Fields>(name: string, fields: F): XdrType<StructValue<F>> & { readonly fields: F } {
  const entries = Object.entries(fields);
  const sizes = entries.map(([, t]) => t.size);
  const size = sizes.every((s) => s !== undefined) ? sizes.reduce((a, b) => a! + b!, 0) : undefined;
  return {
    name,
    size,
    fields,
    encode(enc, v, path) {
      for (const [k, t] of entries) {
        const fv = (v as Record<string, unknown>)[k];
        if (fv === undefined) throw new XdrError('encode', `${path || name}.${k}`, enc.length, 'missing field');
        t.encode(enc, fv, `${path || name}.${k}`);
      }
    },
    decode(dec, path) {
      const out: Record<string, unknown> = {};
      for (const [k, t] of entries) out[k] = t.decode(dec, `${path || name}.${k}`);
      return out as StructValue<F>;
    },
  };
}

/** A discriminated union: the discriminant word, then the arm chosen by it (`default` if given). */
export interface UnionValue<T> {
  tag: number;
  value: T;
}

export function union<T>(name: string, arms: Readonly<Record<number, XdrType<T>>>, defaultArm?: XdrType<T>): XdrType<UnionValue<T>> {
  const pick = (tag: number): XdrType<T> | undefined => arms[tag] ?? defaultArm;
  return {
    name,
    size: undefined,
    encode(enc, v, path) {
      const arm = pick(v.tag);
      if (!arm) throw new XdrError('encode', path || name, enc.length, `no arm for discriminant ${v.tag}`);
      enc.int32(v.tag, path);
      arm.encode(enc, v.value, `${path || name}.${v.tag}`);
    },
    decode(dec, path) {
      const at = dec.offset;
      const tag = dec.int32(path);
      const arm = pick(tag);
      if (!arm) throw new XdrError('decode', path || name, at, `no arm for discriminant ${tag}`);
      return { tag, value: arm.decode(dec, `${path || name}.${tag}`) };
    },
  };
}

/** Encodes values of the given types back to back. */
export function xdrEncode<T>(type: XdrType<T>, value: T): Buffer {
  const enc = new XdrEncoder(type.size ?? 256);
  type.encode(enc, value, '');
  return Buffer.from(enc.finish());
}

/** Decodes one value from the start of `buf`; trailing bytes are ignored unless `exact`. */
export function xdrDecode<T>(type: XdrType<T>, buf: Buffer, exact = false): T {
  const dec = new XdrDecoder(buf);
  const v = type.decode(dec, '');
  if (exact && dec.remaining) throw new XdrError('decode', type.name, dec.offset, `${dec.remaining} bytes left over`);
  return v;
}
