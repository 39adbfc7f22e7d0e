/**
 * A pass-through stream that walks the volume dump flowing through it (BUTC-SPEC §4.8 "Validation"):
 * put it between a volserver and the tape writer, or between the tape reader and a volserver. A
 * chunk that breaks a rule is not passed on: the stream fails with the VolumeDumpError instead, so
 * the writer behind it sees an error, never a dump that `vos restore` would refuse at its end.
 */
import { Transform, type TransformCallback } from 'node:stream';
import type { VolumeDumpOptions, VolumeDumpSummary } from './summary.js';
import { VolumeDumpWalker } from './walker.js';

export class VolumeDumpValidator extends Transform {
  private readonly walker: VolumeDumpWalker;
  /** Set once the whole stream has passed and was valid; also emitted as 'summary' before 'end'. */
  summary: VolumeDumpSummary | undefined;

  constructor(options: VolumeDumpOptions = {}) {
    super();
    this.walker = new VolumeDumpWalker(options);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.walker.push(chunk);
    } catch (e) {
      callback(e as Error);
      return;
    }
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.summary = this.walker.end();
    } catch (e) {
      callback(e as Error);
      return;
    }
    this.emit('summary', this.summary);
    callback();
  }
}
