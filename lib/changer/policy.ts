/**
 * Policy over the raw element operations, kept apart from them as pbs-tape keeps its changer
 * policy apart from sg_pt_changer: mtx's load/unload/transfer rules, loading by barcode,
 * unloading to the cartridge's origin, mail slots, cleaning cartridges, duplicate barcodes.
 *
 * Barcodes are hints. A library reads the label on the cartridge's case, which someone stuck
 * there; the truth is the label on the medium. `checkLabel` compares the two once a cartridge is
 * in a drive and its label was read.
 */
import { describeElement, findElement, type Changer, type ChangerStatus, type DriveElement, type ElementRef } from './changer.js';
import { ChangerError } from './errors.js';

/** LTO and most libraries name cleaning cartridges CLNnnnLn / CLNUnnLn (LTO barcode spec). */
export function isCleaningCartridge(barcode: string | null): boolean {
  return barcode !== null && /^CLN/i.test(barcode);
}

/** Barcodes that appear in more than one place, with the places. */
export function duplicateBarcodes(status: ChangerStatus): Map<string, ElementRef[]> {
  const seen = new Map<string, ElementRef[]>();
  const note = (barcode: string | null, ref: ElementRef) => {
    if (barcode !== null) seen.set(barcode, [...(seen.get(barcode) ?? []), ref]);
  };
  for (const d of status.drives) note(d.barcode, { kind: 'drive', index: d.index });
  for (const s of status.slots) note(s.barcode, { kind: 'slot', index: s.index });
  return new Map([...seen].filter(([, places]) => places.length > 1));
}

/** Where a barcode is: exactly one place, or a ChangerError that says why not. */
export function locateBarcode(status: ChangerStatus, barcode: string): ElementRef {
  const places = [
    ...status.drives.filter((d) => d.barcode === barcode).map((d): ElementRef => ({ kind: 'drive', index: d.index })),
    ...status.slots.filter((s) => s.barcode === barcode).map((s): ElementRef => ({ kind: 'slot', index: s.index })),
  ];
  if (places.length === 0) throw new ChangerError('not-found', status.device, `no cartridge with barcode ${barcode}`);
  if (places.length > 1)
    throw new ChangerError('duplicate-barcode', status.device, `barcode ${barcode} is in ${places.map(describeElement).join(' and ')}: check the labels before trusting either`);
  return places[0]!;
}

/**
 * The first empty slot of a kind. The ACCESS bit is not asked for: tgt clears it on every element
 * and mtx never looks at it; an element in an exception state is skipped.
 */
function emptySlot(status: ChangerStatus, importExport: boolean): ElementRef | null {
  const slot = status.slots.find((s) => !s.full && s.importExport === importExport && s.exception === null);
  return slot ? { kind: 'slot', index: slot.index } : null;
}

function drive(status: ChangerStatus, index: number): DriveElement {
  const d = status.drives.find((e) => e.index === index);
  if (!d) throw new ChangerError('no-such-element', status.device, `no drive ${index}: drives are 0-${status.drives.length - 1}`);
  return d;
}

export interface LoadOptions {
  /** Load a cleaning cartridge (CLN*) on purpose: a cleaning job, never a data job. */
  cleaning?: boolean;
}

function refuseCleaning(status: ChangerStatus, barcode: string | null, where: ElementRef, o: LoadOptions): void {
  if (isCleaningCartridge(barcode) && !o.cleaning)
    throw new ChangerError('cleaning-cartridge', status.device, `${describeElement(where)} holds cleaning cartridge ${barcode}: not loaded for data (ask for a cleaning load)`);
}

/** mtx `load SLOT [DRIVE]`. */
export async function load(changer: Changer, slot: number, driveIndex = 0, o: LoadOptions = {}): Promise<void> {
  const status = await changer.status();
  const from: ElementRef = { kind: 'slot', index: slot };
  refuseCleaning(status, findElement(status, from)?.barcode ?? null, from, o);
  await changer.move(from, { kind: 'drive', index: driveIndex });
}

export interface UnloadOptions {
  /**
   * Have the drive give the cartridge up first (st's MTOFFL): most libraries cannot pull a
   * threaded tape. Called with the drive when its device is known.
   */
  eject?: (drive: DriveElement) => Promise<void>;
}

/**
 * mtx `unload [SLOT] [DRIVE]`: to the slot given, else to the slot the cartridge came from, else
 * (mtx gives up here) to the first empty storage slot. Returns where it went.
 */
export async function unload(changer: Changer, driveIndex = 0, slot?: number, o: UnloadOptions = {}): Promise<ElementRef> {
  const status = await changer.status();
  const d = drive(status, driveIndex);
  if (!d.full) throw new ChangerError('source-empty', changer.device, `drive ${driveIndex} is empty`);
  const origin = d.sourceSlot !== null && !findElement(status, { kind: 'slot', index: d.sourceSlot })?.full ? d.sourceSlot : null;
  const target: ElementRef | null = slot !== undefined ? { kind: 'slot', index: slot } : origin !== null ? { kind: 'slot', index: origin } : emptySlot(status, false);
  if (!target) throw new ChangerError('no-free-slot', changer.device, `no empty storage slot to unload drive ${driveIndex} into`);
  if (o.eject) await o.eject(d);
  await changer.move({ kind: 'drive', index: driveIndex }, target);
  return target;
}

/** mtx `transfer SLOT SLOT`. */
export function transfer(changer: Changer, from: number, to: number): Promise<void> {
  return changer.move({ kind: 'slot', index: from }, { kind: 'slot', index: to });
}

export interface LoadBarcodeResult {
  drive: DriveElement;
  /** Where the cartridge was. */
  from: ElementRef;
  /** Where the drive's previous cartridge went, if one had to make room. */
  unloadedTo: ElementRef | null;
}

/**
 * Loads the cartridge with this barcode into a drive: nothing to do when it is already there;
 * a cartridge in the drive goes back to its origin first; a cleaning cartridge only on purpose;
 * a barcode in two places is refused (which one is the right tape?).
 */
export async function loadBarcode(changer: Changer, barcode: string, driveIndex = 0, o: LoadOptions & UnloadOptions = {}): Promise<LoadBarcodeResult> {
  let status = await changer.status();
  const from = locateBarcode(status, barcode);
  const target = drive(status, driveIndex);
  if (from.kind === 'drive' && from.index === driveIndex) return { drive: target, from, unloadedTo: null };
  if (from.kind === 'drive') throw new ChangerError('destination-full', changer.device, `${barcode} is in drive ${from.index}, in use there: unload it first`);
  refuseCleaning(status, barcode, from, o);
  const unloadedTo = target.full ? await unload(changer, driveIndex, undefined, o) : null;
  await changer.move(from, { kind: 'drive', index: driveIndex });
  status = await changer.status();
  return { drive: drive(status, driveIndex), from, unloadedTo };
}

/** Puts a cartridge (by slot) into an empty import/export slot for the operator to take. */
export async function exportCartridge(changer: Changer, slot: number, mailSlot?: number): Promise<ElementRef> {
  const status = await changer.status();
  const target = mailSlot !== undefined ? { kind: 'slot' as const, index: mailSlot } : emptySlot(status, true);
  if (!target) throw new ChangerError('no-free-slot', changer.device, 'no empty import/export slot: ask the operator to empty one');
  if (!findElement(status, target) || !status.slots[target.index - 1]?.importExport)
    throw new ChangerError('no-such-element', changer.device, `slot ${target.index} is not an import/export slot`);
  await changer.move({ kind: 'slot', index: slot }, target);
  return target;
}

/** Takes a cartridge an operator put in an import/export slot into an empty storage slot. */
export async function importCartridge(changer: Changer, mailSlot: number, slot?: number): Promise<ElementRef> {
  const status = await changer.status();
  if (!status.slots[mailSlot - 1]?.importExport) throw new ChangerError('no-such-element', changer.device, `slot ${mailSlot} is not an import/export slot`);
  const target = slot !== undefined ? { kind: 'slot' as const, index: slot } : emptySlot(status, false);
  if (!target) throw new ChangerError('no-free-slot', changer.device, 'no empty storage slot to import into');
  await changer.move({ kind: 'slot', index: mailSlot }, target);
  return target;
}

export type LabelCheck = { match: true } | { match: false; barcode: string | null; label: string | null; reason: string };

/**
 * The barcode against the label read from the medium. LTO barcodes carry a 2-character media
 * suffix (L6, L9, ...) that on-tape labels often omit: VTL001L6 matches the label VTL001.
 */
export function checkLabel(barcode: string | null, label: string | null): LabelCheck {
  if (barcode === null || label === null) return { match: false, barcode, label, reason: barcode === null ? 'the cartridge has no barcode' : 'the medium has no label' };
  const volser = /^[A-Z0-9]{6}L[0-9A-Z]$/i.test(barcode) ? barcode.slice(0, 6) : barcode; // LTO: 6-character volume serial + media type
  if (label === barcode || label === volser) return { match: true };
  return { match: false, barcode, label, reason: `barcode ${barcode} but the medium is labelled ${label}` };
}
