/** The catalog: one SQLite file with cartridges, afserver's state, dumps and their fragments. */
export { Catalog, DEFAULT_CATALOG_PATH, type OpenCatalogOptions, type Statement } from './database.js';
export type { SqlDatabase, SqlStatement, SqlValue, SqliteBinding } from './sqlite.js';
export { SCHEMA_VERSION, migrations, type Migration } from './schema.js';
export { CatalogError, AfbackupFormatError, type CatalogErrorCode } from './errors.js';
export { parseRanges, formatRanges, inRanges, RangeSyntaxError, type CartridgeRange } from './ranges.js';
export {
  cartridge,
  cartridges,
  putCartridge,
  ensureCartridges,
  cartridgeSets,
  putCartridgeSet,
  ensureCartridgeSets,
  label,
  putLabel,
  cartridgeNames,
  putCartridgeName,
  cartridgesByBarcode,
  type Cartridge,
  type CartridgeSet,
  type Label,
  type CartridgeName,
} from './cartridges.js';
export { bytesOnTape, cartridgeBytes, putBytesOnTape, tapeUses, putTapeUses, type BytesOnTape, type TapeUses } from './tape-usage.js';
export { ADMIN_RESERVATION, readonlyTapes, setReadonlyTapes, reservations, setReservation, writeProtection, type Reservation } from './protection.js';
export {
  writePositions,
  putWritePosition,
  drivePositions,
  putDrivePosition,
  cartridgeOrder,
  putCartridgeOrder,
  type WritePosition,
  type DrivePosition,
  type CartridgeOrder,
} from './positions.js';
export {
  ELEMENT_KINDS,
  cartridgeLocations,
  cartridgeLocation,
  cartridgeAt,
  setCartridgeLocation,
  type ElementKind,
  type Location,
  type CartridgeLocation,
} from './locations.js';
export { everUsedBlocksizes, addBlocksize } from './blocksizes.js';
export { createDump, completeDump, dump, dumps, recordFragment, volumeFragments, type Dump, type Fragment } from './dumps.js';
export { recordTapeFile, recordCartridgeFull, type TapeFileWritten } from './writes.js';
export { afbackupFiles, parseLocation, type AfbackupState, type AfbackupFile, type Tapepos } from './afbackup-files.js';
export { importAfbackup, readAfbackupDir, replaceAfbackupState, type ImportCounts } from './afbackup-import.js';
export { exportAfbackup, readAfbackupState, formatAfbackupState } from './afbackup-export.js';
