/**
 * One command at a time per changer, across processes: a lock file per device under /run/lock
 * (TAPECOORD_LOCK_DIR overrides). The lock is named after the device's SCSI address
 * (H:C:T:L from /sys/dev/char/MAJ:MIN), so /dev/sg3 and /dev/sch0 of the same changer share it.
 */
import type { FileHandle } from 'node:fs/promises';
import { realpath } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';

export const DEFAULT_LOCK_DIR = '/run/lock/tapecoord';

export function lockDirectory(dir?: string): string {
  return dir ?? process.env['TAPECOORD_LOCK_DIR'] ?? DEFAULT_LOCK_DIR;
}

/** Linux dev_t (include/linux/kdev_t.h, new_decode_dev). */
function majorMinor(rdev: number): [number, number] {
  return [(rdev >>> 8) & 0xfff, (rdev & 0xff) | ((rdev >>> 12) & 0xfff00)];
}

export async function changerLockPath(fh: FileHandle, device: string, dir: string, sysRoot = '/sys'): Promise<string> {
  const st = await fh.stat();
  if (!st.isCharacterDevice()) return join(dir, `changer-${resolve(device).replace(/\//g, '_')}.lock`);
  const [major, minor] = majorMinor(st.rdev);
  try {
    const hctl = basename(await realpath(join(sysRoot, 'dev', 'char', `${major}:${minor}`, 'device')));
    if (/^\d+:\d+:\d+:\d+$/.test(hctl)) return join(dir, `changer-${hctl}.lock`);
  } catch {
    // no sysfs entry (a container): the device numbers still name it uniquely on this host
  }
  return join(dir, `changer-${major}-${minor}.lock`);
}
