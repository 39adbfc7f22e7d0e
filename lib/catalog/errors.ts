/** The catalog's errors: one for the database and its rules, one for afbackup state files. */

export type CatalogErrorCode =
  /** The file was written by a newer tapecoord: its schema version is above the ones known here. */
  | 'schema-too-new'
  /** A fragment out of order: not the next one of its volume, or after the volume's last. */
  | 'fragment-order'
  /** No such dump, cartridge or other row where one was needed. */
  | 'not-found'
  /** A value the catalog cannot hold or afbackup's formats cannot write. */
  | 'invalid';

export class CatalogError extends Error {
  override name = 'CatalogError';
  readonly code: CatalogErrorCode;

  constructor(code: CatalogErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/**
 * A line of an afserver state file that does not parse. The message reads
 * `cartridge_order line 3, next cartridge: 'x' is not a number`, so the line can be found and fixed
 * by hand.
 */
export class AfbackupFormatError extends Error {
  override name = 'AfbackupFormatError';
  /** The file as named in the var directory (`bytes_on_tape`), or its path when read from disk. */
  readonly file: string;
  /** Line number from 1. */
  readonly line: number;
  /** The field that is wrong, in the seed's words ('cartridge number', 'tape-full-flag'). */
  readonly field: string;

  constructor(file: string, line: number, field: string, detail: string) {
    super(`${file} line ${line}, ${field}: ${detail}`);
    this.file = file;
    this.line = line;
    this.field = field;
  }
}
