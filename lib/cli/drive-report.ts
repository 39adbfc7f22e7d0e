/**
 * What `tapecoord drive status|inquiry|tapealert|position` ask a drive, as data. Each reader takes
 * a DriveAccess (SCSI pass-through and the st driver's view, either of which may be missing) and
 * returns a report that drive-format.ts prints as text and drive.ts as JSON. The SG_IO function
 * is part of the access, so tests answer with captured responses.
 */
import type { MtStatus } from '../drive/mtio.js';
import { isDeviceError } from '../native/errors.js';
import { parseBlockLimits, readBlockLimits, type BlockLimits } from '../scsi/block-limits.js';
import type { ScsiCommand, SgIoFunction } from '../scsi/command.js';
import {
  inquiry,
  inquiryVpd,
  parseDeviceIdentification,
  parseStandardInquiry,
  parseSupportedVpdPages,
  parseUnitSerialNumber,
  type Designator,
  type StandardInquiry,
} from '../scsi/inquiry.js';
import { LogPageCode, logSense } from '../scsi/log-sense.js';
import { ModePageCode, modePage, modeSense6, parseModeSense6 } from '../scsi/mode-sense.js';
import { parseLongPosition, parseShortPosition, readPosition, type LongPosition, type ShortPosition } from '../scsi/read-position.js';
import { ScsiParseError } from '../scsi/parse-error.js';
import { ATTENTION_ONCE, runWithRetry } from '../scsi/retry.js';
import { isScsiError } from '../scsi/scsi-error.js';
import { ascText, SenseKey, senseKeyName } from '../scsi/sense.js';
import { decodeTapeDeviceSpecific, parseDataCompression, type DataCompression } from '../scsi/tape-pages.js';
import { parseTapeAlert, type TapeAlertFlag } from '../scsi/tape-alert.js';

/** A drive as the readers use it. */
export interface DriveAccess {
  /** The device as the user named it, for messages. */
  readonly device: string;
  /** SCSI pass-through (an st or sg descriptor); null for a simulated tape. */
  readonly scsi: { sgio: SgIoFunction; fd: number } | null;
  /** The st driver's MTIOCGET and MTIOCPOS (or the simulated tape's); null for an sg node whose st node is unknown. */
  readonly tape: { status(): Promise<MtStatus>; tell(): Promise<number> } | null;
}

/** The drive cannot answer what was asked (a simulated tape has no SCSI; a changer is no drive). */
export class DriveError extends Error {
  override name = 'DriveError';
}

/**
 * One SCSI command; a UNIT ATTENTION (tgt reports 29/00 on a device's first command, a real drive
 * 28/00 after a cartridge change) is taken once and the command sent again.
 */
async function scsi(access: DriveAccess, command: ScsiCommand): Promise<Buffer> {
  const s = access.scsi;
  if (!s) throw new DriveError(`${access.device}: ${command.name} needs a SCSI drive; a simulated tape has no SCSI pass-through`);
  return (await runWithRetry(s.sgio, s.fd, command, ATTENTION_ONCE)).data;
}

/** The block descriptor and device-specific parameter (SSC-4 mode parameters) with the data compression page 0Fh. */
export interface TapeModeParameters {
  /** DENSITY CODE of the first block descriptor: the medium's format, 0 when none is loaded or the default is in use. */
  densityCode: number | null;
  /** BLOCK LENGTH: 0 is variable-block mode. */
  blockLength: number | null;
  /** WP: the medium is write protected. */
  writeProtected: boolean;
  /** BUFFERED MODE: 0 unbuffered, 1 buffered (writes report GOOD once in the drive's buffer). */
  bufferedMode: number;
  compression: DataCompression;
}

export interface DriveStatusReport {
  device: string;
  /** MTIOCGET, what `mt status` prints; null when only the sg node is known. */
  mt: MtStatus | null;
  /** READ BLOCK LIMITS; null without SCSI. */
  blockLimits: BlockLimits | null;
  /** MODE SENSE(6) with page 0Fh; null without SCSI. */
  mode: TapeModeParameters | null;
}

export async function readDriveStatus(access: DriveAccess): Promise<DriveStatusReport> {
  const mt = access.tape ? await access.tape.status() : null;
  if (!access.scsi) return { device: access.device, mt, blockLimits: null, mode: null };
  const blockLimits = parseBlockLimits(await scsi(access, readBlockLimits()));
  // MODE SENSE(6): SSC-4 makes it mandatory for tape drives, the (10) form optional
  const parameters = parseModeSense6(await scsi(access, modeSense6({ page: ModePageCode.DATA_COMPRESSION })));
  const specific = decodeTapeDeviceSpecific(parameters.deviceSpecific);
  const descriptor = parameters.blockDescriptors[0];
  return {
    device: access.device,
    mt,
    blockLimits,
    mode: {
      densityCode: descriptor?.densityCode ?? null,
      blockLength: descriptor?.blockLength ?? null,
      writeProtected: specific.writeProtected,
      bufferedMode: specific.bufferedMode,
      compression: parseDataCompression(modePage(parameters, ModePageCode.DATA_COMPRESSION)),
    },
  };
}

/** A VPD 83h designator without its raw bytes. */
export type DriveDesignator = Omit<Designator, 'designator'>;

export interface DriveInquiryReport extends StandardInquiry {
  device: string;
  /** VPD 80h PRODUCT SERIAL NUMBER; null when the drive does not list page 80h in VPD 00h. */
  serial: string | null;
  /** VPD 83h designators; empty when the drive does not list page 83h. */
  identifiers: DriveDesignator[];
  blockLimits: BlockLimits;
}

export async function readDriveInquiry(access: DriveAccess): Promise<DriveInquiryReport> {
  const standard = parseStandardInquiry(await scsi(access, inquiry()));
  const pages = await supportedVpdPages(access);
  const serial = pages.includes(0x80) ? parseUnitSerialNumber(await scsi(access, inquiryVpd(0x80))) : null;
  const identifiers = pages.includes(0x83)
    ? parseDeviceIdentification(await scsi(access, inquiryVpd(0x83))).map(({ designator: _bytes, ...d }) => d)
    : [];
  const blockLimits = parseBlockLimits(await scsi(access, readBlockLimits()));
  return { device: access.device, ...standard, serial, identifiers, blockLimits };
}

/** VPD 00h; a drive without VPD pages refuses it with ILLEGAL REQUEST (SPC-4 §6.4.1). */
async function supportedVpdPages(access: DriveAccess): Promise<number[]> {
  try {
    return parseSupportedVpdPages(await scsi(access, inquiryVpd(0x00)));
  } catch (e) {
    if (isScsiError(e, SenseKey.ILLEGAL_REQUEST)) return [];
    throw e;
  }
}

export interface TapeAlertReport {
  device: string;
  /** The flags set (reading page 2Eh clears them in the drive). */
  flags: TapeAlertFlag[];
}

export async function readTapeAlert(access: DriveAccess): Promise<TapeAlertReport> {
  return { device: access.device, flags: parseTapeAlert(await scsi(access, logSense({ page: LogPageCode.TAPE_ALERT }))) };
}

/** Why one step failed, for reports and JSON: the operation, the message and, for SCSI, the decoded sense. */
export interface Failure {
  /** The SCSI command or page ('LOG SENSE page 2Eh'), the st call ('MTIOCPOS', 'open'), or null. */
  operation: string | null;
  message: string;
  sense: { senseKey: number; senseKeyName: string; asc: number; ascq: number; description: string } | null;
  /** The errno name when a system call failed (EIO, EBUSY). */
  code: string | null;
}

export function describeFailure(e: unknown): Failure {
  const message = e instanceof Error ? e.message : String(e);
  if (isScsiError(e)) {
    const s = e.sense;
    const sense = s ? { senseKey: s.senseKey, senseKeyName: senseKeyName(s.senseKey), asc: s.asc, ascq: s.ascq, description: ascText(s.asc, s.ascq) } : null;
    return { operation: e.command, message, sense, code: null };
  }
  if (isDeviceError(e)) return { operation: e.op, message, sense: null, code: e.code };
  if (e instanceof ScsiParseError) return { operation: e.what, message, sense: null, code: null };
  if (isSystemError(e)) return { operation: e.syscall, message, sense: null, code: e.code };
  return { operation: null, message, sense: null, code: null };
}

/** A failed system call from Node's fs (ENOENT for a device that is not there). */
export function isSystemError(e: unknown): e is Error & { code: string; syscall: string } {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string' && typeof (e as NodeJS.ErrnoException).syscall === 'string';
}

export type ReadPositionResult = { form: 'long'; position: LongPosition } | { form: 'short'; position: ShortPosition };

export interface DrivePositionReport {
  device: string;
  /** READ POSITION (SSC-4): the long form, or the short form from a drive that refuses the long one. */
  readPosition: ReadPositionResult | null;
  /** MTIOCPOS: st's logical block number (st asks READ POSITION itself). */
  logicalBlock: number | null;
  /** MTIOCGET: st's file and block numbers, -1 where st does not know them. */
  fileNumber: number | null;
  blockNumber: number | null;
  /** Every step that failed, in order. */
  failures: Failure[];
}

/**
 * Every way there is to ask for the position, each reported as it answered: a step that fails is
 * recorded and the others still run. Useful when at least one of READ POSITION and MTIOCPOS gave
 * a position.
 */
export async function readDrivePosition(access: DriveAccess): Promise<DrivePositionReport> {
  const report: DrivePositionReport = { device: access.device, readPosition: null, logicalBlock: null, fileNumber: null, blockNumber: null, failures: [] };
  /** Runs one step; a failure of the device, or an answer that does not parse, is recorded. Returns it. */
  const attempt = async (step: () => Promise<void>): Promise<unknown> => {
    try {
      await step();
      return null;
    } catch (e) {
      if (!isScsiError(e) && !isDeviceError(e) && !(e instanceof ScsiParseError)) throw e;
      report.failures.push(describeFailure(e));
      return e;
    }
  };
  if (access.scsi) {
    const failed = await attempt(async () => {
      report.readPosition = { form: 'long', position: parseLongPosition(await scsi(access, readPosition('long'))) };
    });
    // the long form came with SSC-3: a drive without it refuses the service action
    if (isScsiError(failed, SenseKey.ILLEGAL_REQUEST))
      await attempt(async () => {
        report.readPosition = { form: 'short', position: parseShortPosition(await scsi(access, readPosition('short'))) };
      });
  }
  const tape = access.tape;
  if (tape) {
    await attempt(async () => {
      report.logicalBlock = await tape.tell();
    });
    await attempt(async () => {
      const s = await tape.status();
      report.fileNumber = s.fileno;
      report.blockNumber = s.blkno;
    });
  }
  return report;
}

export function hasPosition(report: DrivePositionReport): boolean {
  return report.readPosition !== null || report.logicalBlock !== null;
}
