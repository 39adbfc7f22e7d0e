/**
 * cart_ctl -m and -e: moving cartridges to slots, drives, loadports or a place outside the
 * library, in the order given, and ejecting drives (seed 003, "With option -m ...", "Option -e").
 *
 * - Cartridges and targets pair in the order given; without target numbers, free slots or
 *   loadports are chosen (empty in the library and free in the catalog); -D without a number is
 *   the configured drive.
 * - A full target drive is unloaded to a free slot first; a full target slot or loadport is
 *   refused with a message, and so is one the catalog has another cartridge in.
 * - Outside the library the operator does the moving: out through a loadport when there is a
 *   free one ("take it out of loadport N"), in through one ("put it into loadport N") and the
 *   robot does the rest; otherwise by hand, from the origin (`unknown` when none is recorded).
 *   What the operator reports done is checked against the element status before it is recorded.
 * - The catalog is asked where a cartridge is; when the hardware contradicts it (the slot is
 *   empty, another barcode is there, its barcode is somewhere else) the move is refused.
 * Each cartridge is moved on its own: one refused does not stop the others (cart_ctl reports
 * "Moving cartridge N failed" and goes on).
 */
import { isChangerError } from '../changer/errors.js';
import { cartridgeLocation, type Location } from '../catalog/locations.js';
import type { CartContext } from './context.js';
import { describeElement, formatLocation, sameElement, type CartElement } from './elements.js';
import { CartError, isCartError } from './errors.js';
import { at, recordLocation, robotMove, unloadDrive } from './locate.js';
import { describeStored, elementState, freeElements, survey, type ElementState, type Whereabouts } from './whereabouts.js';

/** Where to move to: elements of one kind (numbers in cartridge order, or chosen), or a place. */
export type MoveTarget = { kind: 'slot' | 'drive' | 'loadport'; numbers?: number[] } | { kind: 'place'; text?: string };

export interface MoveOutcome {
  /** The cartridge, or null for a cartridge the catalog does not know (eject). */
  cartridge: number | null;
  from: string;
  to: string;
  done: boolean;
  /** Why not, when not done. */
  error?: string;
  /** What happened on the way: robot moves, operator requests, unloads. */
  steps: string[];
}

export const PLACE_QUESTION = 'Please enter a line to describe the new location for the cartridges:';

type Destination = CartElement | { place: string };
const isPlace = (d: Destination): d is { place: string } => 'place' in d;

function describeDestination(ctx: CartContext, d: Destination): string {
  return isPlace(d) ? d.place : `${describeElement(d)} in changer ${ctx.changerName}`;
}

/** Pairs cartridges with destinations in order (cart_ctl: "Number of given slots (2) is unequal to the number of given cartridges (3)"). */
async function destinations(ctx: CartContext, w: Whereabouts | null, cartridges: readonly number[], target: MoveTarget): Promise<Destination[]> {
  if (target.kind === 'place') {
    const text = target.text ?? (await ctx.operator.askLine(PLACE_QUESTION)).trim();
    if (!text) throw new CartError('usage', 'the place is empty: describe where the cartridges go');
    return cartridges.map(() => ({ place: text }));
  }
  const kind = target.kind;
  let numbers = target.numbers;
  if (!numbers) {
    if (kind === 'drive') numbers = [ctx.drive];
    else {
      const free = freeElements(w!, kind).map((e) => e.number);
      if (free.length < cartridges.length) throw new CartError('no-free-element', `not enough free ${kind}s: ${cartridges.length} cartridges, ${free.length} free ${kind}s${free.length ? ` (${free.join(',')})` : ''}`);
      numbers = free.slice(0, cartridges.length);
    }
  }
  if (numbers.length !== cartridges.length) {
    throw new CartError('usage', `number of given ${kind}s (${numbers.length}) is unequal to the number of given cartridges (${cartridges.length})`);
  }
  for (const n of numbers) elementState(w!, { kind, number: n }); // every one exists
  return numbers.map((number) => ({ kind, number }));
}

/** cart_ctl -m: moves the cartridges, in order, to the targets. */
export async function moveCartridges(ctx: CartContext, cartridges: readonly number[], target: MoveTarget): Promise<MoveOutcome[]> {
  if (cartridges.length === 0) throw new CartError('usage', 'the cartridges must be specified (-C)');
  const w = target.kind === 'place' && !ctx.changer ? null : await survey(ctx);
  const dests = await destinations(ctx, w, cartridges, target);
  const reserved = dests.filter((d): d is CartElement => !isPlace(d));
  const outcomes: MoveOutcome[] = [];
  for (const [i, cartridge] of cartridges.entries()) {
    const dest = dests[i]!;
    const recorded = cartridgeLocation(ctx.catalog, cartridge);
    const from = !recorded ? 'unknown' : 'place' in recorded ? recorded.place : recorded.changer === ctx.changerName ? describeElement(recorded) : `${describeElement(recorded)} in changer ${recorded.changer}`;
    const outcome: MoveOutcome = { cartridge, from, to: describeDestination(ctx, dest), done: false, steps: [] };
    try {
      await moveOne(ctx, cartridge, dest, reserved, outcome);
      outcome.done = true;
    } catch (e) {
      if (!isCartError(e) && !isChangerError(e)) throw e;
      outcome.error = e.message;
      ctx.note(`moving cartridge ${cartridge} failed: ${e.message}`);
    }
    outcomes.push(outcome);
  }
  return outcomes;
}

/** A move outside the changer only: no changer needed (a place to a place, or unknown to a place). */
async function manualOnly(ctx: CartContext, cartridge: number, origin: string, dest: { place: string }, o: MoveOutcome): Promise<void> {
  await ask(ctx, { kind: 'move', cartridge, from: origin, to: dest.place }, o);
  recordLocation(ctx, cartridge, { place: dest.place });
}

async function ask(ctx: CartContext, task: Parameters<CartContext['operator']['perform']>[0], o: MoveOutcome): Promise<void> {
  o.steps.push(`operator: ${task.kind} ${task.kind === 'move' ? `${task.from} -> ${task.to}` : task.kind === 'take-out' ? `loadport ${task.loadport} -> ${task.to}` : `${task.from} -> loadport ${task.loadport}`}`);
  await ctx.operator.perform(task);
}

async function robot(ctx: CartContext, w: Whereabouts, from: ElementState, to: CartElement, cartridge: number, o: MoveOutcome): Promise<void> {
  o.steps.push(`robot: ${describeElement(from)} -> ${describeElement(to)}`);
  await robotMove(ctx, w, from, to);
  recordLocation(ctx, cartridge, at(ctx, to));
}

/** After the operator put a cartridge in: the element is full and, when barcodes say, holds this cartridge. */
async function checkArrived(ctx: CartContext, e: CartElement, cartridge: number): Promise<Whereabouts> {
  const w = await survey(ctx);
  const s = elementState(w, e);
  if (!s.full) throw new CartError('operator', `${describeElement(e)} is still empty: cartridge ${cartridge} was not put in, its location is not changed`);
  const expected = w.barcodes.get(cartridge);
  if (s.barcode !== null && expected !== undefined && s.barcode !== expected) {
    throw new CartError('inconsistent', `${describeElement(e)} holds barcode ${s.barcode}, but cartridge ${cartridge} carries ${expected}: the wrong cartridge was put in`);
  }
  if (s.barcode !== null && s.owners.some((n) => n !== cartridge)) {
    throw new CartError('inconsistent', `${describeElement(e)} holds barcode ${s.barcode}, which is cartridge ${s.owners.join(', ')}'s, not ${cartridge}'s`);
  }
  return w;
}

/** After the operator took a cartridge out: the element is empty. */
async function checkLeft(ctx: CartContext, e: CartElement, cartridge: number): Promise<void> {
  const s = elementState(await survey(ctx), e);
  if (s.full) throw new CartError('operator', `${describeElement(e)} still holds a cartridge: cartridge ${cartridge} stays recorded there until it is taken out`);
}

function occupant(s: ElementState): string {
  if (s.cartridge !== null) return `cartridge ${s.cartridge}`;
  return s.barcode !== null ? `barcode ${s.barcode}, not in the catalog` : 'a cartridge the catalog does not know';
}

/** The source element of a cartridge the catalog has in this changer, checked against the hardware. */
function checkedSource(w: Whereabouts, cartridge: number, location: Location): ElementState | null {
  if (!('changer' in location) || location.changer !== w.changer) {
    const barcode = w.barcodes.get(cartridge);
    const seen = barcode === undefined ? [] : w.elements.filter((e) => e.full && e.barcode === barcode);
    if (seen.length > 0) {
      throw new CartError('inconsistent', `the catalog has cartridge ${cartridge} at ${describeStored(w, cartridge)}, but its barcode ${barcode} is in ${seen.map(describeElement).join(' and ')}: run 'cart inventory' first`);
    }
    return null;
  }
  const s = elementState(w, location);
  if (!s.full) {
    throw new CartError('inconsistent', `the catalog has cartridge ${cartridge} in ${describeElement(s)}, but ${describeElement(s)} is empty: run 'cart inventory', or record where it is with 'cart place'`);
  }
  const barcode = w.barcodes.get(cartridge);
  if (barcode !== undefined && s.barcode !== null && s.barcode !== barcode) {
    throw new CartError('inconsistent', `the catalog has cartridge ${cartridge} (barcode ${barcode}) in ${describeElement(s)}, but ${describeElement(s)} holds barcode ${s.barcode}`);
  }
  return s;
}

async function moveOne(ctx: CartContext, cartridge: number, dest: Destination, reserved: readonly CartElement[], o: MoveOutcome): Promise<void> {
  const stored = cartridgeLocation(ctx.catalog, cartridge);
  if (isPlace(dest) && stored && 'place' in stored && stored.place === dest.place) return;
  if (isPlace(dest) && !ctx.changer) return manualOnly(ctx, cartridge, stored ? formatLocation(stored) : 'unknown', dest, o);

  let w = await survey(ctx);
  let src = stored ? checkedSource(w, cartridge, stored) : checkedSource(w, cartridge, { place: 'unknown' });
  const origin = describeStored(w, cartridge);
  if (src && !isPlace(dest) && sameElement(src, dest)) return;

  if (!isPlace(dest)) {
    const t = elementState(w, dest);
    if (!t.full && t.stored !== null) {
      throw new CartError('inconsistent', `${describeElement(t)} is empty, but the catalog has cartridge ${t.stored} there: cartridge ${cartridge} not moved (run 'cart inventory' or 'cart place' first)`);
    }
    if (t.full && dest.kind === 'drive') {
      await unloadDrive(ctx, w, t, [...reserved, ...(src ? [src] : [])], o.steps);
      w = await survey(ctx);
      if (src) src = elementState(w, src);
    } else if (t.full) {
      throw new CartError('occupied', `target ${describeElement(t)} is not empty (${occupant(t)}): cartridge ${cartridge} not moved`);
    }
  }

  if (src) {
    if (!isPlace(dest)) return robot(ctx, w, src, dest, cartridge, o);
    // Out of the library: through a free loadport when there is one, else by hand from where it is.
    if (src.kind !== 'loadport') {
      const port = freeElements(w, 'loadport', reserved)[0];
      const slot = src.kind === 'drive' && !port ? freeElements(w, 'slot', reserved)[0] : undefined;
      const via = port ?? slot;
      if (via) {
        await robot(ctx, w, src, via, cartridge, o);
        w = await survey(ctx);
        src = elementState(w, via);
      }
    }
    if (src.kind === 'loadport') await ask(ctx, { kind: 'take-out', cartridge, loadport: src.number, to: dest.place }, o);
    else await ask(ctx, { kind: 'move', cartridge, from: `${describeElement(src)} in changer ${ctx.changerName}`, to: dest.place }, o);
    await checkLeft(ctx, src, cartridge);
    recordLocation(ctx, cartridge, { place: dest.place });
    return;
  }

  // From outside the library (a place, another changer, or unknown).
  if (isPlace(dest)) return manualOnly(ctx, cartridge, origin, dest, o);
  if (dest.kind === 'loadport') {
    await ask(ctx, { kind: 'put-in', cartridge, loadport: dest.number, from: origin }, o);
    await checkArrived(ctx, dest, cartridge);
    recordLocation(ctx, cartridge, at(ctx, dest));
    return;
  }
  const port = freeElements(w, 'loadport', reserved)[0];
  const slot = !port && dest.kind === 'drive' ? freeElements(w, 'slot', reserved)[0] : undefined;
  const entry: CartElement = port ?? slot ?? dest;
  if (port) await ask(ctx, { kind: 'put-in', cartridge, loadport: port.number, from: origin }, o);
  else await ask(ctx, { kind: 'move', cartridge, from: origin, to: describeDestination(ctx, entry) }, o);
  w = await checkArrived(ctx, entry, cartridge);
  recordLocation(ctx, cartridge, at(ctx, entry));
  if (!sameElement(entry, dest)) await robot(ctx, w, elementState(w, entry), dest, cartridge, o);
}

/**
 * cart_ctl -e: the cartridges in the drives (default: the configured one) go to free slots, or to
 * the slots given, in order. An empty drive is skipped; one the catalog has a cartridge in
 * although it is empty is reported.
 */
export async function ejectDrives(ctx: CartContext, drives?: readonly number[], slots?: readonly number[]): Promise<MoveOutcome[]> {
  const list = drives ?? [ctx.drive];
  let w = await survey(ctx);
  const full = list.filter((d) => {
    const s = elementState(w, { kind: 'drive', number: d });
    if (!s.full && s.stored !== null) ctx.note(`drive ${d} is empty, but the catalog has cartridge ${s.stored} there`);
    return s.full;
  });
  if (slots && slots.length !== full.length) {
    throw new CartError('usage', `number of given slots (${slots.length}) is unequal to the number of cartridges in the drives (${full.length})`);
  }
  const targets: CartElement[] = slots ? slots.map((number) => ({ kind: 'slot', number })) : freeElements(w, 'slot').slice(0, full.length);
  if (targets.length < full.length) throw new CartError('no-free-element', `not enough free slots: ${full.length} drives to eject, ${targets.length} free slots`);
  const outcomes: MoveOutcome[] = [];
  for (const [i, number] of full.entries()) {
    w = await survey(ctx);
    const d = elementState(w, { kind: 'drive', number });
    const target = targets[i]!;
    const o: MoveOutcome = { cartridge: d.cartridge, from: describeElement(d), to: describeElement(target), done: false, steps: [] };
    try {
      const t = elementState(w, target);
      if (t.full) throw new CartError('occupied', `target ${describeElement(t)} is not empty (${occupant(t)}): drive ${number} not ejected`);
      if (t.stored !== null) throw new CartError('inconsistent', `${describeElement(t)} is empty, but the catalog has cartridge ${t.stored} there: drive ${number} not ejected`);
      if (d.problems.length > 0) ctx.note(d.problems.join('; '));
      o.steps.push(`robot: ${describeElement(d)} -> ${describeElement(target)}`);
      await robotMove(ctx, w, d, target);
      if (d.cartridge !== null) recordLocation(ctx, d.cartridge, at(ctx, target));
      else ctx.note(`drive ${number} held a cartridge the catalog does not know (${d.barcode === null ? 'no barcode' : `barcode ${d.barcode}`}); it is now in ${describeElement(target)}`);
      o.done = true;
    } catch (e) {
      if (!isCartError(e) && !isChangerError(e)) throw e;
      o.error = e.message;
      ctx.note(`ejecting drive ${number} failed: ${e.message}`);
    }
    outcomes.push(o);
  }
  return outcomes;
}
