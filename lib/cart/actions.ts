/**
 * One cartridge operation as data, and running it: both the readable subcommands (`cart move`)
 * and cart_ctl's option letters (`cart -m -C 2-3,1 -S 5,4,3`, cart-ctl-args.ts) become a
 * CartAction. Number lists stay text until the run, where open ends (`8-`) meet the changer's
 * number of slots or the catalog's highest cartridge.
 */
import { cartridges as catalogCartridges } from '../catalog/cartridges.js';
import type { CartContext } from './context.js';
import { elementCounts } from './elements.js';
import { CartError } from './errors.js';
import { applyAttributes, parseAttributes } from './attributes.js';
import { formatAttributes, formatElements, formatHardware, formatLocations, formatNames, formatReservations } from './format.js';
import { inventory, inventoryBarcodes } from './inventory.js';
import { labelCartridges } from './label.js';
import { expandList } from './lists.js';
import { listAttributes, listElements, listHardware, listLocations, listNames, listReservations } from './listing.js';
import { ejectDrives, moveCartridges, type MoveOutcome, type MoveTarget } from './move.js';
import { setDescriptions } from './names.js';
import { placeCartridges } from './place.js';
import { requireChanger } from './whereabouts.js';

/** Where to: elements with a number list (text) or none, or a place with or without text. */
export type TargetSpec = { kind: 'slot' | 'drive' | 'loadport'; numbers?: string } | { kind: 'place'; text?: string };

export type ListView =
  | { view: 'locations' }
  | { view: 'elements'; kind: 'slot' | 'drive' | 'loadport'; numbers?: string }
  | { view: 'attributes' }
  | { view: 'hardware'; numbers: boolean }
  | { view: 'names' }
  | { view: 'reservations' };

export type CartAction =
  | { op: 'move'; cartridges: string; target: TargetSpec }
  | { op: 'eject'; drives?: string; slots?: string }
  | { op: 'place'; cartridges: string; target: TargetSpec }
  | { op: 'list'; views: ListView[]; cartridges?: string; changer?: boolean }
  | { op: 'inventory'; slots?: string; forceRead: boolean }
  | { op: 'inventory-barcodes'; slots?: string }
  | { op: 'label'; cartridges?: string; slots?: string; comment?: string; blockSize?: number; overwritable: boolean; force: boolean }
  | { op: 'name'; cartridges: string; descriptions: string[] }
  | { op: 'attr'; spec: string };

/** Whether the action needs the changer opened (the others work on the catalog alone). */
export function needsChanger(a: CartAction): boolean {
  switch (a.op) {
    case 'name':
    case 'attr':
      return false;
    case 'place':
      return a.target.kind !== 'place';
    case 'list':
      return a.changer === true || a.views.some((v) => v.view === 'elements' || v.view === 'hardware');
    default:
      return true;
  }
}

export interface CartReport {
  op: CartAction['op'];
  /** What --json prints. */
  result: unknown;
  /** What a person reads. */
  text: string;
  /** False when some part failed or was refused (exit status 1). */
  ok: boolean;
}

async function counts(ctx: CartContext) {
  return elementCounts(await requireChanger(ctx).status());
}

function highestCartridge(ctx: CartContext): number | undefined {
  const all = catalogCartridges(ctx.catalog);
  return all.length ? all[all.length - 1]!.number : undefined;
}

const cartridgeList = (ctx: CartContext, text: string) => expandList(text, 'cartridges (-C)', highestCartridge(ctx));

async function elementList(ctx: CartContext, kind: 'slot' | 'drive' | 'loadport', text: string): Promise<number[]> {
  const letter = { slot: 'S', drive: 'D', loadport: 'L' }[kind];
  return expandList(text, `${kind}s (-${letter})`, ctx.changer ? (await counts(ctx))[kind] : undefined);
}

async function moveTarget(ctx: CartContext, t: TargetSpec): Promise<MoveTarget> {
  if (t.kind === 'place') return t.text === undefined ? { kind: 'place' } : { kind: 'place', text: t.text };
  return t.numbers === undefined ? { kind: t.kind } : { kind: t.kind, numbers: await elementList(ctx, t.kind, t.numbers) };
}

function movesText(outcomes: readonly MoveOutcome[], verb: string): string {
  return outcomes
    .map((o) => `${o.cartridge === null ? 'unknown cartridge' : `cartridge ${o.cartridge}`}: ${o.from} -> ${o.to}: ${o.done ? verb : `not ${verb} (${o.error})`}\n`)
    .join('');
}

export async function runCart(ctx: CartContext, a: CartAction): Promise<CartReport> {
  switch (a.op) {
    case 'move': {
      const outcomes = await moveCartridges(ctx, cartridgeList(ctx, a.cartridges), await moveTarget(ctx, a.target));
      return { op: a.op, result: { moves: outcomes }, text: movesText(outcomes, 'moved'), ok: outcomes.every((o) => o.done) };
    }
    case 'eject': {
      const outcomes = await ejectDrives(ctx, a.drives === undefined ? undefined : await elementList(ctx, 'drive', a.drives), a.slots === undefined ? undefined : await elementList(ctx, 'slot', a.slots));
      return { op: a.op, result: { ejected: outcomes }, text: outcomes.length ? movesText(outcomes, 'ejected') : 'the drives are empty\n', ok: outcomes.every((o) => o.done) };
    }
    case 'place': {
      const placed = await placeCartridges(ctx, cartridgeList(ctx, a.cartridges), await moveTarget(ctx, a.target));
      return { op: a.op, result: { placed }, text: placed.map((p) => `cartridge ${p.cartridge}: ${p.location}\n`).join(''), ok: true };
    }
    case 'list':
      return list(ctx, a);
    case 'inventory': {
      const r = await inventory(ctx, { ...(a.slots !== undefined ? { slots: await elementList(ctx, 'slot', a.slots) } : {}), forceRead: a.forceRead });
      const text =
        r.located.map((l) => `cartridge ${l.cartridge}: ${l.element.kind} ${l.element.number} (by ${l.by})\n`).join('') +
        (r.unknown.length ? `location now unknown: ${r.unknown.join(', ')}\n` : '') +
        (r.unreadable.length ? `no label read in slots: ${r.unreadable.join(', ')}\n` : '');
      return { op: a.op, result: r, text, ok: r.unreadable.length === 0 };
    }
    case 'inventory-barcodes': {
      const r = await inventoryBarcodes(ctx, a.slots !== undefined ? { slots: await elementList(ctx, 'slot', a.slots) } : {});
      return { op: a.op, result: { barcodes: r }, text: r.map((b) => `cartridge ${b.cartridge}: ${b.barcode === null ? 'barcode removed' : `barcode ${b.barcode}`} (${b.element.kind} ${b.element.number})\n`).join(''), ok: true };
    }
    case 'label': {
      const outcomes = await labelCartridges(ctx, {
        ...(a.cartridges !== undefined ? { cartridges: cartridgeList(ctx, a.cartridges) } : {}),
        ...(a.slots !== undefined ? { slots: await elementList(ctx, 'slot', a.slots) } : {}),
        ...(a.comment !== undefined ? { comment: a.comment } : {}),
        ...(a.blockSize !== undefined ? { blockSize: a.blockSize } : {}),
        overwritable: a.overwritable,
        force: a.force,
      });
      const text = outcomes.map((o) => `slot ${o.slot}: ${o.done ? `labelled cartridge ${o.cartridge}${o.barcode ? ` (barcode ${o.barcode})` : ''}` : `not labelled (${o.skipped})`}\n`).join('');
      return { op: a.op, result: { labels: outcomes }, text, ok: outcomes.every((o) => o.done) };
    }
    case 'name': {
      const named = setDescriptions(ctx.catalog, cartridgeList(ctx, a.cartridges), a.descriptions);
      return { op: a.op, result: { descriptions: named }, text: named.map((n) => `cartridge ${n.cartridge}: ${n.description}\n`).join(''), ok: true };
    }
    case 'attr': {
      const assignments = parseAttributes(a.spec);
      applyAttributes(ctx.catalog, assignments);
      return { op: a.op, result: { attributes: assignments }, text: '', ok: true };
    }
  }
}

async function list(ctx: CartContext, a: Extract<CartAction, { op: 'list' }>): Promise<CartReport> {
  const filter = a.cartridges === undefined ? {} : { cartridges: cartridgeList(ctx, a.cartridges) };
  const result: Record<string, unknown> = {};
  let text = '';
  for (const v of a.views) {
    switch (v.view) {
      case 'locations': {
        const rows = listLocations(ctx.catalog, { ...filter, ...(a.changer ? { changer: ctx.changerName } : {}) });
        result['locations'] = rows;
        text += formatLocations(rows);
        break;
      }
      case 'elements': {
        const rows = await listElements(ctx, v.kind, v.numbers === undefined ? undefined : await elementList(ctx, v.kind, v.numbers), filter);
        result[`${v.kind}s`] = rows;
        text += formatElements(v.kind, ctx.changerName, rows);
        break;
      }
      case 'attributes': {
        const rows = listAttributes(ctx.catalog, filter);
        result['attributes'] = rows;
        text += formatAttributes(rows);
        break;
      }
      case 'hardware': {
        const rows = await listHardware(ctx, filter);
        result['hardware'] = rows;
        text += formatHardware(rows, v.numbers);
        break;
      }
      case 'names': {
        const rows = listNames(ctx.catalog, filter);
        result['names'] = rows;
        text += formatNames(rows);
        break;
      }
      case 'reservations': {
        const rows = listReservations(ctx.catalog, filter);
        result['reservations'] = rows;
        text += formatReservations(rows);
        break;
      }
    }
  }
  if (a.views.length === 0) throw new CartError('usage', 'nothing to list');
  return { op: 'list', result, text, ok: true };
}
