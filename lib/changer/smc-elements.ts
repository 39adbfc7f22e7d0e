/**
 * From SMC element addresses to mtx numbering and back. mtx (mtx.c, Status) numbers storage
 * slots from 1 in address order, the import/export slots continue that count, and drives from 0;
 * a drive's "Storage Element N Loaded" is its SOURCE STORAGE ELEMENT ADDRESS in the same numbering.
 */
import type { ElementStatus, ElementStatusReport } from '../scsi/element-status.js';
import { ascText } from '../scsi/sense.js';
import type { ChangerStatus, DriveElement, ElementRef, SlotElement } from './changer.js';
import { ChangerError } from './errors.js';

export interface ElementMap {
  transports: ElementStatus[];
  storage: ElementStatus[];
  importExport: ElementStatus[];
  drives: ElementStatus[];
}

/** Sorts the elements of one or more reports by type and address. */
export function elementMap(reports: ElementStatusReport[]): ElementMap {
  const all = reports.flatMap((r) => r.elements);
  const of = (type: ElementStatus['type']) => all.filter((e) => e.type === type).sort((a, b) => a.address - b.address);
  return { transports: of('medium-transport'), storage: of('storage'), importExport: of('import-export'), drives: of('data-transfer') };
}

/** The library address of an element named in mtx numbering. */
export function addressOf(map: ElementMap, ref: ElementRef, device: string): number {
  if (ref.kind === 'drive') {
    const drive = map.drives[ref.index];
    if (!drive) throw new ChangerError('no-such-element', device, `no drive ${ref.index}: drives are 0-${map.drives.length - 1}`);
    return drive.address;
  }
  const slots = [...map.storage, ...map.importExport];
  const slot = Number.isInteger(ref.index) && ref.index >= 1 ? slots[ref.index - 1] : undefined;
  if (!slot) throw new ChangerError('no-such-element', device, `no slot ${ref.index}: slots are 1-${slots.length}`);
  return slot.address;
}

/** mtx's slot number of an address (storage or import/export), or null. */
export function slotNumberOf(map: ElementMap, address: number): number | null {
  const i = [...map.storage, ...map.importExport].findIndex((e) => e.address === address);
  return i < 0 ? null : i + 1;
}

function barcodeOf(e: ElementStatus): string | null {
  return e.full && e.primaryVolumeTag && e.primaryVolumeTag.identifier !== '' ? e.primaryVolumeTag.identifier : null;
}

function exceptionOf(e: ElementStatus): string | null {
  return e.exception ? ascText(e.asc, e.ascq) : null;
}

export interface Identity {
  device: string;
  vendor: string | null;
  product: string | null;
  serial: string | null;
}

/** The ChangerStatus of an element map; drives' `device` is filled in by the caller's mapping. */
export function changerStatus(map: ElementMap, identity: Identity): ChangerStatus {
  const drives: DriveElement[] = map.drives.map((e, index) => ({
    index,
    address: e.address,
    full: e.full,
    barcode: barcodeOf(e),
    sourceSlot: e.full && e.sourceAddress !== null ? slotNumberOf(map, e.sourceAddress) : null,
    device: null,
    serial: e.identifier?.serial ?? null,
    ...(e.truncated && e.identifier ? { serialTruncated: true } : {}),
    vendor: e.identifier?.vendor ?? null,
    product: e.identifier?.product ?? null,
    exception: exceptionOf(e),
  }));
  const slot = (e: ElementStatus, index: number, importExport: boolean): SlotElement => ({
    index,
    address: e.address,
    full: e.full,
    barcode: barcodeOf(e),
    importExport,
    accessible: e.accessible,
    exception: exceptionOf(e),
  });
  const slots = [
    ...map.storage.map((e, i) => slot(e, i + 1, false)),
    ...map.importExport.map((e, i) => slot(e, map.storage.length + i + 1, true)),
  ];
  return {
    ...identity,
    transports: map.transports.map((e) => ({ address: e.address, full: e.full })),
    drives,
    slots,
  };
}
