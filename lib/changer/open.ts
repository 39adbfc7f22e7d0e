/**
 * A changer from how it is named on the command line or in the configuration:
 *
 *   /dev/sgN, /dev/schN, /dev/changer    a SCSI medium changer (SMC over SG_IO)
 *   sim:DIR                              the simulated library kept in DIR (library.json)
 *   afbackup:FILE                        afbackup changer commands (FILE in changer.conf syntax)
 *
 * With no name: $TAPECOORD_CHANGER, then $CHANGER (as mtx reads it), then the embedded
 * simulated library under ./var/library.
 */
import { resolve } from 'node:path';
import { readChangerConfig } from './afbackup-config.js';
import type { Changer } from './changer.js';
import { CommandChanger } from './command-changer.js';
import { mapDrivesBySerial } from './drive-map.js';
import { ChangerError } from './errors.js';
import { SimLibrary } from './sim-library.js';
import { SmcChanger } from './smc-changer.js';

export const DEFAULT_CHANGER = 'sim:var/library';

export function defaultChangerName(env: NodeJS.ProcessEnv = process.env): string {
  return env['TAPECOORD_CHANGER'] || env['CHANGER'] || DEFAULT_CHANGER;
}

export interface OpenChangerOptions {
  /** afbackup: %D, the changer device its commands drive. */
  changerDevice?: string;
  /** afbackup: %d per drive, drive 0 first. */
  streamers?: string[];
  /** afbackup: the counts its server configuration gives. */
  layout?: { slots: number; loadports: number; drives: number };
}

export async function openChanger(name: string, o: OpenChangerOptions = {}): Promise<Changer> {
  if (name.startsWith('sim:')) {
    const dir = name.slice(4);
    if (!dir) throw new ChangerError('config', name, 'sim: needs a directory (sim:/var/lib/tapecoord/library)');
    return SimLibrary.open({ dir: resolve(dir) });
  }
  if (name.startsWith('afbackup:')) {
    const file = name.slice(9);
    if (!o.changerDevice || !o.layout) throw new ChangerError('config', name, 'an afbackup changer needs --changer-device and --slots/--loadports/--drives (afbackup takes them from its server configuration)');
    return new CommandChanger({ config: await readChangerConfig(file), changer: o.changerDevice, streamers: o.streamers ?? [], layout: o.layout });
  }
  return SmcChanger.open(name, { mapDrives: (drives) => mapDrivesBySerial(drives) });
}
