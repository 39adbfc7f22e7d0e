/**
 * What butc prints about labels and volumes, byte for byte: PrintTapeLabel (readlabel,
 * src/butc/lwps.c), PrintDumpLabel and PrintVolumeHeader (scantape, src/butc/recoverDb.c), with
 * TAPENAME (src/bubasics/butm.p.h) and cTIME (src/bubasics/bubasics.h). BUTC-SPEC §1.5.
 */
import type { ButmLabel, VolumeHeader } from '../format/butm/index.js';
import { ctime } from '../util/ctime.js';

const NEVERDATE = 0xffffffff;

/** TAPENAME: `<NULL>` for an empty name, else the name, with ` (dumpid)` when the dump id is set. */
function tapeNameWithId(name: string, dumpId: number): string {
  if (name === '') return '<NULL>';
  return dumpId === 0 ? name : `${name} (${dumpId >>> 0})`;
}

const int32 = (n: number): number => n | 0;

function labelLines(label: ButmLabel, kind: 'tape' | 'dump'): string {
  const heading = kind === 'tape' ? 'Tape label' : 'Dump label';
  let s = `${heading}\n----------\n`;
  s += `permanent tape name = ${tapeNameWithId(label.pName, label.dumpId)}\n`;
  s += `AFS tape name = ${tapeNameWithId(label.afsName, label.dumpId)}\n`;
  s += `creationTime = ${ctime(label.creationTime)}\n`;
  if (label.expirationDate) {
    s += `expirationDate = ${label.expirationDate >>> 0 === NEVERDATE ? 'NEVER                   ' : ctime(label.expirationDate)}\n`;
  }
  s += `cell = ${label.cell}\n`;
  s += `size = ${label.sizeKB >>> 0} Kbytes\n`;
  s += `dump path = ${label.dumpPath}\n`;
  if (label.structVersion >= 3) {
    s += `dump id = ${label.dumpId >>> 0}\n`;
    s += `useCount = ${int32(label.useCount)}\n`;
  }
  return `${s}-- End of ${kind} label --\n\n`;
}

/** butc's readlabel output. */
export function formatTapeLabel(label: ButmLabel): string {
  return labelLines(label, 'tape');
}

/** butc's scantape output for each label it meets. */
export function formatDumpLabel(label: ButmLabel): string {
  return labelLines(label, 'dump');
}

/** butc's scantape output for each volume header (ctime's newline, then printf's: a blank line). */
export function formatVolumeHeader(h: VolumeHeader): string {
  return (
    '-- volume --\n' +
    `volume name: ${h.volumeName}\n` +
    `volume ID ${int32(h.volumeId)}\n` +
    `dumpSetName: ${h.dumpSetName}\n` +
    `dumpID ${int32(h.dumpId)}\n` +
    `level ${int32(h.level)}\n` +
    `parentID ${int32(h.parentId)}\n` +
    `endTime ${int32(h.endTime)}\n` +
    `clonedate ${ctime(h.cloneDate)}\n\n`
  );
}
