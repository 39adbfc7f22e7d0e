import { formatTag } from './tags.js';

/** The part of the stream being read when an error was found (BUTC-SPEC §4.8 stream layout). */
export type VolumeDumpSection = 'dump header' | 'volume header' | 'vnode' | 'dump end';

export type VolumeDumpErrorReason =
  /** The stream ended inside a section or before D_DUMPEND and its magic. */
  | 'truncated'
  /** D_DUMPHEADER's 0xB3A11322 or D_DUMPEND's 0x3A214B6E is wrong. */
  | 'bad-magic'
  /** The dump header's version is not 1. */
  | 'bad-version'
  /** A section tag (≤ D_MAX) where the layout has none: a missing volume header, 0x00 after a vnode, ... */
  | 'unexpected-tag'
  /** An unknown tag right after the 0x7E critical marker. */
  | 'critical-tag'
  /** A tag the restorer refuses as unknown: 0x80..0xFF, or a volume-header tag in another section. */
  | 'invalid-tag'
  /** A value the restorer cannot take: an odd time-array count, a length of length over 8, ... */
  | 'bad-value'
  /** A directory ACL whose header the restorer's acl_NtohACL refuses (only with `checkAcl`). */
  | 'bad-acl'
  /** The dump header has no 'v' or a zero volume id. */
  | 'no-volume-id'
  /** The dump header has no 't' pair. */
  | 'no-dump-times'
  /** Bytes after D_DUMPEND and its magic. */
  | 'trailing-bytes'
  /** The dump header's volume id is not `expectedVolumeId`. */
  | 'wrong-volume-id'
  /** The first 't' pair's fromDate is not `expectedFromDate`. */
  | 'wrong-from-date'
  /** The stream's length is not `expectedLength` (or not `expectedNBytes` modulo 2^32). */
  | 'wrong-length';

export interface VolumeDumpErrorPlace {
  /** Absolute byte offset in the stream of the field at fault (for 'truncated': the stream's length). */
  offset: number;
  section: VolumeDumpSection;
  /** The tag byte at fault, or whose value was being read. */
  tag?: number | undefined;
  /** The vnode number, in the vnode section. */
  vnode?: number | undefined;
}

/**
 * A volume dump stream that `vos restore` would refuse (VOLSERREAD_DUMPERROR) or that is not the
 * dump expected. The message reads
 * `volume dump byte 1234, vnode 5, tag 0x41 'A': truncated: stream ended 12 bytes into the ACL`.
 */
export class VolumeDumpError extends Error {
  override name = 'VolumeDumpError';
  readonly reason: VolumeDumpErrorReason;
  readonly offset: number;
  readonly section: VolumeDumpSection;
  readonly tag: number | undefined;
  readonly vnode: number | undefined;

  constructor(reason: VolumeDumpErrorReason, place: VolumeDumpErrorPlace, detail: string) {
    const where = place.section === 'vnode' && place.vnode !== undefined ? `vnode ${place.vnode}` : place.section;
    const tag = place.tag === undefined ? '' : `, tag ${formatTag(place.tag)}`;
    super(`volume dump byte ${place.offset}, ${where}${tag}: ${reason}: ${detail}`);
    this.reason = reason;
    this.offset = place.offset;
    this.section = place.section;
    this.tag = place.tag;
    this.vnode = place.vnode;
  }
}
