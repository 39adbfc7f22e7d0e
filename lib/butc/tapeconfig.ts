/**
 * `tapeconfig` (`GetDeviceConfig()` in `src/butc/tcmain.c`; BUTC-SPEC §1.3), bug-compatible:
 *
 * - read in `fgets` pieces of at most 254 bytes (a longer line is parsed as several lines);
 * - each piece is `<capacity> <filemark> <device> <port>[rest]` if sscanf converts 4 or 5 fields,
 *   else `<device> <port>[rest]` if it converts 2 or 3 (capacity 2147483647 KB, filemark 0),
 *   else `tapeconfig: Parse error in: <line>`; blank and `#` lines are errors (no comment syntax);
 * - capacity is atocl(..., 'K'), filemark size atocl(..., 'B'): bytes when no unit is given;
 * - every line up to the matching one is validated (port offset 0..58510); the FIRST line with our
 *   port offset wins; lines after it are never read; the device is cut to 100 bytes.
 *
 * butc prints the messages (which include the line's own newline) and then
 * `Problem in reading config file <path>` on stderr, and exits 1. Here that output travels in a
 * ButcError, with the file and line.
 */
import { constants as osConstants } from 'node:os';
import { atocl, ATOCL_CLAMP, ATOCL_LIFTED_CLAMP } from './atocl.js';
import { cScan, cString, fgetsLines } from './c-scan.js';
import { readBinaryFile } from './c-string.js';
import { MAX_PORT_OFFSET } from '../rx/interfaces/butc.js';
import { ButcError } from './errors.js';

export interface TapeConfigEntry {
  /** The device path as written (a binary string), at most 100 bytes. */
  device: string;
  /** Capacity in KB after atocl's rounding and clamping. */
  capacityKB: number;
  /** Filemark size in bytes. */
  fileMarkSize: number;
  portOffset: number;
  /** Where it came from: the tapeconfig line, or null for `-device`. */
  line: number | null;
}

export interface TapeconfigOptions {
  /**
   * Lift the 2^31-1 KB capacity clamp (BUTC-SPEC §7 #1) to 2^32-1 KB, the most a tape label's
   * 32-bit KB `size` field can hold. Off by default (butc's behaviour). `--no-capacity-clamp`.
   */
  liftCapacityClamp?: boolean;
}

/** The entry butc builds for the hidden `-device` option: no tapeconfig lookup at all. */
export function deviceOptionEntry(device: string, portOffset: number): TapeConfigEntry {
  return { device: device.slice(0, 100), capacityKB: ATOCL_CLAMP, fileMarkSize: 0, portOffset, line: null };
}

/**
 * The entry for `portOffset` in tapeconfig text, or null if no line has it.
 * Throws ButcError('tapeconfig') for what butc treats as fatal.
 */
export function parseTapeconfig(content: string, file: string, portOffset: number, options: TapeconfigOptions = {}): TapeConfigEntry | null {
  const ceiling = options.liftCapacityClamp ? ATOCL_LIFTED_CLAMP : ATOCL_CLAMP;
  const fatal = (line: number, field: string, message: string): never => {
    throw new ButcError('tapeconfig', message.trimEnd(), {
      file,
      line,
      field,
      butcStderr: `${message}Problem in reading config file ${file}\n`,
      exitCode: 1,
    });
  };
  for (const piece of fgetsLines(content)) {
    const text = cString(piece.text);
    let capacity: number;
    let fmSize: number;
    let device: string;
    let port: number;
    const four = cScan(text, ['s', ' ', 's', ' ', 's', ' ', 'u', 's']);
    if (four.count === 4 || four.count === 5) {
      const c = atocl(four.values[0] as string, 'K', ceiling);
      if (c === null) return fatal(piece.line, 'capacity', `tapeconfig: Tape capacity parse error in: ${text}\n`);
      const f = atocl(four.values[1] as string, 'B');
      if (f === null) return fatal(piece.line, 'filemark size', `tapeconfig: File-mark size parse error in: ${text}\n`);
      capacity = c;
      fmSize = f;
      device = four.values[2] as string;
      port = four.values[3] as number;
    } else {
      const two = cScan(text, ['s', ' ', 'u', 's']);
      if (two.count !== 2 && two.count !== 3) return fatal(piece.line, 'line', `tapeconfig: Parse error in: ${text}\n`);
      capacity = ATOCL_CLAMP;
      fmSize = 0;
      device = two.values[0] as string;
      port = two.values[1] as number;
    }
    if (port < 0 || port > MAX_PORT_OFFSET) return fatal(piece.line, 'port offset', `tapeconfig: Port offset parse error in: ${text}\n`);
    if (port !== portOffset) continue;
    if (fmSize < 0) return fatal(piece.line, 'filemark size', `Invalid file mark size, ${fmSize}, in: ${text}\n`);
    return { device: device.slice(0, 100), capacityKB: capacity, fileMarkSize: fmSize, portOffset: port, line: piece.line };
  }
  return null;
}

/**
 * Reads tapeconfig at `path`. A missing file is no entry (null), like butc; a file that exists
 * but cannot be opened is fatal with butc's `Error <errno>: Can't open <path>`.
 */
export function readTapeconfig(path: string, portOffset: number, options: TapeconfigOptions = {}): TapeConfigEntry | null {
  let content: string;
  try {
    content = readBinaryFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'EIO';
    // fopen() of a directory succeeds and its first fgets() fails: butc then sees no entry.
    if (code === 'ENOENT' || code === 'EISDIR') return null;
    const errno = (osConstants.errno as Record<string, number>)[code] ?? 5;
    throw new ButcError('file', `cannot open: ${code}`, {
      file: path,
      butcStderr: `Error ${errno}: Can't open ${path}\nProblem in reading config file ${path}\n`,
      exitCode: 1,
    });
  }
  return parseTapeconfig(content, path, portOffset, options);
}
