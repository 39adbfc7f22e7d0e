/**
 * Commands every drive and changer takes: TEST UNIT READY and REQUEST SENSE (SPC-4 §6), and
 * PREVENT ALLOW MEDIUM REMOVAL (SSC-4 for drives, SMC-3 for changers, the same CDB).
 * REQUEST SENSE returns sense data as its data: decode it with decodeSense (sense.ts).
 */
import { field } from './cdb.js';
import type { ScsiCommand } from './command.js';
import { TIMEOUTS } from './timeouts.js';

export function testUnitReady(o: { timeoutMs?: number } = {}): ScsiCommand {
  const cdb = Buffer.alloc(6); // byte 0: TEST UNIT READY (00h); bytes 1-5 reserved and CONTROL
  return { name: 'TEST UNIT READY', cdb, direction: 'none', timeoutMs: o.timeoutMs ?? TIMEOUTS.testUnitReady };
}

export interface RequestSenseOptions {
  /** DESC: ask for descriptor-format sense (72h) instead of fixed (70h). */
  descriptorFormat?: boolean;
  /** Default 252, which holds any sense data (SPC-4). */
  allocationLength?: number;
  timeoutMs?: number;
}

export function requestSense(o: RequestSenseOptions = {}): ScsiCommand {
  const length = field('REQUEST SENSE', 'allocation length', o.allocationLength ?? 252, 8);
  const cdb = Buffer.alloc(6);
  cdb[0] = 0x03; // REQUEST SENSE
  cdb[1] = o.descriptorFormat ? 0x01 : 0x00; // bit 0: DESC
  cdb[4] = length; // ALLOCATION LENGTH
  return { name: 'REQUEST SENSE', cdb, direction: 'from-device', length, timeoutMs: o.timeoutMs ?? TIMEOUTS.requestSense };
}

/** Lock (prevent) or unlock (allow) removal of the medium: the eject button, a changer unload. */
export function preventAllowMediumRemoval(prevent: boolean, o: { timeoutMs?: number } = {}): ScsiCommand {
  const cdb = Buffer.alloc(6);
  cdb[0] = 0x1e; // PREVENT ALLOW MEDIUM REMOVAL
  cdb[4] = prevent ? 0x01 : 0x00; // bits 1-0: PREVENT (00b allowed, 01b prevented)
  return { name: 'PREVENT ALLOW MEDIUM REMOVAL', cdb, direction: 'none', timeoutMs: o.timeoutMs ?? TIMEOUTS.preventAllowMediumRemoval };
}
