// Building small catalogs for the planner tests through the catalog's own write API.
import type { Test } from 'tap';
import { join } from 'node:path';
import { Catalog } from '../../lib/catalog/database.js';
import { completeDump, createDump, recordFragment } from '../../lib/catalog/dumps.js';
import { tempDir } from '../helpers/tmp.js';

export function openCatalog(t: Test): Catalog {
  const cat = Catalog.open(join(tempDir(t), 'catalog.db'));
  t.teardown(() => cat.close());
  return cat;
}

/** A fragment as [cartridge, tape file, bytes] or [cartridge, tape file, bytes, block]. */
export type Frag = [cartridge: number, position: number, bytes: number, block?: number];

export interface DumpSpec {
  id: number;
  parent?: number;
  level?: number;
  created: number;
  /** Default: completed 10 s after creation; null: never completed. */
  completed?: number | null;
  /** Volume name -> its fragments in order (the last is marked last). */
  volumes: Record<string, Frag[]>;
}

/** Records a dump and its volumes' fragments, volume by volume, in the order given. */
export function addDump(cat: Catalog, d: DumpSpec): void {
  createDump(cat, { id: d.id, parent: d.parent ?? null, level: d.level ?? (d.parent === undefined ? 0 : 1), volumeSet: 'vs', created: d.created, expires: null });
  for (const [volume, frags] of Object.entries(d.volumes)) {
    frags.forEach(([cartridge, position, bytes, block], i) =>
      recordFragment(cat, {
        dump: d.id,
        volume,
        volumeId: null,
        cloneTime: null,
        fragment: i + 1,
        cartridge,
        position,
        block: block ?? null,
        bytes,
        last: i === frags.length - 1,
      }),
    );
  }
  const completed = d.completed === undefined ? d.created + 10 : d.completed;
  if (completed !== null) completeDump(cat, d.id, completed);
}
