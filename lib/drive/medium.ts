/**
 * One interface over the three media (the st driver's contract, native/medium.h):
 *   st   - a Linux tape drive, /dev/nstN (always the no-rewind node for multi-file work);
 *   file - a backup data file (butc FILE YES), a plain file, a pipe, /dev/null;
 *   sim  - the simulated tape (docs/SIMTAPE.md), written `sim:PATH`.
 * Every call runs off the main thread. Errors are DeviceError with the errno name.
 */
import { statSync } from 'node:fs';
import { native, type MediumKind, type ModelStats, type MtOpName, type NativeMedium, type NativeOpenOptions } from '../native/binding.js';
import { isDeviceError } from '../native/errors.js';
import { decodeMtStatus, type MtStatus } from './mtio.js';

export interface SimTapeProperties {
  /** Bytes of data that fit; 0 = unlimited. */
  capacity?: number;
  /** Size of the early-warning zone before capacity. */
  earlyWarning?: number;
  writeProtect?: boolean;
  /** Rate model: bytes/s the modelled drive moves, and the back-hitch it pays when it runs dry. */
  rateBytesPerSec?: number;
  backHitchNs?: number;
  driveBufferBytes?: number;
  /** Fault injection: the Nth write()/read() call fails with failErrno (default EIO). */
  failWriteAt?: number;
  failReadAt?: number;
  failErrno?: number;
}

export interface OpenMediumOptions extends SimTapeProperties {
  readOnly?: boolean;
  /** file/sim: create the medium when it does not exist. */
  create?: boolean;
  /** file: truncate on open (a new backup data file). */
  truncate?: boolean;
  /** file: the record size for block numbers and MTFSR/MTBSR (butc: 16384). */
  recordSize?: number;
  /** sim: sync the image at each non-immediate filemark (default true). */
  syncOnFilemark?: boolean;
}

export type MediumSpec =
  | { kind: 'st'; path: string }
  | { kind: 'sim'; path: string }
  | { kind: 'file'; path: string }
  | { kind: 'file'; fd: number; name: string };

/**
 * How tapecoord names media on its command lines: `sim:PATH`, `-` (stdin/stdout), a character
 * device that is a tape (st), or anything else as a file.
 */
export function parseMediumSpec(text: string, direction: 'input' | 'output'): MediumSpec {
  if (text.startsWith('sim:')) {
    const path = text.slice(4);
    if (!path) throw new RangeError(`'${text}': sim: needs a path (sim:/var/tmp/tape1.simtape)`);
    return { kind: 'sim', path };
  }
  if (text === '-') return direction === 'input' ? { kind: 'file', fd: 0, name: 'stdin' } : { kind: 'file', fd: 1, name: 'stdout' };
  if (text.startsWith('st:')) return { kind: 'st', path: text.slice(3) };
  try {
    const st = statSync(text);
    // st's character devices have major 9 (Documentation/admin-guide/devices.txt)
    if (st.isCharacterDevice() && Math.floor(st.rdev / 256) === 9) return { kind: 'st', path: text };
  } catch {
    // not there yet: a file to create
  }
  return { kind: 'file', path: text };
}

export function describeSpec(spec: MediumSpec): string {
  if ('fd' in spec) return spec.name;
  return spec.kind === 'sim' ? `sim:${spec.path}` : spec.path;
}

/** The largest block st hands back in one read, and the simulated tape accepts. */
export const LARGEST_BLOCK = (1 << 24) - 1;

export type ReadResult = { kind: 'data'; data: Buffer } | { kind: 'filemark' };

export class Medium {
  private constructor(readonly handle: NativeMedium) {}

  static async open(spec: MediumSpec, options: OpenMediumOptions = {}): Promise<Medium> {
    const o: NativeOpenOptions = { ...options };
    if ('fd' in spec) o.fd = spec.fd;
    else o.path = spec.path;
    return new Medium(await native.openMedium(spec.kind, o));
  }

  get kind(): MediumKind {
    return this.handle.kind;
  }
  get path(): string {
    return this.handle.path;
  }
  /** True while a stream owns the medium; single calls fail with EBUSY meanwhile. */
  get streaming(): boolean {
    return this.handle.streaming;
  }
  /** The descriptor SG_IO can use (st only), else -1. */
  get fd(): number {
    return this.handle.fd;
  }

  op(name: MtOpName, count = 1): Promise<void> {
    return this.handle.op(name, count);
  }
  rewind(): Promise<void> {
    return this.op('MTREW');
  }
  /** Filemarks; immediate ones (MTWEOFI) do not flush the drive's buffer. */
  writeFilemarks(count = 1, immediate = false): Promise<void> {
    return this.op(immediate ? 'MTWEOFI' : 'MTWEOF', count);
  }
  status(): Promise<MtStatus> {
    return this.handle.status().then(decodeMtStatus);
  }
  /** MTIOCPOS: the logical block number. */
  tell(): Promise<number> {
    return this.handle.tell();
  }
  seek(block: number): Promise<void> {
    return this.op('MTSEEK', block);
  }
  /** One block. Returns the bytes written; at early warning the next call fails with ENOSPC. */
  write(block: Buffer): Promise<number> {
    return this.handle.write(block);
  }
  /**
   * One block of at most `length` bytes, or a filemark. A larger block fails with ENOMEM (and is
   * consumed, as st does); end of data fails with EIO.
   */
  read(length: number): Promise<ReadResult> {
    return this.handle.read(length).then((data) => (data.length === 0 ? { kind: 'filemark' } : { kind: 'data', data }));
  }
  sync(): Promise<void> {
    return this.handle.sync();
  }
  close(): Promise<void> {
    return this.handle.close();
  }
  /** The simulated drive's rate-model counters, or null. */
  modelStats(): ModelStats | null {
    return this.handle.modelStats();
  }
}

/**
 * After a read failed: end of recorded data, or a real error? st sets GMT_EOD only after the zero
 * read that follows a filemark, a failed space or MTEOM; a plain EIO read at end of data leaves it
 * clear, so a space over one block settles it (at end of data it fails and sets GMT_EOD; after a
 * medium error it may step past the bad block).
 */
export async function isEndOfData(medium: Medium, error: unknown): Promise<boolean> {
  if (!isDeviceError(error, 'EIO')) return false;
  try {
    if ((await medium.status()).flags.includes('EOD')) return true;
    try {
      await medium.op('MTFSR', 1);
      return false;
    } catch {
      return (await medium.status()).flags.includes('EOD');
    }
  } catch {
    return false;
  }
}
