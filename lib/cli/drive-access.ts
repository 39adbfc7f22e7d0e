/**
 * Opening what `tapecoord drive --device DEV` names: a tape drive's st node (/dev/nstN, or a link
 * to it such as /dev/tape/by-id/...), its sg node (/dev/sgN), or a simulated tape (sim:PATH).
 * Everything is opened read-only and without waiting for a cartridge (O_NONBLOCK), so an empty
 * drive still answers; SG_IO goes through the st descriptor (st passes it on) or the sg one.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { findDeviceByPath } from '../changer/discovery.js';
import { Medium, parseMediumSpec } from '../drive/medium.js';
import { sgio } from '../drive/sgio.js';
import { deviceTypeName } from '../scsi/inquiry.js';
import { DriveError, type DriveAccess } from './drive-report.js';

export interface OpenedDrive extends DriveAccess {
  close(): Promise<void>;
}

export interface OpenDriveOptions {
  /** For an sg node, also open its st node (found in sysfs) for MTIOCGET and MTIOCPOS. */
  tape: boolean;
  /** Where sysfs is mounted (default /sys). */
  sysRoot?: string;
}

export async function openDrive(device: string, o: OpenDriveOptions): Promise<OpenedDrive> {
  if (device.startsWith('sim:')) {
    const medium = await Medium.open(parseMediumSpec(device, 'input'), { readOnly: true });
    return { device, scsi: null, tape: medium, close: () => medium.close() };
  }
  const found = await findDeviceByPath(device, { sysRoot: o.sysRoot });
  if (found) {
    const d = found.device;
    if (d.kind !== 'tape') throw new DriveError(`${device}: [${d.hctl}] ${d.vendor} ${d.product} is a ${deviceTypeName(d.peripheralDeviceType)}, not a tape drive`);
    if (found.driver === 'sg') return openSg(device, o.tape ? d.nst : null);
  }
  // an st node, by sysfs or (no sysfs entry: a container) by its character device major
  if (found?.driver === 'st' || parseMediumSpec(device, 'input').kind === 'st') {
    const medium = await Medium.open({ kind: 'st', path: device }, { readOnly: true });
    return { device, scsi: { sgio, fd: medium.fd }, tape: medium, close: () => medium.close() };
  }
  throw new DriveError(`${device}: not a tape drive (neither an st nor an sg node in /sys/class, nor sim:PATH)`);
}

/** The sg node for SCSI, and the st node beside it when one is wanted. */
async function openSg(device: string, stNode: string | null): Promise<OpenedDrive> {
  const handle = await open(device, constants.O_RDONLY | constants.O_NONBLOCK);
  let medium: Medium | null = null;
  try {
    if (stNode) medium = await Medium.open({ kind: 'st', path: stNode }, { readOnly: true });
  } catch (e) {
    await handle.close();
    throw e;
  }
  return {
    device,
    scsi: { sgio, fd: handle.fd },
    tape: medium,
    close: async () => {
      await medium?.close();
      await handle.close();
    },
  };
}
