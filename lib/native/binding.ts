/**
 * The native addon, loaded once (node-gyp-build: build/Release, else prebuilds/<platform>-<arch>),
 * and the types of its thin surface. Everything here is what native/ exports; policy lives in
 * lib/drive and lib/stream.
 */
import { createRequire } from 'node:module';
import { packageRoot } from '../util/package.js';
import { DeviceError } from './errors.js';

/** MTIOCTOP operations by their linux/mtio.h names. */
export type MtOpName =
  | 'MTRESET' | 'MTFSF' | 'MTBSF' | 'MTFSR' | 'MTBSR' | 'MTWEOF' | 'MTWEOFI' | 'MTREW' | 'MTOFFL'
  | 'MTNOP' | 'MTRETEN' | 'MTBSFM' | 'MTFSFM' | 'MTEOM' | 'MTERASE' | 'MTSETBLK' | 'MTSETDENSITY'
  | 'MTSEEK' | 'MTSETDRVBUFFER' | 'MTLOCK' | 'MTUNLOCK' | 'MTLOAD' | 'MTUNLOAD' | 'MTCOMPRESSION'
  | 'MTSETPART' | 'MTMKPART';

/** struct mtget as MTIOCGET fills it (linux/mtio.h). */
export interface RawMtStatus {
  type: number;
  resid: number;
  dsreg: number;
  gstat: number;
  erreg: number;
  fileno: number;
  blkno: number;
}

export interface ModelStats {
  busyNs: number;
  backHitches: number;
  elapsedNs: number;
}

export type MediumKind = 'st' | 'file' | 'sim';

export interface NativeOpenOptions {
  path?: string;
  fd?: number;
  readOnly?: boolean;
  create?: boolean;
  truncate?: boolean;
  recordSize?: number;
  capacity?: number;
  earlyWarning?: number;
  writeProtect?: boolean;
  rateBytesPerSec?: number;
  backHitchNs?: number;
  driveBufferBytes?: number;
  failWriteAt?: number;
  failReadAt?: number;
  failErrno?: number;
  syncOnFilemark?: boolean;
}

export interface NativeMedium {
  op(name: MtOpName, count?: number): Promise<void>;
  status(): Promise<RawMtStatus>;
  tell(): Promise<number>;
  write(block: Buffer): Promise<number>;
  read(length: number): Promise<Buffer>;
  sync(): Promise<void>;
  close(): Promise<void>;
  modelStats(): ModelStats | null;
  readonly kind: MediumKind;
  readonly path: string;
  readonly fd: number;
  readonly streaming: boolean;
}

export type PipelineEndpoint =
  | 'js'
  | { fd: number; name?: string }
  | { medium: NativeMedium; files?: number; pauseAtEarlyWarning?: boolean; name?: string };

export interface NativePipelineOptions {
  slotSize: number;
  slotCount: number;
  highWater?: number;
  lowWater?: number;
  fileOffsets?: boolean;
  mapInput?: boolean;
  source: PipelineEndpoint;
  sink: PipelineEndpoint;
}

interface EventBase {
  /** Blocks (records) written to, or read from, the medium so far. */
  blocks: number;
  /** Bytes written to, or read from, the medium so far (padding included). */
  bytes: number;
  filemarks: number;
  /** Bytes accepted from the producer that have not reached the sink. */
  unwrittenBytes: number;
}
export type PipelineEvent =
  | ({ type: 'drain' } & EventBase)
  | ({ type: 'readable' } & EventBase)
  | ({ type: 'earlyWarning' } & EventBase)
  | ({ type: 'filemark'; tag: number } & EventBase)
  | ({ type: 'error'; error: DeviceError; endOfMedium: boolean } & EventBase)
  | ({ type: 'finish'; aborted: boolean; endOfData: boolean } & EventBase);

export interface PipelineStats {
  bytesIn: number;
  bytesOut: number;
  payloadOut: number;
  /** Blocks written to a medium sink. */
  blocks: number;
  /** Blocks and filemarks read from a medium source. */
  blocksIn: number;
  filemarksIn: number;
  writes: number;
  filemarks: number;
  sinkStalls: number;
  sinkStallNs: number;
  sourceStalls: number;
  sourceStallNs: number;
  deviceNs: number;
  elapsedNs: number;
  ringSlots: number;
  slotSize: number;
  ringFill: number;
  earlyWarning: boolean;
  earlyWarningBlock: number;
  finished: boolean;
}

export interface NativePipeline {
  push(chunk: Buffer): number;
  filemark(count: number, immediate: boolean, tag?: number): boolean;
  end(): boolean;
  pull(maxBytes: number): Buffer | 'filemark' | 'end' | null;
  consumeMarker(): void;
  resume(): void;
  abort(): void;
  stats(): PipelineStats;
}

export interface SgIoResult {
  status: number;
  maskedStatus: number;
  hostStatus: number;
  driverStatus: number;
  resid: number;
  durationMs: number;
  info: number;
  sense: Buffer;
  data?: Buffer;
}

export type SgDirection = 'none' | 'to-device' | 'from-device';

export interface NativeAddon {
  init(classes: { DeviceError: typeof DeviceError }): void;
  openMedium(kind: MediumKind, options: NativeOpenOptions): Promise<NativeMedium>;
  createPipeline(options: NativePipelineOptions, onEvent: (event: PipelineEvent) => void): NativePipeline;
  sgio(fd: number, cdb: Buffer, direction: SgDirection, bufferOrLength: Buffer | number | null, timeoutMs: number): Promise<SgIoResult>;
}

function load(): NativeAddon {
  const require = createRequire(import.meta.url);
  const nodeGypBuild = require('node-gyp-build') as (dir: string) => NativeAddon;
  const addon = nodeGypBuild(packageRoot());
  addon.init({ DeviceError });
  return addon;
}

export const native: NativeAddon = load();
