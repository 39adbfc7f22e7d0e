/**
 * What the write path records once the medium has confirmed it.
 *
 * The contract: call recordTapeFile only after the tape file it describes is on the medium, that
 * is after the filemark ending it has been written (st writes its buffer and the filemark before
 * MTWEOF returns: Medium.writeFilemarks) or, for a backup data file or a simulated tape, after the
 * file has been synced. Call recordCartridgeFull once the drive has reported early warning or end
 * of medium and the last file is closed. Each call is one transaction; a process killed before it
 * commits leaves the catalog as it was, which describes less than the medium holds, never more:
 * the write position was not advanced either, so the unrecorded tape file is written over next
 * time. A caller can group several calls with Catalog.transaction (they nest as savepoints).
 */
import { ensureCartridges } from './cartridges.js';
import type { Catalog } from './database.js';
import { recordFragment, type Fragment } from './dumps.js';
import { putWritePosition } from './positions.js';

/** A tape file that is on the medium now, with the volume fragments it holds. */
export interface TapeFileWritten {
  cartridge: number;
  /** Its tape file number; afserver counts files from 1. */
  file: number;
  /** Bytes in this tape file. */
  bytes: number;
  /** When it was written, Unix seconds. */
  time: number;
  /** The cartridge set being written: its write position moves to the next file. */
  cartridgeSet: number | null;
  /** The fragments in this tape file, in the order written. */
  fragments: Omit<Fragment, 'cartridge' | 'position'>[];
}

/**
 * Records a tape file: its fragments, the cartridge's bytes, file count and last write time
 * (bytes_on_tape), and the cartridge set's write position (tapepos), all in one transaction.
 */
export function recordTapeFile(cat: Catalog, w: TapeFileWritten): void {
  cat.transaction(() => {
    ensureCartridges(cat, [w.cartridge]);
    for (const f of w.fragments) recordFragment(cat, { ...f, cartridge: w.cartridge, position: w.file });
    cat
      .statement(
        `INSERT INTO bytes_on_tape (cartridge, bytes, files, full, last_write) VALUES (?, ?, ?, 0, ?)
         ON CONFLICT (cartridge) DO UPDATE SET bytes = bytes + excluded.bytes, files = excluded.files,
           full = coalesce(full, 0), last_write = excluded.last_write`,
      )
      .run(w.cartridge, w.bytes, w.file, w.time);
    if (w.cartridgeSet !== null) putWritePosition(cat, { cartridgeSet: w.cartridgeSet, cartridge: w.cartridge, file: w.file + 1 });
  });
}

/** Records that a cartridge became full: its full flag and its tape_uses count, together. */
export function recordCartridgeFull(cat: Catalog, cartridge: number, time: number): void {
  cat.transaction(() => {
    ensureCartridges(cat, [cartridge]);
    cat
      .statement(
        `INSERT INTO bytes_on_tape (cartridge, bytes, files, full, last_write) VALUES (?, 0, 0, 1, ?)
         ON CONFLICT (cartridge) DO UPDATE SET files = coalesce(files, 0), full = 1, last_write = excluded.last_write`,
      )
      .run(cartridge, time);
    cat
      .statement('INSERT INTO tape_uses (cartridge, times_full) VALUES (?, 1) ON CONFLICT (cartridge) DO UPDATE SET times_full = times_full + 1')
      .run(cartridge);
  });
}
