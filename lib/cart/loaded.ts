/**
 * Loading a slot's cartridge into the drive to read or write its medium, and putting it back
 * (cart_ctl -t and -i -F: "the cartridges in these slots are loaded to drive, the labels are read
 * from media and evaluated ... The cartridge will be put back to the original slot afterwards").
 * A full drive is unloaded to a free slot first. While the cartridge is in the drive the catalog
 * says so, so a crash in between leaves a true location behind.
 */
import { Medium, parseMediumSpec } from '../drive/medium.js';
import type { CartContext } from './context.js';
import { describeElement, type CartElement } from './elements.js';
import { CartError } from './errors.js';
import { at, recordLocation, robotMove, unloadDrive } from './locate.js';
import { elementState, survey } from './whereabouts.js';

/** Opens the loaded cartridge's medium: `sim:PATH` (created blank when new), an st device, or a file. */
export function openLoaded(device: string): Promise<Medium> {
  const spec = parseMediumSpec(device, 'output');
  return Medium.open(spec, spec.kind === 'sim' ? { create: true } : {});
}

/** Loads the cartridge in `slot` into the context's drive, runs fn with the medium, and puts the cartridge back. */
export async function withLoaded<T>(ctx: CartContext, slot: number, steps: string[], fn: (medium: Medium) => Promise<T>): Promise<T> {
  const home: CartElement = { kind: 'slot', number: slot };
  const drive: CartElement = { kind: 'drive', number: ctx.drive };
  let w = await survey(ctx);
  const source = elementState(w, home);
  if (!source.full) throw new CartError('unknown', `${describeElement(home)} is empty`);
  const d = elementState(w, drive);
  if (d.full) {
    await unloadDrive(ctx, w, d, [home], steps);
    w = await survey(ctx);
  }
  const stored = source.stored;
  steps.push(`robot: ${describeElement(home)} -> ${describeElement(drive)}`);
  await robotMove(ctx, w, elementState(w, home), drive);
  if (stored !== null) recordLocation(ctx, stored, at(ctx, drive));
  try {
    w = await survey(ctx);
    const device = elementState(w, drive).drive?.device;
    if (!device) throw new CartError('unknown', `${describeElement(drive)}: the changer does not say which device reads it (map the drive, e.g. by serial)`);
    const medium = await openLoaded(device);
    try {
      return await fn(medium);
    } finally {
      await medium.close();
    }
  } finally {
    w = await survey(ctx);
    steps.push(`robot: ${describeElement(drive)} -> ${describeElement(home)}`);
    await robotMove(ctx, w, elementState(w, drive), home);
    if (stored !== null) recordLocation(ctx, stored, at(ctx, home));
  }
}
