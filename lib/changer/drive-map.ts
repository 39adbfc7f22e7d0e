/**
 * Which /dev/nstN is which drive of a library: the library reports each data transfer element's
 * serial number (DVCID), the drive its own (VPD page 80h, via sysfs); discovery.ts pairs them. A
 * serial the library cut short (tgt drops the last 8 bytes of a report, labs/vtl bug 5) pairs
 * afterwards when exactly one drive left over begins with what arrived.
 */
import type { DriveElement } from './changer.js';
import { discoverTapes, matchDrivesBySerial, type DiscoveredTape, type DiscoveryOptions } from './discovery.js';

/** Fills in `device` of each drive that pairs with exactly one tape drive of this host. */
export function pairDrives(drives: DriveElement[], tapes: DiscoveredTape[]): void {
  const whole = drives.filter((d) => !d.serialTruncated);
  const mappings = matchDrivesBySerial(whole, tapes);
  const taken = new Set<DiscoveredTape>();
  for (const m of mappings) {
    if (!m.tape) continue;
    whole.find((d) => d.index === m.index)!.device = m.device;
    taken.add(m.tape);
  }
  for (const d of drives.filter((d) => d.serialTruncated && d.serial)) {
    const candidates = tapes.filter((t) => !taken.has(t) && t.serial?.trim().startsWith(d.serial!.trim()));
    if (candidates.length !== 1) continue;
    d.device = candidates[0]!.nst;
    taken.add(candidates[0]!);
  }
}

/** The SmcChanger `mapDrives` hook: this host's tape drives from sysfs, paired by serial. */
export async function mapDrivesBySerial(drives: DriveElement[], o: DiscoveryOptions = {}): Promise<void> {
  if (drives.every((d) => !d.serial)) return;
  pairDrives(drives, await discoverTapes(o));
}
