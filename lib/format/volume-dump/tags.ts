/**
 * Constants of the AFS volume dump stream (BUTC-SPEC §4.8; OpenAFS src/volser/dump.h) and the
 * classes the restorer puts unknown tags in (dumpstuff.c, HandleUnknownTag).
 */

/** Section tags. A tag ≤ D_MAX ends the section being read (BUTC-SPEC §4.8). */
export const D_DUMPHEADER = 0x01;
export const D_VOLUMEHEADER = 0x02;
export const D_VNODE = 0x03;
export const D_DUMPEND = 0x04;
export const D_MAX = 20;

export const DUMPBEGINMAGIC = 0xb3a11322;
export const DUMPENDMAGIC = 0x3a214b6e;
export const DUMPVERSION = 1;

/** Marks the next tag as critical: the restorer aborts if it does not know that tag (BUTC-SPEC §4.8). */
export const TAG_CRITICAL = 0x7e;

/** Bytes of access list a directory vnode carries after tag 'A' (SIZEOF_LARGEDISKVNODE − SIZEOF_SMALLDISKVNODE). */
export const ACL_SIZE = 192;

/** `struct DumpHeader` holds at most this many {from,to} pairs (dump.h MAXDUMPTIMES). */
export const MAXDUMPTIMES = 50;

/** Vnode types carried by tag 't' in a vnode (afs/vnode.h VnodeType). */
export const VNODE_FILE = 1;
export const VNODE_DIRECTORY = 2;
export const VNODE_SYMLINK = 3;

/**
 * How the restorer skips a tag it does not know (BUTC-SPEC §4.8):
 * - 'tlv': 0x15..0x60, a length byte (< 0x80) or 0x80|n and an n-byte big-endian length, then data;
 * - 'int32': 0x61..0x7A, one int32;
 * - 'flag': 0x7B..0x7F, no data;
 * - 'invalid': 0x80..0xFF, which the restorer refuses outright.
 * Tags 0x00..0x14 (≤ D_MAX) never reach this: they end the section.
 */
export type UnknownTagClass = 'tlv' | 'int32' | 'flag' | 'invalid';

export function unknownTagClass(tag: number): UnknownTagClass {
  if (tag <= 0x60) return 'tlv';
  if (tag <= 0x7a) return 'int32';
  if (tag <= 0x7f) return 'flag';
  return 'invalid';
}

/**
 * Tags in the TLV range that the restorer refuses as unknown tags in the dump header and vnode
 * sections: HandleUnknownTag reads the TLV length through ReadStandardTagLen with the *volume
 * header's* table of old fixed-format tags, and that table lists these (dumpstuff.c,
 * initNonStandardTags, section 1). A writer never puts them there; a stream that does would be
 * rejected by `vos restore`.
 */
export const VOLUME_HEADER_FIXED_TAGS: ReadonlySet<number> = new Set(
  [...'ACDEMOUWZ'].map((c) => c.charCodeAt(0)),
);

/** `0x41 'A'`, or just `0x04` when the byte is not a printable character. */
export function formatTag(tag: number): string {
  const hex = `0x${tag.toString(16).padStart(2, '0')}`;
  return tag >= 0x21 && tag <= 0x7e ? `${hex} '${String.fromCharCode(tag)}'` : hex;
}
