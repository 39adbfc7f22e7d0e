/**
 * A transfer where both ends are native (no JavaScript on the data path): an input descriptor or
 * a medium into the ring, the ring into a medium or an output descriptor. This is what
 * `tapecoord stream` runs; JavaScript only watches the counters and the events.
 */
import { EventEmitter } from 'node:events';
import { native, type NativePipeline, type PipelineEvent, type PipelineStats } from '../native/binding.js';
import type { Medium } from '../drive/medium.js';
import { ringGeometry, type RingOptions } from './geometry.js';
import { StreamError, positionOf, resultOf, type StreamResult } from './result.js';

export type TransferSource = { fd: number; name?: string } | { medium: Medium; files?: number };
export type TransferSink = { fd: number; name?: string } | { medium: Medium; pauseAtEarlyWarning?: boolean };

export class Transfer extends EventEmitter {
  readonly done: Promise<StreamResult>;
  private readonly pipeline: NativePipeline;
  private failure: StreamError | null = null;

  constructor(source: TransferSource, sink: TransferSink, options: RingOptions) {
    super();
    const { slotSize, slotCount } = ringGeometry(options);
    let resolveDone!: (r: StreamResult) => void;
    let rejectDone!: (e: Error) => void;
    this.done = new Promise((resolve, reject) => {
      resolveDone = resolve;
      rejectDone = reject;
    });
    const onEvent = (e: PipelineEvent) => {
      if (e.type === 'earlyWarning') this.emit('earlyWarning', positionOf(e));
      else if (e.type === 'filemark') this.emit('filemark', positionOf(e));
      else if (e.type === 'error') this.failure ??= new StreamError(e.error, e.endOfMedium, positionOf(e));
      else if (e.type === 'finish') {
        if (this.failure) rejectDone(this.failure);
        else resolveDone(resultOf(e, this.pipeline.stats()));
      }
    };
    this.pipeline = native.createPipeline(
      {
        slotSize,
        slotCount,
        highWater: options.highWater ?? 0.67,
        lowWater: options.lowWater ?? 0,
        fileOffsets: options.fileOffsets ?? false,
        mapInput: options.mapInput ?? true,
        source: 'fd' in source ? source : { medium: source.medium.handle, files: source.files ?? 1 },
        sink: 'fd' in sink ? sink : { medium: sink.medium.handle, pauseAtEarlyWarning: sink.pauseAtEarlyWarning ?? false },
      },
      onEvent,
    );
  }

  stats(): PipelineStats {
    return this.pipeline.stats();
  }

  continueAfterEarlyWarning(): void {
    this.pipeline.resume();
  }

  abort(): void {
    this.pipeline.abort();
  }
}
