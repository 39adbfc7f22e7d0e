/**
 * SG_IO: one SCSI command to a device node that takes it (/dev/sgN, and st nodes too). CDBs are
 * built and responses parsed in lib/scsi; this only validates and forwards.
 */
import { native, type SgDirection, type SgIoResult } from '../native/binding.js';

export function sgio(fd: number, cdb: Buffer, direction: SgDirection, bufferOrLength: Buffer | number | null, timeoutMs: number): Promise<SgIoResult> {
  return native.sgio(fd, cdb, direction, bufferOrLength, timeoutMs);
}
