/** What every cartridge operation works with: the catalog, the changer, the operator. */
import type { Catalog } from '../catalog/database.js';
import type { Changer, DriveElement } from '../changer/changer.js';
import type { Operator } from './operator.js';

export interface CartContext {
  catalog: Catalog;
  /** The library; null for operations on the catalog alone (-N, -a, -P with text, most listings). */
  changer: Changer | null;
  /** How cartridge_locations names this changer (afbackup: its device name). */
  changerName: string;
  operator: Operator;
  /** The drive, from 1, that -D without a number, -t and -i load into (afbackup: the configured drive). */
  drive: number;
  /** Warnings and progress for the person running the command. */
  note: (message: string) => void;
  /** Has a drive give up its cartridge before the robot takes it (st's MTOFFL on real drives). */
  ejectDrive?: (drive: DriveElement) => Promise<void>;
  /** The clock, for labels and bytes_on_tape. */
  now?: () => Date;
}
