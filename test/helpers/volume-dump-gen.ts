/**
 * Deterministic AFS volume dump streams in the tag layout of BUTC-SPEC §4.8, for tests of the
 * walker. Directory and file contents are pseudo-random bytes (the walker does not look inside
 * them); the ACLs have a valid header. `piece` builds the sections one by one for hand-made streams.
 */
import type { VolumeDumpSummary, VolumeDiskData } from '../../lib/format/volume-dump/summary.js';
import { pseudoRandom, rng } from './tmp.js';

export function be16(v: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(v & 0xffff);
  return b;
}

export function be32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v >>> 0);
  return b;
}

const t = (c: string): Buffer => Buffer.from(c, 'latin1');
const int32 = (c: string, v: number): Buffer => Buffer.concat([t(c), be32(v)]);
const short = (c: string, v: number): Buffer => Buffer.concat([t(c), be16(v)]);
const byte = (c: string, v: number): Buffer => Buffer.from([c.charCodeAt(0), v]);
const str = (c: string, s: string): Buffer => Buffer.concat([t(c), Buffer.from(s, 'latin1'), Buffer.from([0])]);

/** A directory ACL: size, version 1, total, positive, negative, then {id, rights} (BUTC-SPEC §4.8 example), 192 bytes. */
export function aclBlob(entries: Array<[id: number, rights: number]> = [[-204, 0x7f], [-101, 0x09]]): Buffer {
  const b = Buffer.alloc(192);
  b.writeInt32BE(20 + 8 * entries.length, 0);
  b.writeInt32BE(1, 4);
  b.writeInt32BE(entries.length, 8);
  b.writeInt32BE(entries.length, 12);
  b.writeInt32BE(0, 16);
  entries.forEach(([id, rights], i) => {
    b.writeInt32BE(id, 20 + 8 * i);
    b.writeInt32BE(rights, 24 + 8 * i);
  });
  return b;
}

export interface VnodePiece {
  number: number;
  uniq: number;
  type: 1 | 2 | 3;
  linkCount?: number;
  dataVersion?: number;
  modifyTime: number;
  author?: number;
  owner?: number;
  group?: number;
  modeBits?: number;
  parent: number;
  /** 192 bytes; directories get a valid one when absent. */
  acl?: Buffer;
  data?: Buffer;
  /** Write the data length with 'h' hi lo instead of 'f'. */
  large?: boolean;
  /** Raw bytes appended after the attributes (unknown tags, ...). */
  extra?: Buffer;
}

/** The sections of §4.8, each as bytes. */
export const piece = {
  dumpHeader(volumeId: number, name: string, times: Array<[from: number, to: number]>, extra: Buffer = Buffer.alloc(0)): Buffer {
    return Buffer.concat([
      Buffer.from([0x01]),
      be32(0xb3a11322),
      be32(1),
      int32('v', volumeId),
      str('n', name),
      Buffer.concat([t('t'), be16(times.length * 2), ...times.flat().map(be32)]),
      extra,
    ]);
  },

  /** D_VOLUMEHEADER with every tag of §4.8 ('V' only when volUpdateCounter is set). */
  volumeHeader(h: Required<Omit<VolumeDiskData, 'volUpdateCounter'>> & { volUpdateCounter?: number }, extra: Buffer = Buffer.alloc(0)): Buffer {
    return Buffer.concat([
      Buffer.from([0x02]),
      int32('i', h.id),
      int32('v', h.stampVersion),
      str('n', h.name),
      byte('s', h.inService ? 1 : 0),
      byte('b', h.blessed ? 1 : 0),
      int32('u', h.uniquifier),
      byte('t', h.type),
      int32('p', h.parentId),
      int32('c', h.cloneId),
      int32('q', h.maxQuota),
      int32('m', h.minQuota),
      int32('d', h.diskUsed),
      int32('f', h.fileCount),
      int32('a', h.accountNumber),
      int32('o', h.owner),
      int32('C', h.creationDate),
      int32('A', h.accessDate),
      int32('U', h.updateDate),
      int32('E', h.expirationDate),
      int32('B', h.backupDate),
      str('O', h.offlineMessage),
      str('M', h.motd),
      Buffer.concat([t('W'), be16(h.weekUse.length), ...h.weekUse.map(be32)]),
      int32('D', h.dayUseDate),
      int32('Z', h.dayUse),
      h.volUpdateCounter === undefined ? Buffer.alloc(0) : int32('V', h.volUpdateCounter),
      extra,
    ]);
  },

  vnode(v: VnodePiece): Buffer {
    const parts = [
      Buffer.from([0x03]),
      be32(v.number),
      be32(v.uniq),
      byte('t', v.type),
      short('l', v.linkCount ?? 1),
      int32('v', v.dataVersion ?? 1),
      int32('m', v.modifyTime),
      int32('a', v.author ?? 0),
      int32('o', v.owner ?? 0),
    ];
    if (v.group) parts.push(int32('g', v.group));
    parts.push(short('b', v.modeBits ?? (v.type === 2 ? 0o755 : 0o644)), int32('p', v.parent), int32('s', v.modifyTime));
    if (v.type === 2) parts.push(t('A'), v.acl ?? aclBlob());
    if (v.data) {
      parts.push(v.large ? Buffer.concat([t('h'), be32(0), be32(v.data.length)]) : int32('f', v.data.length), v.data);
    }
    if (v.extra) parts.push(v.extra);
    return Buffer.concat(parts);
  },

  bareVnode(number: number, uniq: number): Buffer {
    return Buffer.concat([Buffer.from([0x03]), be32(number), be32(uniq)]);
  },

  end(): Buffer {
    return Buffer.concat([Buffer.from([0x04]), be32(0x3a214b6e)]);
  },
};

export interface GenerateOptions {
  seed: number;
  volumeId?: number;
  volumeName?: string;
  /** Directories, the root included (at least 1). */
  directories?: number;
  files?: number;
  symlinks?: number;
  /** File sizes are drawn from 0..maxFileBytes. */
  maxFileBytes?: number;
  /**
   * Non-zero makes an incremental dump from this date: files and symlinks last changed before it
   * are listed as bare vnodes; directories are always dumped in full (BUTC-SPEC §4.8).
   */
  fromDate?: number;
  /** Write every data length with 'h' (hi 0) instead of 'f'. */
  large?: boolean;
  /** Raw bytes appended to the tags of the dump header, the volume header and every full vnode. */
  extra?: { dumpHeader?: Buffer; volumeHeader?: Buffer; vnode?: Buffer };
  /** Repeat the volume header after the vnodes, with 'V' set. */
  trailingVolumeHeader?: boolean;
}

export interface GeneratedDump {
  bytes: Buffer;
  /** What the walker must report for these bytes. */
  summary: VolumeDumpSummary;
}

const BASE_TIME = 1_700_000_000;

/** A whole dump stream: the same options give the same bytes. */
export function generateVolumeDump(o: GenerateOptions): GeneratedDump {
  const r = rng(o.seed);
  const volumeId = o.volumeId ?? 536870915;
  const volumeName = o.volumeName ?? 'vol1';
  const ndirs = Math.max(1, o.directories ?? 2);
  const nfiles = o.files ?? 4;
  const nlinks = o.symlinks ?? 1;
  const maxFile = o.maxFileBytes ?? 3000;
  const fromDate = o.fromDate ?? 0;
  const toDate = BASE_TIME + 5000;

  const vnodes: Buffer[] = [];
  let uniq = 1;
  let dataBytes = 0;
  let bare = 0;
  let files = 0;
  let symlinks = 0;
  for (let d = 0; d < ndirs; d++) {
    const data = pseudoRandom(2048 * r(1, 2), o.seed * 131 + d);
    dataBytes += data.length;
    vnodes.push(
      piece.vnode({
        number: 1 + 2 * d,
        uniq: uniq++,
        type: 2,
        linkCount: d === 0 ? 2 + ndirs - 1 : 2,
        modifyTime: BASE_TIME + r(0, 4000),
        parent: d === 0 ? 0 : 1,
        data,
        large: o.large,
        extra: o.extra?.vnode,
      }),
    );
  }
  let next = 2;
  for (let i = 0; i < nfiles + nlinks; i++) {
    const symlink = i >= nfiles;
    const number = next;
    next += 2;
    const modifyTime = BASE_TIME - 3000 + r(0, 6000);
    if (fromDate !== 0 && modifyTime < fromDate) {
      vnodes.push(piece.bareVnode(number, uniq++));
      bare++;
      continue;
    }
    const data = symlink ? Buffer.from(`../dir${i}/target-${r(0, 999)}`, 'latin1') : pseudoRandom(r(0, maxFile), o.seed * 7919 + i);
    dataBytes += data.length;
    if (symlink) symlinks++;
    else files++;
    vnodes.push(
      piece.vnode({
        number,
        uniq: uniq++,
        type: symlink ? 3 : 1,
        modifyTime,
        group: i % 3 === 1 ? 100 + i : 0,
        modeBits: symlink ? 0o755 : 0o644,
        parent: 1 + 2 * (i % ndirs),
        data,
        large: o.large,
        extra: o.extra?.vnode,
      }),
    );
  }

  const header: VolumeDiskData & Required<Omit<VolumeDiskData, 'volUpdateCounter'>> = {
    id: volumeId,
    stampVersion: 1,
    name: volumeName,
    inService: true,
    blessed: true,
    uniquifier: uniq + 1,
    type: 0,
    parentId: volumeId,
    cloneId: 0,
    maxQuota: 5000,
    minQuota: 0,
    diskUsed: Math.ceil(dataBytes / 1024),
    fileCount: ndirs + nfiles + nlinks,
    accountNumber: 0,
    owner: 0,
    creationDate: BASE_TIME - 86400,
    accessDate: 0,
    updateDate: toDate,
    expirationDate: 0,
    backupDate: 0,
    offlineMessage: '',
    motd: '',
    weekUse: [1, 2, 3, 4, 5, 6, 7],
    dayUseDate: BASE_TIME,
    dayUse: 9,
  };
  const trailer = o.trailingVolumeHeader ? { ...header, volUpdateCounter: 42 } : undefined;
  const bytes = Buffer.concat([
    piece.dumpHeader(volumeId, volumeName, [[fromDate, toDate]], o.extra?.dumpHeader),
    piece.volumeHeader(header, o.extra?.volumeHeader),
    ...vnodes,
    trailer ? piece.volumeHeader(trailer) : Buffer.alloc(0),
    piece.end(),
  ]);
  return {
    bytes,
    summary: {
      volumeId,
      volumeName,
      fromDate,
      toDate,
      dumpTimes: [{ from: fromDate, to: toDate }],
      volumeHeader: trailer ?? header,
      volumeHeaders: trailer ? 2 : 1,
      vnodes: ndirs + nfiles + nlinks,
      directories: ndirs,
      files,
      symlinks,
      bareVnodes: bare,
      dataBytes,
      length: bytes.length,
    },
  };
}
