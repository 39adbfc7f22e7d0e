/** Cartridges, cartridge sets, labels, and cartridge_names (barcodes and descriptions). */
import type { Catalog } from './database.js';

export interface Cartridge {
  number: number;
  /** The cartridge set (pool) it is written in, or null. */
  cartridgeSet: number | null;
  /** The tape block size it is written with, once known. */
  blockSize: number | null;
}

export interface CartridgeSet {
  number: number;
  name: string | null;
  description: string | null;
}

/** The label at the start of the medium. Times are Unix seconds. */
export interface Label {
  cartridge: number;
  name: string;
  comment: string | null;
  written: number;
  expires: number | null;
}

/**
 * A cartridge_names entry (seed 003: "the determined barcode labels and the freetext comments
 * assigned to the cartridges"). barcode null: none known.
 */
export interface CartridgeName {
  cartridge: number;
  barcode: string | null;
  description: string;
}

/** Adds the cartridges that are not in the catalog yet. */
export function ensureCartridges(cat: Catalog, numbers: Iterable<number>): void {
  const insert = cat.statement('INSERT INTO cartridges (number) VALUES (?) ON CONFLICT DO NOTHING');
  cat.transaction(() => {
    for (const n of numbers) insert.run(n);
  });
}

/** Adds the cartridge sets that are not in the catalog yet. */
export function ensureCartridgeSets(cat: Catalog, numbers: Iterable<number>): void {
  const insert = cat.statement('INSERT INTO cartridge_sets (number) VALUES (?) ON CONFLICT DO NOTHING');
  cat.transaction(() => {
    for (const n of numbers) insert.run(n);
  });
}

export function cartridge(cat: Catalog, number: number): Cartridge | undefined {
  return cat
    .statement<Cartridge>('SELECT number, cartridge_set AS cartridgeSet, block_size AS blockSize FROM cartridges WHERE number = ?')
    .get(number);
}

export function cartridges(cat: Catalog): Cartridge[] {
  return cat.statement<Cartridge>('SELECT number, cartridge_set AS cartridgeSet, block_size AS blockSize FROM cartridges ORDER BY number').all();
}

/** Adds or changes a cartridge; a set it names must exist. */
export function putCartridge(cat: Catalog, c: Cartridge): void {
  cat
    .statement(
      `INSERT INTO cartridges (number, cartridge_set, block_size) VALUES (?, ?, ?)
       ON CONFLICT (number) DO UPDATE SET cartridge_set = excluded.cartridge_set, block_size = excluded.block_size`,
    )
    .run(c.number, c.cartridgeSet, c.blockSize);
}

export function cartridgeSets(cat: Catalog): CartridgeSet[] {
  return cat.statement<CartridgeSet>('SELECT number, name, description FROM cartridge_sets ORDER BY number').all();
}

export function putCartridgeSet(cat: Catalog, s: CartridgeSet): void {
  cat
    .statement(
      `INSERT INTO cartridge_sets (number, name, description) VALUES (?, ?, ?)
       ON CONFLICT (number) DO UPDATE SET name = excluded.name, description = excluded.description`,
    )
    .run(s.number, s.name, s.description);
}

export function label(cat: Catalog, cartridge: number): Label | undefined {
  return cat.statement<Label>('SELECT cartridge, name, comment, written, expires FROM labels WHERE cartridge = ?').get(cartridge);
}

/** Records the label just written to a cartridge (the cartridge is added if new). */
export function putLabel(cat: Catalog, l: Label): void {
  cat.transaction(() => {
    ensureCartridges(cat, [l.cartridge]);
    cat
      .statement(
        `INSERT INTO labels (cartridge, name, comment, written, expires) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (cartridge) DO UPDATE SET name = excluded.name, comment = excluded.comment,
           written = excluded.written, expires = excluded.expires`,
      )
      .run(l.cartridge, l.name, l.comment, l.written, l.expires);
  });
}

export function cartridgeNames(cat: Catalog): CartridgeName[] {
  return cat.statement<CartridgeName>('SELECT cartridge, barcode, description FROM cartridge_names ORDER BY cartridge').all();
}

/** Sets a cartridge's barcode and description (the cartridge is added if new). */
export function putCartridgeName(cat: Catalog, n: CartridgeName): void {
  cat.transaction(() => {
    ensureCartridges(cat, [n.cartridge]);
    cat
      .statement(
        `INSERT INTO cartridge_names (cartridge, barcode, description) VALUES (?, ?, ?)
         ON CONFLICT (cartridge) DO UPDATE SET barcode = excluded.barcode, description = excluded.description`,
      )
      .run(n.cartridge, n.barcode, n.description);
  });
}

/** The cartridges carrying a barcode: more than one means the barcodes cannot be trusted. */
export function cartridgesByBarcode(cat: Catalog, barcode: string): number[] {
  return cat
    .statement<{ cartridge: number }>('SELECT cartridge FROM cartridge_names WHERE barcode = ? ORDER BY cartridge')
    .all(barcode)
    .map((r) => r.cartridge);
}
