/** Recording where a cartridge is, and moving one with the robot, keeping the catalog in step. */
import { cartridgeAt, setCartridgeLocation, type Location } from '../catalog/locations.js';
import type { CartContext } from './context.js';
import { describeElement, elementRef, type CartElement } from './elements.js';
import { CartError } from './errors.js';
import { freeElements, requireChanger, type ElementState, type Whereabouts } from './whereabouts.js';

/** A cartridge's location in this changer. */
export function at(ctx: CartContext, e: CartElement): Location {
  return { changer: ctx.changerName, kind: e.kind, number: e.number };
}

/**
 * Records where a cartridge is now (null: unknown). A changer element holds one cartridge: one
 * recorded there before is set to unknown, with a note (cart_ctl: "The location of the cartridge
 * N is set to unknown").
 */
export function recordLocation(ctx: CartContext, cartridge: number, location: Location | null): void {
  ctx.catalog.transaction(() => {
    if (location && 'changer' in location) {
      const other = cartridgeAt(ctx.catalog, location.changer, location.kind, location.number);
      if (other !== undefined && other !== cartridge) {
        ctx.note(`the location of cartridge ${other} is set to unknown (the catalog had it in ${describeElement(location)}, where cartridge ${cartridge} is now)`);
        setCartridgeLocation(ctx.catalog, other, null);
      }
    }
    setCartridgeLocation(ctx.catalog, cartridge, location);
  });
}

/** MOVE MEDIUM between two elements; a drive first gives its cartridge up (ejectDrive). */
export async function robotMove(ctx: CartContext, w: Whereabouts, from: ElementState, to: CartElement): Promise<void> {
  if (from.kind === 'drive' && from.drive && ctx.ejectDrive) await ctx.ejectDrive(from.drive);
  await requireChanger(ctx).move(elementRef(w.status, from), elementRef(w.status, to));
}

/** Unloads a full drive to a free slot (not one of `reserved`), recording where its cartridge went. */
export async function unloadDrive(ctx: CartContext, w: Whereabouts, drive: ElementState, reserved: readonly CartElement[], steps: string[]): Promise<CartElement> {
  const slot = freeElements(w, 'slot', reserved)[0];
  if (!slot) throw new CartError('no-free-element', `${describeElement(drive)} is full and there is no free slot to unload it to`);
  steps.push(`robot: unload ${describeElement(drive)} -> ${describeElement(slot)}`);
  await robotMove(ctx, w, drive, slot);
  if (drive.cartridge !== null) recordLocation(ctx, drive.cartridge, at(ctx, slot));
  else ctx.note(`${describeElement(drive)} held a cartridge the catalog does not know (${drive.barcode === null ? 'no barcode' : `barcode ${drive.barcode}`}); it is now in ${describeElement(slot)}`);
  return { kind: 'slot', number: slot.number };
}
