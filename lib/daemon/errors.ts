/** The coordinator's typed errors: a code to act on and a message that names the task, drive or cartridge. */
export type DaemonErrorCode =
  /** A request that cannot be carried out as given (bad option value, unknown set). */
  | 'invalid'
  /** No such task, cartridge, dump or drive. */
  | 'not-found'
  /** The task was aborted. */
  | 'aborted'
  /** The operator answered no, or nobody can answer (ASK NO) and the default is to give up. */
  | 'refused'
  /** No cartridge of the set can be written, and none can be brought. */
  | 'no-cartridge'
  /** A medium is not what the catalog says it is (label, position, contents). */
  | 'wrong-medium'
  /** The data source or sink failed (the producer's stream, the output file, the client's connection). */
  | 'stream'
  /** The daemon is not running, or its socket speaks something else. */
  | 'unreachable'
  /** The control protocol was broken by the other side. */
  | 'protocol';

export class DaemonError extends Error {
  override name = 'DaemonError';
  readonly code: DaemonErrorCode;

  constructor(code: DaemonErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export function isDaemonError(e: unknown, code?: DaemonErrorCode): e is DaemonError {
  return e instanceof DaemonError && (code === undefined || e.code === code);
}
