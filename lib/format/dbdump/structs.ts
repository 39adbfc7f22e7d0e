/**
 * The items of a backup database dump (BUTC-SPEC §2.13): types, and the struct images budb writes,
 * with the layouts of OpenAFS src/budb/budb.rg (DbHeader, budb_dumpEntry, budb_tapeSet,
 * budb_principal, budb_tapeEntry, budb_volumeEntry, structDumpHeader). Date and dumpId are
 * afs_uint32; BU_MAXNAMELEN = BU_MAXTAPELEN = BU_MAXHOSTLEN = 32, BU_MAXUNAMELEN = BU_MAXCELLLEN =
 * BU_MAXPATHLEN = 256, BU_MAXINAMELEN = 128.
 */
import { chars, int32, struct, uint32, type Decoded } from './codec.js';

/** Item types (budb.rg SD_*). */
export const SD_DBHEADER = 1;
export const SD_DUMP = 2;
export const SD_TAPE = 3;
export const SD_VOLUME = 4;
export const SD_TEXT_DUMPSCHEDULE = 5;
export const SD_TEXT_VOLUMESET = 6;
export const SD_TEXT_TAPEHOSTS = 7;
export const SD_END = 8;

export const SD_NAMES: Readonly<Record<number, string>> = {
  [SD_DBHEADER]: 'SD_DBHEADER',
  [SD_DUMP]: 'SD_DUMP',
  [SD_TAPE]: 'SD_TAPE',
  [SD_VOLUME]: 'SD_VOLUME',
  [SD_TEXT_DUMPSCHEDULE]: 'SD_TEXT_DUMPSCHEDULE',
  [SD_TEXT_VOLUMESET]: 'SD_TEXT_VOLUMESET',
  [SD_TEXT_TAPEHOSTS]: 'SD_TEXT_TAPEHOSTS',
  [SD_END]: 'SD_END',
};

/** `structversion` of every item header (db_dump.c writeStructHeader). */
export const SD_STRUCTVERSION = 1;

/** struct structDumpHeader: type, structversion, size — 12 bytes before each item's payload. */
export const structDumpHeader = struct({ type: int32, structversion: int32, size: int32 });
export type StructDumpHeader = Decoded<typeof structDumpHeader>;

/** struct DbHeader (276 bytes). budb writes an empty cell. */
export const dbHeader = struct({
  dbversion: int32,
  created: int32,
  cell: chars(256),
  lastDumpId: uint32,
  lastInstanceId: uint32,
  lastTapeId: uint32,
});
export type DbHeader = Decoded<typeof dbHeader>;

/** struct budb_tapeSet (80 bytes): the tape name is sprintf(format, a*seq + b). */
export const budbTapeSet = struct({
  id: int32,
  tapeServer: chars(32),
  format: chars(32),
  maxTapes: int32,
  a: int32,
  b: int32,
});
export type BudbTapeSet = Decoded<typeof budbTapeSet>;

/** struct budb_principal (640 bytes). */
export const budbPrincipal = struct({ name: chars(256), instance: chars(128), cell: chars(256) });
export type BudbPrincipal = Decoded<typeof budbPrincipal>;

/** struct budb_dumpEntry (1076 bytes). budb does not fill incTime or appendedDumpID in a dump (dumpToBudbDump). */
export const budbDumpEntry = struct({
  id: uint32,
  parent: uint32,
  level: int32,
  flags: int32,
  volumeSetName: chars(32),
  dumpPath: chars(256),
  name: chars(32),
  created: uint32,
  incTime: uint32,
  nVolumes: int32,
  tapes: budbTapeSet,
  dumper: budbPrincipal,
  initialDumpID: uint32,
  appendedDumpID: uint32,
});
export type BudbDumpEntry = Decoded<typeof budbDumpEntry>;

/** struct budb_tapeEntry (80 bytes). */
export const budbTapeEntry = struct({
  name: chars(32),
  flags: int32,
  written: uint32,
  expires: uint32,
  nMBytes: uint32,
  nBytes: uint32,
  nFiles: int32,
  nVolumes: int32,
  seq: int32,
  labelpos: int32,
  useCount: int32,
  useKBytes: int32,
  dump: uint32,
});
export type BudbTapeEntry = Decoded<typeof budbTapeEntry>;

/** struct budb_volumeEntry (140 bytes): one fragment of a volume. */
export const budbVolumeEntry = struct({
  name: chars(32),
  flags: int32,
  id: int32,
  server: chars(32),
  partition: int32,
  tapeSeq: int32,
  position: int32,
  clone: uint32,
  incTime: uint32,
  startByte: int32,
  nBytes: uint32,
  seq: int32,
  dump: uint32,
  tape: chars(32),
});
export type BudbVolumeEntry = Decoded<typeof budbVolumeEntry>;

/** The payload size each fixed item must have (BUTC-SPEC §2.13 table). */
export const SD_SIZES: Readonly<Record<number, number>> = {
  [SD_DBHEADER]: dbHeader.size,
  [SD_DUMP]: budbDumpEntry.size,
  [SD_TAPE]: budbTapeEntry.size,
  [SD_VOLUME]: budbVolumeEntry.size,
  [SD_END]: 0,
};
