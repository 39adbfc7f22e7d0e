/** The catalog's dumps as an operator lists them: one line per volume of each dump, with its pieces. */
import type { Catalog } from './database.js';

export interface DumpListing {
  dump: number;
  volume: string;
  cartridgeSet: string;
  level: number;
  created: number;
  completed: number | null;
  expires: number | null;
  bytes: number;
  /** `cartridge:file` per fragment, in order. */
  pieces: string[];
}

export function listDumps(cat: Catalog): DumpListing[] {
  return cat
    .statement<Omit<DumpListing, 'pieces'> & { pieces: string | null }>(
      `SELECT d.id AS dump, coalesce(v.name, '') AS volume, d.volume_set AS cartridgeSet, d.level, d.created, d.completed, d.expires,
              coalesce(sum(f.bytes), 0) AS bytes, group_concat(f.cartridge || ':' || f.position, ' ') AS pieces
       FROM dumps d LEFT JOIN volumes v ON v.dump = d.id LEFT JOIN fragments f ON f.volume = v.id
       GROUP BY d.id, v.id ORDER BY d.created, d.id, v.name`,
    )
    .all()
    .map((r) => ({ ...r, pieces: r.pieces ? r.pieces.split(' ') : [] }));
}

const iso = (s: number) => new Date(s * 1000).toISOString().replace('.000Z', 'Z');

export function formatDumps(rows: readonly DumpListing[]): string {
  if (rows.length === 0) return 'no dumps\n';
  const head = ['dump', 'name', 'set', 'created', 'state', 'bytes', 'cartridge:file'];
  const body = rows.map((r) => [String(r.dump), r.volume, r.cartridgeSet, iso(r.created), r.completed !== null ? 'complete' : 'incomplete', String(r.bytes), r.pieces.join(' ')]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  return [head, ...body].map((cols) => cols.map((c, i) => (i === cols.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n') + '\n';
}
