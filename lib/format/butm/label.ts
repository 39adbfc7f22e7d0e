/**
 * The tape label record: `struct tapeLabel` = magic + `struct butm_tapeLabel` (BUTC-SPEC §2.2).
 * 924 meaningful bytes; butc writes the rest of the 16 KiB record as zeros.
 */
import {
  BU_MAX_DUMP_PATH,
  BU_MAXCELLLEN,
  BU_MAXTAPELEN,
  BUTM_BLOCKSIZE,
  CUR_TAPE_VERSION,
  DUMP_TAPE_NAME,
  LABEL_COMMENT,
  LABEL_COMMENT_LEN,
  LABEL_CREATOR_NAME,
  MAXKTCNAMELEN,
  TAPE_MAGIC,
  TAPE_VERSION_0,
  TAPE_VERSION_4,
  TC_NULLTAPENAME,
} from './constants.js';
import { ButmError, type ButmErrorWhere } from './errors.js';
import { readCString, writeCString } from './strings.js';

/** `struct ktc_principal`: who wrote the label. */
export interface LabelCreator {
  name: string;
  instance: string;
  cell: string;
}

/** Every field of `butm_tapeLabel` (BUTC-SPEC §2.2), in host terms. */
export interface ButmLabel {
  /** 0..4; butc 1.8.9 writes 4 (`TAPE_VERSION_4`). */
  structVersion: number;
  /** Unix time the label was written. */
  creationTime: number;
  /** Unix time the tape may be relabelled; 0 = none, 0xFFFFFFFF = `-archive`. */
  expirationDate: number;
  /** The AFS tape name (`vs2.full.1`, `Ubik_db_dump.1`, ''); at most 31 bytes. */
  afsName: string;
  creator: LabelCreator;
  cell: string;
  /** The tape ID: the initial dump's ID (first label) or the appended dump's own ID. */
  dumpId: number;
  useCount: number;
  /**
   * `spare[8]`: 32 raw bytes. butc never converts these words to network order and writes
   * them as zero (BUTC-SPEC §2.2), so they are kept as bytes.
   */
  spare: Buffer;
  comment: string;
  /** The permanent name (`backup labeltape -pname`); '' if none. */
  pName: string;
  /** Capacity in KB. Version-0 labels stored bytes; decoding converts them to KB. */
  sizeKB: number;
  /** The dump-level path (`/full`, `/full/incr`); '' for labeltape and savedb. */
  dumpPath: string;
}

/** Byte offsets inside the label record (BUTC-SPEC §2.2 table). */
export const LABEL_LAYOUT = {
  magic: 0,
  structVersion: 4,
  creationTime: 8,
  expirationDate: 12,
  afsName: 16,
  creatorName: 48,
  creatorInstance: 112,
  creatorCell: 176,
  cell: 240,
  dumpId: 496,
  useCount: 500,
  spare: 504,
  comment: 536,
  pName: 632,
  size: 664,
  dumpPath: 668,
  end: 924,
} as const;

const SPARE_BYTES = 32;

/**
 * A label as butc's `GetNewLabel` builds one (src/butc/lwps.c): version 4, creator `AFS 3.6`,
 * comment `AFS Backup Software`, creator cell = cell, everything else zero unless given.
 */
export function newLabel(fields: Partial<Omit<ButmLabel, 'creator'>> & { creator?: Partial<LabelCreator> } = {}): ButmLabel {
  const cell = fields.cell ?? '';
  return {
    structVersion: fields.structVersion ?? CUR_TAPE_VERSION,
    creationTime: fields.creationTime ?? Math.floor(Date.now() / 1000),
    expirationDate: fields.expirationDate ?? 0,
    afsName: fields.afsName ?? '',
    creator: {
      name: fields.creator?.name ?? LABEL_CREATOR_NAME,
      instance: fields.creator?.instance ?? '',
      cell: fields.creator?.cell ?? cell,
    },
    cell,
    dumpId: fields.dumpId ?? 0,
    useCount: fields.useCount ?? 0,
    spare: fields.spare ?? Buffer.alloc(SPARE_BYTES),
    comment: fields.comment ?? LABEL_COMMENT,
    pName: fields.pName ?? '',
    sizeKB: fields.sizeKB ?? 0,
    dumpPath: fields.dumpPath ?? '',
  };
}

/**
 * The 16384-byte label record butc writes. Version 4 is always written (file_WriteLabel refuses
 * any other); a creationTime of 0 is replaced by now, as file_WriteLabel does.
 */
export function encodeLabel(label: ButmLabel): Buffer {
  const b = Buffer.alloc(BUTM_BLOCKSIZE);
  const L = LABEL_LAYOUT;
  if (label.structVersion !== CUR_TAPE_VERSION) {
    throw new ButmError('BUTM_OLDINTERFACE', `label version ${label.structVersion} cannot be written; only ${CUR_TAPE_VERSION}`, { field: 'structVersion', offset: L.structVersion });
  }
  b.writeUInt32BE(TAPE_MAGIC, L.magic);
  b.writeUInt32BE(CUR_TAPE_VERSION, L.structVersion);
  b.writeUInt32BE(u32(label.creationTime || Math.floor(Date.now() / 1000), 'creationTime'), L.creationTime);
  b.writeUInt32BE(u32(label.expirationDate, 'expirationDate'), L.expirationDate);
  writeCString(b, L.afsName, BU_MAXTAPELEN, label.afsName, 'AFSName');
  writeCString(b, L.creatorName, MAXKTCNAMELEN, label.creator.name, 'creator.name');
  writeCString(b, L.creatorInstance, MAXKTCNAMELEN, label.creator.instance, 'creator.instance');
  writeCString(b, L.creatorCell, MAXKTCNAMELEN, label.creator.cell, 'creator.cell');
  writeCString(b, L.cell, BU_MAXCELLLEN, label.cell, 'cell');
  b.writeUInt32BE(u32(label.dumpId, 'dumpid'), L.dumpId);
  b.writeInt32BE(i32(label.useCount, 'useCount'), L.useCount);
  if (label.spare.length !== SPARE_BYTES) {
    throw new ButmError('BUTM_BADARGUMENT', `spare must be ${SPARE_BYTES} bytes, not ${label.spare.length}`, { field: 'spare', offset: L.spare });
  }
  label.spare.copy(b, L.spare);
  writeCString(b, L.comment, LABEL_COMMENT_LEN, label.comment, 'comment');
  writeCString(b, L.pName, BU_MAXTAPELEN, label.pName, 'pName');
  b.writeUInt32BE(u32(label.sizeKB, 'size'), L.size);
  writeCString(b, L.dumpPath, BU_MAX_DUMP_PATH, label.dumpPath, 'dumpPath');
  return b;
}

/**
 * Decodes a label record (versions 0..4). The magic must be `TAPE_MAGIC`; `where` names the
 * medium and record in errors.
 */
export function decodeLabel(record: Buffer, where: ButmErrorWhere = {}): ButmLabel {
  const L = LABEL_LAYOUT;
  if (record.length < L.end) {
    throw new ButmError('BUTM_NOLABEL', `label record is ${record.length} bytes, needs ${L.end}`, { ...where, offset: record.length });
  }
  const magic = record.readUInt32BE(L.magic);
  if (magic !== TAPE_MAGIC) {
    throw new ButmError('BUTM_NOLABEL', `magic 0x${magic.toString(16).padStart(8, '0')} is not a label's (0x4190ab09)`, { ...where, field: 'magic', offset: L.magic });
  }
  const structVersion = record.readInt32BE(L.structVersion);
  if (structVersion < TAPE_VERSION_0 || structVersion > TAPE_VERSION_4) {
    throw new ButmError('BUTM_OLDINTERFACE', `label version ${structVersion} is not 0..4`, { ...where, field: 'structVersion', offset: L.structVersion });
  }
  const size = record.readUInt32BE(L.size);
  return {
    structVersion,
    creationTime: record.readUInt32BE(L.creationTime),
    expirationDate: record.readUInt32BE(L.expirationDate),
    afsName: readCString(record, L.afsName, BU_MAXTAPELEN),
    creator: {
      name: readCString(record, L.creatorName, MAXKTCNAMELEN),
      instance: readCString(record, L.creatorInstance, MAXKTCNAMELEN),
      cell: readCString(record, L.creatorCell, MAXKTCNAMELEN),
    },
    cell: readCString(record, L.cell, BU_MAXCELLLEN),
    dumpId: record.readUInt32BE(L.dumpId),
    useCount: record.readInt32BE(L.useCount),
    spare: Buffer.from(record.subarray(L.spare, L.spare + SPARE_BYTES)),
    comment: readCString(record, L.comment, LABEL_COMMENT_LEN),
    pName: readCString(record, L.pName, BU_MAXTAPELEN),
    // version 0 counted bytes, later versions KB (BUTC-SPEC §2.2)
    sizeKB: structVersion === TAPE_VERSION_0 ? Math.floor(size / 1024) : size,
    dumpPath: readCString(record, L.dumpPath, BU_MAX_DUMP_PATH),
  };
}

/** `TNAME`: pName if set, else AFSName, else `<NULL>` (src/bubasics/butm.p.h). */
export function tapeName(label: Pick<ButmLabel, 'pName' | 'afsName'>): string {
  if (label.pName !== '') return label.pName;
  if (label.afsName !== '') return label.afsName;
  return TC_NULLTAPENAME;
}

/** `TAPENAME`: `<NULL>` for '', the name alone for dump id 0, else `name (dumpid)`. */
export function formatTapeName(name: string, dumpId: number): string {
  if (name === '') return TC_NULLTAPENAME;
  return dumpId === 0 ? name : `${name} (${dumpId >>> 0})`;
}

/** `LABELNAME`: the label's TNAME with its dump id, as butc's messages show it. */
export function labelName(label: Pick<ButmLabel, 'pName' | 'afsName' | 'dumpId'>): string {
  return formatTapeName(tapeName(label), label.dumpId);
}

/**
 * butc's `databaseTape()` (src/butc/recoverDb.c): the name has a dot and the part before the last
 * dot is compared with `Ubik_db_dump` over that part's length only, so any prefix of it (even
 * '') counts, as in butc.
 */
export function isDatabaseTapeName(afsName: string): boolean {
  const dot = afsName.lastIndexOf('.');
  return dot >= 0 && DUMP_TAPE_NAME.startsWith(afsName.slice(0, dot));
}

function u32(v: number, field: string): number {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) {
    throw new ButmError('BUTM_BADARGUMENT', `${v} does not fit an unsigned 32-bit field`, { field });
  }
  return v;
}

function i32(v: number, field: string): number {
  if (!Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff) {
    throw new ButmError('BUTM_BADARGUMENT', `${v} does not fit a signed 32-bit field`, { field });
  }
  return v;
}
