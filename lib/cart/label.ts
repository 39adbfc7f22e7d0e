/**
 * cart_ctl -t: writes afbackup labels (lib/format/cartridge-label.ts) to the cartridges in slots
 * (seed 003, "Option -t"):
 * - -C and -S pair in order; without -C the cartridges are the ones the catalog has in the slots
 *   (or knows by barcode there), without -S the slots are where the catalog has the cartridges;
 *   either not determinable is an error. Empty slots are skipped with a warning.
 * - Nothing is lost by accident: a medium labelled as another cartridge, or holding data that is
 *   not an afbackup label, is only overwritten when the operator confirms (or -f); a cartridge
 *   that is read-only or reserved by clients (the old label's or the new number) is only
 *   overwritten when it is marked overwritable: with -r without asking, else the operator is
 *   asked; -f writes the label and leaves the marks alone (label_tape's "dont_ask").
 * - After writing, as label_tape does: bytes_on_tape is the label alone, the block size joins
 *   ever_used_blocksizes, tapepos entries on the cartridge restart at file 1, the barcode read in
 *   the slot is assigned to the cartridge, and the label is recorded in the catalog.
 */
import { cartridge as catalogCartridge, putCartridge, putLabel } from '../catalog/cartridges.js';
import { addBlocksize } from '../catalog/blocksizes.js';
import { cartridgeLocation } from '../catalog/locations.js';
import { drivePositions, putDrivePosition, putWritePosition, writePositions } from '../catalog/positions.js';
import { writeProtection } from '../catalog/protection.js';
import { putBytesOnTape } from '../catalog/tape-usage.js';
import { isChangerError } from '../changer/errors.js';
import { isDeviceError } from '../native/errors.js';
import { CartridgeLabelError, DEFAULT_LABEL_BLOCK_SIZE, DEFAULT_LABEL_COMMENT, readLabel, writeLabel, type LabelRead } from '../format/cartridge-label.js';
import type { CartContext } from './context.js';
import { CartError, isCartError } from './errors.js';
import { compactList } from './lists.js';
import { at, recordLocation } from './locate.js';
import { withLoaded } from './loaded.js';
import { assignBarcode } from './names.js';
import { rangesOf } from './range-set.js';
import { reuseCartridges } from './reuse.js';
import { elementState, survey } from './whereabouts.js';

export interface LabelRequest {
  /** -C: the numbers to write; default: the cartridges recorded in the slots. */
  cartridges?: number[];
  /** -S: the slots; default: where the catalog has the cartridges. */
  slots?: number[];
  /** -n: the label's comment (default label_tape's "<labeled manually>"). */
  comment?: string;
  /** -b: the tape block size; default the cartridge's in the catalog, else afbackup's 512. */
  blockSize?: number;
  /** -r: mark the labelled cartridges overwritable without asking. */
  overwritable?: boolean;
  /** -f: no questions. */
  force?: boolean;
}

export interface LabelOutcome {
  slot: number;
  /** null: an empty slot given with -S alone, with no cartridge recorded there. */
  cartridge: number | null;
  done: boolean;
  /** What the medium held before: an afbackup label's cartridge number, blank, or foreign data. */
  previous: { kind: 'label'; cartridge: number; comment: string | null } | { kind: 'blank' } | { kind: 'foreign' } | null;
  /** The barcode the slot reported, assigned to the cartridge. */
  barcode: string | null;
  /** Cartridges made overwritable (out of read-only and reservations). */
  madeOverwritable: number[];
  /** Why not written: declined, empty slot, or an error. */
  skipped?: string;
  steps: string[];
}

/** Pairs cartridges with slots by cart_ctl's rules. */
async function pairs(ctx: CartContext, req: LabelRequest): Promise<{ cartridge: number | null; slot: number }[]> {
  const { cartridges, slots } = req;
  if (!cartridges && !slots) throw new CartError('usage', 'the slots or cartridges must be given (-S or -C)');
  if (cartridges && slots) {
    if (cartridges.length !== slots.length) throw new CartError('usage', `number of given slots (${slots.length}) is unequal to the number of given cartridges (${cartridges.length})`);
    return cartridges.map((cartridge, i) => ({ cartridge, slot: slots[i]! }));
  }
  if (cartridges) {
    return cartridges.map((cartridge) => {
      const l = cartridgeLocation(ctx.catalog, cartridge);
      if (!l || !('changer' in l) || l.changer !== ctx.changerName || l.kind !== 'slot') {
        throw new CartError('unknown', `cartridge ${cartridge} is not in any slot of ${ctx.changerName} (the catalog has it ${l ? `at ${'place' in l ? l.place : `${l.changer} ${l.kind} ${l.number}`}` : 'nowhere'}): give the slot with -S`);
      }
      return { cartridge, slot: l.number };
    });
  }
  const w = await survey(ctx);
  return slots!.map((slot) => {
    const s = elementState(w, { kind: 'slot', number: slot });
    if (s.full && s.cartridge === null) throw new CartError('unknown', `cannot determine the cartridge in slot ${slot} (neither recorded there nor known by barcode): give it with -C`);
    return { cartridge: s.full ? s.cartridge : s.stored, slot }; // an empty slot is skipped below
  });
}

function previousOf(r: LabelRead): LabelOutcome['previous'] {
  return r.kind === 'label' ? { kind: 'label', cartridge: r.label.cartridge, comment: r.label.comment } : { kind: r.kind };
}

/** Why the catalog protects a cartridge, or null. */
function protection(ctx: CartContext, n: number): string | null {
  const p = writeProtection(ctx.catalog, n);
  const why = [...(p.readOnly ? ['is read-only'] : []), ...(p.reservedBy.length ? [`is needed by ${p.reservedBy.join(', ')} for restore`] : [])];
  return why.length ? `cartridge ${n} ${why.join(' and ')}` : null;
}

/** cart_ctl -t. Each slot on its own: one refused or failed does not stop the others. */
export async function labelCartridges(ctx: CartContext, req: LabelRequest): Promise<LabelOutcome[]> {
  const list = await pairs(ctx, req);
  const outcomes: LabelOutcome[] = [];
  for (const { cartridge: given, slot } of list) {
    const o: LabelOutcome = { slot, cartridge: given, done: false, previous: null, barcode: null, madeOverwritable: [], steps: [] };
    outcomes.push(o);
    try {
      const s = elementState(await survey(ctx), { kind: 'slot', number: slot });
      if (!s.full || given === null) {
        o.skipped = `slot ${slot} is empty`;
        ctx.note(`slot ${slot} is empty: ${given === null ? 'nothing' : `cartridge ${given} not`} labelled`);
        continue;
      }
      const cartridge = given;
      o.barcode = s.barcode;
      const written = await withLoaded(ctx, slot, o.steps, async (medium) => {
        const before = await readLabel(medium);
        o.previous = previousOf(before);
        const old = before.kind === 'label' ? before.label.cartridge : null;
        const risks = [
          ...(old !== null && old !== cartridge ? [`the medium in slot ${slot} is labelled as cartridge ${old}`] : []),
          ...(before.kind === 'foreign' ? [`the medium in slot ${slot} holds data that is not an afbackup label`] : []),
        ];
        if (risks.length && !req.force && !(await ctx.operator.confirm(`${risks.join('; ')}. Overwrite it with a label for cartridge ${cartridge}? All data on it will be lost.`))) {
          o.skipped = `declined: ${risks.join('; ')}`;
          return false;
        }
        const protectedOnes = [...new Set([cartridge, ...(old !== null ? [old] : [])])].filter((n) => protection(ctx, n) !== null);
        let reuse = false;
        if (protectedOnes.length) {
          const why = protectedOnes.map((n) => protection(ctx, n)).join('; ');
          if (req.overwritable) reuse = true;
          else if (!req.force) {
            reuse = await ctx.operator.confirm(`${why}. Overwrite and mark cartridge${protectedOnes.length > 1 ? 's' : ''} ${compactList(protectedOnes)} overwritable (no longer protected)?`);
            if (!reuse) {
              o.skipped = `declined: ${why}`;
              return false;
            }
          }
        }
        if (reuse) {
          reuseCartridges(ctx.catalog, rangesOf(protectedOnes), { readOnly: true });
          o.madeOverwritable = protectedOnes;
        }
        const blockSize = req.blockSize ?? catalogCartridge(ctx.catalog, cartridge)?.blockSize ?? DEFAULT_LABEL_BLOCK_SIZE;
        const time = ctx.now?.() ?? new Date();
        const bytes = await writeLabel(medium, { cartridge, blockSize, comment: req.comment ?? DEFAULT_LABEL_COMMENT, time });
        recordLabel(ctx, cartridge, blockSize, bytes, req.comment ?? DEFAULT_LABEL_COMMENT, time);
        o.steps.push(`label: cartridge ${cartridge}, ${bytes} bytes, block size ${blockSize}`);
        return true;
      });
      if (!written) {
        ctx.note(`cartridge ${cartridge} in slot ${slot} not labelled: ${o.skipped}`);
        continue;
      }
      recordLocation(ctx, cartridge, at(ctx, { kind: 'slot', number: slot }));
      if (s.barcode !== null) {
        for (const n of assignBarcode(ctx.catalog, cartridge, s.barcode)) ctx.note(`barcode ${s.barcode} is now cartridge ${cartridge}'s, no longer cartridge ${n}'s`);
      }
      o.done = true;
    } catch (e) {
      if (!isCartError(e) && !isChangerError(e) && !isDeviceError(e) && !(e instanceof CartridgeLabelError)) throw e;
      o.skipped = (e as Error).message;
      ctx.note(`labelling slot ${slot} failed: ${(e as Error).message}`);
    }
  }
  return outcomes;
}

/** The catalog after a label was written: label_tape's bookkeeping. */
function recordLabel(ctx: CartContext, cartridge: number, blockSize: number, bytes: number, comment: string, time: Date): void {
  const seconds = Math.floor(time.getTime() / 1000);
  ctx.catalog.transaction(() => {
    const c = catalogCartridge(ctx.catalog, cartridge);
    putCartridge(ctx.catalog, { number: cartridge, cartridgeSet: c?.cartridgeSet ?? null, blockSize });
    putLabel(ctx.catalog, { cartridge, name: String(cartridge), comment, written: seconds, expires: null });
    putBytesOnTape(ctx.catalog, { cartridge, bytes, files: 0, full: false, lastWrite: seconds });
    addBlocksize(ctx.catalog, blockSize);
    for (const p of writePositions(ctx.catalog)) if (p.cartridge === cartridge) putWritePosition(ctx.catalog, { ...p, file: 1 });
    for (const p of drivePositions(ctx.catalog)) if (p.cartridge === cartridge) putDrivePosition(ctx.catalog, { ...p, file: 1 });
  });
}
