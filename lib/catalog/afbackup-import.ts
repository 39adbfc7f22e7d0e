/**
 * `import-afbackup`: afserver's var directory into the catalog. Every file is parsed before the
 * catalog is touched; then the catalog's afserver state (the tables named after the nine files)
 * is replaced by the directory's in one transaction. Dumps, volumes, fragments, labels, changers
 * and cartridge sets are kept. A missing file counts as empty: afserver creates them as it needs
 * them.
 */
import { isUtf8 } from 'node:buffer';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afbackupFiles, entryCount, type AfbackupState } from './afbackup-files.js';
import { putCartridgeName } from './cartridges.js';
import type { Catalog } from './database.js';
import { AfbackupFormatError } from './errors.js';
import { addBlocksize } from './blocksizes.js';
import { setCartridgeLocation } from './locations.js';
import { putCartridgeOrder, putDrivePosition, putWritePosition } from './positions.js';
import { setReadonlyTapes, setReservation } from './protection.js';
import { putBytesOnTape, putTapeUses } from './tape-usage.js';

/** Per file of the var directory: whether it was there, and how many entries it held. */
export type ImportCounts = { file: string; present: boolean; entries: number }[];

const STATE_TABLES = [
  'bytes_on_tape',
  'tape_uses',
  'readonly_tapes',
  'precious_tapes',
  'write_positions',
  'drive_positions',
  'cartridge_order',
  'cartridge_locations',
  'cartridge_names',
  'ever_used_blocksizes',
];

/**
 * A file's text, or null when it is missing. Text must be UTF-8: a file in another encoding
 * (afbackup predates UTF-8) fails at its first such line, to be converted (iconv) and imported
 * again, rather than come back with other bytes on export.
 */
async function readIfThere(path: string): Promise<string | null> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  if (!isUtf8(bytes)) {
    let line = 1;
    for (let from = 0; ; line++) {
      const end = bytes.indexOf(0x0a, from);
      if (end < 0 || !isUtf8(bytes.subarray(from, end))) break;
      from = end + 1;
    }
    throw new AfbackupFormatError(path, line, 'text', 'not UTF-8: convert the file (iconv -f latin1 -t utf-8) and import again');
  }
  return bytes.toString('utf8');
}

/** Reads and parses the nine files; AfbackupFormatError (with the file's path) on bad input. */
export async function readAfbackupDir(vardir: string): Promise<{ state: AfbackupState; counts: ImportCounts }> {
  const state: Partial<Record<keyof AfbackupState, unknown>> = {};
  const counts: ImportCounts = [];
  for (const [key, format] of Object.entries(afbackupFiles) as [keyof AfbackupState, (typeof afbackupFiles)[keyof AfbackupState]][]) {
    const path = join(vardir, format.name);
    const text = await readIfThere(path);
    const data = format.parse(text ?? '', path);
    state[key] = data;
    counts.push({ file: format.name, present: text !== null, entries: entryCount(data) });
  }
  return { state: state as AfbackupState, counts };
}

/** Replaces the catalog's afserver state with state, in one transaction. */
export function replaceAfbackupState(cat: Catalog, state: AfbackupState): void {
  cat.transaction(() => {
    for (const table of STATE_TABLES) cat.statement(`DELETE FROM ${table}`).run();
    for (const r of state.bytesOnTape) putBytesOnTape(cat, r);
    for (const r of state.tapeUses) putTapeUses(cat, r);
    setReadonlyTapes(cat, state.readonlyTapes);
    for (const r of state.preciousTapes) setReservation(cat, r);
    for (const p of state.tapepos.writePositions) putWritePosition(cat, p);
    for (const p of state.tapepos.drivePositions) putDrivePosition(cat, p);
    for (const o of state.cartridgeOrder) putCartridgeOrder(cat, o);
    for (const l of state.cartridgeLocations) setCartridgeLocation(cat, l.cartridge, l.location);
    for (const n of state.cartridgeNames) putCartridgeName(cat, n);
    for (const size of state.everUsedBlocksizes) addBlocksize(cat, size);
  });
}

/** import-afbackup: reads vardir and replaces the catalog's afserver state with it. */
export async function importAfbackup(cat: Catalog, vardir: string): Promise<ImportCounts> {
  const { state, counts } = await readAfbackupDir(vardir);
  replaceAfbackupState(cat, state);
  return counts;
}
