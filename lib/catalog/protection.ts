/**
 * readonly_tapes and precious_tapes: the cartridges that must not be written, and the ones clients
 * reserved for restore, which may only be appended to (seed 001: "All cartridges listed here are
 * considered read-only, if they have no more space on tape to write to. If they have free space,
 * new data is appended at the end of the last file on tape during write").
 */
import type { Catalog } from './database.js';
import { inRanges, type CartridgeRange } from './ranges.js';

/**
 * The client name of a reservation made by the administrator rather than a client: cart_ctl
 * writes it for `-a N:o=no` ("a line to the precious_tapes file, that is not specific to any
 * client").
 */
export const ADMIN_RESERVATION = '< * protected by admin * >';

/** A precious_tapes entry: the cartridges a client needs to restore everything it saved. */
export interface Reservation {
  client: string;
  ranges: CartridgeRange[];
}

export function readonlyTapes(cat: Catalog): CartridgeRange[] {
  return cat.statement<CartridgeRange>('SELECT first, last FROM readonly_tapes ORDER BY seq').all();
}

/** Replaces the read-only ranges. */
export function setReadonlyTapes(cat: Catalog, ranges: readonly CartridgeRange[]): void {
  cat.transaction(() => {
    cat.statement('DELETE FROM readonly_tapes').run();
    const insert = cat.statement('INSERT INTO readonly_tapes (seq, first, last) VALUES (?, ?, ?)');
    ranges.forEach((r, i) => insert.run(i + 1, r.first, r.last));
  });
}

export function reservations(cat: Catalog): Reservation[] {
  const rows = cat
    .statement<{ client: string; first: number; last: number | null }>('SELECT client, first, last FROM precious_tapes ORDER BY client, seq')
    .all();
  const byClient = new Map<string, CartridgeRange[]>();
  for (const { client, first, last } of rows) {
    const list = byClient.get(client) ?? [];
    list.push({ first, last });
    byClient.set(client, list);
  }
  return [...byClient].map(([client, ranges]) => ({ client, ranges }));
}

/** Replaces a client's reservation; no ranges removes it (afclient's empty PreciousTapes message). */
export function setReservation(cat: Catalog, r: Reservation): void {
  cat.transaction(() => {
    cat.statement('DELETE FROM precious_tapes WHERE client = ?').run(r.client);
    const insert = cat.statement('INSERT INTO precious_tapes (client, seq, first, last) VALUES (?, ?, ?, ?)');
    r.ranges.forEach((range, i) => insert.run(r.client, i + 1, range.first, range.last));
  });
}

/** Whether a cartridge may be written, and who reserved it (it may then only be appended to). */
export function writeProtection(cat: Catalog, cartridge: number): { readOnly: boolean; reservedBy: string[] } {
  return {
    readOnly: inRanges(readonlyTapes(cat), cartridge),
    reservedBy: reservations(cat)
      .filter((r) => inRanges(r.ranges, cartridge))
      .map((r) => r.client),
  };
}
