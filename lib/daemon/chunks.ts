/**
 * Pulling a Readable one chunk at a time, so a writer can stop between chunks (at early warning)
 * and go on with the same stream on the next cartridge. `for await` cannot: leaving its loop
 * destroys the stream.
 */
import type { Readable } from 'node:stream';
import { DaemonError } from './errors.js';

export class ChunkPuller {
  private ended = false;
  private failure: Error | null = null;
  private wake: (() => void) | null = null;

  constructor(private readonly stream: Readable) {
    const notify = () => {
      const w = this.wake;
      this.wake = null;
      w?.();
    };
    stream.on('readable', notify);
    stream.on('end', () => {
      this.ended = true;
      notify();
    });
    stream.on('error', (e) => {
      this.failure = e;
      notify();
    });
    stream.on('close', () => {
      if (!this.ended && !this.failure) this.failure = new Error('the data stream closed before its end');
      notify();
    });
  }

  /** The next chunk, or null at the end. Rejects with the stream's error, or when `signal` aborts. */
  async next(signal: AbortSignal): Promise<Buffer | null> {
    for (;;) {
      signal.throwIfAborted();
      if (this.failure) throw new DaemonError('stream', `the data stream failed: ${this.failure.message}`, { cause: this.failure });
      const chunk = this.stream.read() as Buffer | string | null;
      if (chunk !== null) return typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      if (this.ended) return null;
      await new Promise<void>((resolve) => {
        const onAbort = () => resolve();
        signal.addEventListener('abort', onAbort, { once: true });
        this.wake = () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        };
      });
    }
  }

  destroy(e?: Error): void {
    this.stream.destroy(e);
  }
}
