/**
 * A SCSI command that did not complete with GOOD status: CHECK CONDITION with its sense data, or
 * another status (BUSY, RESERVATION CONFLICT), or a transport failure the HBA or the sg driver
 * reported (host/driver status). Callers match on the sense triple, as pbs-tape does:
 * `isScsiError(e, SenseKey.NOT_READY, 0x04, 0x01)` is "becoming ready".
 */
import { hex2 } from './bytes.js';
import { type SenseData, senseText } from './sense.js';

export interface ScsiErrorInit {
  /** The command's name and CDB. */
  command: string;
  cdb: Buffer;
  /** SAM status byte (00h GOOD, 02h CHECK CONDITION, 08h BUSY, ...). */
  status: number;
  hostStatus: number;
  driverStatus: number;
  sense: SenseData | null;
  /** The sense bytes as they came, for logs when they did not decode. */
  senseBytes: Buffer;
  /** Bytes asked for but not transferred (SG_IO resid). */
  residual: number;
  /** What the device did transfer (a READ that hit a filemark still returns data). */
  data: Buffer;
  /** The text when it is not derived from the sense data (transport errors, unreadable sense). */
  text?: string;
}

export class ScsiError extends Error {
  override name = 'ScsiError';
  readonly command: string;
  readonly opcode: number;
  readonly cdb: Buffer;
  readonly status: number;
  readonly hostStatus: number;
  readonly driverStatus: number;
  readonly sense: SenseData | null;
  readonly senseBytes: Buffer;
  /** From the sense data; null when there is none (not a CHECK CONDITION, or no sense returned). */
  readonly senseKey: number | null;
  readonly asc: number | null;
  readonly ascq: number | null;
  /** The decoded meaning, as in the message after the command name. */
  readonly text: string;
  readonly residual: number;
  readonly data: Buffer;

  constructor(init: ScsiErrorInit) {
    const text = init.text ?? (init.sense ? senseText(init.sense) : `status ${hex2(init.status)}h`);
    const opcode = init.cdb[0] ?? 0;
    super(`${init.command} (${hex2(opcode)}h): ${text}`);
    this.command = init.command;
    this.opcode = opcode;
    this.cdb = init.cdb;
    this.status = init.status;
    this.hostStatus = init.hostStatus;
    this.driverStatus = init.driverStatus;
    this.sense = init.sense;
    this.senseBytes = init.senseBytes;
    this.senseKey = init.sense?.senseKey ?? null;
    this.asc = init.sense?.asc ?? null;
    this.ascq = init.sense?.ascq ?? null;
    this.text = text;
    this.residual = init.residual;
    this.data = init.data;
  }
}

/** A ScsiError, optionally with this sense key, ASC and ASCQ. */
export function isScsiError(e: unknown, senseKey?: number, asc?: number, ascq?: number): e is ScsiError {
  return (
    e instanceof ScsiError &&
    (senseKey === undefined || e.senseKey === senseKey) &&
    (asc === undefined || e.asc === asc) &&
    (ascq === undefined || e.ascq === ascq)
  );
}
