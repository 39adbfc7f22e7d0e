/** The backup database dump stream, the savedb/restoredb payload (BUTC-SPEC §2.13). */
export { parseDbDump, dbDumpItems, type DbDump, type DbDumpDump, type DbDumpTape, type DbDumpTexts, type DbDumpItem } from './parser.js';
export { encodeDbDump, encodeDbDumpItem } from './encoder.js';
export { DbDumpError, type DbDumpErrorReason } from './errors.js';
export {
  SD_DBHEADER,
  SD_DUMP,
  SD_TAPE,
  SD_VOLUME,
  SD_TEXT_DUMPSCHEDULE,
  SD_TEXT_VOLUMESET,
  SD_TEXT_TAPEHOSTS,
  SD_END,
  SD_NAMES,
  dbHeader,
  budbDumpEntry,
  budbTapeEntry,
  budbVolumeEntry,
  budbTapeSet,
  budbPrincipal,
  structDumpHeader,
  type DbHeader,
  type BudbDumpEntry,
  type BudbTapeEntry,
  type BudbVolumeEntry,
  type BudbTapeSet,
  type BudbPrincipal,
  type StructDumpHeader,
} from './structs.js';
export type { Codec } from './codec.js';
