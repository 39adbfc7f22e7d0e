/**
 * Restore plans: for the volumes chosen and a point in time, what to read from which cartridge, in
 * which order.
 *
 * - Each volume's dump chain is chosen as chains.ts says (the latest full lineage holding it, down
 *   to its latest usable dump; dumps not completed are never used).
 * - Every fragment of the volume in each dump of the chain is collected; fragments must run 1..n
 *   with only the n-th marked last. A volume with a gap, or without its last fragment, in any dump
 *   of its chain is left out of the plan and reported in `missing`, naming the volume and dump.
 * - Reads are grouped by cartridge and sorted by tape file, then block, then the order they were
 *   written; cartridges are ordered by mount-order.ts (loaded ones first, each mounted once,
 *   following cartridge_order). A read whose data follows data on a cartridge mounted later is
 *   marked `spool`: it must be kept until what comes before it has been read.
 *
 * The work is set-based: the chosen names go into a temporary table (select.ts), the usable dumps
 * and their lineages into two more, and one query joins them to volumes and fragments, so the cost
 * grows with the rows read, not with one query per volume. It runs in one read transaction, so a
 * writer committing meanwhile does not change the plan half-way.
 */
import type { Catalog } from '../catalog/database.js';
import type { Location } from '../catalog/locations.js';
import { usableDumps, type DumpRow, type UsableDump } from './chains.js';
import { mountOrder } from './mount-order.js';
import { cartridgePlaces, UNKNOWN_PLACE, type Placement } from './placement.js';
import { describeSelector, SELECTED_TABLE, selectVolumes, type VolumeSelector } from './select.js';

export interface RestorePlanRequest {
  select: readonly VolumeSelector[];
  /** Restore as of this time (Unix seconds): only dumps created at or before it. Null or absent: the latest. */
  at?: number | null;
}

export interface PlannedRead {
  volume: string;
  dump: number;
  fragment: number;
  /** Tape file number. */
  position: number;
  /** Block on the medium where the fragment starts, when known. */
  block: number | null;
  bytes: number;
  /** Read before data it follows (on a cartridge mounted later): keep it until that has been read. */
  spool: boolean;
}

export interface PlannedMount {
  cartridge: number;
  placement: Placement;
  location: Location | null;
  /** The device a tapepos line has it in. */
  device: string | null;
  bytes: number;
  reads: PlannedRead[];
}

export interface ChainLink {
  dump: number;
  level: number;
  created: number;
}

export interface PlannedVolume {
  volume: string;
  /** The dumps read, from the full on. */
  chain: ChainLink[];
  fragments: number;
  bytes: number;
  /** The cartridges holding it, in the order its data is needed. */
  cartridges: number[];
  /** Every piece is read after the pieces it follows: it can be restored as it streams off the tapes. */
  inOrder: boolean;
}

export type MissingReason =
  /** No usable dump holds the volume at that time. */
  | 'no-dump'
  /** The volume is in the dump but has no fragments. */
  | 'no-fragments'
  /** A fragment number is missing between others. */
  | 'fragment-gap'
  /** The highest fragment is not marked last: the ones after it are missing. */
  | 'no-last-fragment'
  /** A fragment comes after the one marked last. */
  | 'fragment-after-last';

export interface MissingVolume {
  volume: string;
  /** The dump at fault; null for 'no-dump'. */
  dump: number | null;
  reason: MissingReason;
  /** The fragment missing (gap, no-last: the first one not there) or out of place (after-last). */
  fragment: number | null;
  message: string;
}

export interface RestorePlan {
  at: number | null;
  /** In mount order, each cartridge once. */
  cartridges: PlannedMount[];
  /** By name. */
  volumes: PlannedVolume[];
  missing: MissingVolume[];
  /** The selectors that chose no volume, as given on the command line. */
  unmatched: string[];
}

/** A chosen volume: the key of the dump it is restored to, and its fragments in the dumps of that lineage. */
interface VolumeRow {
  volume: string;
  key: number;
  /** PIECE_FIELDS integers per fragment, comma-separated, -1 for NULL (see the query). */
  pieces: string;
}

/** Per fragment: lineage step, fragment, cartridge, tape file, block, bytes, last, rowid (write order). */
const PIECE_FIELDS = 8;
const [STEP, FRAGMENT, CARTRIDGE, POSITION, BLOCK, BYTES, LAST, SEQ] = [0, 1, 2, 3, 4, 5, 6, 7] as const;

const DUMPS_TABLE = 'temp.planner_dumps';
const PATHS_TABLE = 'temp.planner_paths';

export function planRestore(cat: Catalog, request: RestorePlanRequest): RestorePlan {
  const at = request.at ?? null;
  return cat.transaction(() => {
    const unmatched = selectVolumes(cat, request.select).map(describeSelector);
    const usable = usableDumps(cat.statement<DumpRow>('SELECT id, parent, level, created, completed FROM dumps').all(), at);
    fillDumpTables(cat, usable);
    // One row per volume with its fragments as one string of numbers: materialising 300,000
    // fragment rows as objects costs more than the query itself (benchmarks/RESULTS.md, Planner).
    // The catalog's CHECKs keep every one of these columns >= 0, so -1 can stand for NULL.
    const rows = cat
      .statement<VolumeRow>(
        `WITH pick AS (
           SELECT v.name, max(d.key) AS key FROM volumes v JOIN ${DUMPS_TABLE} d ON d.dump = v.dump
           WHERE v.name IN (SELECT name FROM ${SELECTED_TABLE}) GROUP BY v.name)
         SELECT k.name AS volume, k.key,
                group_concat(concat_ws(',', p.step, coalesce(f.fragment, -1), coalesce(f.cartridge, -1), coalesce(f.position, -1),
                                       coalesce(f.block, -1), coalesce(f.bytes, -1), coalesce(f.last, -1), coalesce(f.rowid, -1)), ',') AS pieces
         FROM pick k JOIN ${DUMPS_TABLE} d ON d.key = k.key JOIN ${PATHS_TABLE} p ON p.leaf = d.dump
         JOIN volumes v ON v.dump = p.dump AND v.name = k.name
         LEFT JOIN fragments f ON f.volume = v.id
         GROUP BY k.name`,
      )
      .all();
    const selected = cat.statement<{ n: number }>(`SELECT count(*) AS n FROM ${SELECTED_TABLE}`).get()!.n;
    const undumped =
      selected === rows.length
        ? []
        : cat
            .statement<{ name: string }>(
              `SELECT s.name FROM ${SELECTED_TABLE} s
               WHERE NOT EXISTS (SELECT 1 FROM volumes v JOIN ${DUMPS_TABLE} d ON d.dump = v.dump WHERE v.name = s.name)`,
            )
            .all()
            .map((r) => r.name);
    const built = buildVolumes(rows, undumped, usable, at);
    const cartridges = orderCartridges(cat, built);
    return { at, cartridges, volumes: built.volumes, missing: built.missing, unmatched };
  }, 'DEFERRED');
}

function fillDumpTables(cat: Catalog, usable: ReadonlyMap<number, UsableDump>): void {
  cat.db.exec(`CREATE TABLE IF NOT EXISTS ${DUMPS_TABLE} (key INTEGER PRIMARY KEY, dump INTEGER NOT NULL UNIQUE);
    CREATE TABLE IF NOT EXISTS ${PATHS_TABLE} (leaf INTEGER NOT NULL, step INTEGER NOT NULL, dump INTEGER NOT NULL, PRIMARY KEY (leaf, step)) WITHOUT ROWID;
    DELETE FROM ${DUMPS_TABLE}; DELETE FROM ${PATHS_TABLE};`);
  const dump = cat.statement(`INSERT INTO ${DUMPS_TABLE} (key, dump) VALUES (?, ?)`);
  const path = cat.statement(`INSERT INTO ${PATHS_TABLE} (leaf, step, dump) VALUES (?, ?, ?)`);
  for (const d of usable.values()) {
    dump.run(d.key, d.id);
    d.path.forEach((p, step) => path.run(d.id, step, p));
  }
}

/**
 * The reads of the plan, in flat arrays (300,000 of them are too many to give each a helper
 * object): piece i is reads[i] on cartridge[i], written as fragment row seq[i]. The pieces of
 * volume v are starts[v] to starts[v + 1] - 1, in the order its data is needed.
 */
interface Built {
  volumes: PlannedVolume[];
  missing: MissingVolume[];
  reads: PlannedRead[];
  cartridge: number[];
  seq: number[];
  starts: number[];
  /** Per cartridge, how early its data is needed: the smallest rank of a dump read from it. */
  need: Map<number, number>;
  /** Precedences: from -> to -> how many times a piece on `to` follows one on `from`. */
  edges: Map<number, Map<number, number>>;
}

const byName = (a: { volume: string }, b: { volume: string }): number => (a.volume < b.volume ? -1 : a.volume > b.volume ? 1 : 0);

function buildVolumes(rows: readonly VolumeRow[], undumped: readonly string[], usable: ReadonlyMap<number, UsableDump>, at: number | null): Built {
  const when = at === null ? '' : ` at or before ${new Date(at * 1000).toISOString()}`;
  const byKey = new Map([...usable.values()].map((d) => [d.key, d]));
  const built: Built = {
    volumes: [],
    missing: undumped.map((volume) => ({ volume, dump: null, reason: 'no-dump', fragment: null, message: `volume ${volume}: no completed dump chain holds it${when}` })),
    reads: [],
    cartridge: [],
    seq: [],
    starts: [0],
    need: new Map(),
    edges: new Map(),
  };
  const numbers: number[] = [];
  const order: number[] = [];
  for (const { volume, key, pieces } of [...rows].sort(byName)) {
    const leaf = byKey.get(key)!;
    const count = parseNumbers(pieces, numbers) / PIECE_FIELDS;
    // Down the lineage, then by fragment (insertion sort: a volume has a handful of pieces).
    order.length = 0;
    for (let i = 0; i < count; i++) {
      let j = order.length;
      while (j > 0 && comesAfter(numbers, order[j - 1]!, i)) j--;
      order.splice(j, 0, i);
    }
    const fault = checkFragments(volume, leaf.path, numbers, order);
    if (fault) {
      built.missing.push(fault);
      continue;
    }
    const chain: ChainLink[] = [];
    const cartridges: number[] = [];
    let bytes = 0;
    for (const i of order) {
      const o = i * PIECE_FIELDS;
      const dump = leaf.path[numbers[o + STEP]!]!;
      const d = usable.get(dump)!;
      if (chain.at(-1)?.dump !== dump) chain.push({ dump, level: d.level, created: d.created });
      const cartridge = numbers[o + CARTRIDGE]!;
      const block = numbers[o + BLOCK]!;
      const size = numbers[o + BYTES]!;
      bytes += size;
      built.reads.push({ volume, dump, fragment: numbers[o + FRAGMENT]!, position: numbers[o + POSITION]!, block: block < 0 ? null : block, bytes: size, spool: false });
      built.cartridge.push(cartridge);
      built.seq.push(numbers[o + SEQ]!);
      if (d.rank < (built.need.get(cartridge) ?? Infinity)) built.need.set(cartridge, d.rank);
      const previous = cartridges.at(-1);
      if (previous !== undefined && previous !== cartridge) {
        let out = built.edges.get(previous);
        if (!out) built.edges.set(previous, (out = new Map()));
        out.set(cartridge, (out.get(cartridge) ?? 0) + 1);
      }
      if (previous !== cartridge) cartridges.push(cartridge);
    }
    built.starts.push(built.reads.length);
    built.volumes.push({ volume, chain, fragments: count, bytes, cartridges: [...new Set(cartridges)], inOrder: true });
  }
  built.missing.sort(byName);
  return built;
}

/** Parses comma-separated integers into out; returns how many there were. */
function parseNumbers(text: string, out: number[]): number {
  let n = 0;
  let value = 0;
  let negative = false;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 44;
    if (c === 44) {
      out[n++] = negative ? -value : value;
      value = 0;
      negative = false;
    } else if (c === 45) negative = true;
    else value = value * 10 + (c - 48);
  }
  return n;
}

/** Whether piece a comes after piece b: later down the lineage, or a later fragment of the same dump. */
function comesAfter(numbers: readonly number[], a: number, b: number): boolean {
  const [oa, ob] = [a * PIECE_FIELDS, b * PIECE_FIELDS];
  const steps = numbers[oa + STEP]! - numbers[ob + STEP]!;
  return steps > 0 || (steps === 0 && numbers[oa + FRAGMENT]! > numbers[ob + FRAGMENT]!);
}

/** The first thing wrong with a volume's fragments in the dumps of its chain, if anything. */
function checkFragments(volume: string, path: readonly number[], numbers: readonly number[], order: readonly number[]): MissingVolume | undefined {
  for (let k = 0; k < order.length; ) {
    const step = numbers[order[k]! * PIECE_FIELDS + STEP]!;
    const dump = path[step]!;
    const fail = (reason: MissingReason, fragment: number, what: string): MissingVolume => ({
      volume,
      dump,
      reason,
      fragment,
      message: `volume ${volume}, dump ${dump}: ${what}`,
    });
    let expect = 1;
    let ended = false;
    for (; k < order.length && numbers[order[k]! * PIECE_FIELDS + STEP] === step; k++) {
      const o = order[k]! * PIECE_FIELDS;
      const fragment = numbers[o + FRAGMENT]!;
      if (fragment < 0) return fail('no-fragments', 1, 'no fragments on any cartridge');
      if (ended) return fail('fragment-after-last', fragment, `fragment ${fragment} comes after the last one (${expect - 1})`);
      if (fragment !== expect) return fail('fragment-gap', expect, `fragment ${expect} is missing (next found: ${fragment})`);
      ended = numbers[o + LAST] === 1;
      expect++;
    }
    if (!ended) return fail('no-last-fragment', expect, `fragment ${expect - 1} is not the last one and fragment ${expect} is missing`);
  }
  return undefined;
}

function orderCartridges(cat: Catalog, built: Built): PlannedMount[] {
  const { reads, cartridge, seq } = built;
  const byCartridge = new Map<number, number[]>();
  for (let i = 0; i < reads.length; i++) {
    const list = byCartridge.get(cartridge[i]!);
    if (list) list.push(i);
    else byCartridge.set(cartridge[i]!, [i]);
  }
  const places = cartridgePlaces(cat);
  const continuation = new Map<number, number>();
  for (const o of cat.statement<{ cartridge: number; next: number }>('SELECT cartridge, next_cartridge AS next FROM cartridge_order WHERE next_cartridge IS NOT NULL').all()) {
    continuation.set(o.cartridge, o.next);
  }
  const needed = [...byCartridge.keys()].sort((a, b) => a - b);
  const order = mountOrder({
    cartridges: needed,
    loaded: new Set(needed.filter((c) => places.get(c)?.placement === 'drive')),
    edges: built.edges,
    need: built.need,
    continuation,
  });

  // Number the reads in plan order; a read numbered below one its volume needs earlier is spooled.
  const index = new Int32Array(reads.length);
  let next = 0;
  const mounts = order.map((c): PlannedMount => {
    const list = byCartridge.get(c)!.sort((a, b) => {
      const [ra, rb] = [reads[a]!, reads[b]!];
      return ra.position - rb.position || (ra.block ?? Infinity) - (rb.block ?? Infinity) || seq[a]! - seq[b]!;
    });
    let bytes = 0;
    for (const i of list) {
      index[i] = next++;
      bytes += reads[i]!.bytes;
    }
    const place = places.get(c) ?? UNKNOWN_PLACE;
    return { cartridge: c, placement: place.placement, location: place.location, device: place.device, bytes, reads: list.map((i) => reads[i]!) };
  });
  built.volumes.forEach((v, n) => {
    let latest = -1;
    for (let i = built.starts[n]!; i < built.starts[n + 1]!; i++) {
      if (index[i]! < latest) {
        reads[i]!.spool = true;
        v.inOrder = false;
      }
      latest = Math.max(latest, index[i]!);
    }
  });
  return mounts;
}
