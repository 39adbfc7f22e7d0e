/** ChangerError: what went wrong with a changer operation, named so callers can decide. */

export type ChangerErrorCode =
  /** No such slot or drive in this library. */
  | 'no-such-element'
  /** MOVE from an empty element. */
  | 'source-empty'
  /** MOVE to a full element. */
  | 'destination-full'
  /** The changer (or its command configuration) cannot do this operation. */
  | 'unsupported'
  /** No free slot or import/export slot where one was needed. */
  | 'no-free-slot'
  /** No cartridge with that barcode. */
  | 'not-found'
  /** The same barcode in two places: the inventory cannot be trusted for it. */
  | 'duplicate-barcode'
  /** A cleaning cartridge where data was asked for. */
  | 'cleaning-cartridge'
  /** The library reported an error (ScsiError as cause), or a command failed. */
  | 'device-error'
  /** A configuration file or state file is wrong. */
  | 'config';

export class ChangerError extends Error {
  readonly code: ChangerErrorCode;
  /** The changer as configured (`/dev/sg3`, a state file, ...). */
  readonly device: string;

  constructor(code: ChangerErrorCode, device: string, message: string, options?: { cause?: unknown }) {
    super(`${device}: ${message}`, options);
    this.name = 'ChangerError';
    this.code = code;
    this.device = device;
  }
}

export function isChangerError(e: unknown, code?: ChangerErrorCode): e is ChangerError {
  return e instanceof ChangerError && (code === undefined || e.code === code);
}
