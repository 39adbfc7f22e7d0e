/**
 * The com_err codes the TC service answers with and logs (BUTC-SPEC §3.11, Appendix B; texts from
 * `src/bubasics/butc_errs.et` and `butm_errs.et`). A TcError carries one through a tape operation
 * to the RPC that aborts with it.
 */
import { comErrCode, isButmError, type ButmErrorCode } from '../format/butm/index.js';
import type { ErrorText } from './com-err.js';

const BUTC_BASE = 156566272;

/** The BUTC table entries the service uses, by .et index (§3.11). */
export const TC_ABORTEDBYREQUEST = BUTC_BASE + 6;
export const TC_NODENOTFOUND = BUTC_BASE + 8;
export const TC_MISSINGTRAILER = BUTC_BASE + 12;
export const TC_INTERNALERROR = BUTC_BASE + 16;
export const TC_NOTPERMITTED = BUTC_BASE + 19;
export const TC_SKIPTAPE = BUTC_BASE + 20;
export const TC_BADTASK = BUTC_BASE + 21;

const TC_TEXTS = new Map<number, string>([
  [TC_ABORTEDBYREQUEST, 'the process was aborted by request'],
  [TC_NODENOTFOUND, 'No dump task with specified ID'],
  [TC_MISSINGTRAILER, 'missing file trailer on tape'],
  [TC_INTERNALERROR, 'internal error'],
  [TC_NOTPERMITTED, 'access denied'],
  [TC_SKIPTAPE, 'tape requested to be skipped'],
  [TC_BADTASK, 'invalid task'],
]);

const BUTM_TEXTS: Record<ButmErrorCode, string> = {
  BUTM_OLDINTERFACE: 'interface incompatible',
  BUTM_NOMOUNT: 'there is not an opened tape',
  BUTM_PARALLELMOUNTS: 'multiple simultaneous opens not permitted',
  BUTM_MOUNTFAIL: "can't open tape",
  BUTM_DISMOUNTFAIL: 'error during tape close',
  BUTM_IO: 'tape I/O error',
  BUTM_READONLY: 'write operation on read-only tape',
  BUTM_BADOP: 'operation inappropriate in this context',
  BUTM_SHORTREAD: 'read file ended before all data read',
  BUTM_SHORTWRITE: 'write a zero length file',
  BUTM_EOT: 'end of tape',
  BUTM_BADCONFIG: 'problem reading configuration',
  BUTM_BADARGUMENT: 'argument too long or out of range',
  BUTM_ENDVOLUME: 'unexpected end of volume data',
  BUTM_LABEL: 'appended tape label',
  BUTM_EOD: 'end of dump',
  BUTM_IOCTL: 'tape device error',
  BUTM_EOF: 'end-of-file marker',
  BUTM_BADBLOCK: 'unexpected tape datablock',
  BUTM_NOLABEL: 'no label on tape',
  BUTM_POSITION: 'cannot position within the file',
  TC_VOLUMENOTONTAPE: 'the volume was not found on tape',
  TC_PREMATUREEOF: 'unexpected EOF encountered on tape',
  TC_MISSINGTRAILER: 'missing file trailer on tape',
  TC_WRONGTAPE: 'unexpected tape label',
  TC_BADVOLHEADER: 'corrupted volume header on tape',
};

export const BUTM_NOLABEL = comErrCode('BUTM_NOLABEL');

/** A tape operation ended with a com_err code (what the RPC or the task reports). */
export class TcError extends Error {
  override name = 'TcError';
  constructor(
    readonly code: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The code and text butc would log for an error: a TcError's or ButmError's code; else TC_INTERNALERROR. */
export function errorTextOf(e: unknown): ErrorText {
  if (e instanceof TcError) return { code: e.code, text: TC_TEXTS.get(e.code) ?? e.message };
  if (isButmError(e)) return { code: e.errorNumber, text: BUTM_TEXTS[e.code] };
  return { code: TC_INTERNALERROR, text: TC_TEXTS.get(TC_INTERNALERROR)! };
}
