/**
 * The numbers of OpenAFS's tape format ("butm", file_tm), BUTC-SPEC §2. Every integer on the
 * medium is big-endian.
 */

/** Every read and write of the medium moves exactly this many bytes (BUTC-SPEC §2.1). */
export const BUTM_BLOCKSIZE = 16384;
/** `struct blockMark`: count, magic, spare1..4 (BUTC-SPEC §2.4). */
export const BUTM_HDRSIZE = 24;
/** Payload bytes of a data record: 16384 − 24 (BUTC-SPEC §2.4). */
export const BUTM_BLKSIZE = BUTM_BLOCKSIZE - BUTM_HDRSIZE;

/** Label record magic at offset 0 (BUTC-SPEC §2.2). */
export const TAPE_MAGIC = 1100000009; // 0x4190AB09
/** Data record magic at offset 4, after the count (BUTC-SPEC §2.4). */
export const BLOCK_MAGIC = 1100000005; // 0x4190AB05
/** Software filemark magic at offset 0 (BUTC-SPEC §2.3). */
export const FILE_MAGIC = 1000000007; // 0x3B9ACA07

/** Software filemark subtypes, the signed word at offset 4 (BUTC-SPEC §2.3). */
export const FILE_BEGIN = 0;
export const FILE_FMEND = 1;
export const FILE_EOD = -1;

/** Volume header and trailer magics (`TC_VOLBEGINMAGIC`, `TC_VOLENDMAGIC`, BUTC-SPEC §2.5). */
export const TC_VOLBEGINMAGIC = 0xb0258191;
export const TC_VOLENDMAGIC = 0x9167345a;
/** `contd` of a fragment that continues on the next tape; also accepted as a header magic. */
export const TC_VOLCONTD = 0xffffffff;

/** Label and volume-header versions (`TAPE_VERSION_0..4`, src/bubasics/bubasics.h). */
export const TAPE_VERSION_0 = 0;
export const TAPE_VERSION_1 = 1;
export const TAPE_VERSION_2 = 2;
export const TAPE_VERSION_3 = 3;
export const TAPE_VERSION_4 = 4;
/** What butc 1.8.9 writes: dump id and use count in the label, appended dumps. */
export const CUR_TAPE_VERSION = TAPE_VERSION_4;

/** The label struct after the magic (BUTC-SPEC §2.2): 924 meaningful bytes in the record. */
export const LABEL_BYTES = 924;
/** Field sizes of `butm_tapeLabel` (BU_MAXTAPELEN, BU_MAXCELLLEN, BU_MAX_DUMP_PATH, ktc_principal). */
export const BU_MAXTAPELEN = 32;
export const BU_MAXCELLLEN = 256;
export const BU_MAX_DUMP_PATH = 256;
export const MAXKTCNAMELEN = 64;
export const LABEL_COMMENT_LEN = 96;

/** `struct volumeHeader` on Linux: 208 bytes with `pad[2]`; 206 bytes packed (BUTC-SPEC §2.5). */
export const VOLUME_HEADER_SIZE = 208;
export const VOLUME_HEADER_PACKED_SIZE = 206;
/** `TC_MAXVOLNAME` and `TC_MAXNAMELEN`: the volumeName and dumpSetName fields. */
export const TC_MAXVOLNAME = 64;
export const TC_MAXNAMELEN = 64;
/** The trailer search window: a header plus `pad` (BUTC-SPEC §2.6). */
export const TRAILER_WINDOW = VOLUME_HEADER_SIZE + 2;

/** What butc writes into labels (BUTC-SPEC §2.2). */
export const LABEL_CREATOR_NAME = 'AFS 3.6';
export const LABEL_COMMENT = 'AFS Backup Software';
/** `TNAME` of a label without names (`TC_NULLTAPENAME`). */
export const TC_NULLTAPENAME = '<NULL>';
/** Database tapes are `Ubik_db_dump.<seq>` (`DUMP_TAPE_NAME`, BUTC-SPEC §2.10). */
export const DUMP_TAPE_NAME = 'Ubik_db_dump';

/**
 * The end margin of a volume dump in bytes: room for three records and four filemarks, twice
 * (`tc_EndMargin`, BUTC-SPEC §2.9).
 */
export function dumpEndMarginBytes(fileMarkSize: number): number {
  return 2 * (3 * BUTM_BLOCKSIZE + 4 * fileMarkSize);
}

/** The savedb end margin in bytes: one record and three filemarks, twice (BUTC-SPEC §2.9). */
export function savedbEndMarginBytes(fileMarkSize: number): number {
  return 2 * (BUTM_BLOCKSIZE + 3 * fileMarkSize);
}
