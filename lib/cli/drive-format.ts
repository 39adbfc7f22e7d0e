/**
 * The text `tapecoord drive` prints: `mt status` for the st driver's view (lib/drive/mtio.ts),
 * and tapeinfo's (mtx) field names for what the drive says over SCSI.
 */
import { formatMtStatus } from '../drive/mtio.js';
import type { DriveInquiryReport, DrivePositionReport, DriveStatusReport, TapeAlertReport } from './drive-report.js';

const yesNo = (b: boolean) => (b ? 'yes' : 'no');
const hex = (n: number) => `0x${n.toString(16)}`;

export function formatDriveStatus(r: DriveStatusReport): string {
  const lines = r.mt ? [formatMtStatus(r.mt)] : [];
  if (r.blockLimits) lines.push(`MinBlock: ${r.blockLimits.minimumBlockLength}`, `MaxBlock: ${r.blockLimits.maximumBlockLength}`);
  if (r.mode) {
    const m = r.mode;
    const c = m.compression;
    if (m.densityCode !== null) lines.push(`Density Code: ${hex(m.densityCode)}`);
    if (m.blockLength !== null) lines.push(`BlockSize: ${m.blockLength}`);
    lines.push(
      `Write Protect: ${yesNo(m.writeProtected)}`,
      `BufferedMode: ${yesNo(m.bufferedMode !== 0)}`,
      `DataCompEnabled: ${yesNo(c.compressionEnabled)}`,
      `DataCompCapable: ${yesNo(c.compressionCapable)}`,
      `DataDeCompEnabled: ${yesNo(c.decompressionEnabled)}`,
      `CompType: ${hex(c.compressionAlgorithm)}`,
      `DeCompType: ${hex(c.decompressionAlgorithm)}`,
    );
  }
  return lines.join('\n') + '\n';
}

export function formatDriveInquiry(r: DriveInquiryReport): string {
  return [
    `Product Type: ${r.deviceTypeName}`,
    `Vendor ID: '${r.vendor}'`,
    `Product ID: '${r.product}'`,
    `Revision: '${r.revision}'`,
    `Attached Changer API: ${r.mediumChanger ? 'Yes' : 'No'}`,
    `SerialNumber: ${r.serial === null ? '(no VPD page 80h)' : `'${r.serial}'`}`,
    ...r.identifiers.map((d) => `Identifier (${d.association}, ${d.designatorTypeName}): ${d.text}`),
    `MinBlock: ${r.blockLimits.minimumBlockLength}`,
    `MaxBlock: ${r.blockLimits.maximumBlockLength}`,
  ].join('\n') + '\n';
}

export function formatTapeAlert(r: TapeAlertReport): string {
  if (r.flags.length === 0) return 'no TapeAlert flags set\n';
  return r.flags.map((f) => `TapeAlert[${f.code}]: ${f.name} (${f.severity ?? 'no severity'})`).join('\n') + '\n';
}

export function formatDrivePosition(r: DrivePositionReport): string {
  const lines: string[] = [];
  const rp = r.readPosition;
  if (rp?.form === 'long') {
    const p = rp.position;
    lines.push(`READ POSITION (long form): partition ${p.partition}, block ${p.blockNumber ?? 'unknown'}, file ${p.fileNumber ?? 'unknown'}${flags(p)}`);
  } else if (rp?.form === 'short') {
    const p = rp.position;
    lines.push(
      `READ POSITION (short form): partition ${p.partition}, first block ${p.firstBlock ?? 'unknown'}, last block ${p.lastBlock ?? 'unknown'}, ` +
        `buffered ${p.blocksInBuffer ?? 'unknown'} blocks / ${p.bytesInBuffer ?? 'unknown'} bytes${flags(p)}`,
    );
  }
  if (r.logicalBlock !== null) lines.push(`MTIOCPOS: block ${r.logicalBlock}`);
  if (r.fileNumber !== null) lines.push(`MTIOCGET: file ${r.fileNumber}, block ${r.blockNumber}`);
  for (const f of r.failures) lines.push(`failed: ${f.message}`);
  return lines.join('\n') + '\n';
}

/** BOP, EOP, BPEW as the standard abbreviates them. */
function flags(p: { beginningOfPartition: boolean; endOfPartition: boolean; beyondEarlyWarning: boolean }): string {
  const set = [p.beginningOfPartition && 'BOP', p.endOfPartition && 'EOP', p.beyondEarlyWarning && 'BPEW'].filter(Boolean);
  return set.length ? ` (${set.join(' ')})` : '';
}

/** A report as one JSON line; MTIOCGET's raw struct is left out, as `tapecoord status --json` does. */
export function reportJson(report: object): string {
  return JSON.stringify(report, (key, value: unknown) => (key === 'raw' ? undefined : value)) + '\n';
}
