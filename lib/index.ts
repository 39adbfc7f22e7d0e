/** tapecoord's library surface. */
export { DeviceError, isDeviceError } from './native/errors.js';
export type { MtOpName, PipelineStats, SgIoResult, SgDirection } from './native/binding.js';
export { Medium, parseMediumSpec, describeSpec, isEndOfData, type MediumSpec, type OpenMediumOptions, type ReadResult } from './drive/medium.js';
export { decodeMtStatus, formatMtStatus, type MtStatus } from './drive/mtio.js';
export { detectBlockSize, type DetectResult } from './drive/blocksize.js';
export { sgio } from './drive/sgio.js';
export { TapeWriter, type TapeWriterOptions } from './stream/tape-writer.js';
export { TapeReader, type TapeReaderOptions } from './stream/tape-reader.js';
export { Transfer } from './stream/transfer.js';
export { StreamError, type StreamResult, type MediumPosition } from './stream/result.js';
export { ringGeometry, type RingOptions } from './stream/geometry.js';
