/**
 * cart_ctl -i and -iN (seed 003, "Option -i"):
 *
 * -i [-S slots] [-F]: brings cartridge_locations in line with the library. A cartridge whose
 *   barcode the catalog knows is located by it without touching the medium; the others (no
 *   barcode, an unknown one, or all with -F) are loaded, their afbackup label is read, and they
 *   go back to their slot; a label found assigns the slot's barcode to its cartridge. Cartridges
 *   the catalog had in the inventoried elements that were not found there become unknown.
 *   Without -S every slot is inventoried, and loadports and drives by barcode.
 *
 * -iN [-S slots]: the other way round: the locations are right, the barcodes changed. Each
 *   barcode the library reads goes to the cartridge the catalog has at that element, and is taken
 *   from any cartridge that had it.
 */
import type { Medium } from '../drive/medium.js';
import { isChangerError } from '../changer/errors.js';
import { CartridgeLabelError, readLabel } from '../format/cartridge-label.js';
import { isDeviceError } from '../native/errors.js';
import { setCartridgeLocation } from '../catalog/locations.js';
import type { CartContext } from './context.js';
import { describeElement, type CartElement } from './elements.js';
import { isCartError } from './errors.js';
import { compactList } from './lists.js';
import { at, recordLocation } from './locate.js';
import { withLoaded } from './loaded.js';
import { assignBarcode } from './names.js';
import { elementState, survey, type ElementState, type Whereabouts } from './whereabouts.js';

export interface InventoryRequest {
  /** -S: the slots; default every slot, loadport and drive. */
  slots?: number[];
  /** -F: read the label from the medium even when the barcode is known. */
  forceRead?: boolean;
}

export interface Located {
  cartridge: number;
  element: CartElement;
  by: 'barcode' | 'label';
}

export interface InventoryResult {
  located: Located[];
  /** Cartridges recorded in the inventoried elements and not found there: now unknown. */
  unknown: number[];
  /** Slots whose medium has no readable afbackup label (and whose barcode did not tell). */
  unreadable: number[];
  /** Inventoried slots that are empty. */
  empty: number[];
  /** Barcodes assigned from labels read. */
  barcodes: { cartridge: number; barcode: string }[];
  steps: string[];
}

function considered(w: Whereabouts, slots: readonly number[] | undefined): ElementState[] {
  return slots ? slots.map((number) => elementState(w, { kind: 'slot', number })) : w.elements;
}

/** cart_ctl -i. */
export async function inventory(ctx: CartContext, req: InventoryRequest = {}): Promise<InventoryResult> {
  const result: InventoryResult = { located: [], unknown: [], unreadable: [], empty: [], barcodes: [], steps: [] };
  const w = await survey(ctx);
  const elements = considered(w, req.slots);
  result.empty = elements.filter((e) => e.kind === 'slot' && !e.full).map((e) => e.number);
  if (result.empty.length) ctx.note(`the following slots are empty: ${compactList(result.empty)}`);
  const expected = new Set(elements.flatMap((e) => (e.stored === null ? [] : [e.stored])));
  const found = new Set<number>();
  const done = new Set<ElementState>();

  if (!req.forceRead) {
    for (const e of elements) {
      if (!e.full || e.barcode === null) continue;
      if (e.owners.length > 1) {
        ctx.note(`${describeElement(e)}: barcode ${e.barcode} is recorded for cartridges ${e.owners.join(', ')}; not trusted`);
        continue;
      }
      if (e.owners.length === 0) continue;
      const cartridge = e.owners[0]!;
      recordLocation(ctx, cartridge, at(ctx, e));
      result.located.push({ cartridge, element: { kind: e.kind, number: e.number }, by: 'barcode' });
      found.add(cartridge);
      done.add(e);
    }
  }

  for (const e of elements) {
    if (!e.full || done.has(e)) continue;
    if (e.kind !== 'slot') {
      ctx.note(`${describeElement(e)}: ${e.barcode === null ? 'no barcode' : `barcode ${e.barcode} unknown to the catalog`}; only slots are read from the medium`);
      continue;
    }
    let label: Awaited<ReturnType<typeof readLabel>>;
    try {
      label = await withLoaded(ctx, e.number, result.steps, (m: Medium) => readLabel(m));
    } catch (err) {
      if (!isCartError(err) && !isChangerError(err) && !isDeviceError(err) && !(err instanceof CartridgeLabelError)) throw err;
      ctx.note(`cannot read the label of the tape in slot ${e.number}: ${(err as Error).message}`);
      result.unreadable.push(e.number);
      continue;
    }
    if (label.kind !== 'label') {
      ctx.note(`cannot read the label of the tape in slot ${e.number}: ${label.kind === 'blank' ? 'the medium is blank' : 'not an afbackup label'}`);
      result.unreadable.push(e.number);
      continue;
    }
    const cartridge = label.label.cartridge;
    recordLocation(ctx, cartridge, at(ctx, e));
    result.located.push({ cartridge, element: { kind: e.kind, number: e.number }, by: 'label' });
    found.add(cartridge);
    if (e.barcode !== null && w.barcodes.get(cartridge) !== e.barcode) {
      for (const n of assignBarcode(ctx.catalog, cartridge, e.barcode)) ctx.note(`barcode ${e.barcode} is now cartridge ${cartridge}'s, no longer cartridge ${n}'s`);
      result.barcodes.push({ cartridge, barcode: e.barcode });
    }
  }

  result.unknown = [...expected].filter((n) => !found.has(n)).sort((a, b) => a - b);
  if (result.unknown.length) {
    ctx.note(`the location of the cartridges ${compactList(result.unknown)} is set to unknown`);
    ctx.catalog.transaction(() => {
      for (const n of result.unknown) setCartridgeLocation(ctx.catalog, n, null);
    });
  }
  return result;
}

export interface BarcodeAssignment {
  cartridge: number;
  barcode: string | null;
  element: CartElement;
}

/** cart_ctl -iN. Returns the barcodes given and taken. */
export async function inventoryBarcodes(ctx: CartContext, req: { slots?: number[] } = {}): Promise<BarcodeAssignment[]> {
  const w = await survey(ctx);
  const out: BarcodeAssignment[] = [];
  ctx.catalog.transaction(() => {
    for (const e of considered(w, req.slots)) {
      if (!e.full || e.barcode === null) continue;
      const element = { kind: e.kind, number: e.number };
      for (const owner of e.owners) {
        if (owner === e.stored) continue;
        assignBarcode(ctx.catalog, owner, null);
        out.push({ cartridge: owner, barcode: null, element });
      }
      if (e.stored !== null && w.barcodes.get(e.stored) !== e.barcode) {
        assignBarcode(ctx.catalog, e.stored, e.barcode);
        out.push({ cartridge: e.stored, barcode: e.barcode, element });
      }
    }
  });
  return out;
}
