/**
 * Dumps, their volumes, and the fragments of each volume on the media. A dump row describes an
 * intent (it exists from the start of the dump); volumes and fragments describe data, and are
 * only recorded once that data is on a medium (see writes.ts for the contract).
 */
import { ensureCartridges } from './cartridges.js';
import type { Catalog } from './database.js';
import { CatalogError } from './errors.js';

/** Times are Unix seconds. A full dump has level 0 and no parent. */
export interface Dump {
  id: number;
  parent: number | null;
  level: number;
  volumeSet: string;
  created: number;
  expires: number | null;
  /** When the dump finished; null while it runs, or if it never finished. */
  completed: number | null;
}

/** One fragment of one volume of a dump, inside one tape file of one cartridge. */
export interface Fragment {
  dump: number;
  volume: string;
  /** The volume's numeric id (OpenAFS), when it has one. */
  volumeId: number | null;
  /** When the volume's clone was made (what the dump contains is as of then). */
  cloneTime: number | null;
  /** From 1; each fragment is recorded after the one before it. */
  fragment: number;
  cartridge: number;
  /** The tape file number. */
  position: number;
  /** The block on the medium where the fragment starts, when known. */
  block: number | null;
  bytes: number;
  /** The volume's final fragment. */
  last: boolean;
}

const DUMP_COLUMNS = 'id, parent, level, volume_set AS volumeSet, created, expires, completed';

/** Starts a dump; returns its id (the one given, or a new one). */
export function createDump(cat: Catalog, d: Omit<Dump, 'id' | 'completed'> & { id?: number }): number {
  const r = cat
    .statement('INSERT INTO dumps (id, parent, level, volume_set, created, expires) VALUES (?, ?, ?, ?, ?, ?)')
    .run(d.id ?? null, d.parent, d.level, d.volumeSet, d.created, d.expires);
  return Number(r.lastInsertRowid);
}

/** Marks a dump finished: every volume in it has all its fragments on the media. */
export function completeDump(cat: Catalog, id: number, time: number): void {
  const r = cat.statement('UPDATE dumps SET completed = ? WHERE id = ?').run(time, id);
  if (r.changes === 0) throw new CatalogError('not-found', `no dump ${id}`);
}

export function dump(cat: Catalog, id: number): Dump | undefined {
  return cat.statement<Dump>(`SELECT ${DUMP_COLUMNS} FROM dumps WHERE id = ?`).get(id);
}

export function dumps(cat: Catalog): Dump[] {
  return cat.statement<Dump>(`SELECT ${DUMP_COLUMNS} FROM dumps ORDER BY created, id`).all();
}

/**
 * Records a fragment that is on the medium. Call it only as writes.ts says: after the filemark
 * that ends its tape file is written (or the backup data file is synced). The volume row is made
 * with its first fragment. Throws CatalogError 'fragment-order' unless this is the volume's next
 * fragment and no last one came before, 'not-found' without the dump.
 */
export function recordFragment(cat: Catalog, f: Fragment): void {
  cat.transaction(() => {
    if (!dump(cat, f.dump)) throw new CatalogError('not-found', `no dump ${f.dump}`);
    ensureCartridges(cat, [f.cartridge]);
    cat
      .statement('INSERT INTO volumes (dump, name, volume_id, clone_time) VALUES (?, ?, ?, ?) ON CONFLICT (dump, name) DO NOTHING')
      .run(f.dump, f.volume, f.volumeId, f.cloneTime);
    const v = cat
      .statement<{ id: number; count: number; done: number }>(
        `SELECT v.id, count(f.fragment) AS count, coalesce(max(f.last), 0) AS done
         FROM volumes v LEFT JOIN fragments f ON f.volume = v.id WHERE v.dump = ? AND v.name = ? GROUP BY v.id`,
      )
      .get(f.dump, f.volume)!;
    if (v.done) throw new CatalogError('fragment-order', `dump ${f.dump} volume ${f.volume}: fragment ${f.fragment} after the last one`);
    if (f.fragment !== v.count + 1) {
      throw new CatalogError('fragment-order', `dump ${f.dump} volume ${f.volume}: fragment ${f.fragment} where ${v.count + 1} comes next`);
    }
    cat
      .statement('INSERT INTO fragments (volume, fragment, cartridge, position, block, bytes, last) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(v.id, f.fragment, f.cartridge, f.position, f.block, f.bytes, Number(f.last));
  });
}

/** A volume's fragments in a dump, in order. */
export function volumeFragments(cat: Catalog, dumpId: number, volume: string): Fragment[] {
  return cat
    .statement<Omit<Fragment, 'last'> & { last: number }>(
      `SELECT v.dump, v.name AS volume, v.volume_id AS volumeId, v.clone_time AS cloneTime, f.fragment,
              f.cartridge, f.position, f.block, f.bytes, f.last
       FROM volumes v JOIN fragments f ON f.volume = v.id WHERE v.dump = ? AND v.name = ? ORDER BY f.fragment`,
    )
    .all(dumpId, volume)
    .map((r) => ({ ...r, last: r.last === 1 }));
}
