/**
 * ButcError: a startup or configuration failure. It carries butc's own output for the failure
 * (`butcStdout`/`butcStderr`, byte-exact: what real butc prints) and the exit status butc uses,
 * plus where the fault is (file, line, field, device) for our own callers and diagnostics.
 */

export type ButcErrorCode =
  /** A tapeconfig line that butc cannot parse (BUTC-SPEC §1.3). */
  | 'tapeconfig'
  /** A CFG_* value butc refuses, or an XBSA keyword in this non-XBSA build (§1.4). */
  | 'cfg'
  /** A log or configuration file that cannot be opened (§1.1 steps 1, 3). */
  | 'file'
  /** A MOUNT callout claimed success again and again without the medium changing (§1.6, §7 #8). */
  | 'mount-loop';

export interface ButcErrorDetails {
  file?: string;
  /** 1-based line of `file`. */
  line?: number;
  /** The field or keyword at fault (`capacity`, `GROUPID`, `-port`, ...). */
  field?: string;
  device?: string;
  /** What butc prints on stdout / stderr for this failure (binary strings; may be empty). */
  butcStdout?: string;
  butcStderr?: string;
  /** butc's exit status for it. */
  exitCode?: number;
}

export class ButcError extends Error {
  override name = 'ButcError';
  readonly code: ButcErrorCode;
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly field: string | undefined;
  readonly device: string | undefined;
  readonly butcStdout: string;
  readonly butcStderr: string;
  readonly exitCode: number;

  constructor(code: ButcErrorCode, message: string, details: ButcErrorDetails = {}) {
    const where = [details.file && (details.line ? `${details.file}:${details.line}` : details.file), details.field, details.device]
      .filter(Boolean)
      .join(', ');
    super(where ? `${where}: ${message}` : message);
    this.code = code;
    this.file = details.file;
    this.line = details.line;
    this.field = details.field;
    this.device = details.device;
    this.butcStdout = details.butcStdout ?? '';
    this.butcStderr = details.butcStderr ?? '';
    this.exitCode = details.exitCode ?? 1;
  }
}

export function isButcError(e: unknown, code?: ButcErrorCode): e is ButcError {
  return e instanceof ButcError && (code === undefined || e.code === code);
}
