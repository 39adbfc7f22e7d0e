/** OpenAFS's tape format (butm / file_tm), BUTC-SPEC §2: records, labels, volume headers, reader and writer. */
export * from './constants.js';
export { ButmError, isButmError, hitEndOfTape, comErrCode, type ButmErrorCode, type ButmErrorWhere } from './errors.js';
export { TapeUsage, dumpEndMarginKB, savedbEndMarginKB, plannedSplit, throttledReadSize } from './accounting.js';
export { newLabel, encodeLabel, decodeLabel, tapeName, labelName, formatTapeName, isDatabaseTapeName, LABEL_LAYOUT, type ButmLabel, type LabelCreator } from './label.js';
export { classifyRecord, encodeFilemark, encodeDataRecord, decodeDataRecord, type RecordKind, type SoftFilemark, type DataRecord } from './records.js';
export {
  makeVolumeHeader,
  makeVolumeTrailer,
  encodeVolumeHeader,
  decodeVolumeHeader,
  readVolumeHeader,
  VOLUME_HEADER_LAYOUT,
  type VolumeHeader,
  type VolumeHeaderFields,
  type VolumeHeaderLayout,
  type FoundVolumeHeader,
} from './volume-header.js';
export { extractTrailer, findVolTrailer, findVolTrailer2, TrailerSearch, type TrailerStep, type TrailerFound } from './trailer.js';
export { RecordDevice, type DeviceMode, type BlockType, type BlockRead, type RecordDeviceOptions } from './record-device.js';
export { ButmWriter, type Written, type FragmentWritten, type DatabaseDataWritten } from './writer.js';
export { ButmReader, type MediumEntry, type FileEnding } from './reader.js';
export { scanMedium, type ScanResult, type ScannedFile, type ScannedLabel, type ScanOptions } from './scan.js';
