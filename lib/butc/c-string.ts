/**
 * butc handles bytes, not characters: a tapeconfig line, a CFG value or an argv word is printed back
 * byte for byte. This module keeps such texts as binary strings (one JavaScript char per byte,
 * latin1) and converts at the edges: files are read as latin1, argv words (UTF-8 strings in Node)
 * are turned into their bytes, and paths go to `fs` as Buffers.
 */
import { readFileSync } from 'node:fs';

/** The bytes of a JavaScript (UTF-16) string, as a binary string: for argv words. */
export function binaryOf(utf8: string): string {
  return Buffer.from(utf8, 'utf8').toString('latin1');
}

/** A binary string as the Buffer `fs` and sockets want. */
export function bytesOf(binary: string): Buffer {
  return Buffer.from(binary, 'latin1');
}

/** A whole file as a binary string. */
export function readBinaryFile(path: string): string {
  return readFileSync(bytesOf(path)).toString('latin1');
}
