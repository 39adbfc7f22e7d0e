/**
 * `tapecoord media label` and `readlabel`: what butc's labeltape and readlabel do to a medium
 * (BUTC-SPEC §2.2 "Label contents by operation", §4.7), without the backup database: the old
 * label is read, a permanent name is kept unless replaced, the use count goes up, and the new
 * label is written from the beginning (a backup data file is truncated).
 *
 * tapecoord refuses more than butc does, so nothing is lost by a slip: a medium whose label has
 * not expired, or that holds a dump, is only relabelled with `force`.
 */
import { ButmReader, ButmWriter, isButmError, isDatabaseTapeName, labelName, newLabel, type ButmLabel, type RecordDevice } from '../format/butm/index.js';
import { MediaError } from './errors.js';

const NEVERDATE = 0xffffffff;

export interface LabelOptions {
  /** The AFS tape name (`-name`); '' when not given. */
  name?: string;
  /** The permanent name (`-pname`): undefined keeps the old one, `<NULL>` or '' clears it. */
  pname?: string;
  /** Capacity in KB (`-size`); default the tapeconfig capacity the device was opened with. */
  sizeKB?: number;
  cell?: string;
  /** Relabel a medium that holds dumps or whose label has not expired. */
  force?: boolean;
  now?: number;
}

/** The label at the beginning of the medium, or null when it has none (blank, or not butc's). */
export async function readLabel(device: RecordDevice): Promise<ButmLabel | null> {
  try {
    return (await new ButmReader(device).readLabel({ rewind: true })).label;
  } catch (e) {
    if (isButmError(e, 'BUTM_NOLABEL') || isButmError(e, 'BUTM_BADBLOCK') || isButmError(e, 'BUTM_EOT')) return null;
    throw e;
  }
}

export async function labelMedium(device: RecordDevice, options: LabelOptions = {}): Promise<{ label: ButmLabel; previous: ButmLabel | null }> {
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const capacityKB = device.usage.tapeSizeKB;
  const previous = await readLabel(device);
  if (previous) {
    if (previous.pName && options.pname === undefined) {
      throw new MediaError('protected', device.name, `Can't label. Tape has permanent label '${previous.pName}' (give -pname to keep or change it)`);
    }
    const expires = previous.expirationDate >>> 0;
    if (!options.force && expires !== 0 && (expires === NEVERDATE || expires >= now)) {
      throw new MediaError('protected', device.name, `This tape has not expired: ${labelName(previous)} (--force relabels it)`);
    }
    if (!options.force && previous.dumpId !== 0) {
      const what = isDatabaseTapeName(previous.afsName) ? 'a database dump' : 'dump';
      throw new MediaError('protected', device.name, `the medium holds ${what} ${labelName(previous)}: relabelling loses it (--force relabels it)`);
    }
  }
  const pName = options.pname === undefined ? (previous?.pName ?? '') : options.pname === '<NULL>' ? '' : options.pname;
  const label = newLabel({
    creationTime: now,
    afsName: options.name ?? '',
    pName,
    cell: options.cell ?? '',
    dumpId: 0,
    useCount: previous && previous.structVersion >= 3 ? previous.useCount + 1 : 0,
    sizeKB: options.sizeKB ?? capacityKB,
  });
  await new ButmWriter(device).writeLabel(label);
  return { label, previous };
}
