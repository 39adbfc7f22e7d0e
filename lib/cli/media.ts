/**
 * `tapecoord media`: butc media (OpenAFS backup tapes and backup data files) without a cell:
 *
 *   tapecoord media label MEDIUM [--name N] [--pname P] [--size SIZE] [--force]
 *   tapecoord media readlabel MEDIUM [--json]
 *   tapecoord media scan MEDIUM... [--json]
 *   tapecoord media write MEDIUM --dump-set SET [--level PATH] [--append] STREAM...
 *   tapecoord media extract MEDIUM... (--index K | --volume NAME [--dump ID]) [-o FILE]
 *
 * MEDIUM is a backup data file (butc FILE YES), a tape device (/dev/nst0) or sim:PATH. Output is
 * what butc prints for the same operation (readlabel, scantape), or JSON.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { open as openFile, rm, type FileHandle } from 'node:fs/promises';
import { once } from 'node:events';
import { atocl } from '../butc/atocl.js';
import { mountArgs, mountDecision, runCallOut, unmountArgs } from '../butc/callout.js';
import type { RecordDevice } from '../format/butm/index.js';
import { MediaError } from '../media/errors.js';
import { extractVolume, type ExtractSink, type VolumeSelector } from '../media/extract.js';
import { labelMedium, readLabel } from '../media/label.js';
import { openMedium, UNLIMITED_KB } from '../media/open.js';
import { formatTapeLabel } from '../media/report.js';
import { scanMedia } from '../media/scan.js';
import { writeDump, type NextMedium } from '../media/write.js';
import { parseUnixTime } from '../util/unix-time.js';

/** A tapeconfig-style size (a number without a unit is bytes; K, M, G, T) in KB. */
function sizeKB(text: string): number {
  const kb = atocl(text, 'K');
  if (kb === null || kb <= 0) throw new InvalidArgumentError(`'${text}' is not a size (100M, 160K, 2000000 bytes)`);
  return kb;
}

function positiveInt(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new InvalidArgumentError(`'${text}' is not a positive integer`);
  return Number(text);
}

function unsigned32(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) > 0xffffffff) throw new InvalidArgumentError(`'${text}' is not an unsigned 32-bit number`);
  return Number(text);
}

function ipv4(text: string): number {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (!m || m.slice(1).some((p) => Number(p) > 255)) throw new InvalidArgumentError(`'${text}' is not an IPv4 address`);
  return m.slice(1).reduce((a, p) => a * 256 + Number(p), 0);
}

function unixTime(text: string): number {
  try {
    return parseUnixTime(text, '--expires');
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

function nonNegativeInt(text: string): number {
  if (!/^\d+$/.test(text)) throw new InvalidArgumentError(`'${text}' is not a number from 0`);
  return Number(text);
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

async function withDevices<T>(media: string[], readOnly: boolean, fn: (devices: RecordDevice[]) => Promise<T>): Promise<T> {
  const devices: RecordDevice[] = [];
  try {
    for (const m of media) devices.push(await openMedium(m, { readOnly }));
    return await fn(devices);
  } finally {
    for (const d of devices) await d.close().catch(() => undefined);
  }
}

const print = (text: string): void => void process.stdout.write(text);
const json = (value: unknown): void => print(JSON.stringify(value, (_k, v: unknown) => (Buffer.isBuffer(v) ? undefined : v), 2) + '\n');

function labelCommand(): Command {
  return new Command('label')
    .description('write a label from the beginning of the medium, as backup labeltape does (a backup data file is truncated)')
    .argument('<medium>', 'backup data file, tape device or sim:PATH')
    .option('--name <name>', 'the AFS tape name (-name)')
    .option('--pname <name>', 'the permanent name (-pname); <NULL> clears it; default: keep the old one')
    .option('--size <size>', 'capacity recorded in the label (100M, 2T; no unit: bytes)', sizeKB)
    .option('--cell <cell>', 'the cell recorded in the label')
    .option('--force', 'relabel a medium that holds a dump or whose label has not expired')
    .option('--json', 'print the label written as JSON')
    .action(async (medium: string, o: { name?: string; pname?: string; size?: number; cell?: string; force?: boolean; json?: boolean }) => {
      await withDevices([medium], false, async ([device]) => {
        const { label } = await labelMedium(device!, { name: o.name, pname: o.pname, sizeKB: o.size, cell: o.cell, force: o.force });
        if (o.json) json({ medium, label });
        else print(`Labelled tape ${label.pName || label.afsName || '<NULL>'} size ${label.sizeKB} Kbytes\n`);
      });
    });
}

function readlabelCommand(): Command {
  return new Command('readlabel')
    .description("print the medium's label as butc prints it for backup readlabel")
    .argument('<medium>', 'backup data file, tape device or sim:PATH')
    .option('--json', 'print the label as JSON')
    .action(async (medium: string, o: { json?: boolean }) => {
      await withDevices([medium], true, async ([device]) => {
        const label = await readLabel(device!);
        if (!label) throw new MediaError('not-found', medium, 'Tape read was unlabelled');
        if (o.json) json({ medium, label });
        else print(formatTapeLabel(label));
      });
    });
}

function scanCommand(): Command {
  return new Command('scan')
    .description('list the labels, dumps, volumes and fragments on the media in medium order, as backup scantape prints them')
    .argument('<media...>', 'one medium, or the media of a multi-tape dump in order')
    .option('--json', 'print { media, labels, dumps: [{ id, ..., volumes: [{ name, id, position, fragment, ... }] }] }')
    .action(async (media: string[], o: { json?: boolean }) => {
      await withDevices(media, true, async (devices) => {
        const scan = await scanMedia(devices);
        if (o.json) json({ media: scan.media, labels: scan.labels, dumps: scan.dumps });
        else print(scan.text);
      });
    });
}

interface WriteCliOptions {
  dumpSet: string;
  level: string;
  append?: boolean;
  parent?: number;
  dumpId?: number;
  capacity?: number;
  nextMedium?: string[];
  mount?: string;
  unmount?: string;
  server?: number;
  partition: number;
  expires?: number;
  cell?: string;
  force?: boolean;
  json?: boolean;
}

/** The next medium: from --next-medium in turn, else after the MOUNT callout has changed it in place. */
function mediumSupply(first: string, o: WriteCliOptions, open: Set<RecordDevice>): NextMedium | undefined {
  const list = [...(o.nextMedium ?? [])];
  if (!list.length && !o.mount) return undefined;
  return async ({ sequence, tapeName, dumpId, previous }) => {
    await previous.close();
    open.delete(previous);
    if (o.unmount) await runCallOut(o.unmount, unmountArgs(first));
    let path = first;
    if (list.length) path = list.shift()!;
    else {
      const exit = await runCallOut(o.mount!, mountArgs(first, o.append ? 'appenddump' : 'dump', sequence, tapeName, dumpId));
      if (mountDecision('dump', exit) !== 'proceed') {
        throw new MediaError('no-next-medium', first, `the MOUNT callout ${o.mount} did not supply ${tapeName} (${JSON.stringify(exit)})`);
      }
    }
    const device = await openMedium(path, { capacityKB: o.capacity ?? UNLIMITED_KB });
    open.add(device);
    return device;
  };
}

function writeCommand(): Command {
  return new Command('write')
    .description('write volume dump streams (vos dump output) as one butc dump: label, fragments, END-OF-DUMP, more media when full')
    .argument('<medium>', 'backup data file, tape device or sim:PATH')
    .argument('<streams...>', 'volume dump stream files, in the order to write them')
    .requiredOption('--dump-set <volset>', 'the volume set: tapes are named <volset>.<level leaf>.<n>')
    .option('--level <path>', 'the dump level path; its depth is the level', '/full')
    .option('--append', 'append after the last dump on the medium (backup dump -append)')
    .option('--parent <id>', 'the parent dump id of an incremental (default: the last dump of the parent level on the medium)', unsigned32)
    .option('--dump-id <id>', 'the dump id (default: now, above every dump id on the medium)', unsigned32)
    .option('--capacity <size>', 'tapeconfig capacity (160K, 400G; no unit: bytes); default: the label size, or unlimited', sizeKB)
    .option('--next-medium <medium>', 'the medium to continue on when one is full (repeatable, used in order)', collect)
    .option('--mount <script>', 'MOUNT callout run for each further medium (butc arguments, empty environment)')
    .option('--unmount <script>', 'UNMOUNT callout run after each full medium')
    .option('--server <address>', 'fileserver IPv4 address recorded in the volume headers', ipv4)
    .addOption(new Option('--partition <n>', 'partition index recorded in the volume headers (0 = /vicepa)').argParser(nonNegativeInt).default(0))
    .option('--expires <date>', 'label expiration (Unix seconds or ISO 8601)', unixTime)
    .option('--cell <cell>', 'the cell recorded in the labels')
    .option('--force', 'overwrite a medium whose label has not expired')
    .option('--json', 'print the dump written as JSON')
    .action(async (medium: string, streams: string[], o: WriteCliOptions) => {
      const open = new Set<RecordDevice>();
      try {
        const first = await openMedium(medium, { capacityKB: o.capacity ?? UNLIMITED_KB });
        open.add(first);
        const dump = await writeDump(
          first,
          streams.map((path) => ({ path })),
          {
            volumeSet: o.dumpSet,
            level: o.level,
            append: o.append,
            parentId: o.parent,
            dumpId: o.dumpId,
            server: o.server,
            partition: o.partition,
            expires: o.expires,
            cell: o.cell,
            force: o.force,
            nextMedium: mediumSupply(medium, o, open),
            log: o.json ? undefined : (line) => print(line + '\n'),
          },
        );
        const summary = { ...dump, tapes: dump.tapes.map(({ device: _device, ...t }) => t) };
        if (o.json) json(summary);
        else print(`${dump.dumpSetName} (DumpId ${dump.dumpId}): Finished. ${dump.volumes.length} volumes dumped\n`);
      } finally {
        for (const d of open) await d.close().catch(() => undefined);
      }
    });
}

/** -o FILE (truncated again if a partial copy must be taken back) or stdout (which cannot). */
async function extractSink(output: string | undefined): Promise<{ sink: ExtractSink; close: (ok: boolean) => Promise<void> }> {
  if (output && output !== '-') {
    const file: FileHandle = await openFile(output, 'w');
    let offset = 0;
    return {
      sink: {
        write: async (chunk) => {
          await file.write(chunk, 0, chunk.length, offset);
          offset += chunk.length;
        },
        restart: async () => {
          await file.truncate(0);
          offset = 0;
        },
      },
      close: async (ok) => {
        await file.close();
        if (!ok) await rm(output, { force: true });
      },
    };
  }
  const out = process.stdout;
  let written = false;
  return {
    sink: {
      write: async (chunk) => {
        written = true;
        if (!out.write(chunk)) await once(out, 'drain');
      },
      restart: async () => {
        if (written) throw new MediaError('bad-stream', 'stdout', 'a partial copy of the volume was already written to stdout; extract to a file (-o) to let it be replaced');
      },
    },
    close: async () => undefined,
  };
}

function extractCommand(): Command {
  return new Command('extract')
    .description('write the exact volume dump stream of one volume, stitched across fragments and media, for vos restore')
    .argument('<media...>', 'one medium, or the media of a multi-tape dump in order')
    .option('--index <k>', 'the K-th volume in medium order, from 1 (as read_tape counts)', positiveInt)
    .option('--volume <name>', 'the first volume of this name in medium order')
    .option('--dump <id>', 'with --volume: the one in this dump', unsigned32)
    .option('-o, --output <file>', 'write here instead of stdout')
    .option('--json', 'print what was extracted as JSON on stderr')
    .action(async (media: string[], o: { index?: number; volume?: string; dump?: number; output?: string; json?: boolean }) => {
      if ((o.index === undefined) === (o.volume === undefined)) throw new InvalidArgumentError('give one of --index K or --volume NAME');
      const selector: VolumeSelector = o.index !== undefined ? { index: o.index } : { volume: o.volume!, dumpId: o.dump };
      await withDevices(media, true, async (devices) => {
        const { sink, close } = await extractSink(o.output);
        let ok = false;
        try {
          const r = await extractVolume(devices, selector, sink);
          ok = true;
          const { summary: _summary, ...report } = r;
          if (o.json) process.stderr.write(JSON.stringify(report) + '\n');
          else process.stderr.write(`Retrieved volume ${r.volumeName} (${r.volumeId}) of dump ${r.dumpId}: ${r.bytes} bytes in ${r.fragments.length} fragment${r.fragments.length === 1 ? '' : 's'}\n`);
        } finally {
          await close(ok);
        }
      });
    });
}

export function mediaCommand(): Command {
  return new Command('media')
    .description('OpenAFS butc media (tapes, backup data files, simulated tapes): label, readlabel, scan, write, extract')
    .addCommand(labelCommand())
    .addCommand(readlabelCommand())
    .addCommand(scanCommand())
    .addCommand(writeCommand())
    .addCommand(extractCommand());
}
