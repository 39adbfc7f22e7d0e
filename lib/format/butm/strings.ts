/**
 * C strings in fixed-size fields: NUL-terminated, NUL-padded (BUTC-SPEC §2). Bytes are taken as
 * Latin-1 so that any byte read from a medium survives a decode/encode round trip.
 */
import { ButmError } from './errors.js';

/** The string up to the first NUL inside `size` bytes at `offset`. */
export function readCString(b: Buffer, offset: number, size: number): string {
  const field = b.subarray(offset, offset + size);
  const nul = field.indexOf(0);
  return field.toString('latin1', 0, nul < 0 ? field.length : nul);
}

/**
 * Writes `value` NUL-terminated into the `size`-byte field at `offset` (which must be zero
 * already). The value must leave room for its NUL: `strlen(value) >= size` is refused, as
 * `file_Mount` refuses tape names of 32 bytes or more (BUTC-SPEC §2.10).
 */
export function writeCString(b: Buffer, offset: number, size: number, value: string, field: string): void {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0 || c > 0xff) {
      throw new ButmError('BUTM_BADARGUMENT', `character ${i} (U+${c.toString(16).padStart(4, '0')}) cannot be stored in a C string field`, { field, offset: offset + i });
    }
  }
  if (value.length >= size) {
    throw new ButmError('BUTM_BADARGUMENT', `'${value}' is ${value.length} bytes; the field holds at most ${size - 1}`, { field, offset });
  }
  b.write(value, offset, 'latin1');
}
