/**
 * cart_ctl -l and its modes (seed 003, "Option -l"): what the listings contain, as rows that the
 * CLI prints as tables (format.ts) or JSON. Every listing can be limited to cartridges (-C).
 *
 *   -l            locations
 *   -l -S|-L|-D   contents of slots, loadports, drives: the cartridge, `-` empty, `?` full but
 *                 unknown, `{-?N}` empty although the catalog has cartridge N there
 *   -l -a         attributes: bytes, full, read-only, overwritable, times full, last write
 *   -l -i [-N]    the hardware inventory (no updates), with descriptions [and cartridge numbers]
 *   -l -N         barcodes and descriptions
 *   -l -r         reservations: which clients protect which cartridges
 */
import { cartridgeNames, cartridges as catalogCartridges } from '../catalog/cartridges.js';
import type { Catalog } from '../catalog/database.js';
import { cartridgeLocations } from '../catalog/locations.js';
import { readonlyTapes, reservations } from '../catalog/protection.js';
import { inRanges, type CartridgeRange } from '../catalog/ranges.js';
import { bytesOnTape, tapeUses } from '../catalog/tape-usage.js';
import type { CartContext } from './context.js';
import { describeElement, formatLocation, type CartElement } from './elements.js';
import { elementState, survey } from './whereabouts.js';

export interface ListFilter {
  /** -C: only these cartridges. */
  cartridges?: readonly number[];
}

const wanted = (f: ListFilter, n: number | null) => !f.cartridges || (n !== null && f.cartridges.includes(n));

export interface LocationRow {
  cartridge: number;
  /** As cartridge_locations writes it: `CHANGER slot 6` or the free text. */
  location: string;
  changer: string | null;
  kind: CartElement['kind'] | null;
  number: number | null;
  place: string | null;
}

/** -l: where the catalog has each cartridge; `changer` limits to one changer's elements (cart_ctl -d). */
export function listLocations(cat: Catalog, f: ListFilter & { changer?: string } = {}): LocationRow[] {
  return cartridgeLocations(cat)
    .filter((l) => wanted(f, l.cartridge) && (!f.changer || ('changer' in l.location && l.location.changer === f.changer)))
    .map(({ cartridge, location: l }) => ({
      cartridge,
      location: formatLocation(l),
      changer: 'changer' in l ? l.changer : null,
      kind: 'changer' in l ? l.kind : null,
      number: 'changer' in l ? l.number : null,
      place: 'place' in l ? l.place : null,
    }));
}

export interface ElementRow {
  number: number;
  full: boolean;
  barcode: string | null;
  /** The cartridge the catalog has here. */
  stored: number | null;
  /** cart_ctl's mark: the cartridge number, `-`, `?` or `{-?N}`. */
  mark: string;
  problems: string[];
}

/** -l -S / -L / -D: the elements' contents against the catalog. */
export async function listElements(ctx: CartContext, kind: CartElement['kind'], numbers?: readonly number[], f: ListFilter = {}): Promise<ElementRow[]> {
  const w = await survey(ctx);
  const elements = numbers ? numbers.map((number) => elementState(w, { kind, number })) : w.elements.filter((e) => e.kind === kind);
  return elements
    .filter((e) => !f.cartridges || wanted(f, e.cartridge ?? e.stored))
    .map((e) => ({
      number: e.number,
      full: e.full,
      barcode: e.barcode,
      stored: e.stored,
      mark: e.full ? (e.stored !== null ? String(e.stored) : '?') : e.stored !== null ? `{-?${e.stored}}` : '-',
      problems: e.problems,
    }));
}

export interface AttributeRow {
  cartridge: number;
  bytes: number | null;
  files: number | null;
  full: boolean | null;
  readOnly: boolean;
  /** No reservation protects it (precious_tapes). */
  overwritable: boolean;
  timesFull: number;
  /** Unix seconds. */
  lastWrite: number | null;
}

/** Finite members of ranges, plus the known cartridges inside open ones. */
function members(ranges: readonly CartridgeRange[], known: readonly number[]): number[] {
  return [
    ...ranges.flatMap((r) => (r.last === null ? [] : Array.from({ length: r.last - r.first + 1 }, (_, k) => r.first + k))),
    ...known.filter((n) => inRanges(ranges, n)),
  ];
}

/** -l -a: the cartridges the catalog knows anything about. */
export function listAttributes(cat: Catalog, f: ListFilter = {}): AttributeRow[] {
  const bytes = new Map(bytesOnTape(cat).map((b) => [b.cartridge, b]));
  const uses = new Map(tapeUses(cat).map((u) => [u.cartridge, u.timesFull]));
  const ro = readonlyTapes(cat);
  const reserved = reservations(cat).flatMap((r) => r.ranges);
  const known = catalogCartridges(cat).map((c) => c.number);
  const all = [...new Set([...known, ...bytes.keys(), ...uses.keys(), ...members(ro, [])])].sort((a, b) => a - b);
  return all.filter((n) => wanted(f, n)).map((n) => {
    const b = bytes.get(n);
    return {
      cartridge: n,
      bytes: b?.bytes ?? null,
      files: b?.files ?? null,
      full: b?.full ?? null,
      readOnly: inRanges(ro, n),
      overwritable: !inRanges(reserved, n),
      timesFull: uses.get(n) ?? 0,
      lastWrite: b?.lastWrite ?? null,
    };
  });
}

export interface HardwareRow {
  /** `CHANGER slot 3`. */
  location: string;
  element: CartElement;
  /** The barcode read, or null. */
  barcode: string | null;
  /** The cartridge by the stored assignments: the barcode's owner, else the one recorded here. */
  cartridge: number | null;
  description: string | null;
  problems: string[];
}

/** -l -i: the library's full elements as it reports them; nothing is updated. */
export async function listHardware(ctx: CartContext, f: ListFilter & { kinds?: CartElement['kind'][] } = {}): Promise<HardwareRow[]> {
  const w = await survey(ctx);
  const descriptions = new Map(cartridgeNames(ctx.catalog).map((n) => [n.cartridge, n.description]));
  const order = { slot: 0, loadport: 1, drive: 2 };
  return w.elements
    .filter((e) => e.full && (!f.kinds || f.kinds.includes(e.kind)))
    .map((e) => {
      const cartridge = e.owners.length === 1 ? e.owners[0]! : e.stored;
      return { location: `${ctx.changerName} ${describeElement(e)}`, element: { kind: e.kind, number: e.number }, barcode: e.barcode, cartridge, description: cartridge === null ? null : (descriptions.get(cartridge) ?? null), problems: e.problems };
    })
    .filter((r) => wanted(f, r.cartridge))
    .sort((a, b) => order[a.element.kind] - order[b.element.kind] || a.element.number - b.element.number);
}

export interface NameRow {
  cartridge: number;
  barcode: string | null;
  description: string;
}

/** -l -N: the cartridges with a barcode or a description. */
export function listNames(cat: Catalog, f: ListFilter = {}): NameRow[] {
  return cartridgeNames(cat)
    .filter((n) => wanted(f, n.cartridge) && (n.barcode !== null || n.description !== ''))
    .map(({ cartridge, barcode, description }) => ({ cartridge, barcode, description }));
}

export interface ReservationRow {
  cartridge: number;
  clients: string[];
}

/** -l -r: per reserved cartridge, the clients that need it for restore. */
export function listReservations(cat: Catalog, f: ListFilter = {}): ReservationRow[] {
  const all = reservations(cat);
  const known = catalogCartridges(cat).map((c) => c.number);
  const numbers = [...new Set(all.flatMap((r) => members(r.ranges, known)))].sort((a, b) => a - b);
  return numbers.filter((n) => wanted(f, n)).map((n) => ({ cartridge: n, clients: all.filter((r) => inRanges(r.ranges, n)).map((r) => r.client) }));
}
