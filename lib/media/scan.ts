/**
 * `tapecoord media scan`: every label, dump and volume fragment on one or more media, in medium
 * order, like `backup scantape` and `read_tape -scan` (BUTC-SPEC §2.7, §4.7). The result groups
 * fragments by dump (the dump id in each volume header) and keeps what butc's scantape prints, so
 * the human output is scantape's and the JSON is for programs.
 */
import { labelName, scanMedium, ButmReader, type ButmLabel, type RecordDevice, type ScanResult } from '../format/butm/index.js';
import { formatDumpLabel, formatVolumeHeader } from './report.js';

export interface ScannedVolume {
  name: string;
  id: number;
  /** Tape file number (tape) or 16 KiB record index (FILE mode) of the fragment's FILE-BEGIN. */
  position: number;
  /** Which of the scanned media it is on (0-based, in the order given). */
  medium: number;
  fragment: number;
  /** The volume goes on in the next fragment (the trailer's contd). */
  continues: boolean;
  /** Stream bytes in this fragment. */
  bytes: number;
  /** No trailer: butc stopped inside the volume (TC_MISSINGTRAILER on restore). */
  partial: boolean;
  server: string;
  partition: number;
  /** The incremental from-date; 0 for a full dump. */
  from: number;
  cloneDate: number;
  /** The trailer's end time (0 while the volume continues). */
  endTime: number;
}

export interface ScannedTape {
  medium: number;
  position: number;
  /** TAPENAME: `name (dumpid)`. */
  name: string;
  label: ButmLabel;
  appended: boolean;
}

export interface ScannedDump {
  id: number;
  /** The dump set name in the volume headers (`<volset>.<level>`), or the label's name for a savedb. */
  name: string;
  level: number;
  parentId: number;
  dumpPath: string;
  kind: 'volumes' | 'savedb';
  tapes: ScannedTape[];
  volumes: ScannedVolume[];
  /** Whether the dump's END-OF-DUMP was seen on the last medium scanned. */
  complete: boolean;
}

export interface MediaScan {
  media: string[];
  /** Every label (initial and appended) in medium order. */
  labels: ScannedTape[];
  /** The dumps found, by the order their first label or volume appears; a bare label (dump id 0) is none. */
  dumps: ScannedDump[];
  /** scantape's output for these media. */
  text: string;
}

const dottedQuad = (n: number): string => [24, 16, 8, 0].map((s) => (n >>> s) & 0xff).join('.');

/** Scans each device from its beginning, in order, as one set of media. */
export async function scanMedia(devices: readonly RecordDevice[]): Promise<MediaScan> {
  const dumps = new Map<number, ScannedDump>();
  const labels: ScannedTape[] = [];
  let text = '';
  for (const [medium, device] of devices.entries()) {
    const reader = new ButmReader(device);
    const result: ScanResult = await scanMedium(reader);
    // medium order: labels and files interleaved by position
    const events = [
      ...result.labels.map((l, i) => ({ position: l.position, label: l, first: i === 0 })),
      ...result.files.map((f) => ({ position: f.position, file: f })),
    ].sort((a, b) => a.position - b.position);
    let current: ScannedDump | null = null;
    for (const e of events) {
      if ('label' in e && e.label) {
        const label = e.label.label;
        text += formatDumpLabel(label);
        const tape = { medium, position: e.position, name: labelName(label), label, appended: !e.first };
        labels.push(tape);
        current = label.dumpId === 0 ? null : dumpFor(dumps, label.dumpId, label);
        current?.tapes.push(tape);
        continue;
      }
      const f = 'file' in e ? e.file : undefined;
      if (!f) continue;
      if (f.kind === 'end-of-dump') {
        if (current) current.complete = true;
        continue;
      }
      if (f.kind === 'savedb') {
        if (current) current.kind = 'savedb';
        continue;
      }
      const h = f.header;
      if (!h) continue;
      text += formatVolumeHeader(h);
      const dump = dumpFor(dumps, h.dumpId, current?.tapes.at(-1)?.label ?? null);
      dump.name = h.dumpSetName;
      dump.level = h.level;
      dump.parentId = h.parentId;
      dump.volumes.push({
        name: h.volumeName,
        id: h.volumeId,
        position: f.position,
        medium,
        fragment: h.frag,
        continues: f.trailer ? f.trailer.contd !== 0 : false,
        bytes: f.bytes,
        partial: f.partial ?? !f.trailer,
        server: dottedQuad(h.server),
        partition: h.part,
        from: h.from,
        cloneDate: h.cloneDate,
        endTime: f.trailer?.endTime ?? 0,
      });
    }
  }
  return { media: devices.map((d) => d.name), labels, dumps: [...dumps.values()], text };
}

function dumpFor(dumps: Map<number, ScannedDump>, id: number, label: ButmLabel | null): ScannedDump {
  let d = dumps.get(id);
  if (!d) {
    d = {
      id,
      name: label?.afsName.replace(/\.\d+$/, '') ?? '',
      level: 0,
      parentId: 0,
      dumpPath: label?.dumpPath ?? '',
      kind: 'volumes',
      tapes: [],
      volumes: [],
      complete: false,
    };
    dumps.set(id, d);
  } else if (label && !d.dumpPath) d.dumpPath = label.dumpPath;
  return d;
}
