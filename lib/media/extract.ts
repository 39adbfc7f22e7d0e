/**
 * `tapecoord media extract`: the exact volume dump stream of one volume, stitched from its
 * fragments across the media given in order, and checked with the dump stream walker
 * (BUTC-SPEC §2.6, §4.8) as it flows out, as `read_tape -restore` and butc's restore read it.
 */
import { ButmReader, type RecordDevice, type VolumeHeader } from '../format/butm/index.js';
import { VolumeDumpWalker, type VolumeDumpSummary } from '../format/volume-dump/index.js';
import { MediaError } from './errors.js';

export type VolumeSelector =
  /** The K-th volume in medium order, from 1, counted as read_tape counts on one medium. */
  | { index: number }
  /** The first volume of this name in medium order, or the one in dump `dumpId`. */
  | { volume: string; dumpId?: number };

export interface Extracted {
  volumeName: string;
  volumeId: number;
  dumpId: number;
  fragments: { medium: number; position: number; fragment: number; bytes: number }[];
  bytes: number;
  summary: VolumeDumpSummary;
}

function matches(selector: VolumeSelector, h: VolumeHeader, counted: number): boolean {
  if ('index' in selector) return counted === selector.index;
  return h.volumeName === selector.volume && (selector.dumpId === undefined || h.dumpId >>> 0 === selector.dumpId >>> 0);
}

/**
 * Where the stream goes. Bytes go out as they are read, never a whole volume in memory; a copy
 * that turns out to be partial (butc's redump after an unplanned end of tape) is taken back with
 * `restart`, which a file can do (truncate) and a pipe cannot (it throws).
 */
export interface ExtractSink {
  write(chunk: Buffer): Promise<void>;
  restart(): Promise<void>;
}

/** Writes the selected volume's stream to `out`; throws MediaError when it is not whole. */
export async function extractVolume(devices: readonly RecordDevice[], selector: VolumeSelector, out: ExtractSink): Promise<Extracted> {
  if ('index' in selector && (!Number.isInteger(selector.index) || selector.index < 1)) throw new RangeError(`--index ${selector.index}: volumes count from 1`);
  let found: { header: VolumeHeader; next: number } | null = null;
  let walker = new VolumeDumpWalker();
  const fragments: Extracted['fragments'] = [];
  let bytes = 0;
  let counted = 0;
  for (const [medium, device] of devices.entries()) {
    const reader = new ButmReader(device);
    await reader.readLabel({ rewind: true });
    for (let entry = await reader.next(); entry; entry = await reader.next()) {
      if (entry.kind !== 'volume') continue;
      const h = entry.header;
      if (!found) {
        // continuations of a volume that began on an earlier medium given are not counted again
        if (!(h.frag > 1 && medium > 0)) counted++;
        if (h.frag !== 1 || !matches(selector, h, counted)) continue;
      } else if (h.volumeId !== found.header.volumeId || h.dumpId !== found.header.dumpId || h.frag !== found.next) continue;
      const ending = await copyFragment(reader, walker, out);
      if (ending.partial) {
        // butc leaves a fragment without a trailer at an unplanned end of tape and dumps the
        // whole volume again on the next medium, from fragment 1: take back what was written
        if (found && h.frag !== 1) throw new MediaError('bad-stream', device.name, `fragment ${h.frag} of ${h.volumeName} at position ${entry.position} has no trailer (TC_MISSINGTRAILER)`);
        await out.restart();
        walker = new VolumeDumpWalker();
        fragments.length = 0;
        bytes = 0;
        found = null;
        if ('index' in selector) counted--;
        continue;
      }
      found ??= { header: h, next: 1 };
      found.next++;
      fragments.push({ medium, position: entry.position, fragment: h.frag, bytes: ending.bytes });
      bytes += ending.bytes;
      if (!ending.continues) return { volumeName: h.volumeName, volumeId: h.volumeId, dumpId: h.dumpId, fragments, bytes, summary: finish(walker, device.name) };
    }
  }
  const what = 'index' in selector ? `volume ${selector.index}` : `volume ${selector.volume}${selector.dumpId !== undefined ? ` of dump ${selector.dumpId}` : ''}`;
  if (!found) throw new MediaError('not-found', devices.map((d) => d.name).join(', '), `no ${what} (${counted} volumes on the media)`);
  throw new MediaError('wrong-medium', devices.at(-1)?.name ?? '', `${what} continues as fragment ${found.next} on a medium not given`);
}

async function copyFragment(reader: ButmReader, walker: VolumeDumpWalker, out: ExtractSink): Promise<{ bytes: number; partial: boolean; continues: boolean }> {
  let bytes = 0;
  let invalid: unknown = null;
  for (let piece = await reader.read(); piece; piece = await reader.read()) {
    bytes += piece.length;
    if (invalid === null) {
      try {
        walker.push(piece);
      } catch (e) {
        invalid = e; // reported once the fragment is known whole: a partial copy is retried instead
      }
    }
    await out.write(piece);
  }
  const ending = reader.ending;
  const partial = !ending || ending.partial || !ending.trailer;
  if (!partial && invalid !== null) throw new MediaError('bad-stream', reader.device.name, `the volume dump stream is corrupt: ${(invalid as Error).message}`, { cause: invalid });
  return { bytes, partial, continues: (ending?.trailer?.contd ?? 0) !== 0 };
}

function finish(walker: VolumeDumpWalker, medium: string): VolumeDumpSummary {
  try {
    return walker.end();
  } catch (e) {
    throw new MediaError('bad-stream', medium, `the extracted stream is not a valid volume dump: ${(e as Error).message}`, { cause: e });
  }
}
