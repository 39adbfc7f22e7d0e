/**
 * The volume header and trailer, `struct volumeHeader` (src/bubasics/tcdata.p.h), BUTC-SPEC §2.5:
 * 208 bytes as Linux butc writes it (with `pad[2]` after volumeName), or 206 bytes "packed"
 * (no pad) as byte-aligned platforms wrote it. Numbers are big-endian (`volumeHeader_hton`).
 */
import {
  CUR_TAPE_VERSION,
  TAPE_VERSION_0,
  TAPE_VERSION_4,
  TC_MAXNAMELEN,
  TC_MAXVOLNAME,
  TC_VOLBEGINMAGIC,
  TC_VOLCONTD,
  TC_VOLENDMAGIC,
  VOLUME_HEADER_SIZE,
} from './constants.js';
import { ButmError, type ButmErrorWhere } from './errors.js';
import { readCString, writeCString } from './strings.js';

export interface VolumeHeader {
  /** `H++NAME#` in headers and trailers alike. */
  preamble: string;
  /** `T--NAME#` in headers and trailers alike. */
  postamble: string;
  volumeName: string;
  volumeId: number;
  /** The fileserver's IPv4 address as a host-order number (a.b.c.d = a<<24 | ...). */
  server: number;
  /** Partition index, 0 = /vicepa. */
  part: number;
  /** The incremental "from" date; 0 = full. */
  from: number;
  /** Fragment number from 1. */
  frag: number;
  /** TC_VOLBEGINMAGIC (header) or TC_VOLENDMAGIC (trailer). */
  magic: number;
  /** Header: 0 for frag 1, 0xFFFFFFFF later. Trailer: 0xFFFFFFFF when the volume continues on the next tape. */
  contd: number;
  dumpSetName: string;
  dumpId: number;
  level: number;
  parentId: number;
  /** Trailer of a volume's last fragment: the time at end of data; else 0. */
  endTime: number;
  /** The tape version, 0..4; butc writes 4. */
  versionflags: number;
  cloneDate: number;
  spares: [number, number];
}

/** Which byte layout a header was read in. */
export type VolumeHeaderLayout = 'aligned' | 'packed';

/** Offsets in the 208-byte layout (BUTC-SPEC §2.5); the packed layout has every field from volumeID on 2 bytes earlier. */
export const VOLUME_HEADER_LAYOUT = {
  preamble: 0,
  postamble: 9,
  volumeName: 18,
  pad: 82,
  volumeId: 84,
  server: 88,
  part: 92,
  from: 96,
  frag: 100,
  magic: 104,
  contd: 108,
  dumpSetName: 112,
  dumpId: 176,
  level: 180,
  parentId: 184,
  endTime: 188,
  versionflags: 192,
  cloneDate: 196,
  spares: 200,
} as const;

const PREAMBLE = 'H++NAME#';
const POSTAMBLE = 'T--NAME#';
/** The pad sits here; the packed layout leaves it out. */
const PAD_AT = VOLUME_HEADER_LAYOUT.pad;
const PAD_LEN = 2;

/** What a volume dump contributes to every header and trailer of its fragments (`makeVolumeHeader`). */
export interface VolumeHeaderFields {
  volumeName: string;
  volumeId: number;
  server: number;
  part: number;
  /** Incremental from-date; 0 for a full dump. */
  from: number;
  cloneDate: number;
  dumpSetName: string;
  dumpId: number;
  level: number;
  parentId: number;
}

/**
 * The header of fragment `frag` as butc's makeVolumeHeader builds it: begin magic, version 4,
 * `contd` 0 for fragment 1 and 0xFFFFFFFF after (src/butc/dump.c, BUTC-SPEC §2.5).
 */
export function makeVolumeHeader(fields: VolumeHeaderFields, frag: number): VolumeHeader {
  return {
    preamble: PREAMBLE,
    postamble: POSTAMBLE,
    ...fields,
    frag,
    magic: TC_VOLBEGINMAGIC,
    contd: frag === 1 ? 0 : TC_VOLCONTD,
    endTime: 0,
    versionflags: CUR_TAPE_VERSION,
    spares: [0, 0],
  };
}

/**
 * The trailer of fragment `frag`: end magic; `contd` 0xFFFFFFFF and endTime 0 when the volume
 * continues on the next tape, else contd 0 and endTime = `endTime` (the time data ended).
 */
export function makeVolumeTrailer(fields: VolumeHeaderFields, frag: number, end: { continues: true } | { continues: false; endTime: number }): VolumeHeader {
  return {
    ...makeVolumeHeader(fields, frag),
    magic: TC_VOLENDMAGIC,
    contd: end.continues ? TC_VOLCONTD : 0,
    endTime: end.continues ? 0 : end.endTime,
  };
}

/** The 208 bytes `volumeHeader_hton` produces: strings NUL-padded, pad and spares as given (zero). */
export function encodeVolumeHeader(h: VolumeHeader): Buffer {
  const b = Buffer.alloc(VOLUME_HEADER_SIZE);
  const L = VOLUME_HEADER_LAYOUT;
  writeCString(b, L.preamble, 9, h.preamble, 'preamble');
  writeCString(b, L.postamble, 9, h.postamble, 'postamble');
  writeCString(b, L.volumeName, TC_MAXVOLNAME, h.volumeName, 'volumeName');
  b.writeUInt32BE(w32(h.volumeId, 'volumeID'), L.volumeId);
  b.writeUInt32BE(w32(h.server, 'server'), L.server);
  b.writeUInt32BE(w32(h.part, 'part'), L.part);
  b.writeUInt32BE(w32(h.from, 'from'), L.from);
  b.writeUInt32BE(w32(h.frag, 'frag'), L.frag);
  b.writeUInt32BE(w32(h.magic, 'magic'), L.magic);
  b.writeUInt32BE(w32(h.contd, 'contd'), L.contd);
  writeCString(b, L.dumpSetName, TC_MAXNAMELEN, h.dumpSetName, 'dumpSetName');
  b.writeUInt32BE(w32(h.dumpId, 'dumpID'), L.dumpId);
  b.writeUInt32BE(w32(h.level, 'level'), L.level);
  b.writeUInt32BE(w32(h.parentId, 'parentID'), L.parentId);
  b.writeUInt32BE(w32(h.endTime, 'endTime'), L.endTime);
  b.writeUInt32BE(w32(h.versionflags, 'versionflags'), L.versionflags);
  b.writeUInt32BE(w32(h.cloneDate, 'cloneDate'), L.cloneDate);
  b.writeUInt32BE(w32(h.spares[0], 'spares[0]'), L.spares);
  b.writeUInt32BE(w32(h.spares[1], 'spares[1]'), L.spares + 4);
  return b;
}

export interface FoundVolumeHeader {
  header: VolumeHeader;
  layout: VolumeHeaderLayout;
}

/**
 * butc's readVolumeHeader (src/butc/lwps.c): at `offset`, the first 8 bytes of preamble and
 * postamble must be `H++NAME#` and `T--NAME#`; then the 208-byte layout is tried, then the
 * packed one, each accepted by HEADER_CHECKS (versionflags 0..4, magic begin/end/0xFFFFFFFF).
 * Bytes past the end of `buffer` read as zero, as in the zeroed window butc searches. Returns
 * null when neither layout passes (TC_BADVOLHEADER in butc).
 */
export function readVolumeHeader(buffer: Buffer, offset = 0): FoundVolumeHeader | null {
  const at = Buffer.alloc(VOLUME_HEADER_SIZE);
  buffer.copy(at, 0, offset, Math.min(buffer.length, offset + VOLUME_HEADER_SIZE));
  if (at.toString('latin1', 0, 8) !== PREAMBLE || at.toString('latin1', 9, 17) !== POSTAMBLE) return null;
  if (headerChecks(at)) return { header: decodeFields(at), layout: 'aligned' };
  // packed: the bytes from volumeID on start where the pad would be
  const spliced = Buffer.alloc(VOLUME_HEADER_SIZE);
  at.copy(spliced, 0, 0, PAD_AT);
  at.copy(spliced, PAD_AT + PAD_LEN, PAD_AT, VOLUME_HEADER_SIZE - PAD_LEN);
  if (headerChecks(spliced)) return { header: decodeFields(spliced), layout: 'packed' };
  // butc's third case (4-aligned on tape, packed in core) copies into the wrong buffer and can
  // only fail on Linux; it is not reproduced.
  return null;
}

/** Decodes a header that must be there (a header record), as a typed error otherwise. */
export function decodeVolumeHeader(buffer: Buffer, where: ButmErrorWhere = {}): FoundVolumeHeader {
  const found = readVolumeHeader(buffer, 0);
  if (!found) throw new ButmError('TC_BADVOLHEADER', 'no volume header (preamble, postamble, versionflags or magic wrong)', { ...where, offset: 0 });
  return found;
}

/** HEADER_CHECKS on a 208-byte image: versionflags 0..4 and a begin, end or continued magic. */
function headerChecks(h: Buffer): boolean {
  const v = h.readInt32BE(VOLUME_HEADER_LAYOUT.versionflags);
  if (v < TAPE_VERSION_0 || v > TAPE_VERSION_4) return false;
  const magic = h.readUInt32BE(VOLUME_HEADER_LAYOUT.magic);
  return magic === TC_VOLBEGINMAGIC || magic === TC_VOLENDMAGIC || magic === TC_VOLCONTD;
}

function decodeFields(h: Buffer): VolumeHeader {
  const L = VOLUME_HEADER_LAYOUT;
  return {
    preamble: readCString(h, L.preamble, 9),
    postamble: readCString(h, L.postamble, 9),
    volumeName: readCString(h, L.volumeName, TC_MAXVOLNAME),
    volumeId: h.readUInt32BE(L.volumeId),
    server: h.readUInt32BE(L.server),
    part: h.readInt32BE(L.part),
    from: h.readUInt32BE(L.from),
    frag: h.readInt32BE(L.frag),
    magic: h.readUInt32BE(L.magic),
    contd: h.readUInt32BE(L.contd),
    dumpSetName: readCString(h, L.dumpSetName, TC_MAXNAMELEN),
    dumpId: h.readUInt32BE(L.dumpId),
    level: h.readInt32BE(L.level),
    parentId: h.readUInt32BE(L.parentId),
    endTime: h.readUInt32BE(L.endTime),
    versionflags: h.readInt32BE(L.versionflags),
    cloneDate: h.readUInt32BE(L.cloneDate),
    spares: [h.readUInt32BE(L.spares), h.readUInt32BE(L.spares + 4)],
  };
}

/** A 32-bit field given signed or unsigned; written as its unsigned bit pattern. */
function w32(v: number, field: string): number {
  if (!Number.isInteger(v) || v < -0x80000000 || v > 0xffffffff) {
    throw new ButmError('BUTM_BADARGUMENT', `${v} does not fit a 32-bit field`, { field });
  }
  return v >>> 0;
}
