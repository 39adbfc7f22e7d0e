/**
 * How butc renders an error code in its logs (`PrintLogStr()` in `src/butc/lwps.c`, with
 * `afs_error_table_name()` from `src/comerr/et_name.c`; BUTC-SPEC §1.5, Appendix B).
 */

const CHARSET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_';

/**
 * The com_err table name of a code, lower-cased: 156568837 -> "butm", 1492325133 -> "vols",
 * RX codes (negative) -> "____", errno values (table 0) -> "".
 */
export function comErrTableName(code: number): string {
  const num = (code >> 8) & 0o77777777;
  let name = '';
  for (let i = 4; i >= 0; i--) {
    const ch = (num >> (6 * i)) & 0x3f;
    if (ch !== 0) name += CHARSET[ch - 1];
  }
  return name.toLowerCase();
}

/** The com_err base of a table name (Appendix B): the error table's first code. */
export function comErrBase(table: string): number {
  let num = 0;
  for (const ch of table.slice(0, 4)) num = num * 64 + CHARSET.indexOf(ch) + 1;
  return num * 256;
}

/** The volume package codes butc prints under "vols" with a fixed text (`src/util/errors.h`). */
const VOLUME_TEXTS = new Map<number, string>([
  [101, 'Volume needs to be salvaged'],
  [102, 'Bad vnode number quoted'],
  [103, 'Volume not attached, does not exist, or not on line'],
  [104, 'Volume already exists'],
  [105, 'Volume is not in service'],
  [106, 'Volume is off line'],
  [107, 'Volume is already on line'],
  [108, 'Partition is full'],
  [109, 'Volume max quota exceeded'],
  [110, 'Volume temporarily unavailable'],
  [111, 'Volume has moved to another server'],
]);

/** An error code with the text `afs_error_message()` gives for it (the owner of the table knows it). */
export interface ErrorText {
  code: number;
  text: string;
}

/**
 * The line PrintLogStr adds after a message when error1 is set: 5 spaces, then
 * `Possible communication failure` (code -1), `vols: <fixed text>` (VSALVAGE..VMOVED) or
 * `<table>: <text>`; error2 appends `: <text>`.
 */
export function errorLine(error1: ErrorText, error2?: ErrorText): string {
  let s: string;
  if (error1.code === -1) s = '     Possible communication failure';
  else {
    const fixed = VOLUME_TEXTS.get(error1.code);
    s = fixed ? `     vols: ${fixed}` : `     ${comErrTableName(error1.code)}: ${error1.text}`;
  }
  if (error2 && error2.code !== 0) s += `: ${error2.text}`;
  return `${s}\n`;
}
