/**
 * Where a cartridge is, as far as mounting it goes: already in a drive, in a library (a changer's
 * slot or loadport, which the robot reaches), outside any library (cartridge_locations free text:
 * an operator must fetch it), or nowhere the catalog knows.
 *
 * A cartridge counts as in a drive when cartridge_locations puts it in a changer's drive or a
 * tapepos device line (drive_positions) says it is in that device (seed 001, tapepos: "Lines
 * starting with a device name field indicate, what tape in which position is currently in that
 * drive"); a standalone drive has only the latter.
 */
import type { Catalog } from '../catalog/database.js';
import type { ElementKind, Location } from '../catalog/locations.js';

export type Placement = 'drive' | 'library' | 'outside' | 'unknown';

/** Mount preference: a lower rank is cheaper to get into a drive. */
export const PLACEMENT_RANK: Readonly<Record<Placement, number>> = { drive: 0, library: 1, outside: 2, unknown: 3 };

export interface CartridgePlace {
  placement: Placement;
  /** cartridge_locations' entry, null when there is none. */
  location: Location | null;
  /** The device a tapepos line has it in, null when none does. */
  device: string | null;
}

interface PlaceRow {
  cartridge: number;
  changer: string | null;
  kind: ElementKind | null;
  number: number | null;
  place: string | null;
  device: string | null;
}

/**
 * Every cartridge the catalog has a location or a drive for (only those of one cartridge set when
 * it is given); the others are 'unknown'.
 */
export function cartridgePlaces(cat: Catalog, cartridgeSet?: number): Map<number, CartridgePlace> {
  const rows =
    cartridgeSet === undefined
      ? cat
          .statement<PlaceRow>(
            `SELECT cartridge, changer, kind, number, place, NULL AS device FROM cartridge_locations
             UNION ALL
             SELECT cartridge, NULL, NULL, NULL, NULL, min(device) FROM drive_positions WHERE cartridge IS NOT NULL GROUP BY cartridge`,
          )
          .all()
      : cat
          .statement<PlaceRow>(
            `SELECT l.cartridge, changer, kind, l.number, place, NULL AS device
             FROM cartridges c JOIN cartridge_locations l ON l.cartridge = c.number WHERE c.cartridge_set = ?
             UNION ALL
             SELECT d.cartridge, NULL, NULL, NULL, NULL, min(device)
             FROM cartridges c JOIN drive_positions d ON d.cartridge = c.number WHERE c.cartridge_set = ? GROUP BY d.cartridge`,
          )
          .all(cartridgeSet, cartridgeSet);
  const places = new Map<number, CartridgePlace>();
  for (const r of rows) {
    const p = places.get(r.cartridge) ?? { placement: 'unknown' as Placement, location: null, device: null };
    if (r.device !== null) p.device = r.device;
    else if (r.changer !== null) p.location = { changer: r.changer, kind: r.kind!, number: r.number! };
    else p.location = { place: r.place! };
    places.set(r.cartridge, p);
  }
  for (const p of places.values()) p.placement = placementOf(p.location, p.device);
  return places;
}

export const UNKNOWN_PLACE: Readonly<CartridgePlace> = { placement: 'unknown', location: null, device: null };

function placementOf(location: Location | null, device: string | null): Placement {
  if (device !== null || (location !== null && 'changer' in location && location.kind === 'drive')) return 'drive';
  if (location === null) return 'unknown';
  return 'changer' in location ? 'library' : 'outside';
}
