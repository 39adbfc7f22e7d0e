/**
 * Dump chains: which dumps a restore may use, and the lineage of each.
 *
 * A dump is usable when it completed, was created at or before the restore's point in time, and
 * every dump up its parent chain is usable too, up to a full dump (level 0, no parent). A restore
 * of a volume reads, from the full at the top to the dump it restores to, every dump of that
 * lineage that holds the volume (OpenAFS bucoord's restore does the same: it follows the parents of
 * the volume's latest dump down to level 0 and reads the volume from each level that has it).
 *
 * The dump a volume is restored to: among the usable dumps holding it, those whose lineage starts
 * at the latest full dump (of those lineages), and of them the latest. "Latest" orders by creation
 * time, then dump id. `key` encodes that choice so SQL picks it with one max(): the rank of the
 * lineage's full, then the rank of the dump.
 */

export interface DumpRow {
  id: number;
  parent: number | null;
  level: number;
  created: number;
  completed: number | null;
}

export interface UsableDump {
  id: number;
  level: number;
  created: number;
  /** Its position among the usable dumps by (created, id), from 0. */
  rank: number;
  /** The full dump at the top of its lineage. */
  root: number;
  /** Larger for a later full at the top, then for a later dump: the max over a volume's dumps is the one to restore to. */
  key: number;
  /** Its lineage from the full down to itself. */
  path: number[];
}

/** The usable dumps at time `at` (null: now, any creation time), by id. */
export function usableDumps(rows: readonly DumpRow[], at: number | null): Map<number, UsableDump> {
  const byId = new Map(rows.map((d) => [d.id, d]));
  const paths = new Map<number, number[] | null>();
  const pathOf = (id: number): number[] | null => {
    const known = paths.get(id);
    if (known !== undefined) return known;
    // Walk up to the first dump whose path is known (or the top), then fill in downwards.
    const walk: number[] = [];
    let top: number[] | null = null;
    for (let cur: number | null = id; ; ) {
      const d: DumpRow | undefined = byId.get(cur);
      const usable = d !== undefined && d.completed !== null && (at === null || d.created <= at) && !walk.includes(cur);
      if (!usable) break;
      walk.push(cur);
      if (d.parent === null) {
        top = d.level === 0 ? [] : null;
        break;
      }
      const parentPath = paths.get(d.parent);
      if (parentPath !== undefined) {
        top = parentPath;
        break;
      }
      cur = d.parent;
    }
    // `top` is the path above the last dump walked, or null when the chain is broken there.
    let path = top;
    for (let i = walk.length - 1; i >= 0; i--) {
      path = path === null ? null : [...path, walk[i]!];
      paths.set(walk[i]!, path);
    }
    if (!paths.has(id)) paths.set(id, null);
    return paths.get(id)!;
  };

  const usable = rows.filter((d) => pathOf(d.id) !== null).sort((a, b) => a.created - b.created || a.id - b.id);
  const rank = new Map(usable.map((d, i) => [d.id, i]));
  const scale = usable.length + 1;
  const out = new Map<number, UsableDump>();
  for (const d of usable) {
    const path = pathOf(d.id)!;
    const root = path[0]!;
    out.set(d.id, { id: d.id, level: d.level, created: d.created, rank: rank.get(d.id)!, root, key: rank.get(root)! * scale + rank.get(d.id)!, path });
  }
  return out;
}
