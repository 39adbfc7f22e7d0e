/**
 * A Node Writable in front of a medium: data goes through the native ring and a writer thread
 * that makes one write() per tape block. Back-pressure comes from the ring (a short push waits
 * for the ring's 'drain'). Filemarks travel in order with the data; filemark() resolves once the
 * filemark is on the medium, which is when a catalog may record what came before it.
 *
 * Early warning is a value: the 'earlyWarning' event says exactly how many blocks are on the
 * medium. With pauseAtEarlyWarning the writer thread then waits for continueAfterEarlyWarning()
 * (finish the file: st lets the next writes through) or destroy(); without it, writing goes on to
 * physical end of medium, which fails the stream with a StreamError (endOfMedium = true).
 */
import { Writable } from 'node:stream';
import { native, type NativePipeline, type PipelineEvent, type PipelineStats } from '../native/binding.js';
import { Medium } from '../drive/medium.js';
import { ringGeometry, type RingOptions } from './geometry.js';
import { StreamError, positionOf, resultOf, type MediumPosition, type StreamResult } from './result.js';

export interface TapeWriterOptions extends RingOptions {
  pauseAtEarlyWarning?: boolean;
}

export type WriterSink = Medium | { fd: number; name?: string };

interface FilemarkRequest {
  count: number;
  immediate: boolean;
  tag: number;
  resolve: (p: MediumPosition) => void;
  reject: (e: Error) => void;
}

export class TapeWriter extends Writable {
  readonly result: Promise<StreamResult>;
  private readonly pipeline: NativePipeline;
  private readonly markers = new WeakMap<Buffer, FilemarkRequest>();
  private readonly pendingFilemarks = new Map<number, FilemarkRequest>();
  private nextTag = 1;
  private drainWaiters: Array<() => void> = [];
  private failure: Error | null = null;
  private finished = false;
  private resolveResult!: (r: StreamResult) => void;
  private rejectResult!: (e: Error) => void;

  constructor(sink: WriterSink, options: TapeWriterOptions) {
    super({ highWaterMark: Math.min(options.bufferSize, 16 << 20), decodeStrings: true });
    const { slotSize, slotCount } = ringGeometry(options);
    this.result = new Promise((resolve, reject) => {
      this.resolveResult = resolve;
      this.rejectResult = reject;
    });
    this.result.catch(() => undefined); // observed through 'error' as well
    const endpoint = sink instanceof Medium ? { medium: sink.handle, pauseAtEarlyWarning: options.pauseAtEarlyWarning ?? false } : sink;
    this.pipeline = native.createPipeline(
      {
        slotSize,
        slotCount,
        highWater: options.highWater ?? 0.67,
        lowWater: options.lowWater ?? 0,
        fileOffsets: options.fileOffsets ?? false,
        source: 'js',
        sink: endpoint,
      },
      (e) => this.onEvent(e),
    );
  }

  /** Writes filemarks in order with the data; resolves when they are on the medium. */
  filemark(count = 1, options: { immediate?: boolean } = {}): Promise<MediumPosition> {
    return new Promise((resolve, reject) => {
      const marker = Buffer.alloc(0);
      this.markers.set(marker, { count, immediate: options.immediate ?? false, tag: this.nextTag++, resolve, reject });
      this.write(marker);
    });
  }

  /**
   * Resolves once everything written before it is on the medium: a synchronous zero-count filemark
   * (MTWEOF 0), which makes a drive write out its buffer and a data file fdatasync.
   */
  flushToMedium(): Promise<MediumPosition> {
    return this.filemark(0);
  }

  /** After an early-warning pause: let the writer thread go on (finish the file). */
  continueAfterEarlyWarning(): void {
    this.pipeline.resume();
  }

  stats(): PipelineStats {
    return this.pipeline.stats();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const request = this.markers.get(chunk);
    const work = request ? this.queueFilemark(request) : this.pushAll(chunk);
    work.then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    (async () => {
      while (!this.pipeline.end()) await this.waitDrain();
      await this.result;
    })().then(() => callback(), callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (!this.finished) this.pipeline.abort();
    const failure = error ?? this.failure ?? new Error('stream destroyed');
    for (const request of this.pendingFilemarks.values()) request.reject(failure);
    this.pendingFilemarks.clear();
    this.wakeDrainWaiters();
    callback(error);
  }

  private async pushAll(chunk: Buffer): Promise<void> {
    let offset = 0;
    for (;;) {
      if (this.failure) throw this.failure;
      offset += this.pipeline.push(offset ? chunk.subarray(offset) : chunk);
      if (offset >= chunk.length) return;
      await this.waitDrain();
    }
  }

  private async queueFilemark(request: FilemarkRequest): Promise<void> {
    this.pendingFilemarks.set(request.tag, request);
    while (!this.pipeline.filemark(request.count, request.immediate, request.tag)) {
      if (this.failure) throw this.failure;
      await this.waitDrain();
    }
  }

  private waitDrain(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  private wakeDrainWaiters(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of waiters) w();
  }

  private onEvent(e: PipelineEvent): void {
    switch (e.type) {
      case 'drain':
        this.wakeDrainWaiters();
        break;
      case 'earlyWarning':
        this.emit('earlyWarning', positionOf(e));
        break;
      case 'filemark': {
        const request = this.pendingFilemarks.get(e.tag);
        this.pendingFilemarks.delete(e.tag);
        request?.resolve(positionOf(e));
        break;
      }
      case 'error':
        this.failure = new StreamError(e.error, e.endOfMedium, positionOf(e));
        this.wakeDrainWaiters();
        break;
      case 'finish': {
        this.finished = true;
        const result = resultOf(e, this.pipeline.stats());
        this.wakeDrainWaiters();
        if (this.failure) {
          this.rejectResult(this.failure);
          if (!this.destroyed) this.destroy(this.failure);
        } else {
          this.resolveResult(result);
        }
        break;
      }
      default:
        break;
    }
  }
}
