/**
 * The order to mount the cartridges of a restore in, each once.
 *
 * Each volume's data is needed in a sequence (its dumps from the full on, each from fragment 1 on);
 * when one piece is on cartridge A and the next on B, A should be mounted before B. Those
 * precedences form a graph over the cartridges, ordered topologically (Kahn), with:
 * - the cartridges already in a drive first (no robot or operator needed to start), then the rest;
 * - after a cartridge, the one cartridge_order names as its continuation when it is ready, so a
 *   volume that runs off the end of one tape goes on from the next (seed 001, cartridge_order);
 * - otherwise the ready cartridge holding the earliest data (the smallest `need`), then the lowest
 *   number.
 * Precedences that cannot all hold (a cycle: a volume needs A before B, another B before A; or a
 * cartridge in a drive holding data that follows data elsewhere) are broken at the cartridge with the
 * fewest unmet precedences; the pieces read before what they follow are marked for spooling by the
 * caller, so no cartridge is mounted twice.
 */

export interface MountOrderInput {
  /** The cartridges to mount. */
  cartridges: readonly number[];
  /** Those already in a drive. */
  loaded: ReadonlySet<number>;
  /**
   * Precedences: edges.get(a).get(b) is how many times a volume's data on b follows, next in its
   * sequence, data on a.
   */
  edges: ReadonlyMap<number, ReadonlyMap<number, number>>;
  /** Per cartridge, how early its data is needed (smaller first). */
  need: ReadonlyMap<number, number>;
  /** cartridge_order: the cartridge reading continues on after each. */
  continuation: ReadonlyMap<number, number>;
}

export function mountOrder(input: MountOrderInput): number[] {
  const order: number[] = [];
  const placed = new Set<number>();
  const loaded = input.cartridges.filter((c) => input.loaded.has(c));
  const rest = input.cartridges.filter((c) => !input.loaded.has(c));
  for (const phase of [loaded, rest]) orderPhase(phase, input, placed, order);
  return order;
}

function orderPhase(phase: readonly number[], input: MountOrderInput, placed: Set<number>, order: number[]): void {
  const { edges } = input;
  const inPhase = new Set(phase);
  // Unmet precedences from cartridges of this phase not placed yet.
  const unmet = new Map<number, number>(phase.map((c) => [c, 0]));
  for (const from of phase) {
    for (const [to, n] of edges.get(from) ?? []) if (inPhase.has(to)) unmet.set(to, unmet.get(to)! + n);
  }
  const need = (c: number): number => input.need.get(c) ?? Number.MAX_SAFE_INTEGER;
  const before = (a: number, b: number): boolean => need(a) < need(b) || (need(a) === need(b) && a < b);
  const ready = new MinHeap<number>(before);
  for (const c of phase) if (unmet.get(c) === 0) ready.push(c);

  let last: number | undefined = order.at(-1);
  for (let left = phase.length; left > 0; left--) {
    let next: number | undefined;
    const cont = last === undefined ? undefined : input.continuation.get(last);
    if (cont !== undefined && inPhase.has(cont) && !placed.has(cont) && unmet.get(cont) === 0) next = cont;
    while (next === undefined && ready.size > 0) {
      const c = ready.pop()!;
      if (!placed.has(c)) next = c;
    }
    // A cycle: take the cartridge with the fewest unmet precedences.
    if (next === undefined) {
      for (const c of phase) {
        if (placed.has(c)) continue;
        if (next === undefined || unmet.get(c)! < unmet.get(next)! || (unmet.get(c) === unmet.get(next) && before(c, next))) next = c;
      }
    }
    placed.add(next!);
    order.push(next!);
    last = next;
    for (const [to, n] of edges.get(next!) ?? []) {
      if (!inPhase.has(to) || placed.has(to)) continue;
      const still = unmet.get(to)! - n;
      unmet.set(to, still);
      if (still === 0) ready.push(to);
    }
  }
}

/** A binary heap; `before(a, b)` when a comes out first. */
class MinHeap<T> {
  private readonly items: T[] = [];
  constructor(private readonly before: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  push(item: T): void {
    const a = this.items;
    a.push(item);
    for (let i = a.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (!this.before(a[i]!, a[p]!)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }

  pop(): T | undefined {
    const a = this.items;
    const top = a[0];
    const end = a.pop();
    if (a.length > 0 && end !== undefined) {
      a[0] = end;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.before(a[l]!, a[m]!)) m = l;
        if (r < a.length && this.before(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}
