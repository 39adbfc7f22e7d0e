/**
 * A Node Readable behind a medium: a reader thread reads block by block into the native ring
 * (read-ahead), and JavaScript pulls whole blocks out. A filemark is an event ('filemark', with
 * the file count so far), not an error; the stream ends after `files` filemarks (default 1: one
 * tape file) or at the end of recorded data (result.endOfData).
 */
import { Readable } from 'node:stream';
import { native, type NativePipeline, type PipelineEvent, type PipelineStats } from '../native/binding.js';
import { detectBlockSize, type DetectOptions } from '../drive/blocksize.js';
import type { Medium } from '../drive/medium.js';
import { ringGeometry } from './geometry.js';
import { StreamError, positionOf, resultOf, type StreamResult } from './result.js';

export interface TapeReaderOptions {
  /** The largest block expected: one slot per block. detectBlockSize() finds it. */
  blockSize: number;
  bufferSize: number;
  /** Filemarks to read before ending; 0 = to end of data. */
  files?: number;
}

export class TapeReader extends Readable {
  readonly result: Promise<StreamResult>;
  private readonly pipeline: NativePipeline;
  private readonly pullSize: number;
  private readonly slotSize: number;
  private waiting = false;
  private endPulled = false;
  private finished = false;
  private filesSeen = 0;
  private failure: Error | null = null;
  private resolveResult!: (r: StreamResult) => void;
  private rejectResult!: (e: Error) => void;

  constructor(source: Medium, options: TapeReaderOptions) {
    super({ highWaterMark: 4 << 20 });
    const { slotSize, slotCount } = ringGeometry(options);
    this.slotSize = slotSize;
    this.pullSize = Math.max(slotSize, 1 << 20);
    this.result = new Promise((resolve, reject) => {
      this.resolveResult = resolve;
      this.rejectResult = reject;
    });
    this.result.catch(() => undefined);
    this.pipeline = native.createPipeline(
      { slotSize, slotCount, source: { medium: source.handle, files: options.files ?? 1 }, sink: 'js' },
      (e) => this.onEvent(e),
    );
  }

  /**
   * A reader whose slot size is the block size found on the medium (variable-block tapes: grow on
   * ENOMEM, then the sizes ever used; see detectBlockSize). The size found is `reader.blockSize`.
   */
  static async detect(source: Medium, options: Omit<TapeReaderOptions, 'blockSize'> & DetectOptions): Promise<TapeReader> {
    const found = await detectBlockSize(source, options);
    // a filemark or end of data first: any slot size will do for what follows it
    const blockSize = found.kind === 'block' ? found.blockSize : (options.initial ?? 64 << 10);
    return new TapeReader(source, { ...options, blockSize, bufferSize: Math.max(options.bufferSize, 2 * blockSize) });
  }

  /** The slot size: the largest block this reader accepts. */
  get blockSize(): number {
    return this.slotSize;
  }

  stats(): PipelineStats {
    return this.pipeline.stats();
  }

  override _read(): void {
    this.pump();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.pipeline.abort();
    callback(error);
  }

  private pump(): void {
    for (;;) {
      const r = this.pipeline.pull(this.pullSize);
      if (r === null) {
        this.waiting = true;
        return;
      }
      if (r === 'filemark') {
        this.pipeline.consumeMarker();
        this.emit('filemark', ++this.filesSeen);
        continue;
      }
      if (r === 'end') {
        this.pipeline.consumeMarker();
        this.endPulled = true;
        this.conclude();
        return;
      }
      if (!this.push(r)) return;
    }
  }

  /** Ends the stream once the end marker was pulled and the 'finish' event (after any 'error') came. */
  private conclude(): void {
    if (!this.endPulled || !this.finished) return;
    if (this.failure) this.destroy(this.failure);
    else this.push(null);
  }

  private onEvent(e: PipelineEvent): void {
    switch (e.type) {
      case 'readable':
        if (this.waiting) {
          this.waiting = false;
          this.pump();
        }
        break;
      case 'error':
        this.failure = new StreamError(e.error, e.endOfMedium, positionOf(e));
        break;
      case 'finish':
        this.finished = true;
        if (this.failure) this.rejectResult(this.failure);
        else this.resolveResult(resultOf(e, this.pipeline.stats()));
        if (this.waiting) {
          this.waiting = false;
          this.pump();
        }
        this.conclude();
        break;
      default:
        break;
    }
  }
}
