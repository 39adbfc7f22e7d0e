/**
 * `tapecoord media write`: volume dump streams onto butc media as a butc dump writes them
 * (BUTC-SPEC §2.6–§2.10, src/butc/dump.c): a dump id, the label (or an appended label after the
 * last END-OF-DUMP), one fragment per volume, the planned split at butc's end margin with the
 * volume continued as the next fragment on the next medium, the redump after an unplanned end of
 * tape, and END-OF-DUMP. Each stream is validated whole (§4.8) before any of it is written, so
 * nothing that `vos restore` would refuse reaches the medium.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import {
  ButmReader,
  ButmWriter,
  encodeLabel,
  hitEndOfTape,
  isButmError,
  isDatabaseTapeName,
  labelName,
  makeVolumeHeader,
  makeVolumeTrailer,
  newLabel,
  type ButmLabel,
  type RecordDevice,
  type VolumeHeaderFields,
} from '../format/butm/index.js';
import { walkVolumeDump, type VolumeDumpSummary } from '../format/volume-dump/index.js';
import { MediaError } from './errors.js';
import { readLabel } from './label.js';

/** butc's default BUFFERSIZE: what one read of volume data asks for at most. */
const READ_BUFFER = 16 * 1024;
const NEVERDATE = 0xffffffff;
/** Volume types in the dump's volume header 't' tag. */
const RW_VOLUME = 0;

export interface DumpStream {
  /** A file holding one volume dump stream (`vos dump` output). */
  path: string;
}

/** Supplies the medium for tape `sequence` of the dump (a MOUNT callout, a list, an operator). */
export type NextMedium = (request: { sequence: number; tapeName: string; dumpId: number; previous: RecordDevice }) => Promise<RecordDevice>;

export interface WriteOptions {
  /** The volume set: tapes are named `<volumeSet>.<leaf of level>.<n>`. */
  volumeSet: string;
  /** The dump level path (`/full`, `/full/incr`); its depth is the level. Default `/full`. */
  level?: string;
  /** Append after the last dump on the medium instead of writing from the beginning. */
  append?: boolean;
  /** The parent dump of an incremental (default: the last dump of the parent level on the medium). */
  parentId?: number;
  /** Default: the current time, made larger than any dump id already on the medium. */
  dumpId?: number;
  /** The fileserver address and partition index recorded in the volume headers. */
  server?: number;
  partition?: number;
  /** Unix time the media may be overwritten (label expirationDate); 0 = no expiry. */
  expires?: number;
  cell?: string;
  /** Overwrite a medium whose label has not expired, or that holds another dump set. */
  force?: boolean;
  /** The next medium when the current one is full; without it a dump that needs one fails. */
  nextMedium?: NextMedium;
  now?: () => number;
  /** Progress lines as butc logs them (`Volume x (id) successfully dumped`). */
  log?: (line: string) => void;
}

export interface WrittenFragment {
  /** Index of the medium in the order the dump used them. */
  medium: number;
  position: number;
  fragment: number;
  bytes: number;
  last: boolean;
}

export interface WrittenVolume {
  name: string;
  id: number;
  fragments: WrittenFragment[];
}

export interface DumpWritten {
  dumpId: number;
  parentId: number;
  level: number;
  dumpSetName: string;
  /** Every medium used, in order, with its tape name and label position. */
  tapes: { medium: number; name: string; position: number; device: RecordDevice }[];
  volumes: WrittenVolume[];
}

interface Prepared {
  stream: DumpStream;
  summary: VolumeDumpSummary;
}

const levelOf = (path: string): number => path.split('/').filter(Boolean).length - 1;
const leafOf = (path: string): string => path.split('/').filter(Boolean).at(-1) ?? '';
const parentPathOf = (path: string): string => '/' + path.split('/').filter(Boolean).slice(0, -1).join('/');

export async function writeDump(first: RecordDevice, streams: readonly DumpStream[], options: WriteOptions): Promise<DumpWritten> {
  const level = options.level ?? '/full';
  if (!/^(\/[^/\s]+)+$/.test(level)) throw new RangeError(`--level '${level}': a dump level is a path like /full or /full/incr`);
  if (!options.volumeSet || /[\s.]/.test(options.volumeSet)) throw new RangeError(`--dump-set '${options.volumeSet}': a volume set name without blanks or dots`);
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const prepared: Prepared[] = [];
  for (const stream of streams) {
    try {
      prepared.push({ stream, summary: await walkVolumeDump(createReadStream(stream.path, { highWaterMark: 1 << 20 })) });
    } catch (e) {
      throw new MediaError('bad-stream', stream.path, `not a valid volume dump stream: ${(e as Error).message}`, { cause: e });
    }
  }
  const dumpLevel = levelOf(level);
  const dumpSetName = `${options.volumeSet}.${leafOf(level)}`;
  const session = new DumpSession(first, options, level, dumpSetName, now);
  await session.start(dumpLevel);
  for (const p of prepared) await session.dumpVolume(p);
  await session.finish();
  return session.result();
}

class DumpSession {
  private device: RecordDevice;
  private writer: ButmWriter;
  private sequence = 1;
  private mediumIndex = 0;
  private volumesOnTape = 0;
  /** The fragment being written is the first file after this tape's label (butc: position 2). */
  private firstOnTape = false;
  private labelRecord: Buffer | null = null;
  private initialLabel: ButmLabel | null = null;
  private dumpId = 0;
  private parentId = 0;
  private level = 0;
  private readonly tapes: DumpWritten['tapes'] = [];
  private readonly volumes: WrittenVolume[] = [];

  constructor(
    first: RecordDevice,
    private readonly options: WriteOptions,
    private readonly levelPath: string,
    private readonly dumpSetName: string,
    private readonly now: () => number,
  ) {
    this.device = first;
    this.writer = new ButmWriter(first);
  }

  private tapeName(sequence: number): string {
    return `${this.dumpSetName}.${sequence}`;
  }

  async start(level: number): Promise<void> {
    this.level = level;
    const old = await readLabel(this.device);
    const labelsOnMedium = old ? await labelsOn(this.device) : [];
    const onMedium = labelsOnMedium.map((l) => l.label);
    const lastLabelPosition = labelsOnMedium.at(-1)?.position ?? 0;
    this.dumpId = this.options.dumpId ?? Math.max(this.now(), ...onMedium.map((l) => l.dumpId + 1));
    if (level > 0) {
      const parentPath = parentPathOf(this.levelPath);
      const parent = this.options.parentId ?? onMedium.filter((l) => l.dumpPath === parentPath).at(-1)?.dumpId;
      if (parent === undefined) throw new RangeError(`an incremental dump (${this.levelPath}) needs its parent dump: --parent ID, or append it to the medium holding a ${parentPath} dump`);
      this.parentId = parent;
    }
    if (this.options.append && old) {
      if (old.structVersion < 4 || isDatabaseTapeName(old.afsName)) {
        throw new MediaError('protected', this.device.name, `can't append: the medium holds ${labelName(old)}, a ${isDatabaseTapeName(old.afsName) ? 'database tape' : `version ${old.structVersion} label`}`);
      }
      // tape mode steps from the last label over its volumes to its END-OF-DUMP; FILE mode goes to the end
      await new ButmReader(this.device).readLabel({ rewind: true });
      await this.device.seekEndOfDump(lastLabelPosition);
      const appended: ButmLabel = { ...old, creationTime: this.now(), dumpId: this.dumpId, dumpPath: this.levelPath };
      this.options.log?.(`Appending dump ${this.dumpSetName} (DumpID ${this.dumpId}) to tape ${labelName(old)}`);
      const { position } = await this.writer.writeLabel(appended, { append: true });
      this.initialLabel = old;
      this.labelRecord = encodeLabel(appended);
      this.tapes.push({ medium: 0, name: old.afsName || old.pName, position, device: this.device });
      this.device.usage.tapeSizeKB = old.sizeKB;
      return;
    }
    await this.labelNewTape(old, onMedium);
  }

  /** getDumpTape's checks (§2.10), then the label of tape `sequence` from the beginning. */
  private async labelNewTape(old: ButmLabel | null, onMedium: ButmLabel[]): Promise<void> {
    const name = this.tapeName(this.sequence);
    if (Buffer.byteLength(name) >= 32) throw new RangeError(`tape name '${name}' is ${Buffer.byteLength(name)} bytes; butc's limit is 31`);
    if (old) {
      const t = this.now();
      const expires = old.expirationDate >>> 0;
      if (!this.options.force && expires !== 0 && (expires === NEVERDATE || expires >= t)) {
        throw new MediaError('protected', this.device.name, `This tape has not expired: ${labelName(old)} expires ${expires === NEVERDATE ? 'never' : new Date(expires * 1000).toISOString()} (--force overwrites it)`);
      }
      if (onMedium.some((l) => l.dumpId === this.dumpId)) throw new MediaError('protected', this.device.name, `Can't overwrite tape containing the dump in progress`);
      if (this.parentId && onMedium.some((l) => l.dumpId === this.parentId)) {
        throw new MediaError('protected', this.device.name, `Can't overwrite the parent dump ${labelName(old)} (DumpID ${this.parentId})`);
      }
      if (!this.options.force && old.dumpId !== 0 && isDatabaseTapeName(old.afsName)) {
        throw new MediaError('protected', this.device.name, `the medium holds the database dump ${labelName(old)} (--force overwrites it)`);
      }
    }
    const label = newLabel({
      creationTime: this.now(),
      expirationDate: this.options.expires ?? 0,
      afsName: name,
      cell: this.options.cell ?? '',
      dumpId: this.dumpId,
      useCount: (old?.useCount ?? 0) + 1,
      pName: old?.pName ?? '',
      sizeKB: old ? old.sizeKB : this.device.usage.tapeSizeKB,
      dumpPath: this.levelPath,
    });
    const { position } = await this.writer.writeLabel(label);
    this.device.usage.tapeSizeKB = label.sizeKB;
    this.labelRecord = encodeLabel(label);
    this.initialLabel ??= label;
    this.volumesOnTape = 0;
    this.tapes.push({ medium: this.mediumIndex, name, position, device: this.device });
  }

  /** The planned switch: END-OF-DUMP on this tape, then the next medium labelled with sequence + 1. */
  private async nextTape(): Promise<void> {
    await this.writer.writeEndOfDump();
    const supply = this.options.nextMedium;
    this.sequence++;
    if (!supply) {
      throw new MediaError('no-next-medium', this.device.name, `the dump needs another medium for ${this.tapeName(this.sequence)} (give --next-medium or --mount)`);
    }
    const previous = this.device;
    const next = await supply({ sequence: this.sequence, tapeName: this.tapeName(this.sequence), dumpId: this.dumpId, previous });
    const old = await readLabel(next);
    if (old && this.labelRecord && encodeLabel(old).equals(this.labelRecord)) {
      throw new MediaError('wrong-medium', next.name, `the next medium is the one just written (${labelName(old)}): it was not changed`);
    }
    this.device = next;
    this.writer = new ButmWriter(next);
    this.mediumIndex++;
    await this.labelNewTape(old, old ? (await labelsOn(next)).map((l) => l.label) : []);
  }

  async dumpVolume({ stream, summary }: Prepared): Promise<void> {
    const fields: VolumeHeaderFields = {
      volumeName: summary.volumeName,
      volumeId: summary.volumeId,
      server: this.options.server ?? 0,
      part: this.options.partition ?? 0,
      from: summary.fromDate,
      // RW volumes: when the dump of the volume started; clones: their creation date (§2.5)
      cloneDate: summary.volumeHeader.type === RW_VOLUME ? this.now() : (summary.volumeHeader.creationDate ?? this.now()),
      dumpSetName: this.dumpSetName,
      dumpId: this.dumpId,
      level: this.level,
      parentId: this.parentId,
    };
    const volume: WrittenVolume = { name: summary.volumeName, id: summary.volumeId, fragments: [] };
    for (;;) {
      try {
        await this.writeVolume(stream, fields, volume);
        break;
      } catch (e) {
        if (!hitEndOfTape(e)) throw e;
        // an unplanned end of tape (§2.9): the first volume on a tape does not fit at all;
        // otherwise the tape is finished and the whole volume is dumped again on the next one
        if (this.firstOnTape) {
          throw new MediaError('volume-too-large', this.device.name, `Volume ${summary.volumeName} (${summary.volumeId}) failed - volume larger than tape`, { cause: e });
        }
        this.options.log?.(`Warning: Dump (${this.dumpSetName}) hit end-of-tape inferred`);
        volume.fragments = []; // redumped from its first byte; earlier copies stay unrecorded, as in butc
        await this.afterEndOfTape();
      }
    }
    this.volumes.push(volume);
    this.options.log?.(`Volume ${summary.volumeName} (${summary.volumeId}) successfully dumped`);
  }

  /** After a refused write the medium is at its end: close the tape as far as it goes, then switch. */
  private async afterEndOfTape(): Promise<void> {
    this.writer = new ButmWriter(this.device);
    const supply = this.options.nextMedium;
    this.sequence++;
    if (!supply) throw new MediaError('no-next-medium', this.device.name, `end of tape: the dump needs another medium for ${this.tapeName(this.sequence)}`);
    const next = await supply({ sequence: this.sequence, tapeName: this.tapeName(this.sequence), dumpId: this.dumpId, previous: this.device });
    this.device = next;
    this.writer = new ButmWriter(next);
    this.mediumIndex++;
    const old = await readLabel(next);
    await this.labelNewTape(old, old ? (await labelsOn(next)).map((l) => l.label) : []);
  }

  private async writeVolume(stream: DumpStream, fields: VolumeHeaderFields, volume: WrittenVolume): Promise<void> {
    let frag = 1;
    const file = await open(stream.path, 'r');
    try {
      this.firstOnTape = this.volumesOnTape === 0;
      let { position } = await this.writer.beginVolume(makeVolumeHeader(fields, frag));
      this.volumesOnTape++;
      const buffer = Buffer.alloc(READ_BUFFER);
      for (;;) {
        if (this.writer.shouldSplit()) {
          const written = await this.writer.endVolume(makeVolumeTrailer(fields, frag, { continues: true }));
          volume.fragments.push({ medium: this.mediumIndex, position, fragment: frag, bytes: written.streamBytes, last: false });
          await this.nextTape();
          frag++;
          this.firstOnTape = true;
          ({ position } = await this.writer.beginVolume(makeVolumeHeader(fields, frag)));
          this.volumesOnTape++;
        }
        const want = Math.min(this.writer.readSize(READ_BUFFER), READ_BUFFER);
        const { bytesRead } = await file.read(buffer, 0, want, null);
        if (bytesRead === 0) break;
        await this.writer.writeVolumeData(buffer.subarray(0, bytesRead));
      }
      const written = await this.writer.endVolume(makeVolumeTrailer(fields, frag, { continues: false, endTime: this.now() }));
      volume.fragments.push({ medium: this.mediumIndex, position, fragment: frag, bytes: written.streamBytes, last: true });
    } finally {
      await file.close();
    }
  }

  async finish(): Promise<void> {
    await this.writer.writeEndOfDump();
  }

  result(): DumpWritten {
    return { dumpId: this.dumpId, parentId: this.parentId, level: this.level, dumpSetName: this.dumpSetName, tapes: this.tapes, volumes: this.volumes };
  }
}

/** Every label on the medium (initial and appended), in order, with its position. */
async function labelsOn(device: RecordDevice): Promise<{ label: ButmLabel; position: number }[]> {
  const reader = new ButmReader(device);
  const labels = [await reader.readLabel({ rewind: true })];
  try {
    for (let e = await reader.next(); e; e = await reader.next()) if (e.kind === 'label') labels.push({ label: e.label, position: e.position });
  } catch (e) {
    if (!isButmError(e)) throw e; // a damaged tail: what was read is what there is
  }
  return labels;
}
