/**
 * `tapecoord drive status|inquiry|tapealert|position --device DEV [--json]`: a tape drive asked
 * through the st driver (MTIOCGET, MTIOCPOS) and SCSI pass-through, printed as `mt status` and
 * mtx's tapeinfo print it. DEV is /dev/nstN (or a link to it), its /dev/sgN, or sim:PATH for what
 * a simulated tape can answer (status, position). Exit status 0, or 1 with a message naming the
 * device and the command that failed (the decoded sense for a SCSI command).
 */
import { Command } from 'commander';
import { isDeviceError } from '../native/errors.js';
import { ScsiParseError } from '../scsi/parse-error.js';
import { isScsiError } from '../scsi/scsi-error.js';
import { openDrive, type OpenDriveOptions, type OpenedDrive } from './drive-access.js';
import { formatDriveInquiry, formatDrivePosition, formatDriveStatus, formatTapeAlert, reportJson } from './drive-format.js';
import {
  describeFailure,
  DriveError,
  hasPosition,
  readDriveInquiry,
  readDrivePosition,
  readDriveStatus,
  readTapeAlert,
  isSystemError,
  type DriveAccess,
} from './drive-report.js';

export type DriveSubcommand = 'status' | 'inquiry' | 'tapealert' | 'position';

export interface DriveOptions {
  device: string;
  json?: boolean;
}

/** What a subcommand produced: the report, its text, and why it is a failure (exit 1) if it is one. */
interface Outcome {
  report: object;
  text: string;
  problem: string | null;
}

const SUBCOMMANDS: Record<DriveSubcommand, { description: string; tape: boolean; run: (d: DriveAccess) => Promise<Outcome> }> = {
  status: {
    description: 'st status as mt status prints it, with block limits, density, write protect and compression (MODE SENSE(6) page 0Fh)',
    tape: true,
    run: async (d) => {
      const r = await readDriveStatus(d);
      return { report: r, text: formatDriveStatus(r), problem: null };
    },
  },
  inquiry: {
    description: 'identity as tapeinfo prints it: INQUIRY, serial number (VPD 80h), device identifiers (VPD 83h), block limits',
    tape: false,
    run: async (d) => {
      const r = await readDriveInquiry(d);
      return { report: r, text: formatDriveInquiry(r), problem: null };
    },
  },
  tapealert: {
    description: 'the TapeAlert flags set, with names and severities (LOG SENSE page 2Eh; reading clears them)',
    tape: false,
    run: async (d) => {
      const r = await readTapeAlert(d);
      return { report: r, text: formatTapeAlert(r), problem: null };
    },
  },
  position: {
    description: 'READ POSITION (long form, else short form), MTIOCPOS and MTIOCGET, each as it answered',
    tape: true,
    run: async (d) => {
      const r = await readDrivePosition(d);
      const problem = hasPosition(r) ? null : `no position: ${r.failures.map((f) => f.message).join('; ') || 'nothing to ask'}`;
      return { report: r, text: formatDrivePosition(r), problem };
    },
  },
};

/** Where runDrive opens devices and writes; tests replace it. */
export interface DriveIo {
  open(device: string, o: OpenDriveOptions): Promise<OpenedDrive>;
  stdout(text: string): void;
  stderr(text: string): void;
}

const processIo: DriveIo = {
  open: openDrive,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

export function driveCommand(): Command {
  const drive = new Command('drive').description('ask a tape drive: status, inquiry, TapeAlert flags, position');
  for (const name of Object.keys(SUBCOMMANDS) as DriveSubcommand[]) {
    drive.addCommand(
      new Command(name)
        .description(SUBCOMMANDS[name].description)
        .requiredOption('--device <device>', 'a tape drive: /dev/nstN (or a link to it), its /dev/sgN, or sim:PATH (status, position)')
        .option('--json', 'print the report as JSON')
        .action(async (o: DriveOptions) => {
          process.exitCode = await runDrive(name, o);
        }),
    );
  }
  return drive;
}

/** Runs one subcommand; returns the exit status. */
export async function runDrive(subcommand: DriveSubcommand, o: DriveOptions, io: DriveIo = processIo): Promise<number> {
  const spec = SUBCOMMANDS[subcommand];
  const prefix = `tapecoord drive ${subcommand}: `;
  let drive: OpenedDrive | null = null;
  try {
    drive = await io.open(o.device, { tape: spec.tape });
    const outcome = await spec.run(drive);
    io.stdout(o.json ? reportJson(outcome.report) : outcome.text);
    if (outcome.problem === null) return 0;
    io.stderr(`${prefix}${o.device}: ${outcome.problem}\n`);
    return 1;
  } catch (e) {
    if (!isDriveFailure(e)) throw e;
    const failure = describeFailure(e);
    if (!failure.message.startsWith(o.device)) failure.message = `${o.device}: ${failure.message}`;
    if (o.json) io.stdout(reportJson({ device: o.device, error: failure }));
    io.stderr(`${prefix}${failure.message}\n`);
    return 1;
  } finally {
    await drive?.close();
  }
}

/** Errors of the device or about it (exit 1 with a message); anything else is a bug and propagates. */
function isDriveFailure(e: unknown): boolean {
  return isScsiError(e) || isDeviceError(e) || e instanceof ScsiParseError || e instanceof DriveError || isSystemError(e);
}

