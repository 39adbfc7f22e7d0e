/**
 * Making cartridges overwritable, as afbackup's reuse_tapes does for cart_ctl -a N:o (and, with
 * the read-only mark, for -t -r and label_tape's "delete from the cartridge handling database"):
 * - the cartridges leave every reservation in precious_tapes, the administrator's included;
 * - cartridge_order entries that continue on them are invalidated (next cartridge 0 in afbackup);
 * - bytes_on_tape is reset to 0 bytes, 0 files, not full; the last writing time stays;
 * - with `readOnly: true` they also leave readonly_tapes.
 * Open ranges stay open (range-set.ts): making 10 overwritable in a reservation `8-` leaves `8-9,11-`.
 */
import { cartridgeOrder, putCartridgeOrder } from '../catalog/positions.js';
import { readonlyTapes, reservations, setReadonlyTapes, setReservation } from '../catalog/protection.js';
import { inRanges, type CartridgeRange } from '../catalog/ranges.js';
import { bytesOnTape, putBytesOnTape } from '../catalog/tape-usage.js';
import type { Catalog } from '../catalog/database.js';
import { rangesOverlap, removeRanges } from './range-set.js';

export interface ReuseOptions {
  /** Take them out of readonly_tapes too (afbackup: keep_ro = NO). */
  readOnly: boolean;
}

export function reuseCartridges(cat: Catalog, ranges: readonly CartridgeRange[], o: ReuseOptions): void {
  cat.transaction(() => {
    for (const r of reservations(cat)) {
      if (rangesOverlap(r.ranges, ranges)) setReservation(cat, { client: r.client, ranges: removeRanges(r.ranges, ranges) });
    }
    if (o.readOnly) {
      const ro = readonlyTapes(cat);
      if (rangesOverlap(ro, ranges)) setReadonlyTapes(cat, removeRanges(ro, ranges));
    }
    for (const order of cartridgeOrder(cat)) {
      if (order.nextCartridge !== null && inRanges(ranges, order.nextCartridge)) putCartridgeOrder(cat, { ...order, nextCartridge: null });
    }
    for (const b of bytesOnTape(cat)) {
      if (inRanges(ranges, b.cartridge)) putBytesOnTape(cat, { cartridge: b.cartridge, bytes: 0, files: 0, full: false, lastWrite: b.lastWrite ?? 0 });
    }
  });
}
