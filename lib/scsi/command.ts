/**
 * A SCSI command as the builders in lib/scsi return it, and running one through an SG_IO
 * function (lib/drive/sgio.ts's `sgio`, or a fake in tests): GOOD status gives the data, anything
 * else a ScsiError with the decoded sense.
 */
import type { SgDirection, SgIoResult } from '../native/binding.js';
import { hex2 } from './bytes.js';
import { ScsiParseError } from './parse-error.js';
import { ScsiError } from './scsi-error.js';
import { decodeSense, SenseKey, type SenseData } from './sense.js';

interface CommandBase {
  /** The command's name from the standard, for messages: 'READ ELEMENT STATUS'. */
  name: string;
  cdb: Buffer;
  timeoutMs: number;
}

export type ScsiCommand = CommandBase &
  ({ direction: 'none' } | { direction: 'from-device'; length: number } | { direction: 'to-device'; data: Buffer });

/** The shape of lib/drive/sgio.ts's `sgio`. */
export type SgIoFunction = (
  fd: number,
  cdb: Buffer,
  direction: SgDirection,
  bufferOrLength: Buffer | number | null,
  timeoutMs: number,
) => Promise<SgIoResult>;

export interface CommandResult {
  /** The bytes the device transferred (from-device); empty otherwise. */
  data: Buffer;
  residual: number;
  /** Sense data that came with success: RECOVERED ERROR (the command completed after retries). */
  sense: SenseData | null;
  durationMs: number;
}

/** SAM-5 status codes (§5.3). */
export const Status = {
  GOOD: 0x00,
  CHECK_CONDITION: 0x02,
  CONDITION_MET: 0x04,
  BUSY: 0x08,
  RESERVATION_CONFLICT: 0x18,
  TASK_SET_FULL: 0x28,
  ACA_ACTIVE: 0x30,
  TASK_ABORTED: 0x40,
} as const;

const STATUS_NAMES: Record<number, string> = {
  0x00: 'GOOD',
  0x02: 'CHECK CONDITION',
  0x04: 'CONDITION MET',
  0x08: 'BUSY',
  0x18: 'RESERVATION CONFLICT',
  0x28: 'TASK SET FULL',
  0x30: 'ACA ACTIVE',
  0x40: 'TASK ABORTED',
};

/** Linux host byte (include/scsi/scsi_status.h): what the HBA driver says about the transport. */
const HOST_STATUS_NAMES = [
  'DID_OK',
  'DID_NO_CONNECT',
  'DID_BUS_BUSY',
  'DID_TIME_OUT',
  'DID_BAD_TARGET',
  'DID_ABORT',
  'DID_PARITY',
  'DID_ERROR',
  'DID_RESET',
  'DID_BAD_INTR',
  'DID_PASSTHROUGH',
  'DID_SOFT_ERROR',
  'DID_IMM_RETRY',
  'DID_REQUEUE',
  'DID_TRANSPORT_DISRUPTED',
  'DID_TRANSPORT_FAILFAST',
  'DID_TARGET_FAILURE',
  'DID_NEXUS_FAILURE',
  'DID_ALLOC_FAILURE',
  'DID_MEDIUM_ERROR',
  'DID_TRANSPORT_MARGINAL',
];

/** Linux sg driver status, low nibble (scsi/sg.h); DRIVER_SENSE (8) only says sense is there. */
const DRIVER_STATUS_NAMES = [
  'DRIVER_OK',
  'DRIVER_BUSY',
  'DRIVER_SOFT',
  'DRIVER_MEDIA',
  'DRIVER_ERROR',
  'DRIVER_INVALID',
  'DRIVER_TIMEOUT',
  'DRIVER_HARD',
  'DRIVER_SENSE',
];
const DRIVER_SENSE = 8;

export function statusName(status: number): string {
  return STATUS_NAMES[status] ?? `status ${hex2(status)}h`;
}

/**
 * Runs one command. Resolves on GOOD or CONDITION MET, and on CHECK CONDITION with RECOVERED ERROR
 * (the sense comes with the result); rejects with a ScsiError otherwise, including NO SENSE with
 * FILEMARK/EOM/ILI, which the caller turns into control flow. A failed ioctl rejects with the
 * DeviceError sgio raises.
 */
export async function runCommand(sgio: SgIoFunction, fd: number, command: ScsiCommand): Promise<CommandResult> {
  const argument = command.direction === 'none' ? null : command.direction === 'from-device' ? command.length : command.data;
  const r = await sgio(fd, command.cdb, command.direction, argument, command.timeoutMs);
  const data = r.data ?? Buffer.alloc(0);
  let sense: SenseData | null = null;
  let unreadable: string | undefined;
  if (r.sense.length > 0) {
    try {
      sense = decodeSense(r.sense);
    } catch (e) {
      if (!(e instanceof ScsiParseError)) throw e;
      unreadable = e.message;
    }
  }
  const init = {
    command: command.name,
    cdb: command.cdb,
    status: r.status,
    hostStatus: r.hostStatus,
    driverStatus: r.driverStatus,
    sense,
    senseBytes: r.sense,
    residual: r.resid,
    data,
  };
  if (r.hostStatus !== 0)
    throw new ScsiError({ ...init, text: `transport failed: ${HOST_STATUS_NAMES[r.hostStatus] ?? `host status ${hex2(r.hostStatus)}h`}` });
  const driver = r.driverStatus & 0x0f;
  if (driver !== 0 && driver !== DRIVER_SENSE)
    throw new ScsiError({ ...init, text: `sg driver: ${DRIVER_STATUS_NAMES[driver] ?? `driver status ${hex2(driver)}h`}` });
  const done = { data, residual: r.resid, durationMs: r.durationMs };
  if (r.status === Status.GOOD || r.status === Status.CONDITION_MET) return { ...done, sense };
  if (r.status === Status.CHECK_CONDITION) {
    if (sense && sense.senseKey === SenseKey.RECOVERED_ERROR && !sense.deferred) return { ...done, sense };
    if (sense) throw new ScsiError(init);
    throw new ScsiError({
      ...init,
      text: unreadable === undefined ? 'CHECK CONDITION without sense data' : `CHECK CONDITION with unreadable sense data (${unreadable})`,
    });
  }
  throw new ScsiError({ ...init, text: statusName(r.status) });
}
