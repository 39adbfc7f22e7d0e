/**
 * MTIOCGET decoded: linux/mtio.h's struct mtget, its GMT_* status bits and the dsreg/erreg
 * fields, in the names mt-st prints.
 */
import type { RawMtStatus } from '../native/binding.js';

/** GMT_* bits of mt_gstat (linux/mtio.h), most significant first, as `mt status` lists them. */
export const GMT_BITS = [
  ['EOF', 0x80000000],
  ['BOT', 0x40000000],
  ['EOT', 0x20000000],
  ['SM', 0x10000000],
  ['EOD', 0x08000000],
  ['WR_PROT', 0x04000000],
  ['ONLINE', 0x01000000],
  ['D_6250', 0x00800000],
  ['D_1600', 0x00400000],
  ['D_800', 0x00200000],
  ['DR_OPEN', 0x00040000],
  ['IM_REP_EN', 0x00010000],
  ['CLN', 0x00008000],
] as const;

export type GmtBit = (typeof GMT_BITS)[number][0];

/** mt_type values (linux/mtio.h MT_IS*) the st driver and our media report. */
const DRIVE_TYPES: Record<number, string> = {
  0x01: 'Unknown',
  0x71: 'SCSI 1',
  0x72: 'SCSI 2',
};

/** SCSI density codes (SSC-3 REPORT DENSITY SUPPORT as drives return them) for LTO. */
const DENSITIES: Record<number, string> = {
  0x00: 'default',
  0x40: 'LTO-1',
  0x42: 'LTO-2',
  0x44: 'LTO-3',
  0x46: 'LTO-4',
  0x58: 'LTO-5',
  0x5a: 'LTO-6',
  0x5c: 'LTO-7',
  0x5d: 'LTO-7 M8',
  0x5e: 'LTO-8',
  0x60: 'LTO-9',
};

export interface MtStatus {
  /** mt_type as a number and its name ('SCSI 2' for st). */
  type: number;
  typeName: string;
  /** st puts the active partition into mt_resid for SCSI drives. */
  resid: number;
  partition: number;
  /** From mt_dsreg: the block size (0 = variable) and the density code. */
  blockSize: number;
  density: number;
  densityName: string;
  /** Low 16 bits of mt_erreg: soft errors since the last status. */
  softErrors: number;
  /** mt_gstat and its bits by name. */
  gstat: number;
  flags: GmtBit[];
  /** File and block numbers; -1 where st does not know them. */
  fileno: number;
  blkno: number;
  raw: RawMtStatus;
}

export function decodeMtStatus(raw: RawMtStatus): MtStatus {
  const gstat = raw.gstat >>> 0;
  const dsreg = raw.dsreg >>> 0;
  const density = (dsreg >>> 24) & 0xff;
  return {
    type: raw.type,
    typeName: DRIVE_TYPES[raw.type] ?? `type 0x${raw.type.toString(16)}`,
    resid: raw.resid,
    partition: raw.resid,
    blockSize: dsreg & 0xffffff,
    density,
    densityName: DENSITIES[density] ?? 'unknown',
    softErrors: raw.erreg & 0xffff,
    gstat,
    flags: GMT_BITS.filter(([, bit]) => (gstat & bit) !== 0).map(([name]) => name),
    fileno: raw.fileno,
    blkno: raw.blkno,
    raw,
  };
}

/** The text `mt status` (mt-st 1.x) prints for a SCSI tape. */
export function formatMtStatus(s: MtStatus): string {
  return [
    `${s.typeName} tape drive:`,
    `File number=${s.fileno}, block number=${s.blkno}, partition=${s.partition}.`,
    `Tape block size ${s.blockSize} bytes. Density code 0x${s.density.toString(16)} (${s.densityName}).`,
    `Soft error count since last status=${s.softErrors}`,
    `General status bits on (${s.gstat.toString(16)}):`,
    ` ${s.flags.join(' ')}`,
  ].join('\n');
}
