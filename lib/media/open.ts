/**
 * Opens a medium the `tapecoord media` commands name (a backup data file, a tape device such as
 * /dev/nst0, or `sim:PATH`) as a butm record device: FILE mode for files, tape mode otherwise.
 */
import { ATOCL_CLAMP } from '../butc/atocl.js';
import { describeSpec, parseMediumSpec } from '../drive/medium.js';
import { RecordDevice } from '../format/butm/index.js';
import { MediaError } from './errors.js';

/** butc's capacity when none is configured (the hidden -device option: 2^31 − 1 KB). */
export const UNLIMITED_KB = ATOCL_CLAMP;

export interface OpenOptions {
  /** tapeconfig capacity in KB; the label's size replaces it once a label is read. */
  capacityKB?: number;
  /** tapeconfig filemark size in bytes. */
  fileMarkSize?: number;
  readOnly?: boolean;
}

export async function openMedium(text: string, options: OpenOptions = {}): Promise<RecordDevice> {
  const spec = parseMediumSpec(text, options.readOnly ? 'input' : 'output');
  if ('fd' in spec) throw new MediaError('not-seekable', describeSpec(spec), 'a butc medium is read and written by position: name a file, a tape device or sim:PATH');
  return RecordDevice.open(spec, {
    capacityKB: options.capacityKB ?? UNLIMITED_KB,
    fileMarkSize: options.fileMarkSize ?? 0,
    medium: options.readOnly ? { readOnly: true } : spec.kind === 'sim' ? { create: true } : {},
  });
}
