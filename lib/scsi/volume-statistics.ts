/**
 * Volume statistics log page 17h (SSC-4; LTO-5 and later): the cartridge's wear and history —
 * mounts, data sets and retries, megabytes over its life, native capacity, passes over the
 * medium. Parameters decoded by name are the ones SSC-4 defines and sg_logs and pbs-tape agree
 * on; any other comes back raw in `other`.
 */
import { asciiTrim, uintBE } from './bytes.js';
import { counterValue, type LogPage, LogPageCode, type LogParameter, parameterName, parseLogPage } from './log-sense.js';
import { ScsiParseError } from './parse-error.js';

/** One entry of a per-partition parameter (0200h–0204h). */
export interface PartitionValue {
  partition: number;
  value: number;
}

export interface VolumeStatistics {
  /** Parameter 0000h: the page's values are valid (a drive clears it while it cannot vouch for them). */
  pageValid: boolean;
  threadCount?: number;
  totalDataSetsWritten?: number;
  totalWriteRetries?: number;
  totalUnrecoveredWriteErrors?: number;
  totalSuspendedWrites?: number;
  totalFatalSuspendedWrites?: number;
  totalDataSetsRead?: number;
  totalReadRetries?: number;
  totalUnrecoveredReadErrors?: number;
  totalSuspendedReads?: number;
  totalFatalSuspendedReads?: number;
  lastMountUnrecoveredWriteErrors?: number;
  lastMountUnrecoveredReadErrors?: number;
  /** Megabytes are 10^6 bytes. */
  lastMountMegabytesWritten?: number;
  lastMountMegabytesRead?: number;
  lifetimeMegabytesWritten?: number;
  lifetimeMegabytesRead?: number;
  lastLoadWriteCompressionRatio?: number;
  lastLoadReadCompressionRatio?: number;
  mediumMountTime?: number;
  mediumReadyTime?: number;
  totalNativeCapacityMegabytes?: number;
  totalUsedNativeCapacityMegabytes?: number;
  volumeSerialNumber?: string;
  tapeLotIdentifier?: string;
  volumeBarcode?: string;
  volumeManufacturer?: string;
  volumeLicenseCode?: string;
  volumePersonality?: string;
  writeProtect?: boolean;
  worm?: boolean;
  maximumRecommendedTapePathTemperatureExceeded?: boolean;
  volumeWriteMounts?: number;
  beginningOfMediumPasses?: number;
  middleOfMediumPasses?: number;
  firstEncryptedBlock?: PartitionValue[];
  firstUnencryptedBlock?: PartitionValue[];
  nativeCapacityPartitionsMegabytes?: PartitionValue[];
  usedNativeCapacityPartitionsMegabytes?: PartitionValue[];
  remainingNativeCapacityPartitionsMegabytes?: PartitionValue[];
  /** Parameters not decoded here (vendor ones, later SSC revisions): code and value as sent. */
  other: { code: number; value: Buffer }[];
}

type Kind = 'counter' | 'ascii' | 'flag' | 'partitions';
type Key = Exclude<keyof VolumeStatistics, 'pageValid' | 'other'>;

const PARAMETERS: Readonly<Record<number, readonly [Key, Kind]>> = {
  0x0001: ['threadCount', 'counter'],
  0x0002: ['totalDataSetsWritten', 'counter'],
  0x0003: ['totalWriteRetries', 'counter'],
  0x0004: ['totalUnrecoveredWriteErrors', 'counter'],
  0x0005: ['totalSuspendedWrites', 'counter'],
  0x0006: ['totalFatalSuspendedWrites', 'counter'],
  0x0007: ['totalDataSetsRead', 'counter'],
  0x0008: ['totalReadRetries', 'counter'],
  0x0009: ['totalUnrecoveredReadErrors', 'counter'],
  0x000a: ['totalSuspendedReads', 'counter'],
  0x000b: ['totalFatalSuspendedReads', 'counter'],
  0x000c: ['lastMountUnrecoveredWriteErrors', 'counter'],
  0x000d: ['lastMountUnrecoveredReadErrors', 'counter'],
  0x000e: ['lastMountMegabytesWritten', 'counter'],
  0x000f: ['lastMountMegabytesRead', 'counter'],
  0x0010: ['lifetimeMegabytesWritten', 'counter'],
  0x0011: ['lifetimeMegabytesRead', 'counter'],
  0x0012: ['lastLoadWriteCompressionRatio', 'counter'],
  0x0013: ['lastLoadReadCompressionRatio', 'counter'],
  0x0014: ['mediumMountTime', 'counter'],
  0x0015: ['mediumReadyTime', 'counter'],
  0x0016: ['totalNativeCapacityMegabytes', 'counter'],
  0x0017: ['totalUsedNativeCapacityMegabytes', 'counter'],
  0x0040: ['volumeSerialNumber', 'ascii'],
  0x0041: ['tapeLotIdentifier', 'ascii'],
  0x0042: ['volumeBarcode', 'ascii'],
  0x0043: ['volumeManufacturer', 'ascii'],
  0x0044: ['volumeLicenseCode', 'ascii'],
  0x0045: ['volumePersonality', 'ascii'],
  0x0080: ['writeProtect', 'flag'],
  0x0081: ['worm', 'flag'],
  0x0082: ['maximumRecommendedTapePathTemperatureExceeded', 'flag'],
  0x0100: ['volumeWriteMounts', 'counter'],
  0x0101: ['beginningOfMediumPasses', 'counter'],
  0x0102: ['middleOfMediumPasses', 'counter'],
  0x0200: ['firstEncryptedBlock', 'partitions'],
  0x0201: ['firstUnencryptedBlock', 'partitions'],
  0x0202: ['nativeCapacityPartitionsMegabytes', 'partitions'],
  0x0203: ['usedNativeCapacityPartitionsMegabytes', 'partitions'],
  0x0204: ['remainingNativeCapacityPartitionsMegabytes', 'partitions'],
};

export function parseVolumeStatistics(data: Buffer): VolumeStatistics {
  const page = parseLogPage(data, LogPageCode.VOLUME_STATISTICS);
  const stats: VolumeStatistics = { pageValid: false, other: [] };
  const values = stats as unknown as Record<Key, unknown>;
  for (const p of page.parameters) {
    if (p.code === 0x0000) {
      stats.pageValid = counterValue(page, p) !== 0;
      continue;
    }
    const known = PARAMETERS[p.code];
    if (!known) {
      stats.other.push({ code: p.code, value: p.value });
      continue;
    }
    const [key, kind] = known;
    if (kind === 'ascii') values[key] = asciiTrim(p.value);
    else if (kind === 'flag') values[key] = counterValue(page, p) !== 0;
    else if (kind === 'counter') values[key] = counterValue(page, p);
    else values[key] = partitions(page, p);
  }
  return stats;
}

/**
 * Partition records (SSC-4): byte 0 PARTITION RECORD LENGTH (the bytes after it), bytes 2-3
 * PARTITION NUMBER, then the value.
 */
function partitions(page: LogPage, p: LogParameter): PartitionValue[] {
  const list: PartitionValue[] = [];
  for (let at = 0; at < p.value.length; ) {
    const size = 1 + p.value[at]!;
    if (size < 5 || size > 12 || at + size > p.value.length)
      throw new ScsiParseError(page.what, p.offset + 4 + at, `parameter ${parameterName(p.code)}: partition record of ${size} bytes (${p.value.length - at} left)`);
    list.push({ partition: p.value.readUInt16BE(at + 2), value: uintBE(p.value.subarray(at + 4, at + size)) });
    at += size;
  }
  return list;
}
