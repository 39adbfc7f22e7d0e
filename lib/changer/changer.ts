/**
 * The one changer interface (SMC over SG_IO, the simulated library, afbackup command templates).
 * It carries raw element operations only; policy (load by barcode, unload to origin, cleaning
 * cartridges, duplicate barcodes) lives in lib/changer/policy.ts, as pbs-tape separates them.
 *
 * Numbering is mtx's, everywhere above this line: storage slots from 1, import/export slots
 * continuing that count, drives from 0. Element addresses are the library's own and only
 * informative.
 */

/** A place a cartridge can be, in mtx numbering. */
export type ElementRef = { kind: 'slot'; index: number } | { kind: 'drive'; index: number };

export interface DriveElement {
  /** mtx's Data Transfer Element number, from 0. */
  index: number;
  /** The library's element address (SMC), or the position in the layout (simulated, commands). */
  address: number;
  full: boolean;
  /** Primary volume tag; null when empty or the library has no barcode for it. */
  barcode: string | null;
  /** mtx slot number the cartridge came from (SVALID + SOURCE STORAGE ELEMENT ADDRESS), or null. */
  sourceSlot: number | null;
  /**
   * What to open to read or write the loaded cartridge: `/dev/nstN` mapped by serial number for a
   * SCSI library, the cartridge's `sim:PATH` for the simulated library, the configured streamer
   * for a command changer; null when unknown.
   */
  device: string | null;
  /** The drive's serial number (DVCID or the configured mapping), when known. */
  serial: string | null;
  /** The library's report was cut inside the serial: `serial` is its beginning only. */
  serialTruncated?: boolean;
  /** Vendor and product from DVCID, when the library reports them. */
  vendor: string | null;
  product: string | null;
  /** EXCEPT bit with its ASC/ASCQ text, when the library flags the element. */
  exception: string | null;
}

export interface SlotElement {
  /** mtx's Storage Element number, from 1; import/export slots continue the count. */
  index: number;
  address: number;
  full: boolean;
  barcode: string | null;
  /** An import/export slot (mail slot, afbackup's "loadport"). */
  importExport: boolean;
  /** ACCESS: the robot can reach it (an open mail slot door makes it false). */
  accessible: boolean;
  exception: string | null;
}

export interface ChangerStatus {
  /** The changer as configured: `/dev/sgN`, the simulated library's state file, ... */
  device: string;
  vendor: string | null;
  product: string | null;
  serial: string | null;
  /** Medium transport elements (pickers); mtx does not print them, moves do not name them. */
  transports: { address: number; full: boolean }[];
  drives: DriveElement[];
  /** Storage slots first, then import/export slots, in mtx order. */
  slots: SlotElement[];
}

export interface Changer {
  /** How the changer is named on command lines and in messages. */
  readonly device: string;
  /** Element status of the whole library, barcodes included. */
  status(): Promise<ChangerStatus>;
  /** MOVE MEDIUM: fails with ChangerError when the source is empty or the destination full. */
  move(from: ElementRef, to: ElementRef): Promise<void>;
  /**
   * EXCHANGE MEDIUM: source → first destination, and what was there → second destination (the
   * source itself when omitted). ChangerError 'unsupported' where the changer cannot.
   */
  exchange(source: ElementRef, first: ElementRef, second?: ElementRef): Promise<void>;
  /** INITIALIZE ELEMENT STATUS: rescan barcodes and occupancy (minutes on big libraries). */
  inventory(): Promise<void>;
  close(): Promise<void>;
}

export function describeElement(ref: ElementRef): string {
  return ref.kind === 'slot' ? `slot ${ref.index}` : `drive ${ref.index}`;
}

/** Finds an element of a status by reference, or null when the library has no such element. */
export function findElement(status: ChangerStatus, ref: ElementRef): DriveElement | SlotElement | null {
  const list: (DriveElement | SlotElement)[] = ref.kind === 'slot' ? status.slots : status.drives;
  return list.find((e) => e.index === ref.index) ?? null;
}
