/**
 * `export-afbackup`: the catalog's afserver state written as afserver's var directory, so a site
 * can go back to afbackup (stop afserver first). All nine files are written, an empty one where
 * the catalog holds nothing for it (afserver reads an empty file as a missing one). Every file is
 * formatted before any is written; each is written to NAME.tmp, synced and renamed over NAME, as
 * afserver replaces its own files.
 */
import { mkdir, open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { afbackupFiles, entryCount, type AfbackupFile, type AfbackupState } from './afbackup-files.js';
import { everUsedBlocksizes } from './blocksizes.js';
import { cartridgeNames } from './cartridges.js';
import type { Catalog } from './database.js';
import { cartridgeLocations } from './locations.js';
import { cartridgeOrder, drivePositions, writePositions } from './positions.js';
import { readonlyTapes, reservations } from './protection.js';
import { bytesOnTape, tapeUses } from './tape-usage.js';

/** The catalog's afserver state, read in one transaction so it is consistent. */
export function readAfbackupState(cat: Catalog): AfbackupState {
  return cat.transaction(
    () => ({
      bytesOnTape: bytesOnTape(cat),
      tapeUses: tapeUses(cat),
      readonlyTapes: readonlyTapes(cat),
      preciousTapes: reservations(cat),
      tapepos: { writePositions: writePositions(cat), drivePositions: drivePositions(cat) },
      cartridgeOrder: cartridgeOrder(cat),
      cartridgeLocations: cartridgeLocations(cat),
      cartridgeNames: cartridgeNames(cat),
      everUsedBlocksizes: everUsedBlocksizes(cat),
    }),
    'DEFERRED',
  );
}

/** The nine files' contents, by file name. Throws CatalogError 'invalid' for what afbackup cannot hold. */
export function formatAfbackupState(state: AfbackupState): Map<string, string> {
  const texts = new Map<string, string>();
  for (const [key, format] of Object.entries(afbackupFiles) as [keyof AfbackupState, AfbackupFile<unknown>][]) {
    texts.set(format.name, format.format(state[key]));
  }
  return texts;
}

async function writeReplacing(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp`;
  const handle = await open(tmp, 'w', 0o644);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, path);
}

/** export-afbackup: writes the nine files into vardir (made if missing); returns the entries in each. */
export async function exportAfbackup(cat: Catalog, vardir: string): Promise<{ file: string; entries: number }[]> {
  const state = readAfbackupState(cat);
  const texts = formatAfbackupState(state);
  await mkdir(vardir, { recursive: true });
  for (const [name, text] of texts) await writeReplacing(join(vardir, name), text);
  const dir = await open(vardir, 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
  return (Object.entries(afbackupFiles) as [keyof AfbackupState, AfbackupFile<unknown>][]).map(([key, format]) => ({
    file: format.name,
    entries: entryCount(state[key]),
  }));
}
