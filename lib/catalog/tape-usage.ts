/** bytes_on_tape and tape_uses: what is on each cartridge and how often it became full. */
import { ensureCartridges } from './cartridges.js';
import type { Catalog } from './database.js';

/**
 * A bytes_on_tape entry (seed 001: "<cartridge-number>: <number-of-bytes-on-tape>
 * <number-of-files-on-tape> <tape-full-flag> <last-writing-timestamp>"). afserver reads lines cut
 * short after any field; the missing ones are null here (a later one only when the earlier is).
 */
export interface BytesOnTape {
  cartridge: number;
  bytes: number;
  files: number | null;
  full: boolean | null;
  /** Unix seconds. */
  lastWrite: number | null;
}

/** A tape_uses entry: how often the cartridge has become full. */
export interface TapeUses {
  cartridge: number;
  timesFull: number;
}

interface BytesRow {
  cartridge: number;
  bytes: number;
  files: number | null;
  full: number | null;
  lastWrite: number | null;
}

const fromRow = (r: BytesRow): BytesOnTape => ({ ...r, full: r.full === null ? null : r.full === 1 });

export function bytesOnTape(cat: Catalog): BytesOnTape[] {
  return cat
    .statement<BytesRow>('SELECT cartridge, bytes, files, full, last_write AS lastWrite FROM bytes_on_tape ORDER BY cartridge')
    .all()
    .map(fromRow);
}

export function cartridgeBytes(cat: Catalog, cartridge: number): BytesOnTape | undefined {
  const r = cat
    .statement<BytesRow>('SELECT cartridge, bytes, files, full, last_write AS lastWrite FROM bytes_on_tape WHERE cartridge = ?')
    .get(cartridge);
  return r && fromRow(r);
}

/** Sets a cartridge's bytes_on_tape entry (the cartridge is added if new). */
export function putBytesOnTape(cat: Catalog, b: BytesOnTape): void {
  cat.transaction(() => {
    ensureCartridges(cat, [b.cartridge]);
    cat
      .statement(
        `INSERT INTO bytes_on_tape (cartridge, bytes, files, full, last_write) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (cartridge) DO UPDATE SET bytes = excluded.bytes, files = excluded.files,
           full = excluded.full, last_write = excluded.last_write`,
      )
      .run(b.cartridge, b.bytes, b.files, b.full === null ? null : Number(b.full), b.lastWrite);
  });
}

export function tapeUses(cat: Catalog): TapeUses[] {
  return cat.statement<TapeUses>('SELECT cartridge, times_full AS timesFull FROM tape_uses ORDER BY cartridge').all();
}

/** Sets how often a cartridge has become full (cart_ctl -a N:f=COUNT). */
export function putTapeUses(cat: Catalog, u: TapeUses): void {
  cat.transaction(() => {
    ensureCartridges(cat, [u.cartridge]);
    cat
      .statement('INSERT INTO tape_uses (cartridge, times_full) VALUES (?, ?) ON CONFLICT (cartridge) DO UPDATE SET times_full = excluded.times_full')
      .run(u.cartridge, u.timesFull);
  });
}
