/**
 * Getting a catalog cartridge into a leased drive and its medium open: the robot when the library
 * has it (by barcode, else by the location the catalog has), the operator when it does not (a
 * 'mount' prompt: put it into an import/export slot). The task claims the cartridge first
 * (lib/daemon/cartridge-claims.ts), and one job at a time works the robot. The catalog follows
 * every move, so a crash in between leaves true locations behind. A simulated cartridge is
 * created with the configured capacity the first time it is opened.
 */
import { cartridgeNames, cartridgesByBarcode } from '../catalog/cartridges.js';
import { cartridgeLocation, setCartridgeLocation } from '../catalog/locations.js';
import { findElement, type ChangerStatus, type DriveElement, type ElementRef } from '../changer/changer.js';
import { importCartridge, unload } from '../changer/policy.js';
import { Medium, parseMediumSpec } from '../drive/medium.js';
import type { DriveLease } from './drive-pool.js';
import { DaemonError } from './errors.js';
import { checkAbort, type JobContext } from './job-context.js';

export interface Mounted {
  medium: Medium;
  cartridge: number;
  barcode: string | null;
  device: string;
}

function barcodeOf(ctx: JobContext, cartridge: number): string | null {
  return cartridgeNames(ctx.catalog).find((n) => n.cartridge === cartridge)?.barcode ?? null;
}

/** Where the library has the cartridge: by barcode, else where the catalog says, if the element is full. */
function whereIs(ctx: JobContext, status: ChangerStatus, cartridge: number, barcode: string | null): ElementRef | null {
  if (barcode !== null) {
    const d = status.drives.find((e) => e.barcode === barcode);
    if (d) return { kind: 'drive', index: d.index };
    const s = status.slots.find((e) => e.barcode === barcode);
    return s ? { kind: 'slot', index: s.index } : null;
  }
  const l = cartridgeLocation(ctx.catalog, cartridge);
  if (!l || !('kind' in l) || l.changer !== ctx.changerName || l.kind === 'loadport') return null;
  const ref: ElementRef = l.kind === 'drive' ? { kind: 'drive', index: l.number - 1 } : { kind: 'slot', index: l.number };
  return findElement(status, ref)?.full ? ref : null;
}

/** The catalog number of what is in an element, by barcode. */
function occupant(ctx: JobContext, barcode: string | null): number | null {
  if (barcode === null) return null;
  const numbers = cartridgesByBarcode(ctx.catalog, barcode);
  return numbers.length === 1 ? numbers[0]! : null;
}

function record(ctx: JobContext, cartridge: number | null, ref: ElementRef): void {
  if (cartridge === null) return;
  setCartridgeLocation(ctx.catalog, cartridge, { changer: ctx.changerName, kind: ref.kind, number: ref.kind === 'drive' ? ref.index + 1 : ref.index });
}

/** st drives give the cartridge up (MTOFFL) before the robot takes it; simulated ones need not. */
async function ejectMedium(d: DriveElement): Promise<void> {
  if (!d.device || d.device.startsWith('sim:')) return;
  const m = await Medium.open(parseMediumSpec(d.device, 'input'), { readOnly: true });
  try {
    await m.op('MTOFFL');
  } finally {
    await m.close();
  }
}

async function unloadDrive(ctx: JobContext, index: number, status: ChangerStatus): Promise<void> {
  const d = status.drives.find((e) => e.index === index)!;
  const to = await unload(ctx.changer, index, undefined, { eject: ejectMedium });
  record(ctx, occupant(ctx, d.barcode), to);
  ctx.emit({ kind: 'log', subtype: 'unloaded', message: `drive ${index}: ${d.barcode ?? 'cartridge without barcode'} to slot ${to.index}` });
}

/** Has the operator put the cartridge into an import/export slot, then takes it in. */
async function askOperator(ctx: JobContext, cartridge: number, barcode: string | null): Promise<void> {
  const status = await ctx.changer.status();
  const mail = status.slots.filter((s) => s.importExport);
  const where = mail.length ? `the import/export slot${mail.length > 1 ? 's' : ''} ${mail.map((s) => s.index).join(', ')} of ${ctx.changer.device}` : `the library ${ctx.changer.device}`;
  const answer = await ctx.ask({
    kind: 'mount',
    message: `Please insert cartridge ${cartridge}${barcode ? ` (barcode ${barcode})` : ''} into ${where}, then answer "done"`,
    choices: ['done', 'abort'],
    default: 'abort',
  });
  if (answer !== 'done') throw new DaemonError('no-cartridge', `cartridge ${cartridge} was not brought to ${ctx.changer.device}`);
  await ctx.robot.run(async () => {
    const now = await ctx.changer.status();
    const slot = now.slots.find((s) => s.importExport && s.full && (barcode === null || s.barcode === barcode));
    if (!slot) return; // not there after all: the caller looks again and asks again
    const to = await importCartridge(ctx.changer, slot.index);
    record(ctx, cartridge, to);
  });
}

/**
 * One look at the library and the moves it calls for, under the robot latch: 'loaded' when the
 * cartridge is in the leased drive, 'missing' when the library does not have it. A cartridge in
 * another drive is unloaded from there first: the task claims it, so the drive's task does not use it.
 */
async function bringToDrive(ctx: JobContext, lease: DriveLease, cartridge: number, barcode: string | null): Promise<'loaded' | 'missing' | 'moved'> {
  const driveRef: ElementRef = { kind: 'drive', index: lease.index };
  const status = await ctx.changer.status();
  const at = whereIs(ctx, status, cartridge, barcode);
  if (at && at.kind === 'drive' && at.index === lease.index) return 'loaded';
  if (at === null) return 'missing';
  if (at.kind === 'drive') {
    await unloadDrive(ctx, at.index, status);
    ctx.drives.setLoaded(at.index, { cartridge: null, barcode: null, device: null });
    return 'moved';
  }
  if (findElement(status, driveRef)?.full) await unloadDrive(ctx, lease.index, status);
  await ctx.changer.move(at, driveRef);
  record(ctx, cartridge, driveRef);
  ctx.emit({ kind: 'log', subtype: 'loaded', message: `cartridge ${cartridge}${barcode ? ` (${barcode})` : ''}: slot ${at.index} to drive ${lease.index}` });
  return 'moved';
}

/**
 * Claims `cartridge` for the task (waiting while another task has it), loads it into the leased
 * drive and opens its medium.
 */
export async function mountCartridge(ctx: JobContext, lease: DriveLease, cartridge: number): Promise<Mounted> {
  const barcode = barcodeOf(ctx, cartridge);
  await ctx.cartridges.claim(ctx.task.id, cartridge, ctx.task.signal, (holder) => {
    lease.setState('waiting');
    ctx.emit({ kind: 'user-message', message: `cartridge ${cartridge} is in use by task ${holder}: waiting for it` });
  });
  lease.setState('loading');
  ctx.emit({ kind: 'op-phase', phase: 'mount', message: `loading cartridge ${cartridge}${barcode ? ` (${barcode})` : ''} into drive ${lease.index}` });
  for (let asked = 0; ; ) {
    checkAbort(ctx);
    const step = await ctx.robot.run(() => bringToDrive(ctx, lease, cartridge, barcode));
    if (step === 'loaded') break;
    if (step === 'missing') {
      if (asked++ >= 20) throw new DaemonError('no-cartridge', `cartridge ${cartridge} is still not in ${ctx.changer.device}`);
      await askOperator(ctx, cartridge, barcode);
    }
  }
  const driveRef: ElementRef = { kind: 'drive', index: lease.index };
  record(ctx, cartridge, driveRef);
  const drive = (await ctx.changer.status()).drives.find((d) => d.index === lease.index)!;
  if (!drive.device) throw new DaemonError('invalid', `drive ${lease.index} of ${ctx.changer.device}: the changer does not say which device reads it (map the drive, e.g. by serial)`);
  const spec = parseMediumSpec(drive.device, 'output');
  const sim = ctx.config.simulation;
  const medium = await Medium.open(
    spec,
    spec.kind === 'sim'
      ? { create: true, capacity: sim.capacity, earlyWarning: sim.earlyWarning, ...(sim.rate !== null ? { rateBytesPerSec: sim.rate } : {}) }
      : {},
  );
  lease.setLoaded({ cartridge, barcode, device: drive.device });
  return { medium, cartridge, barcode, device: drive.device };
}
