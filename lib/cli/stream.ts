/**
 * `tapecoord stream`: the mbuffer of tapecoord. Copies input to output through the native ring,
 * one write() per block, with a progress line on a terminal and a summary at the end.
 *
 *   tapecoord stream -i FILE|-|sim:PATH|/dev/nstN -o /dev/nstN|sim:PATH|FILE|- [--block-size 256k]
 *                    [--buffer 512M] [--file-offsets] [--filemark] [--rate] [--json]
 */
import { open } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { detectBlockSize } from '../drive/blocksize.js';
import { Medium, describeSpec, parseMediumSpec, type MediumSpec } from '../drive/medium.js';
import { DEFAULT_BLOCK_SIZE } from '../stream/geometry.js';
import { StreamError, type StreamResult } from '../stream/result.js';
import { Transfer, type TransferSink, type TransferSource } from '../stream/transfer.js';
import { formatBytes, parseSize } from '../util/size.js';

interface StreamOptions {
  input: string;
  output: string;
  blockSize?: string;
  buffer: string;
  fileOffsets?: boolean;
  filemark?: boolean;
  rate?: boolean;
  json?: boolean;
  map: boolean;
  startAt?: string;
  files: string;
  simCapacity?: string;
  simEarlyWarning?: string;
  simRate?: string;
  simBackhitch: string;
}

export function streamCommand(): Command {
  return new Command('stream')
    .description('copy input to output through the native ring buffer (where you would use dd or mbuffer)')
    .requiredOption('-i, --input <source>', "input: a file, '-' for stdin, a tape (/dev/nstN) or sim:PATH")
    .requiredOption('-o, --output <sink>', "output: a tape (/dev/nstN), sim:PATH, a file, /dev/null or '-' for stdout")
    .option('-b, --block-size <size>', 'tape block size: one write() per block (default 256k; 16k for butc media; found by itself when reading a tape)')
    .option('-m, --buffer <size>', 'ring buffer memory', '256M')
    .option('--file-offsets', 'pad every record to the block size: record k at offset k x block size (butc FILE mode)')
    .option('--filemark', 'write a filemark after the data (tape and sim outputs)')
    .option('--rate', 'print the rate every second even when stderr is not a terminal')
    .option('--json', 'print the summary as JSON on stdout')
    .option('--no-map', 'read an input file into the ring instead of writing its blocks from the page cache')
    .option('--start-at <percent>', 'start writing when the ring is this full (default 67 for tapes, as afbackup; 0 for files and pipes)')
    .option('--files <n>', "tape input: tape files to read ('all' = to end of data)", '1')
    .addOption(new Option('--sim-capacity <size>', 'sim output created now: cartridge capacity'))
    .addOption(new Option('--sim-early-warning <size>', 'sim output created now: early-warning zone'))
    .addOption(new Option('--sim-rate <size>', 'sim output: model a drive moving this many bytes/s (e.g. 400M)'))
    .addOption(new Option('--sim-backhitch <seconds>', 'sim output: back-hitch time when the modelled drive runs dry').default('2'))
    .action(async (o: StreamOptions) => {
      process.exitCode = await runStream(o);
    });
}

function percent(text: string, what: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0 || n > 100) throw new RangeError(`${what}: '${text}' must be a percentage from 0 to 100`);
  return n / 100;
}

async function openSource(spec: MediumSpec, files: number): Promise<{ source: TransferSource; medium?: Medium; close: () => Promise<void> }> {
  if (spec.kind === 'file') {
    if ('fd' in spec) return { source: { fd: spec.fd, name: spec.name }, close: async () => undefined };
    const handle = await open(spec.path, 'r');
    return { source: { fd: handle.fd, name: spec.path }, close: () => handle.close() };
  }
  const medium = await Medium.open(spec, { readOnly: true });
  return { source: { medium, files }, medium, close: () => medium.close() };
}

async function openSink(spec: MediumSpec, o: StreamOptions): Promise<Medium> {
  if (spec.kind === 'sim') {
    return Medium.open(spec, {
      create: true,
      capacity: o.simCapacity ? parseSize(o.simCapacity, '--sim-capacity') : 0,
      earlyWarning: o.simEarlyWarning ? parseSize(o.simEarlyWarning, '--sim-early-warning') : 0,
      rateBytesPerSec: o.simRate ? parseSize(o.simRate, '--sim-rate') : 0,
      backHitchNs: Math.round(Number(o.simBackhitch) * 1e9),
    });
  }
  if (spec.kind === 'file') return Medium.open(spec, { create: true, truncate: !('fd' in spec) });
  return Medium.open(spec);
}

function mbps(bytes: number, ns: number): number {
  return ns > 0 ? bytes / 1e6 / (ns / 1e9) : 0;
}

async function runStream(o: StreamOptions): Promise<number> {
  const inSpec = parseMediumSpec(o.input, 'input');
  const outSpec = parseMediumSpec(o.output, 'output');
  const files = o.files === 'all' ? 0 : Number(o.files);
  if (!Number.isSafeInteger(files) || files < 0) throw new RangeError(`--files: '${o.files}' must be a number or 'all'`);
  const bufferSize = parseSize(o.buffer, '--buffer');

  const input = await openSource(inSpec, files);
  let sink: Medium | undefined;
  try {
    let blockSize = o.blockSize ? parseSize(o.blockSize, '--block-size') : DEFAULT_BLOCK_SIZE;
    if (input.medium && !o.blockSize) {
      const found = await detectBlockSize(input.medium);
      if (found.kind === 'block') blockSize = found.blockSize;
    }
    sink = await openSink(outSpec, o);
    // The watermark keeps a drive streaming; a file or a pipe gains nothing from waiting for it.
    const highWater = o.startAt !== undefined ? percent(o.startAt, '--start-at') : sink.kind === 'file' ? 0 : 0.67;
    const sinkEnd: TransferSink = { medium: sink };
    const transfer = new Transfer(input.source, sinkEnd, {
      blockSize,
      bufferSize,
      highWater,
      lowWater: 0,
      fileOffsets: o.fileOffsets ?? false,
      mapInput: o.map,
    });
    transfer.on('earlyWarning', (p) => {
      process.stderr.write(`\nstream: early warning on ${describeSpec(outSpec)} after ${p.blocks} blocks (${p.bytes} bytes)\n`);
    });
    const progress = startProgress(transfer, o.rate ?? false);
    let result: StreamResult | undefined;
    let failure: StreamError | undefined;
    try {
      result = await transfer.done;
    } catch (e) {
      if (!(e instanceof StreamError)) throw e;
      failure = e;
    } finally {
      progress.stop();
    }
    if (!failure && o.filemark && sink.kind !== 'file') await sink.writeFilemarks(1);
    const stats = transfer.stats();
    const summary = {
      input: describeSpec(inSpec),
      output: describeSpec(outSpec),
      bytes: stats.payloadOut,
      bytesOnMedium: stats.bytesOut,
      blocks: stats.blocks,
      blockSize,
      filemarks: stats.filemarks + (!failure && o.filemark && sink.kind !== 'file' ? 1 : 0),
      seconds: stats.elapsedNs / 1e9,
      mbPerSec: mbps(stats.payloadOut, stats.elapsedNs),
      stalls: stats.sinkStalls,
      stallSeconds: stats.sinkStallNs / 1e9,
      sourceStalls: stats.sourceStalls,
      bufferSize: stats.ringSlots * stats.slotSize,
      earlyWarningBlock: stats.earlyWarning ? stats.earlyWarningBlock : null,
      endOfData: result?.endOfData ?? false,
      error: failure ? { code: failure.code, message: failure.message, endOfMedium: failure.endOfMedium } : null,
    };
    if (o.json) process.stdout.write(JSON.stringify(summary) + '\n');
    else {
      process.stderr.write(
        `stream: ${summary.bytes} bytes (${formatBytes(summary.bytes)}) in ${summary.seconds.toFixed(3)} s = ` +
          `${summary.mbPerSec.toFixed(1)} MB/s, ${summary.blocks} blocks of ${blockSize}, ` +
          `${summary.stalls} stalls, buffer ${formatBytes(summary.bufferSize)}\n`,
      );
    }
    if (failure) {
      process.stderr.write(`stream: ${failure.message}\n`);
      return 1;
    }
    return 0;
  } finally {
    await sink?.close();
    await input.close();
  }
}

/** A progress line on a terminal (bytes, MB/s, ring fill), or a line a second with --rate. */
function startProgress(transfer: Transfer, always: boolean): { stop: () => void } {
  const tty = process.stderr.isTTY === true;
  if (!tty && !always) return { stop: () => undefined };
  let lastBytes = 0;
  let lastNs = 0;
  const interval = tty ? 250 : 1000;
  const timer = setInterval(() => {
    const s = transfer.stats();
    const rate = mbps(s.payloadOut - lastBytes, s.elapsedNs - lastNs);
    lastBytes = s.payloadOut;
    lastNs = s.elapsedNs;
    const fill = s.ringSlots ? Math.round((100 * s.ringFill) / s.ringSlots) : 0;
    const line = `${formatBytes(s.payloadOut).padStart(11)}  ${rate.toFixed(1).padStart(8)} MB/s  ring ${String(fill).padStart(3)}%  stalls ${s.sinkStalls}`;
    process.stderr.write(tty ? `\r${line}` : `${line}\n`);
  }, interval);
  return {
    stop: () => {
      clearInterval(timer);
      if (tty) process.stderr.write('\n');
    },
  };
}
