/**
 * A dump: one stream onto a cartridge set, as tapecoord tape files (lib/format/tapefile.ts), across
 * as many cartridges as it takes.
 *
 * Per cartridge: the planner names where the set is written next; the cartridge is loaded, checked
 * (labelled when blank) and positioned; a tape file is written through the native ring (header
 * block, data, filemark). When the drive reports early warning the job stops taking data after the
 * chunk in hand, lets the ring drain, writes the filemark, records the tape file, marks the
 * cartridge full, asks the planner for the next one, records the continuation and goes on there.
 *
 * The catalog only learns what is on the medium (lib/catalog/writes.ts): a tape file is recorded
 * after its filemark, the dump is marked complete after its last one. A dump that fails or is
 * aborted stays incomplete, which restores never use; the tape file it was writing is not
 * recorded, and is written over by the next dump of the set.
 */
import { createReadStream, statSync } from 'node:fs';
import { cartridgeSets } from '../../catalog/cartridges.js';
import { completeDump, createDump } from '../../catalog/dumps.js';
import { recordCartridgeFull, recordTapeFile } from '../../catalog/writes.js';
import { encodeFileHeader, MIN_HEADER_BLOCK } from '../../format/tapefile.js';
import { explainDecision, nextCartridge, type WriteTarget } from '../../planner/next-cartridge.js';
import { recordContinuation } from '../../planner/continuation.js';
import { TapeWriter } from '../../stream/tape-writer.js';
import { ChunkPuller } from '../chunks.js';
import type { DriveLease } from '../drive-pool.js';
import { DaemonError } from '../errors.js';
import { checkAbort, fillOf, type JobContext } from '../job-context.js';
import { mountCartridge } from '../mount.js';
import { prepareForWrite } from '../position.js';
import type { DumpRequest } from '../requests.js';

/** The most data handed to the ring at once. */
const PIECE = 1 << 20;

export interface DumpPiece {
  fragment: number;
  cartridge: number;
  file: number;
  bytes: number;
}

export interface DumpResult {
  dump: number;
  name: string;
  cartridgeSet: string;
  bytes: number;
  pieces: DumpPiece[];
}

/** The set's number, from its name or its number as text. */
export function resolveCartridgeSet(ctx: JobContext, set: string): { number: number; name: string } {
  const sets = cartridgeSets(ctx.catalog);
  const found = sets.find((s) => s.name === set) ?? (/^\d+$/.test(set) ? sets.find((s) => s.number === Number(set)) : undefined);
  if (!found) throw new DaemonError('invalid', `no cartridge set "${set}" in ${ctx.catalog.path} (sets: ${sets.map((s) => `${s.number} ${s.name ?? ''}`.trim()).join(', ') || 'none'})`);
  return { number: found.number, name: found.name ?? String(found.number) };
}

/**
 * The cartridge to write on next, claimed for the task in the same turn as it is chosen (so a
 * second dump to the set takes another). When the only writable ones are in use by other tasks,
 * it waits for one of them to be let go (as while a cart_ctl job has the library); when there is
 * none at all, it asks the operator.
 */
async function nextTarget(ctx: JobContext, set: number, overwrite: boolean): Promise<WriteTarget> {
  for (;;) {
    const d = nextCartridge(ctx.catalog, set, { overwrite, inUse: ctx.cartridges.heldByOthers(ctx.task.id) });
    if (d.target) {
      // Other tasks' cartridges were passed over; a claim fails only while a cart_ctl job has the library.
      if (ctx.cartridges.tryClaim(ctx.task.id, d.target.cartridge)) return d.target;
      await ctx.cartridges.released(ctx.task.signal);
      continue;
    }
    if (d.skipped.some((s) => s.reason === 'in-use')) {
      ctx.cartridges.release(ctx.task.id);
      ctx.emit({ kind: 'user-message', message: `${explainDecision(d)}: waiting for one of them` });
      await ctx.cartridges.released(ctx.task.signal);
      continue;
    }
    const answer = await ctx.ask({
      kind: 'mount',
      message: `${explainDecision(d)}: add or free a cartridge of the set (tapecoord cart), then answer "retry"`,
      choices: ['retry', 'abort'],
      default: 'abort',
    });
    if (answer !== 'retry') throw new DaemonError('no-cartridge', explainDecision(d));
  }
}

export async function runDump(ctx: JobContext, req: DumpRequest, lease: DriveLease): Promise<DumpResult> {
  if (req.blockSize < MIN_HEADER_BLOCK) throw new DaemonError('invalid', `block size ${req.blockSize}: a tapecoord tape file needs blocks of at least ${MIN_HEADER_BLOCK} bytes`);
  const set = resolveCartridgeSet(ctx, req.cartridgeSet);
  const source = req.input.kind === 'file' ? createReadStream(req.input.path, { highWaterMark: 1 << 20 }) : req.input.stream;
  if (req.input.kind === 'file') ctx.task.setTotal(req.totalBytes ?? statSync(req.input.path).size);
  else if (req.totalBytes !== null) ctx.task.setTotal(req.totalBytes);
  const puller = new ChunkPuller(source);
  const created = ctx.now();
  const dumpId = createDump(ctx.catalog, { parent: null, level: 0, volumeSet: set.name, created, expires: req.expires });
  ctx.task.setDumpId(dumpId);
  ctx.task.setVolume(req.name);
  ctx.emit({ kind: 'journal-write', record: { type: 'dump', dump: dumpId, name: req.name, cartridgeSet: set.name } });

  const pieces: DumpPiece[] = [];
  let total = 0;
  // Data goes to the writer a piece at a time, so that after early warning at most the ring and
  // one piece still go to the cartridge (the configuration keeps that inside the warning zone).
  const piece = Math.max(req.blockSize, Math.min(PIECE, Math.floor(req.bufferSize / 4 / req.blockSize) * req.blockSize));
  let pending: Buffer | null = null;
  try {
    // Inside the try: a dump refused or aborted while it waits for a cartridge lets its input go too.
    let target = await nextTarget(ctx, set.number, req.overwrite);
    for (let fragment = 1; ; fragment++) {
      checkAbort(ctx);
      const mounted = await mountCartridge(ctx, lease, target.cartridge);
      let full = false;
      let last = false;
      let bytes = 0;
      try {
        lease.setState('positioning');
        ctx.emit({ kind: 'op-phase', phase: 'position', message: `cartridge ${target.cartridge}: to tape file ${target.file}` });
        await prepareForWrite(ctx, mounted.medium, target.cartridge, target.file);
        lease.setFile(target.file);
        lease.setState('writing');
        ctx.emit({ kind: 'op-phase', phase: 'write', message: `cartridge ${target.cartridge} file ${target.file}: writing fragment ${fragment}` });
        ctx.emit({ kind: 'saveset-open', cartridge: target.cartridge, file: target.file, bytes: 0 });
        const writer = new TapeWriter(mounted.medium, { blockSize: req.blockSize, bufferSize: req.bufferSize });
        writer.on('error', () => undefined); // failures arrive through the write callbacks and writer.result
        const onAbort = () => writer.destroy(ctx.task.signal.reason as Error);
        ctx.task.signal.addEventListener('abort', onAbort, { once: true });
        ctx.task.setRingFill(() => fillOf(writer.stats()));
        try {
          await write(writer, encodeFileHeader({ dump: dumpId, name: req.name, cartridgeSet: set.name, fragment, cartridge: target.cartridge, file: target.file, created, blockSize: req.blockSize }));
          let ended = false;
          // The native flag, not the 'earlyWarning' event: a loop whose writes never wait (a fast
          // medium) never lets the event loop deliver the event, and would write on to the end of medium.
          while (!writer.stats().earlyWarning) {
            const next: Buffer | null = pending ?? (await puller.next(ctx.task.signal));
            if (next === null) {
              ended = true;
              break;
            }
            const chunk = next.length > piece ? next.subarray(0, piece) : next;
            pending = next.length > piece ? next.subarray(piece) : null;
            await write(writer, chunk);
            bytes += chunk.length;
            lease.addBytes(chunk.length);
            ctx.task.progress(total + bytes);
            if (ctx.wants('saveset-write')) ctx.emit({ kind: 'saveset-write', cartridge: target.cartridge, file: target.file, blocks: writer.stats().blocks, bytes });
          }
          // Early warning with nothing in hand: learn whether the stream has ended before taking
          // another cartridge, so that its end does not get one of its own (an empty last fragment).
          if (!ended && pending === null) {
            pending = await puller.next(ctx.task.signal);
            ended = pending === null;
          }
          await writer.filemark(1);
          await new Promise<void>((resolve, reject) => writer.end((e?: Error | null) => (e ? reject(e) : resolve())));
          const written = await writer.result;
          // A file that ends just past early warning made no write that reported it; the status does (GMT_EOT).
          full = written.earlyWarningBlock !== null || (await mounted.medium.status()).flags.includes('EOT');
          total += bytes;
          last = ended;
          recordTapeFile(ctx.catalog, {
            cartridge: target.cartridge,
            file: target.file,
            bytes,
            time: ctx.now(),
            cartridgeSet: set.number,
            fragments: [{ dump: dumpId, volume: req.name, volumeId: null, cloneTime: null, fragment, block: null, bytes, last }],
          });
          pieces.push({ fragment, cartridge: target.cartridge, file: target.file, bytes });
          ctx.emit({ kind: 'saveset-close', cartridge: target.cartridge, file: target.file, bytes });
          ctx.emit({ kind: 'journal-write', record: { type: 'tape-file', dump: dumpId, name: req.name, fragment, cartridge: target.cartridge, file: target.file, bytes, last } });
          ctx.emit({ kind: 'log', subtype: 'copied', message: `fragment ${fragment}: ${bytes} bytes to cartridge ${target.cartridge} file ${target.file}` });
        } finally {
          ctx.task.signal.removeEventListener('abort', onAbort);
          ctx.task.setRingFill(null);
          if (!writer.destroyed && !writer.writableFinished) writer.destroy();
          await writer.result.catch(() => undefined); // the writer thread has let go of the medium
        }
      } catch (e) {
        lease.addError();
        // A filemark ends what reached the medium, so the tape reads cleanly up to there (the
        // catalog does not have the file; the next dump of the set writes over it).
        await mounted.medium.writeFilemarks(1).catch(() => undefined);
        throw e;
      } finally {
        await mounted.medium.close().catch(() => undefined);
      }
      if (full) {
        recordCartridgeFull(ctx.catalog, target.cartridge, ctx.now());
        ctx.emit({ kind: 'journal-write', record: { type: 'cartridge-full', cartridge: target.cartridge } });
      }
      if (last) break;
      if (!full) throw new DaemonError('invalid', `cartridge ${target.cartridge}: the stream stopped without an end or early warning`);
      const from = target.cartridge;
      target = await nextTarget(ctx, set.number, req.overwrite);
      recordContinuation(ctx.catalog, from, target.cartridge, target.file);
      ctx.emit({ kind: 'journal-write', record: { type: 'continuation', from, to: target.cartridge, file: target.file } });
      ctx.emit({ kind: 'log', subtype: 'new-saveset', message: `cartridge ${from} is full: continuing on cartridge ${target.cartridge} file ${target.file}` });
    }
  } catch (e) {
    puller.destroy();
    throw e;
  }
  completeDump(ctx.catalog, dumpId, ctx.now());
  ctx.emit({ kind: 'journal-write', record: { type: 'dump-complete', dump: dumpId } });
  return { dump: dumpId, name: req.name, cartridgeSet: set.name, bytes: total, pieces };
}

function write(writer: TapeWriter, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) => writer.write(chunk, (e) => (e ? reject(e) : resolve())));
}
