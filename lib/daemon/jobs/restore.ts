/**
 * A restore: the planner's reads (lib/planner/restore-plan.ts) for each name asked, in the order
 * its data is needed, each tape file checked against the catalog (label, header, byte count) and
 * streamed through the native ring to the sink. The continuation written by a dump is followed
 * from the catalog's fragments: fragment n+1 is on the cartridge the dump went on to.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { LARGEST_BLOCK } from '../../drive/medium.js';
import { decodeFileHeader } from '../../format/tapefile.js';
import { planRestore, type PlannedRead, type RestorePlan } from '../../planner/restore-plan.js';
import { TapeReader } from '../../stream/tape-reader.js';
import type { DriveLease } from '../drive-pool.js';
import { DaemonError } from '../errors.js';
import { checkAbort, fillOf, type JobContext } from '../job-context.js';
import { mountCartridge, type Mounted } from '../mount.js';
import { checkForRead, positionAt } from '../position.js';
import type { RestoreRequest } from '../requests.js';


export interface RestoreResult {
  names: string[];
  bytes: number;
  /** Per name: the dump restored and its pieces. */
  restored: { name: string; dump: number; pieces: { cartridge: number; file: number; bytes: number }[] }[];
}

type Read = PlannedRead & { cartridge: number };

/** The reads for one name, in the order its data is needed (chain order, then fragment). */
function readsFor(plan: RestorePlan, name: string): Read[] {
  const volume = plan.volumes.find((v) => v.volume === name)!;
  const step = new Map(volume.chain.map((c, i) => [c.dump, i]));
  return plan.cartridges
    .flatMap((m) => m.reads.filter((r) => r.volume === name).map((r) => ({ ...r, cartridge: m.cartridge })))
    .sort((a, b) => step.get(a.dump)! - step.get(b.dump)! || a.fragment - b.fragment);
}

export async function runRestore(ctx: JobContext, req: RestoreRequest, lease: DriveLease): Promise<RestoreResult> {
  const plan = planRestore(ctx.catalog, { select: req.names.map((name) => ({ name })), ...(req.at !== null ? { at: req.at } : {}) });
  if (plan.unmatched.length) throw new DaemonError('not-found', `no completed dump in ${ctx.catalog.path} matches ${plan.unmatched.join(', ')}`);
  if (plan.missing.length) throw new DaemonError('not-found', plan.missing.map((m) => m.message).join('; '));
  const total = plan.volumes.reduce((n, v) => n + v.bytes, 0);
  ctx.task.setTotal(total);
  const sink: Writable = req.output.kind === 'file' ? createWriteStream(req.output.path) : req.output.stream;
  const result: RestoreResult = { names: req.names, bytes: 0, restored: [] };
  let mounted: Mounted | null = null;
  try {
    for (const name of req.names) {
      ctx.task.setVolume(name);
      const reads = readsFor(plan, name);
      const restored = { name, dump: reads[0]?.dump ?? 0, pieces: [] as { cartridge: number; file: number; bytes: number }[] };
      for (const read of reads) {
        checkAbort(ctx);
        if (mounted?.cartridge !== read.cartridge) {
          await mounted?.medium.close();
          mounted = null;
          mounted = await mountCartridge(ctx, lease, read.cartridge);
          await checkForRead(mounted.medium, read.cartridge);
        }
        const bytes = await readTapeFile(ctx, req, lease, mounted, read, sink, result.bytes);
        result.bytes += bytes;
        restored.pieces.push({ cartridge: read.cartridge, file: read.position, bytes });
        ctx.emit({ kind: 'log', subtype: 'copied', message: `${name} fragment ${read.fragment}: ${bytes} bytes from cartridge ${read.cartridge} file ${read.position}` });
      }
      result.restored.push(restored);
    }
  } catch (e) {
    // a file the job opened is closed; a stream given is the caller's, who learns of the failure from the condition
    if (req.output.kind === 'file') sink.destroy();
    throw e;
  } finally {
    await mounted?.medium.close().catch(() => undefined);
  }
  sink.end();
  if (!sink.writableFinished) await once(sink, 'finish');
  return result;
}

async function readTapeFile(ctx: JobContext, req: RestoreRequest, lease: DriveLease, m: Mounted, read: Read, sink: Writable, before: number): Promise<number> {
  const where = `cartridge ${read.cartridge} file ${read.position}`;
  lease.setState('positioning');
  ctx.emit({ kind: 'op-phase', phase: 'position', message: `${where}: positioning` });
  await positionAt(m.medium, read.cartridge, read.position);
  lease.setFile(read.position);
  const first = await m.medium.read(LARGEST_BLOCK);
  const header = first.kind === 'data' ? decodeFileHeader(first.data, where) : null;
  if (!header || header.dump !== read.dump || header.name !== read.volume || header.fragment !== read.fragment) {
    const found = header ? `dump ${header.dump} "${header.name}" fragment ${header.fragment}` : first.kind === 'filemark' ? 'an empty tape file' : 'no tapecoord header';
    throw new DaemonError('wrong-medium', `${where}: expected dump ${read.dump} "${read.volume}" fragment ${read.fragment}, found ${found}`);
  }
  lease.setState('reading');
  ctx.emit({ kind: 'op-phase', phase: 'read', message: `${where}: reading fragment ${read.fragment}` });
  ctx.emit({ kind: 'saveset-open', cartridge: read.cartridge, file: read.position, bytes: read.bytes });
  const reader = new TapeReader(m.medium, { blockSize: header.blockSize, bufferSize: req.bufferSize, files: 1 });
  ctx.task.setRingFill(() => fillOf(reader.stats()));
  const onAbort = () => reader.destroy(ctx.task.signal.reason as Error);
  ctx.task.signal.addEventListener('abort', onAbort, { once: true });
  let bytes = 0;
  try {
    for await (const chunk of reader) {
      const buf = chunk as Buffer;
      if (bytes + buf.length > read.bytes) throw new DaemonError('wrong-medium', `${where}: more than the ${read.bytes} bytes the catalog has for it`);
      bytes += buf.length;
      lease.addBytes(buf.length);
      ctx.task.progress(before + bytes);
      if (ctx.wants('saveset-read')) ctx.emit({ kind: 'saveset-read', cartridge: read.cartridge, file: read.position, blocks: reader.stats().blocksIn, bytes });
      if (!sink.write(buf)) await drainOrFail(sink);
    }
    await reader.result;
  } finally {
    ctx.task.signal.removeEventListener('abort', onAbort);
    ctx.task.setRingFill(null);
  }
  if (bytes !== read.bytes) throw new DaemonError('wrong-medium', `${where}: ${bytes} bytes on the medium, the catalog has ${read.bytes}`);
  ctx.emit({ kind: 'saveset-close', cartridge: read.cartridge, file: read.position, bytes });
  return bytes;
}

function drainOrFail(sink: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (e?: Error) => {
      sink.off('drain', onDrain);
      sink.off('error', done);
      sink.off('close', onClose);
      if (e) reject(e);
      else resolve();
    };
    const onDrain = () => done();
    const onClose = () => done(new DaemonError('protocol', 'the restore output closed before the end'));
    sink.on('drain', onDrain);
    sink.on('error', done);
    sink.on('close', onClose);
  });
}
