/**
 * The cartridge a cartridge set is written on next, and why every other cartridge of the set is not.
 *
 * afserver's rules (seed 001): the set's write position (tapepos 'N:' line) is where writing
 * continues; readonly_tapes lists cartridges "that should not be written to anymore" (an open range
 * `8-` reaches every cartridge from 8 on); a cartridge whose bytes_on_tape full flag is set has no
 * room; precious_tapes reservations make a cartridge read-only "if they have no more space on tape
 * to write to. If they have free space, new data is appended at the end of the last file on tape".
 * So a reservation forbids overwriting, not appending.
 *
 * Two ways to start on a cartridge other than the write position's:
 * - append (the default, afserver's Full Append Mode): after the cartridge's last file
 *   (bytes_on_tape files + 1), so nothing on it is lost;
 * - overwrite: from file 1, as afserver does without append mode; a reserved cartridge is then
 *   still appended to, never overwritten.
 *
 * A cartridge another job has now (inUse) is passed over too: the next best is written instead.
 *
 * Among the writable cartridges the write position's comes first, then the ones already in a drive,
 * then those in a library, then those outside one (an operator must bring them), then those with no
 * known location; ties go to the lower cartridge number (PreferCartInChanger; SURVEY §2.4 #21).
 */
import type { Catalog } from '../catalog/database.js';
import type { Location } from '../catalog/locations.js';
import { ADMIN_RESERVATION, readonlyTapes, reservations } from '../catalog/protection.js';
import { inRanges } from '../catalog/ranges.js';
import { PlannerError } from './errors.js';
import { cartridgePlaces, PLACEMENT_RANK, UNKNOWN_PLACE, type Placement } from './placement.js';

export interface NextCartridgeOptions {
  /** Start a cartridge that is not the write position's from file 1 (default: append after its last file). */
  overwrite?: boolean;
  /** Bytes a cartridge holds (afserver's maximum bytes per tape): one with this many on it counts as full. */
  capacity?: number;
  /** Cartridges other jobs have now (the daemon's claims): passed over as 'in-use'. */
  inUse?: ReadonlySet<number>;
}

/** Why a cartridge of the set cannot be written now, in order of precedence. */
export type SkipReason = 'read-only' | 'full' | 'reserved' | 'in-use';

export interface SkippedCartridge {
  cartridge: number;
  reason: SkipReason;
  /** For 'reserved': the clients holding it (ADMIN_RESERVATION for cart_ctl's admin protection). */
  reservedBy: string[];
}

export interface WriteTarget {
  cartridge: number;
  /** The tape file to write next, from 1. */
  file: number;
  /** Whether that is after data already on the cartridge (false: from file 1, or on an empty cartridge). */
  append: boolean;
  /** 'write-position': the set's tapepos entry; 'placement': the best placed writable cartridge. */
  why: 'write-position' | 'placement';
  placement: Placement;
  location: Location | null;
  /** The device a tapepos line has it in. */
  device: string | null;
}

export interface NextCartridgeDecision {
  cartridgeSet: number;
  /** The cartridge to write on, or null when none of the set can be written. */
  target: WriteTarget | null;
  /** Every cartridge of the set that cannot be written, by number. */
  skipped: SkippedCartridge[];
  /** How many cartridges of the catalog belong to other sets, and to none (neither are candidates). */
  otherSets: number;
  noSet: number;
}

interface SetCartridgeRow {
  number: number;
  bytes: number | null;
  files: number | null;
  full: number | null;
}

/** Chooses where cartridge set `cartridgeSet` is written next. Throws PlannerError 'invalid' for an unknown set. */
export function nextCartridge(cat: Catalog, cartridgeSet: number, options: NextCartridgeOptions = {}): NextCartridgeDecision {
  return cat.transaction(() => {
    if (!cat.statement('SELECT 1 FROM cartridge_sets WHERE number = ?').get(cartridgeSet)) {
      throw new PlannerError('invalid', `${cat.path}: no cartridge set ${cartridgeSet}`);
    }
    const rows = cat
      .statement<SetCartridgeRow>(
        `SELECT c.number, b.bytes, b.files, b.full FROM cartridges c LEFT JOIN bytes_on_tape b ON b.cartridge = c.number
         WHERE c.cartridge_set = ? ORDER BY c.number`,
      )
      .all(cartridgeSet);
    const others = cat
      .statement<{ otherSets: number; noSet: number }>(
        `SELECT coalesce(sum(cartridge_set IS NOT NULL AND cartridge_set <> ?), 0) AS otherSets,
                coalesce(sum(cartridge_set IS NULL), 0) AS noSet FROM cartridges`,
      )
      .get(cartridgeSet)!;
    const position = cat
      .statement<{ cartridge: number | null; file: number }>('SELECT cartridge, file FROM write_positions WHERE cartridge_set = ?')
      .get(cartridgeSet);
    const readOnly = readonlyTapes(cat);
    const reserved = reservations(cat);
    const places = cartridgePlaces(cat, cartridgeSet);

    const skipped: SkippedCartridge[] = [];
    let best: WriteTarget | null = null;
    for (const c of rows) {
      const reservedBy = reserved.filter((r) => inRanges(r.ranges, c.number)).map((r) => r.client);
      const files = c.files ?? 0;
      const atPosition = position?.cartridge === c.number;
      // The write position's file, else after the last file (append) or file 1 (overwrite, unless reserved).
      const file = atPosition ? Math.max(position.file, 1) : options.overwrite && reservedBy.length === 0 ? 1 : files + 1;
      const reason: SkipReason | null = inRanges(readOnly, c.number)
        ? 'read-only'
        : c.full === 1 || (options.capacity !== undefined && (c.bytes ?? 0) >= options.capacity)
          ? 'full'
          : reservedBy.length > 0 && file <= files
            ? 'reserved'
            : options.inUse?.has(c.number)
              ? 'in-use'
              : null;
      if (reason !== null) {
        skipped.push({ cartridge: c.number, reason, reservedBy: reason === 'reserved' ? reservedBy : [] });
        continue;
      }
      const place = places.get(c.number) ?? UNKNOWN_PLACE;
      const target: WriteTarget = {
        cartridge: c.number,
        file,
        append: file > 1 && file > files,
        why: atPosition ? 'write-position' : 'placement',
        placement: place.placement,
        location: place.location,
        device: place.device,
      };
      if (best === null || better(target, best)) best = target;
    }
    return { cartridgeSet, target: best, skipped, otherSets: others.otherSets, noSet: others.noSet };
  }, 'DEFERRED');
}

/** Whether a is preferred over b (rows arrive by cartridge number, so ties keep the lower number). */
function better(a: WriteTarget, b: WriteTarget): boolean {
  if (a.why !== b.why) return a.why === 'write-position';
  return PLACEMENT_RANK[a.placement] < PLACEMENT_RANK[b.placement];
}

/**
 * The decision in words, for a log line or an operator: `set 2: cartridge 7 file 4 (appending; in
 * library /dev/sch0 slot 7)`, or `no writable cartridge in set 2: 3 read-only, 2 full, 1 reserved by
 * client alpha`.
 */
export function explainDecision(d: NextCartridgeDecision): string {
  const counts: string[] = [];
  for (const reason of ['read-only', 'full', 'in-use'] as const) {
    const n = d.skipped.filter((s) => s.reason === reason).length;
    if (n > 0) counts.push(`${n} ${reason === 'in-use' ? 'in use by another task' : reason}`);
  }
  const byClient = new Map<string, number>();
  for (const s of d.skipped) {
    if (s.reason === 'reserved') for (const client of s.reservedBy) byClient.set(client, (byClient.get(client) ?? 0) + 1);
  }
  for (const [client, n] of [...byClient].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    counts.push(`${n} reserved by ${client === ADMIN_RESERVATION ? 'the administrator' : `client ${client}`}`);
  }
  if (d.otherSets > 0) counts.push(`${d.otherSets} in other sets`);
  if (d.noSet > 0) counts.push(`${d.noSet} in no set`);
  const why = counts.length > 0 ? `: ${counts.join(', ')}` : ': the set has no cartridges';
  if (d.target === null) return `no writable cartridge in set ${d.cartridgeSet}${why}`;
  const t = d.target;
  const where = t.location === null ? (t.device !== null ? `in ${t.device}` : 'location unknown') : describeLocation(t.location, t.device);
  const how = t.why === 'write-position' ? 'at the write position' : t.append ? 'appending' : 'from the start';
  return `set ${d.cartridgeSet}: cartridge ${t.cartridge} file ${t.file} (${how}; ${where})`;
}

export function describeLocation(l: Location, device: string | null): string {
  const at = 'changer' in l ? `in ${l.changer} ${l.kind} ${l.number}` : `at '${l.place}'`;
  return device !== null ? `${at}, loaded in ${device}` : at;
}
