/**
 * cart_ctl's numbering against the changer's. cart_ctl counts slots, drives and loadports from 1
 * each (seed 003: "the counting of slots, loadports and drives always starts with 1 here"); the
 * Changer interface speaks mtx: storage slots from 1, import/export slots (afbackup's loadports)
 * continuing that count, drives from 0. The catalog stores cart_ctl's numbers.
 */
import type { ChangerStatus, ElementRef } from '../changer/changer.js';
import type { ElementKind, Location } from '../catalog/locations.js';
import { CartError } from './errors.js';

/** A place in the changer in cart_ctl numbering. */
export interface CartElement {
  kind: ElementKind;
  number: number;
}

export function describeElement(e: CartElement): string {
  return `${e.kind} ${e.number}`;
}

/** A location as cartridge_locations writes it: `/dev/sg3 slot 6`, or the free text. */
export function formatLocation(l: Location): string {
  return 'place' in l ? l.place : `${l.changer} ${l.kind} ${l.number}`;
}

export function sameElement(a: CartElement, b: CartElement): boolean {
  return a.kind === b.kind && a.number === b.number;
}

/** How many of each the changer has. */
export function elementCounts(status: ChangerStatus): Record<ElementKind, number> {
  return {
    slot: status.slots.filter((s) => !s.importExport).length,
    loadport: status.slots.filter((s) => s.importExport).length,
    drive: status.drives.length,
  };
}

/** The mtx element for a cart_ctl element, or CartError 'no-such-element'. */
export function elementRef(status: ChangerStatus, e: CartElement): ElementRef {
  const counts = elementCounts(status);
  if (!Number.isInteger(e.number) || e.number < 1 || e.number > counts[e.kind]) {
    const have = counts[e.kind] === 0 ? `no ${e.kind}s` : `${e.kind}s 1-${counts[e.kind]}`;
    throw new CartError('no-such-element', `${status.device}: no ${describeElement(e)}: the changer has ${have} (cart numbering, from 1)`);
  }
  if (e.kind === 'drive') return { kind: 'drive', index: e.number - 1 };
  const list = status.slots.filter((s) => s.importExport === (e.kind === 'loadport'));
  return { kind: 'slot', index: list[e.number - 1]!.index };
}

/** The cart_ctl element for an mtx element. */
export function cartElement(status: ChangerStatus, ref: ElementRef): CartElement {
  if (ref.kind === 'drive') return { kind: 'drive', number: ref.index + 1 };
  const slot = status.slots.find((s) => s.index === ref.index);
  if (!slot) throw new CartError('no-such-element', `${status.device}: no slot ${ref.index} (mtx numbering)`);
  const list = status.slots.filter((s) => s.importExport === slot.importExport);
  return { kind: slot.importExport ? 'loadport' : 'slot', number: list.indexOf(slot) + 1 };
}
