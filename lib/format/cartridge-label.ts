/**
 * afbackup's cartridge label (its "INFO HEADER"), so that tapes labelled by afbackup's label_tape
 * or cart_ctl -t are read by tapecoord and tapes labelled here are read by afserver.
 *
 * Where the format comes from (afbackup 3.5.8.12, read, not copied): budefs.h.in defines the
 * strings (INFOHEADER, CARTNOTEXT, CART2NOTEXT, DATETEXT, BLOCKSIZETEXT, VERSIONTEXT,
 * COMMENTTEXT, COPYFROMTEXT, CDATETEXT) and INFOBLOCKSIZE 500; label_tape.c and server.c
 * (write_infobuffer) format the label with one sprintf and write it in one write(2); server.c
 * (read_infobuffer) finds the fields with strstr and reads numbers with sscanf "%d".
 *
 * On the medium (docs/CART.md, "Tape label"):
 *
 *   block 0 of file 0: the label text, ASCII, NUL-padded to the label length
 *   filemark           (st writes it when the device is closed after writing; here MTWEOF)
 *   file 1 onwards:    data
 *
 * The label text, each field on its own line with blank lines between:
 *
 *   "\n" "AF's backup system\n\nINFO HEADER" "\n\n"
 *   "Cartridge number:\t" N "\n\n"
 *   "2nd cartridge number:\t" N2 "\n\n"
 *   "Labeling time:\t\t" ctime(3) without its newline "\n\n"
 *   "Tape Blocksize:\t\t" B "\n\n"
 *   "Program version:\t" VERSION "\n\n"
 *   "Comment:\t\t" COMMENT "\n"
 *
 * The label length is the smallest multiple of the tape block size B above 500 bytes
 * (label_tape.c: `(INFOBLOCKSIZE / tapeblocksize + 1) * tapeblocksize`): 512 for B = 512, one
 * block of B for any B above 500.
 */
import { isDeviceError } from '../native/errors.js';
import { ctime } from '../util/ctime.js';
import { LARGEST_BLOCK, type Medium } from '../drive/medium.js';

/** afbackup's INFOHEADER: a block containing it is a label. */
export const INFO_HEADER = "AF's backup system\n\nINFO HEADER";
/** The field names, with the tabs afbackup aligns them with (budefs.h.in). */
export const LABEL_FIELDS = {
  cartridge: 'Cartridge number:\t',
  secondCartridge: '2nd cartridge number:\t',
  copyFrom: 'Copy from:\t\t',
  labelled: 'Labeling time:\t\t',
  blockSize: 'Tape Blocksize:\t\t',
  duplicated: 'Duplicating time:\t',
  version: 'Program version:\t',
  comment: 'Comment:\t\t',
} as const;
/** afbackup's INFOBLOCKSIZE: the label text always fits in this many bytes. */
export const INFO_BLOCK_SIZE = 500;
/** afbackup's DEFAULT_TAPEBLOCKSIZE, used when neither -b nor the catalog gives one. */
export const DEFAULT_LABEL_BLOCK_SIZE = 512;
/** label_tape truncates longer comments (label_tape.c: "Comment longer than 256 characters"). */
export const MAX_COMMENT_LENGTH = 256;
/** label_tape's comment when none is given. */
export const DEFAULT_LABEL_COMMENT = '<labeled manually>';
/** What the "Program version" line carries for labels written here (afbackup writes "3.5.8"). */
export const LABEL_PROGRAM_VERSION = 'tapecoord';

/** A label as read from a medium. */
export interface CartridgeLabel {
  /** "Cartridge number": the cartridge this medium is. */
  cartridge: number;
  /** "2nd cartridge number": the original's number on a copy (copy_tape), else the same. */
  secondCartridge: number;
  /** "Labeling time" as written (ctime format, the writer's local time), or null. */
  labelled: string | null;
  /** "Tape Blocksize": the block size the data on the medium is written with, or null. */
  blockSize: number | null;
  /** "Program version", or null. */
  version: string | null;
  /** "Comment", or null when the line is missing. */
  comment: string | null;
  /** "Copy from" (server%port) and "Duplicating time", on copies made by copy_tape. */
  copyFrom: string | null;
  duplicated: string | null;
}

export interface NewLabel {
  cartridge: number;
  /** Default: the cartridge number, as label_tape writes it. */
  secondCartridge?: number;
  blockSize: number;
  /** Default DEFAULT_LABEL_COMMENT. At most MAX_COMMENT_LENGTH characters, one line. */
  comment?: string;
  /** Labelling time; default now. */
  time?: Date;
}

/** A block that carries the INFO HEADER but not the fields afbackup needs, or a label that cannot be written. */
export class CartridgeLabelError extends Error {
  override name = 'CartridgeLabelError';
  /** The device the label was read from or written to, when known. */
  readonly device: string | null;
  /** The field at fault, in afbackup's words ('Cartridge number'). */
  readonly field: string;

  constructor(field: string, message: string, device: string | null = null) {
    super(device ? `${device}: ${message}` : message);
    this.field = field;
    this.device = device;
  }
}

/** The label's length for a tape block size (label_tape.c's formula, see the file comment). */
export function labelLength(blockSize: number): number {
  if (!Number.isSafeInteger(blockSize) || blockSize < 1) throw new CartridgeLabelError('Tape Blocksize', `tape block size ${blockSize}: expected a positive integer`);
  return (Math.floor(INFO_BLOCK_SIZE / blockSize) + 1) * blockSize;
}

function cartridgeNumber(n: number, field: string): number {
  if (!Number.isSafeInteger(n) || n < 1 || n > 0x7fffffff) throw new CartridgeLabelError(field, `${field} ${n}: expected 1 to ${0x7fffffff} (afbackup reads it as an int)`);
  return n;
}

/** The label block: the text afbackup writes, NUL-padded to labelLength(blockSize). */
export function encodeLabel(l: NewLabel): Buffer {
  const cartridge = cartridgeNumber(l.cartridge, 'Cartridge number');
  const second = cartridgeNumber(l.secondCartridge ?? l.cartridge, '2nd cartridge number');
  const comment = l.comment ?? DEFAULT_LABEL_COMMENT;
  if (comment.length > MAX_COMMENT_LENGTH) throw new CartridgeLabelError('Comment', `comment of ${comment.length} characters: afbackup keeps at most ${MAX_COMMENT_LENGTH}`);
  if (/[\0\n\r]/.test(comment) || /[^\x20-\x7e\t]/.test(comment)) throw new CartridgeLabelError('Comment', 'the comment must be one line of printable ASCII');
  const f = LABEL_FIELDS;
  const text =
    `\n${INFO_HEADER}\n\n${f.cartridge}${cartridge}\n\n${f.secondCartridge}${second}\n\n` +
    `${f.labelled}${ctime(Math.floor((l.time ?? new Date()).getTime() / 1000))}\n\n${f.blockSize}${l.blockSize}\n\n` +
    `${f.version}${LABEL_PROGRAM_VERSION}\n\n${f.comment}${comment}\n`;
  if (text.length >= INFO_BLOCK_SIZE) throw new CartridgeLabelError('Comment', `the label text is ${text.length} bytes; afbackup reads at most ${INFO_BLOCK_SIZE - 1}`);
  const block = Buffer.alloc(labelLength(l.blockSize));
  block.write(text, 'latin1');
  return block;
}

/** sscanf("%d") after a field name: optional blanks, optional sign, digits. */
function numberAfter(text: string, field: string): number | null {
  const at = text.indexOf(field);
  if (at < 0) return null;
  const m = /^[ \t\n\r\v\f]*([+-]?\d+)/.exec(text.slice(at + field.length));
  return m ? Number(m[1]) : null;
}

function lineAfter(text: string, field: string): string | null {
  const at = text.indexOf(field);
  if (at < 0) return null;
  const rest = text.slice(at + field.length);
  const end = rest.indexOf('\n');
  return end < 0 ? rest : rest.slice(0, end);
}

/**
 * The label in a block read from the start of a medium, or null when the block is not an
 * afbackup label (no INFO HEADER). A header without a cartridge number is a CartridgeLabelError.
 * As afserver, the text ends at the first NUL.
 */
export function decodeLabel(block: Buffer, device: string | null = null): CartridgeLabel | null {
  const nul = block.indexOf(0);
  const text = block.subarray(0, nul < 0 ? block.length : nul).toString('latin1');
  if (!text.includes(INFO_HEADER)) return null;
  const f = LABEL_FIELDS;
  const cartridge = numberAfter(text, f.cartridge);
  if (cartridge === null || cartridge < 1) {
    throw new CartridgeLabelError('Cartridge number', `an afbackup label without a valid '${f.cartridge.trim()}' line`, device);
  }
  const second = numberAfter(text, f.secondCartridge);
  const blockSize = numberAfter(text, f.blockSize);
  // afserver takes the comment to the end of the text and strips the newline (chop).
  const at = text.indexOf(f.comment);
  const comment = at < 0 ? null : text.slice(at + f.comment.length).replace(/\n+$/, '');
  return {
    cartridge,
    secondCartridge: second !== null && second > 0 ? second : cartridge,
    labelled: lineAfter(text, f.labelled),
    blockSize: blockSize !== null && blockSize > 0 ? blockSize : null,
    version: lineAfter(text, f.version),
    comment,
    copyFrom: lineAfter(text, f.copyFrom),
    duplicated: lineAfter(text, f.duplicated),
  };
}

/** Writes a label at the start of the medium: rewind, the label block, a filemark. Returns the bytes written. */
export async function writeLabel(medium: Medium, label: NewLabel): Promise<number> {
  const block = encodeLabel(label);
  await medium.rewind();
  await medium.write(block);
  await medium.writeFilemarks(1);
  return block.length;
}

/** What is at the start of a medium: a label, a blank medium, or something that is not an afbackup label. */
export type LabelRead = { kind: 'label'; label: CartridgeLabel } | { kind: 'blank' } | { kind: 'foreign'; bytes: number };

const FIRST_READ = 1 << 20;

/**
 * Reads the first block after rewinding. A block longer than the first read is read again with
 * the largest size a block can have (st consumes a block it could not return: ENOMEM).
 */
export async function readLabel(medium: Medium): Promise<LabelRead> {
  const first = async (length: number) => {
    await medium.rewind();
    return medium.read(length);
  };
  let r;
  try {
    try {
      r = await first(FIRST_READ);
    } catch (e) {
      if (!isDeviceError(e, 'ENOMEM')) throw e;
      r = await first(LARGEST_BLOCK);
    }
  } catch (e) {
    if (isDeviceError(e, 'EIO')) return { kind: 'blank' }; // end of data at the beginning: nothing written
    throw e;
  }
  // A plain file reads as empty at its end; on a tape a filemark first is an empty file 0, not a label.
  if (r.kind === 'filemark') return medium.kind === 'file' ? { kind: 'blank' } : { kind: 'foreign', bytes: 0 };
  const label = decodeLabel(r.data, medium.path);
  return label ? { kind: 'label', label } : { kind: 'foreign', bytes: r.data.length };
}
