// Restore plans on randomized catalogs, checked against a brute-force planner written with plain
// loops over every row: same chains, same fragments, same faults; every cartridge mounted once,
// loaded ones first, reads sorted, precedences kept whenever they can be, spool marks exact.
import t from 'tap';
import { setCartridgeLocation } from '../../lib/catalog/locations.js';
import { putCartridgeOrder } from '../../lib/catalog/positions.js';
import { planRestore, type MissingReason } from '../../lib/planner/restore-plan.js';
import type { VolumeSelector } from '../../lib/planner/select.js';
import { rng } from '../helpers/tmp.js';
import { addDump, openCatalog, type DumpSpec, type Frag } from './fixture.js';
import type { Catalog } from '../../lib/catalog/database.js';

interface DumpRow {
  id: number;
  parent: number | null;
  level: number;
  created: number;
  completed: number | null;
}
interface VolumeRow {
  id: number;
  dump: number;
  name: string;
}
interface FragmentRow {
  volume: number;
  fragment: number;
  cartridge: number;
  position: number;
  block: number | null;
  bytes: number;
  last: number;
  seq: number;
}

const NAMES = ['a.one', 'a.two', 'b.one', 'b.two', 'c.big', 'c.small', 'd.x'];

/** A random catalog: a forest of dumps, volumes with 1-3 fragments on up to 9 cartridges, some faults. */
function randomCatalog(cat: Catalog, seed: number): { at: number | null; select: VolumeSelector[] } {
  const r = rng(seed);
  const cartridges = r(2, 9);
  const dumps: DumpSpec[] = [];
  const nDumps = r(1, 9);
  let created = 100;
  for (let id = 1; id <= nDumps; id++) {
    created += r(0, 2) * 10; // equal creation times happen: ties go by id
    const parent = id === 1 || r(0, 9) < 3 ? undefined : r(1, id - 1);
    const level = parent === undefined ? 0 : dumps[parent - 1]!.level! + 1;
    const volumes: Record<string, Frag[]> = {};
    for (const name of NAMES) {
      if (r(0, 9) < 4) continue;
      volumes[name] = Array.from({ length: r(1, 3) }, () => [r(1, cartridges), r(1, 4), r(1, 1000), ...(r(0, 3) === 0 ? [] : [r(0, 99)])] as Frag);
    }
    dumps.push({ id, parent, level, created, completed: r(0, 9) < 8 ? created + 5 : null, volumes });
  }
  cat.transaction(() => {
    for (const d of dumps) addDump(cat, d);
  });
  // Faults: a lost fragment, a last mark lost.
  if (r(0, 2) === 0) cat.db.exec(`DELETE FROM fragments WHERE rowid = (SELECT rowid FROM fragments WHERE fragment > 1 LIMIT 1 OFFSET ${r(0, 3)})`);
  if (r(0, 2) === 0) cat.db.exec(`UPDATE fragments SET last = 0 WHERE rowid = (SELECT rowid FROM fragments WHERE last = 1 LIMIT 1 OFFSET ${r(0, 5)})`);
  let drives = 0;
  for (let c = 1; c <= cartridges; c++) {
    const k = r(0, 5);
    if (k === 0 && drives < 2) setCartridgeLocation(cat, c, { changer: 'lib', kind: 'drive', number: ++drives });
    else if (k <= 2) setCartridgeLocation(cat, c, { changer: 'lib', kind: 'slot', number: c });
    else if (k === 3) setCartridgeLocation(cat, c, { place: `shelf ${c}` });
    if (r(0, 2) === 0) putCartridgeOrder(cat, { cartridge: c, nextCartridge: r(1, cartridges), nextFile: 1 });
  }
  const at = r(0, 2) === 0 ? null : 100 + r(0, 90);
  const choice = r(0, 3);
  const select: VolumeSelector[] =
    choice === 0 ? [{ pattern: '*' }] : choice === 1 ? [{ pattern: 'a.*' }, { name: 'c.big' }] : choice === 2 ? [{ regex: 'one|big' }] : [{ name: NAMES[r(0, 6)]! }, { pattern: '[bd]*' }];
  return { at, select };
}

interface BruteVolume {
  chain: number[];
  reads: FragmentRow[];
}

/** The plan's content by definition, one row at a time. */
function brutePlan(cat: Catalog, at: number | null, names: Set<string>) {
  const dumps = cat.db.prepare('SELECT id, parent, level, created, completed FROM dumps').all() as DumpRow[];
  const volumes = cat.db.prepare('SELECT id, dump, name FROM volumes').all() as VolumeRow[];
  const fragments = cat.db.prepare('SELECT volume, fragment, cartridge, position, block, bytes, last, rowid AS seq FROM fragments').all() as FragmentRow[];
  const byId = new Map(dumps.map((d) => [d.id, d]));
  const pathOf = (id: number): number[] | null => {
    const path: number[] = [];
    for (let d = byId.get(id); d; d = d.parent === null ? undefined : byId.get(d.parent)) {
      if (d.completed === null || (at !== null && d.created > at) || path.includes(d.id)) return null;
      path.unshift(d.id);
      if (d.parent === null) return d.level === 0 ? path : null;
    }
    return null;
  };
  const later = (a: DumpRow, b: DumpRow) => a.created > b.created || (a.created === b.created && a.id > b.id);
  const result = new Map<string, BruteVolume>();
  const missing: [string, number | null, MissingReason, number | null][] = [];
  for (const name of [...names].sort()) {
    const holding = volumes.filter((v) => v.name === name && pathOf(v.dump) !== null);
    if (holding.length === 0) {
      missing.push([name, null, 'no-dump', null]);
      continue;
    }
    const rootOf = (d: number) => byId.get(pathOf(d)![0]!)!;
    let best = holding[0]!;
    for (const v of holding) {
      const [rv, rb] = [rootOf(v.dump), rootOf(best.dump)];
      if (later(rv, rb) || (rv.id === rb.id && later(byId.get(v.dump)!, byId.get(best.dump)!))) best = v;
    }
    const chain = pathOf(best.dump)!.filter((d) => holding.some((v) => v.dump === d));
    const reads: FragmentRow[] = [];
    let fault: [string, number | null, MissingReason, number | null] | undefined;
    for (const dump of chain) {
      const vid = holding.find((v) => v.dump === dump)!.id;
      const own = fragments.filter((f) => f.volume === vid).sort((a, b) => a.fragment - b.fragment);
      if (own.length === 0) fault ??= [name, dump, 'no-fragments', 1];
      own.forEach((f, i) => {
        if (i > 0 && own[i - 1]!.last === 1) fault ??= [name, dump, 'fragment-after-last', f.fragment];
        if (f.fragment !== i + 1) fault ??= [name, dump, 'fragment-gap', i + 1];
      });
      if (own.length > 0 && own.at(-1)!.last !== 1) fault ??= [name, dump, 'no-last-fragment', own.length + 1];
      reads.push(...own);
    }
    if (fault) missing.push(fault);
    else result.set(name, { chain, reads });
  }
  return { volumes: result, missing };
}

t.test('randomized catalogs against the brute-force planner', async (t) => {
  let cycles = 0;
  let spooled = 0;
  let faults = 0;
  for (let seed = 1; seed <= 60; seed++) {
    const cat = openCatalog(t);
    const { at, select } = randomCatalog(cat, seed);
    const plan = planRestore(cat, { select, at });
    const selected = new Set(
      (cat.db.prepare('SELECT DISTINCT name FROM volumes').all() as { name: string }[])
        .map((v) => v.name)
        .filter((n) =>
          select.some((s) => ('name' in s ? s.name === n : 'pattern' in s ? (s.pattern === '*' || new RegExp(`^${s.pattern.replace('.', '\\.').replace('*', '.*')}$`).test(n)) : new RegExp(s.regex).test(n))),
        ),
    );
    const brute = brutePlan(cat, at, selected);
    const where = `seed ${seed}`;

    t.same(plan.missing.map((m) => [m.volume, m.dump, m.reason, m.fragment]), brute.missing, `${where}: the same volumes missing, for the same faults`);
    faults += brute.missing.filter((m) => m[2] !== 'no-dump').length;
    t.same(
      Object.fromEntries(plan.volumes.map((v) => [v.volume, v.chain.map((c) => c.dump)])),
      Object.fromEntries([...brute.volumes].map(([n, v]) => [n, v.chain])),
      `${where}: the same chains`,
    );

    // The same reads, cartridge by cartridge, each in tape order.
    const seqOf = new Map<string, FragmentRow>();
    const vidName = new Map((cat.db.prepare('SELECT id, dump, name FROM volumes').all() as VolumeRow[]).map((v) => [v.id, v]));
    for (const [, v] of brute.volumes) for (const f of v.reads) seqOf.set(`${vidName.get(f.volume)!.name}@${vidName.get(f.volume)!.dump}#${f.fragment}`, f);
    const expected = new Map<number, FragmentRow[]>();
    for (const f of seqOf.values()) expected.set(f.cartridge, [...(expected.get(f.cartridge) ?? []), f]);
    for (const list of expected.values()) list.sort((a, b) => a.position - b.position || (a.block ?? Infinity) - (b.block ?? Infinity) || a.seq - b.seq);
    const keyOf = (f: FragmentRow) => `${vidName.get(f.volume)!.name}@${vidName.get(f.volume)!.dump}#${f.fragment}`;
    t.same(
      Object.fromEntries(plan.cartridges.map((m) => [m.cartridge, m.reads.map((r) => `${r.volume}@${r.dump}#${r.fragment}`)])),
      Object.fromEntries([...expected].map(([c, list]) => [c, list.map(keyOf)])),
      `${where}: every fragment of every chain, grouped by cartridge and sorted by tape file, block, write order`,
    );
    for (const m of plan.cartridges) {
      for (const r of m.reads) {
        const f = seqOf.get(`${r.volume}@${r.dump}#${r.fragment}`)!;
        if (r.position !== f.position || r.block !== f.block || r.bytes !== f.bytes || m.cartridge !== f.cartridge) t.fail(`${where}: read ${r.volume}@${r.dump}#${r.fragment} differs from its row`);
      }
    }

    // Each cartridge once, loaded ones first.
    const order = plan.cartridges.map((m) => m.cartridge);
    t.equal(new Set(order).size, order.length, `${where}: each cartridge mounted once`);
    const placements = plan.cartridges.map((m) => m.placement);
    const firstUnloaded = placements.findIndex((p) => p !== 'drive');
    t.ok(firstUnloaded === -1 || placements.slice(firstUnloaded).every((p) => p !== 'drive'), `${where}: cartridges in drives first`);

    // Spool marks: exactly the reads that come before a piece they follow.
    const index = new Map<string, number>();
    plan.cartridges.flatMap((m) => m.reads).forEach((r, i) => index.set(`${r.volume}@${r.dump}#${r.fragment}`, i));
    const spool = new Map(plan.cartridges.flatMap((m) => m.reads).map((r) => [`${r.volume}@${r.dump}#${r.fragment}`, r.spool]));
    const edges: [number, number, boolean][] = [];
    for (const [name, v] of brute.volumes) {
      const seq = v.chain.flatMap((d) => v.reads.filter((f) => vidName.get(f.volume)!.dump === d).map((f) => `${name}@${d}#${f.fragment}`));
      let expectOrder = true;
      seq.forEach((k, i) => {
        const early = seq.slice(0, i).some((p) => index.get(p)! > index.get(k)!);
        if (early) expectOrder = false;
        if (spool.get(k) !== early) t.fail(`${where}: ${k} spool ${spool.get(k)}, expected ${early}`);
        if (i > 0) {
          const [a, b] = [seqOf.get(seq[i - 1]!)!.cartridge, seqOf.get(k)!.cartridge];
          const loaded = (c: number) => plan.cartridges.find((m) => m.cartridge === c)!.placement === 'drive';
          if (a !== b) edges.push([a, b, loaded(a) === loaded(b)]);
        }
      });
      t.equal(plan.volumes.find((p) => p.volume === name)!.inOrder, expectOrder, `${where}: ${name} in order`);
      spooled += expectOrder ? 0 : 1;
    }
    // When the precedences between cartridges of the same kind (loaded or not) have no cycle, all hold.
    const phaseEdges = edges.filter((e) => e[2]);
    const acyclic = isAcyclic(phaseEdges.map(([a, b]) => [a, b]));
    if (acyclic) {
      t.ok(
        phaseEdges.every(([a, b]) => order.indexOf(a) < order.indexOf(b)),
        `${where}: every precedence kept`,
      );
    } else cycles++;
  }
  t.ok(cycles > 0 && spooled > 0 && faults > 0, `the seeds cover cycles (${cycles}), spooled volumes (${spooled}) and faults (${faults})`);
});

function isAcyclic(edges: [number, number][]): boolean {
  const out = new Map<number, number[]>();
  for (const [a, b] of edges) out.set(a, [...(out.get(a) ?? []), b]);
  const state = new Map<number, 1 | 2>();
  const visit = (n: number): boolean => {
    if (state.get(n) === 2) return true;
    if (state.get(n) === 1) return false;
    state.set(n, 1);
    for (const m of out.get(n) ?? []) if (!visit(m)) return false;
    state.set(n, 2);
    return true;
  };
  return [...out.keys()].every(visit);
}
