/**
 * tapepos and cartridge_order: where each cartridge set is written next, what is in each drive,
 * and which tape and file follow an exhausted cartridge. A position is a cartridge and a tape
 * file number (seed 001: "Each pair of numbers specifying a position consists of a cartridge
 * number and a file number"). Cartridge null stands for afserver's 0: none.
 */
import { ensureCartridges, ensureCartridgeSets } from './cartridges.js';
import type { Catalog } from './database.js';

/** A tapepos 'N:' line: the writing position for cartridge set N. */
export interface WritePosition {
  cartridgeSet: number;
  cartridge: number | null;
  file: number;
}

/** A tapepos device line: what tape in which position is currently in that drive. */
export interface DrivePosition {
  device: string;
  cartridge: number | null;
  file: number;
}

/** A cartridge_order line: read nextCartridge from nextFile (null: not given, file 1) after cartridge. */
export interface CartridgeOrder {
  cartridge: number;
  nextCartridge: number | null;
  nextFile: number | null;
}

const present = (...numbers: (number | null)[]): number[] => numbers.filter((n): n is number => n !== null);

export function writePositions(cat: Catalog): WritePosition[] {
  return cat.statement<WritePosition>('SELECT cartridge_set AS cartridgeSet, cartridge, file FROM write_positions ORDER BY cartridge_set').all();
}

export function putWritePosition(cat: Catalog, p: WritePosition): void {
  cat.transaction(() => {
    ensureCartridgeSets(cat, [p.cartridgeSet]);
    ensureCartridges(cat, present(p.cartridge));
    cat
      .statement(
        `INSERT INTO write_positions (cartridge_set, cartridge, file) VALUES (?, ?, ?)
         ON CONFLICT (cartridge_set) DO UPDATE SET cartridge = excluded.cartridge, file = excluded.file`,
      )
      .run(p.cartridgeSet, p.cartridge, p.file);
  });
}

export function drivePositions(cat: Catalog): DrivePosition[] {
  return cat.statement<DrivePosition>('SELECT device, cartridge, file FROM drive_positions ORDER BY rowid').all();
}

export function putDrivePosition(cat: Catalog, p: DrivePosition): void {
  cat.transaction(() => {
    ensureCartridges(cat, present(p.cartridge));
    cat
      .statement(
        `INSERT INTO drive_positions (device, cartridge, file) VALUES (?, ?, ?)
         ON CONFLICT (device) DO UPDATE SET cartridge = excluded.cartridge, file = excluded.file`,
      )
      .run(p.device, p.cartridge, p.file);
  });
}

export function cartridgeOrder(cat: Catalog): CartridgeOrder[] {
  return cat
    .statement<CartridgeOrder>('SELECT cartridge, next_cartridge AS nextCartridge, next_file AS nextFile FROM cartridge_order ORDER BY cartridge')
    .all();
}

export function putCartridgeOrder(cat: Catalog, o: CartridgeOrder): void {
  cat.transaction(() => {
    ensureCartridges(cat, present(o.cartridge, o.nextCartridge));
    cat
      .statement(
        `INSERT INTO cartridge_order (cartridge, next_cartridge, next_file) VALUES (?, ?, ?)
         ON CONFLICT (cartridge) DO UPDATE SET next_cartridge = excluded.next_cartridge, next_file = excluded.next_file`,
      )
      .run(o.cartridge, o.nextCartridge, o.nextFile);
  });
}
