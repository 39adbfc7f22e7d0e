/**
 * `mtx status` output, as mtx 1.3.12 prints it (mtx.c, Status): the same element numbering and
 * the same line shapes, so scripts that grep mtx's output (afbackup's changer.conf.mtx, Bacula's
 * mtx-changer) can read ours. Volume tags are printed trimmed.
 */
import type { ChangerStatus } from './changer.js';

export function formatMtxStatus(s: ChangerStatus): string {
  const mail = s.slots.filter((e) => e.importExport).length;
  const lines = [`  Storage Changer ${s.device}:${s.drives.length} Drives, ${s.slots.length} Slots ( ${mail} Import/Export )`];
  for (const d of s.drives) {
    if (!d.full) {
      lines.push(`Data Transfer Element ${d.index}:Empty`);
      continue;
    }
    const source = d.sourceSlot !== null ? `Storage Element ${d.sourceSlot} Loaded` : 'Unknown Storage Element Loaded';
    lines.push(`Data Transfer Element ${d.index}:Full (${source})${d.barcode !== null ? `:VolumeTag = ${d.barcode}` : ''}`);
  }
  for (const e of s.slots) {
    const tag = e.full && e.barcode !== null ? `:VolumeTag=${e.barcode}` : '';
    lines.push(`      Storage Element ${e.index}${e.importExport ? ' IMPORT/EXPORT' : ''}:${e.full ? 'Full ' : 'Empty'}${tag}`);
  }
  return lines.join('\n') + '\n';
}

/** The JSON of `tapecoord changer status --json`: the interface's status as it is. */
export function changerStatusJson(s: ChangerStatus): string {
  return JSON.stringify(s, null, 2) + '\n';
}
