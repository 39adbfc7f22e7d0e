/**
 * cart_ctl -P without -m: tell the catalog where cartridges are without moving anything (seed
 * 003: "-P just inserts or replaces the new location in the database"). Targets pair with the
 * cartridges in order, as with -m; a place without text is asked for. Cartridges the catalog
 * had at the target elements, and that are not among the ones placed, become unknown (with a
 * note), since an element holds one cartridge. Where the hardware disagrees with what is recorded
 * (an empty slot, another barcode), a note says so: the operator may know better, or not.
 */
import { cartridgeAt, setCartridgeLocation, type Location } from '../catalog/locations.js';
import type { CartContext } from './context.js';
import { describeElement, formatLocation } from './elements.js';
import { CartError } from './errors.js';
import { compactList } from './lists.js';
import { at } from './locate.js';
import { PLACE_QUESTION, type MoveTarget } from './move.js';
import { elementState, survey } from './whereabouts.js';

export interface Placed {
  cartridge: number;
  location: string;
}

export async function placeCartridges(ctx: CartContext, cartridges: readonly number[], target: MoveTarget): Promise<Placed[]> {
  if (cartridges.length === 0) throw new CartError('usage', 'the cartridges must be specified (-C)');
  let locations: Location[];
  if (target.kind === 'place') {
    const text = target.text ?? (await ctx.operator.askLine(PLACE_QUESTION)).trim();
    if (!text) throw new CartError('usage', 'the place is empty: describe where the cartridges are');
    locations = cartridges.map(() => ({ place: text }));
  } else {
    const numbers = target.numbers ?? (target.kind === 'drive' ? [ctx.drive] : undefined);
    if (!numbers) throw new CartError('usage', `give the ${target.kind}s the cartridges are in (-${target.kind === 'slot' ? 'S' : 'L'} NUMBERS)`);
    if (numbers.length !== cartridges.length) {
      throw new CartError('usage', `number of given ${target.kind}s (${numbers.length}) is unequal to the number of given cartridges (${cartridges.length})`);
    }
    locations = numbers.map((number) => at(ctx, { kind: target.kind, number }));
    if (ctx.changer) {
      const w = await survey(ctx);
      for (const [i, l] of locations.entries()) {
        const s = elementState(w, l as { kind: 'slot'; number: number });
        const cartridge = cartridges[i]!;
        const barcode = w.barcodes.get(cartridge);
        if (!s.full) ctx.note(`${describeElement(s)} is empty in the changer; recording cartridge ${cartridge} there anyway`);
        else if (barcode !== undefined && s.barcode !== null && s.barcode !== barcode) ctx.note(`${describeElement(s)} holds barcode ${s.barcode}, but cartridge ${cartridge} carries ${barcode}; recording it there anyway`);
      }
    }
  }
  ctx.catalog.transaction(() => {
    const displaced: number[] = [];
    for (const l of locations) {
      if (!('changer' in l)) continue;
      const other = cartridgeAt(ctx.catalog, l.changer, l.kind, l.number);
      if (other !== undefined && !cartridges.includes(other)) displaced.push(other);
    }
    if (displaced.length > 0) ctx.note(`the location of the cartridges ${compactList(displaced)} is set to unknown`);
    for (const n of [...displaced, ...cartridges]) setCartridgeLocation(ctx.catalog, n, null);
    cartridges.forEach((n, i) => setCartridgeLocation(ctx.catalog, n, locations[i]!));
  });
  return cartridges.map((cartridge, i) => ({ cartridge, location: formatLocation(locations[i]!) }));
}
