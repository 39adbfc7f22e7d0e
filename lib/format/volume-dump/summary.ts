/** What a walk of a volume dump stream finds (BUTC-SPEC §4.8), and what it can be asked to check. */

export interface VolumeDumpOptions {
  /** The dump header's 'v' must be this volume id. */
  expectedVolumeId?: number;
  /** The first 't' pair's fromDate must be this (0 for a full dump, the incremental date otherwise). */
  expectedFromDate?: number;
  /** The stream must be exactly this many bytes long. */
  expectedLength?: number;
  /**
   * The stream's length modulo 2^32 must be this: `budb_volumeEntry.nBytes`, which is 32-bit and
   * wraps for fragments of 4 GiB or more (BUTC-SPEC §4.8, §7).
   */
  expectedNBytes?: number;
  /**
   * Also refuse directory ACLs whose header the restorer's acl_NtohACL refuses (at most 20 entries,
   * positive + negative = total, size large enough). Off by default: the spec asks for no ACL check.
   */
  checkAcl?: boolean;
}

/** A {from, to} pair of the dump header's 't' array. */
export interface DumpTimes {
  from: number;
  to: number;
}

/**
 * The volume header's fields as the dump carries them (tags of BUTC-SPEC §4.8); a field is
 * undefined when its tag was absent. Named after OpenAFS's VolumeDiskData, fields in camelCase (maxquota → maxQuota).
 */
export interface VolumeDiskData {
  id?: number;
  /** 'v': stamp.version. */
  stampVersion?: number;
  name?: string;
  inService?: boolean;
  blessed?: boolean;
  uniquifier?: number;
  /** 't': 0 read-write, 1 read-only, 2 backup. */
  type?: number;
  parentId?: number;
  cloneId?: number;
  maxQuota?: number;
  minQuota?: number;
  diskUsed?: number;
  fileCount?: number;
  accountNumber?: number;
  owner?: number;
  creationDate?: number;
  accessDate?: number;
  updateDate?: number;
  expirationDate?: number;
  backupDate?: number;
  offlineMessage?: string;
  motd?: string;
  /** 'W': up to the first 7 values (the restorer keeps 7). */
  weekUse?: number[];
  dayUseDate?: number;
  dayUse?: number;
  /** 'V': volUpdateCounter, written by newer volservers. */
  volUpdateCounter?: number;
}

export interface VolumeDumpSummary {
  /** The dump header's 'v'. */
  volumeId: number;
  /** The dump header's 'n'. */
  volumeName: string;
  /** The first pair's fromDate: 0 for a full dump. */
  fromDate: number;
  /** The last pair's toDate. */
  toDate: number;
  dumpTimes: DumpTimes[];
  /** The last volume header in the stream (the one the restorer keeps). */
  volumeHeader: VolumeDiskData;
  /** How many D_VOLUMEHEADER sections: 1, or 2 with the trailing one. */
  volumeHeaders: number;
  /** Every D_VNODE, bare ones included. */
  vnodes: number;
  directories: number;
  files: number;
  symlinks: number;
  /** D_VNODE with no attributes: a vnode an incremental dump lists without content. */
  bareVnodes: number;
  /** Bytes of 'f'/'h' data over all vnodes. */
  dataBytes: number;
  /** Bytes of the whole stream, D_DUMPEND and its magic included. */
  length: number;
}
