/**
 * cartridge_order as writing moves from tape to tape.
 *
 * Seed 001: "In this file the order is saved, what file on which tape must be read, when a certain
 * tape is exhausted". When a cartridge set's writing leaves cartridge `from` for file `file` of
 * cartridge `to`, that becomes `from -> to file`; and every older entry that led into `to` at that
 * file or later now leads into data about to be overwritten, so it is invalidated the way afserver
 * invalidates one (the next cartridge becomes 0: NULL in the catalog, and a file given becomes 0).
 */
import { ensureCartridges } from '../catalog/cartridges.js';
import type { Catalog } from '../catalog/database.js';
import { PlannerError } from './errors.js';

/**
 * Records that reading continues on cartridge `to` at tape file `file` (from 1) once cartridge
 * `from` is exhausted, in one transaction. Returns the cartridges whose entries were invalidated.
 */
export function recordContinuation(cat: Catalog, from: number, to: number, file: number): number[] {
  if (from === to) throw new PlannerError('invalid', `${cat.path}: cartridge ${from} cannot continue on itself`);
  if (!Number.isSafeInteger(file) || file < 1) throw new PlannerError('invalid', `${cat.path}: cartridge ${from} -> ${to}: file ${file} is not a tape file number (from 1)`);
  return cat.transaction(() => {
    ensureCartridges(cat, [from, to]);
    const stale = cat
      .statement<{ cartridge: number }>(
        `UPDATE cartridge_order SET next_cartridge = NULL, next_file = CASE WHEN next_file IS NULL THEN NULL ELSE 0 END
         WHERE next_cartridge = ? AND coalesce(next_file, 1) >= ? AND cartridge <> ? RETURNING cartridge`,
      )
      .all(to, file, from)
      .map((r) => r.cartridge)
      .sort((a, b) => a - b);
    cat
      .statement(
        `INSERT INTO cartridge_order (cartridge, next_cartridge, next_file) VALUES (?, ?, ?)
         ON CONFLICT (cartridge) DO UPDATE SET next_cartridge = excluded.next_cartridge, next_file = excluded.next_file`,
      )
      .run(from, to, file);
    return stale;
  });
}
