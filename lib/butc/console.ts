/**
 * butc's console: what it prints on stdout (line-buffered: `setlinebuf(stdout)`) and stderr.
 * Texts are binary strings (see `c-string.ts`) so bytes from files come out unchanged.
 */
import { bytesOf } from './c-string.js';

export type ConsoleStream = 'stdout' | 'stderr';

/** A piece of output on one stream, in the order butc would print it. */
export interface ConsoleChunk {
  stream: ConsoleStream;
  text: string;
}

export interface ButcConsole {
  out(text: string): void;
  err(text: string): void;
}

/** Writes one chunk to its stream. */
export function emit(console: ButcConsole, chunk: ConsoleChunk): void {
  if (chunk.stream === 'stdout') console.out(chunk.text);
  else console.err(chunk.text);
}

/** The console of this process: bytes to fds 1 and 2. */
export function processConsole(): ButcConsole {
  return {
    out: (text) => void process.stdout.write(bytesOf(text)),
    err: (text) => void process.stderr.write(bytesOf(text)),
  };
}

/** A console that keeps everything, for tests and for callers that forward butc's output. */
export class CapturedConsole implements ButcConsole {
  readonly chunks: ConsoleChunk[] = [];
  out(text: string): void {
    this.chunks.push({ stream: 'stdout', text });
  }
  err(text: string): void {
    this.chunks.push({ stream: 'stderr', text });
  }
  get stdout(): string {
    return this.chunks.filter((c) => c.stream === 'stdout').map((c) => c.text).join('');
  }
  get stderr(): string {
    return this.chunks.filter((c) => c.stream === 'stderr').map((c) => c.text).join('');
  }
}
