/**
 * Errors of the butm format layer, named and numbered as OpenAFS's error tables name them
 * (src/bubasics/butm_errs.et and butc_errs.et; numbers from BUTC-SPEC Appendix B), so the TC
 * layer can hand the same com_err code to `backup`.
 */

/** The BUTM table, base 156568832, in .et order. */
const BUTM_CODES = [
  'BUTM_OLDINTERFACE',
  'BUTM_NOMOUNT',
  'BUTM_PARALLELMOUNTS',
  'BUTM_MOUNTFAIL',
  'BUTM_DISMOUNTFAIL',
  'BUTM_IO',
  'BUTM_READONLY',
  'BUTM_BADOP',
  'BUTM_SHORTREAD',
  'BUTM_SHORTWRITE',
  'BUTM_EOT',
  'BUTM_BADCONFIG',
  'BUTM_BADARGUMENT',
  'BUTM_ENDVOLUME',
  'BUTM_LABEL',
  'BUTM_EOD',
  'BUTM_IOCTL',
  'BUTM_EOF',
  'BUTM_BADBLOCK',
  'BUTM_NOLABEL',
  'BUTM_POSITION',
] as const;

/** The tape errors of the BUTC table, base 156566272, with their .et indexes. */
const BUTC_CODES = {
  TC_VOLUMENOTONTAPE: 10,
  TC_PREMATUREEOF: 11,
  TC_MISSINGTRAILER: 12,
  TC_WRONGTAPE: 13,
  TC_BADVOLHEADER: 15,
} as const;

export type ButmErrorCode = (typeof BUTM_CODES)[number] | keyof typeof BUTC_CODES;

const BUTM_BASE = 156568832;
const BUTC_BASE = 156566272;

/** The com_err number `backup` would print for this code. */
export function comErrCode(code: ButmErrorCode): number {
  const i = (BUTM_CODES as readonly string[]).indexOf(code);
  if (i >= 0) return BUTM_BASE + i;
  return BUTC_BASE + BUTC_CODES[code as keyof typeof BUTC_CODES];
}

/** Where on the medium an error happened; every field that is known is given. */
export interface ButmErrorWhere {
  /** The medium (device path, file, `sim:PATH`). */
  medium?: string;
  /** butc's position when it happened: tape file number (tape mode) or record index (FILE mode). */
  position?: number;
  /** The 16 KiB record index from the start of the medium or of the read, when known. */
  record?: number;
  /** Byte offset inside the record, or inside the structure being decoded. */
  offset?: number;
  /** The structure field at fault (`AFSName`, `count`, `versionflags`, ...). */
  field?: string;
}

export class ButmError extends Error {
  override name = 'ButmError';
  readonly code: ButmErrorCode;
  /** The com_err number (BUTC-SPEC Appendix B). */
  readonly errorNumber: number;
  readonly medium?: string;
  readonly position?: number;
  readonly record?: number;
  readonly offset?: number;
  readonly field?: string;

  constructor(code: ButmErrorCode, detail: string, where: ButmErrorWhere = {}, options?: { cause?: unknown }) {
    super(`${code}: ${describeWhere(where)}${detail}`, options);
    this.code = code;
    this.errorNumber = comErrCode(code);
    if (where.medium !== undefined) this.medium = where.medium;
    if (where.position !== undefined) this.position = where.position;
    if (where.record !== undefined) this.record = where.record;
    if (where.offset !== undefined) this.offset = where.offset;
    if (where.field !== undefined) this.field = where.field;
  }
}

function describeWhere(w: ButmErrorWhere): string {
  const parts: string[] = [];
  if (w.medium !== undefined) parts.push(w.medium);
  if (w.position !== undefined) parts.push(`position ${w.position}`);
  if (w.record !== undefined) parts.push(`record ${w.record}`);
  if (w.field !== undefined) parts.push(`field ${w.field}`);
  if (w.offset !== undefined) parts.push(`offset ${w.offset}`);
  return parts.length ? `${parts.join(', ')}: ` : '';
}

export function isButmError(e: unknown, code?: ButmErrorCode): e is ButmError {
  return e instanceof ButmError && (code === undefined || e.code === code);
}

/**
 * butc's HITEOT (src/butc/dump.c): the errors a dump treats as the end of the tape, BUTM_EOT,
 * BUTM_IO and BUTM_IOCTL (BUTC-SPEC §2.9, "unplanned EOT").
 */
export function hitEndOfTape(e: unknown): e is ButmError {
  return isButmError(e) && (e.code === 'BUTM_EOT' || e.code === 'BUTM_IO' || e.code === 'BUTM_IOCTL');
}
