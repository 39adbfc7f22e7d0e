/**
 * Which cartridge is where: the changer's element status (occupancy, barcodes) beside the
 * catalog's cartridge_locations and cartridge_names. A catalog cartridge is tied to an element
 * by its stored location, and recognised by its stored barcode. Where the two sources disagree
 * the element carries a problem; callers report it and refuse to act on it, never guess.
 */
import { cartridgeNames } from '../catalog/cartridges.js';
import { cartridgeLocations, type Location } from '../catalog/locations.js';
import type { Changer, ChangerStatus, DriveElement } from '../changer/changer.js';
import type { CartContext } from './context.js';
import { cartElement, describeElement, formatLocation, sameElement, type CartElement } from './elements.js';
import { CartError } from './errors.js';

export interface ElementState extends CartElement {
  full: boolean;
  /** The barcode the library reads, or null. */
  barcode: string | null;
  /** The cartridge the catalog has here, or null. */
  stored: number | null;
  /** The cartridges whose recorded barcode this element's barcode is (more than one: a problem). */
  owners: number[];
  /** The cartridge believed to be here: the stored one, else the barcode's one owner; null when empty or not known. */
  cartridge: number | null;
  /** Disagreements between catalog and hardware at this element. */
  problems: string[];
  /** Drives: the changer's drive element (device to open, origin slot). */
  drive?: DriveElement;
}

export interface Whereabouts {
  status: ChangerStatus;
  changer: string;
  elements: ElementState[];
  /** Catalog locations in this changer that name elements it does not have. */
  strays: { cartridge: number; location: string }[];
  /** Recorded barcode per cartridge. */
  barcodes: Map<number, string>;
  /** Recorded location per cartridge. */
  locations: Map<number, Location>;
}

export function requireChanger(ctx: CartContext): Changer {
  if (!ctx.changer) throw new CartError('usage', 'this operation needs a changer (-d DEVICE or TAPECOORD_CHANGER)');
  return ctx.changer;
}

/** Reads the element status and ties it to the catalog. */
export async function survey(ctx: CartContext): Promise<Whereabouts> {
  const status = await requireChanger(ctx).status();
  const locations = new Map(cartridgeLocations(ctx.catalog).map((l) => [l.cartridge, l.location]));
  const barcodes = new Map<number, string>();
  const owners = new Map<string, number[]>();
  for (const n of cartridgeNames(ctx.catalog)) {
    if (n.barcode === null) continue;
    barcodes.set(n.cartridge, n.barcode);
    owners.set(n.barcode, [...(owners.get(n.barcode) ?? []), n.cartridge]);
  }
  const storedAt = new Map<string, number>();
  for (const [cartridge, l] of locations) if ('changer' in l && l.changer === ctx.changerName) storedAt.set(`${l.kind} ${l.number}`, cartridge);

  const raw: (CartElement & { full: boolean; barcode: string | null; drive?: DriveElement })[] = [
    ...status.slots.map((s) => ({ ...cartElement(status, { kind: 'slot', index: s.index }), full: s.full, barcode: s.barcode })),
    ...status.drives.map((d) => ({ kind: 'drive' as const, number: d.index + 1, full: d.full, barcode: d.barcode, drive: d })),
  ];
  const seen = new Map<string, string[]>();
  for (const e of raw) if (e.full && e.barcode !== null) seen.set(e.barcode, [...(seen.get(e.barcode) ?? []), describeElement(e)]);

  const elements = raw.map((e): ElementState => {
    const stored = storedAt.get(describeElement(e)) ?? null;
    storedAt.delete(describeElement(e));
    const own = e.full && e.barcode !== null ? (owners.get(e.barcode) ?? []) : [];
    const problems: string[] = [];
    const where = describeElement(e);
    if (!e.full && stored !== null) problems.push(`${where} is empty, but the catalog has cartridge ${stored} there`);
    if (e.full && e.barcode !== null) {
      const storedBarcode = stored === null ? undefined : barcodes.get(stored);
      if (storedBarcode !== undefined && storedBarcode !== e.barcode) problems.push(`${where} holds barcode ${e.barcode}, but the catalog has cartridge ${stored} (barcode ${storedBarcode}) there`);
      if (own.length > 1) problems.push(`barcode ${e.barcode} in ${where} is recorded for cartridges ${own.join(', ')}`);
      if (own.length === 1 && own[0] !== stored) {
        const l = locations.get(own[0]!);
        const inHere = l && 'changer' in l && l.changer === ctx.changerName && sameElement(l, e);
        if (!inHere) problems.push(`barcode ${e.barcode} of cartridge ${own[0]} is in ${where}, but the catalog has cartridge ${own[0]} ${l ? `at ${formatLocation(l)}` : 'nowhere'}`);
      }
      const places = seen.get(e.barcode)!;
      if (places.length > 1) problems.push(`barcode ${e.barcode} is in ${places.join(' and ')}`);
    }
    const cartridge = !e.full ? null : stored ?? (own.length === 1 ? own[0]! : null);
    return { ...e, stored, owners: own, cartridge, problems };
  });
  const strays = [...storedAt].map(([element, cartridge]) => ({ cartridge, location: `${ctx.changerName} ${element}` }));
  return { status, changer: ctx.changerName, elements, strays, barcodes, locations };
}

/** The element, or CartError 'no-such-element'. */
export function elementState(w: Whereabouts, e: CartElement): ElementState {
  const found = w.elements.find((x) => sameElement(x, e));
  if (!found) {
    const count = w.elements.filter((x) => x.kind === e.kind).length;
    throw new CartError('no-such-element', `${w.changer}: no ${describeElement(e)}: the changer has ${count === 0 ? `no ${e.kind}s` : `${e.kind}s 1-${count}`}`);
  }
  return found;
}

/** Elements of a kind that are empty in the hardware and free in the catalog, in order. */
export function freeElements(w: Whereabouts, kind: CartElement['kind'], except: readonly CartElement[] = []): ElementState[] {
  return w.elements.filter((e) => e.kind === kind && !e.full && e.stored === null && !except.some((x) => sameElement(x, e)));
}

/** Where the catalog has a cartridge, as a text for messages: `slot 3`, a place, `unknown`. */
export function describeStored(w: Whereabouts, cartridge: number): string {
  const l = w.locations.get(cartridge);
  if (!l) return 'unknown';
  if ('place' in l) return l.place;
  return l.changer === w.changer ? describeElement(l) : `${describeElement(l)} in changer ${l.changer}`;
}
