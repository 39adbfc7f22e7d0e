/**
 * cartridge_names: a barcode and a free-text description per cartridge (seed 003, -N and -lN).
 * Descriptions pair with cartridges in order; "When there are more cartridges specified than
 * descriptions, the last given description is assigned to all the remaining cartridges. The
 * token %C can be used within descriptions and will be replaced with the number of the
 * cartridge." A barcode belongs to one cartridge: giving it to one takes it from the others.
 */
import { cartridgeNames, putCartridgeName } from '../catalog/cartridges.js';
import type { Catalog } from '../catalog/database.js';
import { CartError } from './errors.js';

export interface Described {
  cartridge: number;
  description: string;
}

/** The description each cartridge gets: in order, the last repeating, %C replaced. */
export function expandDescriptions(cartridges: readonly number[], descriptions: readonly string[]): Described[] {
  if (descriptions.length === 0) throw new CartError('usage', 'no description given (one per cartridge; the last one repeats)');
  if (descriptions.length > cartridges.length) {
    throw new CartError('usage', `${descriptions.length} descriptions for ${cartridges.length} cartridges: one per cartridge at most`);
  }
  return cartridges.map((cartridge, i) => ({
    cartridge,
    description: descriptions[Math.min(i, descriptions.length - 1)]!.replaceAll('%C', String(cartridge)),
  }));
}

/** cart_ctl -N: sets the descriptions, keeping the barcodes. */
export function setDescriptions(cat: Catalog, cartridges: readonly number[], descriptions: readonly string[]): Described[] {
  const list = expandDescriptions(cartridges, descriptions);
  const barcodes = new Map(cartridgeNames(cat).map((n) => [n.cartridge, n.barcode]));
  cat.transaction(() => {
    for (const d of list) putCartridgeName(cat, { cartridge: d.cartridge, barcode: barcodes.get(d.cartridge) ?? null, description: d.description });
  });
  return list;
}

/**
 * Records a cartridge's barcode (null: none), keeping its description. The barcode is taken from
 * any other cartridge that had it. Returns those cartridges.
 */
export function assignBarcode(cat: Catalog, cartridge: number, barcode: string | null): number[] {
  return cat.transaction(() => {
    const names = cartridgeNames(cat);
    const others = barcode === null ? [] : names.filter((n) => n.barcode === barcode && n.cartridge !== cartridge);
    for (const o of others) putCartridgeName(cat, { ...o, barcode: null });
    const own = names.find((n) => n.cartridge === cartridge);
    if (own || barcode !== null) putCartridgeName(cat, { cartridge, barcode, description: own?.description ?? '' });
    return others.map((o) => o.cartridge);
  });
}
