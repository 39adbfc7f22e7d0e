/**
 * cartridge_locations: where each cartridge is. Seed 001: "the device name of the media changer, a
 * word to specify the location class (drive, slot or loadport), and a number counting instances
 * of location classes, e.g. /dev/rmt/stctl0 slot 6. If the rest of the line is not of this form,
 * it is considered to be a freetext description". Numbers count from 1 in each class, as cart_ctl
 * counts (seed 003); a changer is named as its configuration names it.
 */
import { ensureCartridges } from './cartridges.js';
import type { Catalog } from './database.js';

export const ELEMENT_KINDS = ['drive', 'slot', 'loadport'] as const;
export type ElementKind = (typeof ELEMENT_KINDS)[number];

/** In a changer (a drive, slot or loadport of it), or a free-text place outside any changer. */
export type Location = { changer: string; kind: ElementKind; number: number } | { place: string };

export interface CartridgeLocation {
  cartridge: number;
  location: Location;
}

interface LocationRow {
  cartridge: number;
  changer: string | null;
  kind: ElementKind | null;
  number: number | null;
  place: string | null;
}

const fromRow = (r: LocationRow): CartridgeLocation => ({
  cartridge: r.cartridge,
  location: r.changer !== null ? { changer: r.changer, kind: r.kind!, number: r.number! } : { place: r.place! },
});

export function cartridgeLocations(cat: Catalog): CartridgeLocation[] {
  return cat.statement<LocationRow>('SELECT cartridge, changer, kind, number, place FROM cartridge_locations ORDER BY cartridge').all().map(fromRow);
}

export function cartridgeLocation(cat: Catalog, cartridge: number): Location | undefined {
  const r = cat.statement<LocationRow>('SELECT cartridge, changer, kind, number, place FROM cartridge_locations WHERE cartridge = ?').get(cartridge);
  return r && fromRow(r).location;
}

/** The cartridge the catalog has at a changer element, if any (cart_ctl -l -S shows `{-?N}` when the element is empty). */
export function cartridgeAt(cat: Catalog, changer: string, kind: ElementKind, number: number): number | undefined {
  return cat
    .statement<{ cartridge: number }>('SELECT cartridge FROM cartridge_locations WHERE changer = ? AND kind = ? AND number = ?')
    .get(changer, kind, number)?.cartridge;
}

/**
 * Records where a cartridge is now (null: unknown, the entry is removed). A changer element holds
 * one cartridge: putting a second one there fails with a SQLite constraint error.
 */
export function setCartridgeLocation(cat: Catalog, cartridge: number, location: Location | null): void {
  cat.transaction(() => {
    if (location === null) {
      cat.statement('DELETE FROM cartridge_locations WHERE cartridge = ?').run(cartridge);
      return;
    }
    ensureCartridges(cat, [cartridge]);
    if ('changer' in location) cat.statement('INSERT INTO changers (name) VALUES (?) ON CONFLICT DO NOTHING').run(location.changer);
    const { changer, kind, number } = 'changer' in location ? location : { changer: null, kind: null, number: null };
    cat
      .statement(
        `INSERT INTO cartridge_locations (cartridge, changer, kind, number, place) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (cartridge) DO UPDATE SET changer = excluded.changer, kind = excluded.kind,
           number = excluded.number, place = excluded.place`,
      )
      .run(cartridge, changer, kind, number, 'place' in location ? location.place : null);
  });
}
