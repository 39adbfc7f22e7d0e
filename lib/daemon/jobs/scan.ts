/**
 * A scan: every tape file of each cartridge named, from the label to the end of data, listed as
 * it is found (list-open, one list-write per tape file, list-close). tapecoord tape files are
 * named from their header; anything else is listed as foreign with its size. Nothing is recorded.
 */
import { readLabel } from '../../format/cartridge-label.js';
import { decodeFileHeader, TapeFileError } from '../../format/tapefile.js';
import { isEndOfData, LARGEST_BLOCK } from '../../drive/medium.js';
import { TapeReader } from '../../stream/tape-reader.js';
import type { ListEntry } from '../../api/events.js';
import type { DriveLease } from '../drive-pool.js';
import { checkAbort, type JobContext } from '../job-context.js';
import { mountCartridge } from '../mount.js';
import { positionAt } from '../position.js';
import type { ScanRequest } from '../requests.js';


export interface ScanResult {
  entries: ListEntry[];
}

export async function runScan(ctx: JobContext, req: ScanRequest, lease: DriveLease): Promise<ScanResult> {
  const entries: ListEntry[] = [];
  let moved = 0;
  ctx.emit({ kind: 'list-open', what: `cartridges ${req.cartridges.join(', ')}` });
  for (const cartridge of req.cartridges) {
    checkAbort(ctx);
    const m = await mountCartridge(ctx, lease, cartridge);
    try {
      lease.setState('reading');
      const label = await readLabel(m.medium);
      if (label.kind === 'blank') continue;
      const labelEntry: ListEntry = { cartridge, file: 0, type: label.kind === 'label' ? 'label' : 'foreign', name: label.kind === 'label' ? `cartridge ${label.label.cartridge}` : null, dump: null, fragment: null, bytes: 0, blocks: 1 };
      entries.push(labelEntry);
      ctx.emit({ kind: 'list-write', entry: labelEntry });
      await positionAt(m.medium, cartridge, 1);
      for (let file = 1; ; file++) {
        checkAbort(ctx);
        lease.setFile(file);
        let first;
        try {
          first = await m.medium.read(LARGEST_BLOCK);
        } catch (e) {
          if (await isEndOfData(m.medium, e)) break;
          throw e;
        }
        let entry: ListEntry;
        if (first.kind === 'filemark') {
          // st reads 0 once more at end of data after a filemark, and sets GMT_EOD (docs/SIMTAPE.md §2)
          if ((await m.medium.status()).flags.includes('EOD')) break;
          entry = { cartridge, file, type: 'foreign', name: null, dump: null, fragment: null, bytes: 0, blocks: 0 };
        } else {
          let header = null;
          try {
            header = decodeFileHeader(first.data, `cartridge ${cartridge} file ${file}`);
          } catch (e) {
            if (!(e instanceof TapeFileError)) throw e;
            ctx.emit({ kind: 'error-message', message: e.message, code: 'wrong-medium' });
          }
          const rest = new TapeReader(m.medium, { blockSize: header?.blockSize ?? LARGEST_BLOCK, bufferSize: Math.max(4 * (header?.blockSize ?? LARGEST_BLOCK), 16 << 20), files: 1 });
          let bytes = 0;
          for await (const chunk of rest) {
            bytes += (chunk as Buffer).length;
            ctx.task.progress(moved + bytes);
          }
          const r = await rest.result;
          moved += bytes;
          entry = header
            ? { cartridge, file, type: 'data', name: header.name, dump: header.dump, fragment: header.fragment, bytes, blocks: r.blocks }
            : { cartridge, file, type: 'foreign', name: null, dump: null, fragment: null, bytes: bytes + first.data.length, blocks: r.blocks + 1 };
          if (r.endOfData) {
            entries.push(entry);
            ctx.emit({ kind: 'list-write', entry });
            break;
          }
        }
        entries.push(entry);
        ctx.emit({ kind: 'list-write', entry });
      }
    } finally {
      await m.medium.close().catch(() => undefined);
    }
  }
  ctx.emit({ kind: 'list-close', files: entries.length, bytes: entries.reduce((n, e) => n + e.bytes, 0) });
  return { entries };
}
