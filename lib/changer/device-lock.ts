/**
 * One command at a time per changer, across processes: a lock file per changer under /run/lock
 * (TAPECOORD_LOCK_DIR overrides). A SCSI changer's lock is named after its H:C:T:L (discovery.ts
 * finds it in sysfs), so /dev/sg3 and /dev/sch0 of the same changer share it; anything else is
 * named after its resolved path.
 */
import { realpath, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { findDeviceByPath } from './discovery.js';

export const DEFAULT_LOCK_DIR = '/run/lock/tapecoord';

export function lockDirectory(dir?: string): string {
  return dir ?? process.env['TAPECOORD_LOCK_DIR'] ?? DEFAULT_LOCK_DIR;
}

export async function changerLockPath(device: string, dir: string, sysRoot?: string): Promise<string> {
  const node = await stat(device).catch(() => null);
  if (node?.isCharacterDevice()) {
    const found = await findDeviceByPath(device, sysRoot === undefined ? {} : { sysRoot });
    if (found) return join(dir, `changer-${found.device.hctl}.lock`);
  }
  const path = await realpath(device).catch(() => resolve(device));
  return join(dir, `changer-${path.replace(/\//g, '_')}.lock`);
}
