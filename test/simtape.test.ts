// Every tape operation on the simulated tape (native/sim_tape.cc, docs/SIMTAPE.md), through the
// TypeScript API, with the exact fileno/blkno/tell and status flags the st driver would report.
import t from 'tap';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isEndOfData, Medium, type OpenMediumOptions } from '../lib/drive/medium.js';
import type { MtOpName } from '../lib/native/binding.js';
import { pseudoRandom, rng, tempDir } from './helpers/tmp.js';
import { sha256 } from './helpers/streams.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const IMAGE_HEADER = 64;
const RECORD_HEADER = 32;
const EMEDIUMTYPE = 124;

function openSim(path: string, options: OpenMediumOptions = { create: true }): Promise<Medium> {
  return Medium.open({ kind: 'sim', path }, options);
}

/**
 * The position as st reports it (MTIOCGET fileno/blkno, MTIOCPOS), with the status flags that
 * change (ONLINE and IM_REP_EN are always on while a cartridge is loaded; checked on their own).
 */
async function pos(m: Medium): Promise<{ file: number; block: number; tell: number; flags: string }> {
  const s = await m.status();
  return {
    file: s.fileno,
    block: s.blkno,
    tell: await m.tell(),
    flags: s.flags.filter((f) => f !== 'ONLINE' && f !== 'IM_REP_EN').join(' '),
  };
}

async function flags(m: Medium): Promise<string[]> {
  return (await m.status()).flags;
}

/** A block's bytes, derived from its number, so a reader can check it without keeping it. */
function blockData(base: Buffer, i: number, length: number): Buffer {
  return base.subarray(i % 997, (i % 997) + length);
}

async function readData(m: Medium, length: number): Promise<Buffer> {
  const r = await m.read(length);
  if (r.kind !== 'data') throw new Error('expected a data block, got a filemark');
  return r.data;
}

t.test('a blank cartridge: status after open', async (t) => {
  const dir = tempDir(t);
  const m = await openSim(join(dir, 'blank.simtape'));
  const s = await m.status();
  t.equal(m.kind, 'sim');
  t.equal(m.fd, -1, 'no SG_IO descriptor');
  t.equal(s.type, 0x72, 'MT_ISSCSI2');
  t.equal(s.typeName, 'SCSI 2');
  t.same(s.flags, ['BOT', 'ONLINE', 'IM_REP_EN']);
  t.same([s.fileno, s.blkno, s.blockSize, s.density, s.resid, s.softErrors], [0, 0, 0, 0, 0, 0]);
  t.equal(await m.tell(), 0);
  t.same(m.modelStats(), { busyNs: 0, backHitches: 0, elapsedNs: 0 }, 'no rate model: zero counters');
  await m.close();
  await t.rejects(m.status(), { code: 'EBADF' }, 'closed');
});

t.test('variable-block round trip, filemarks, and end of data with GMT_EOD where st has it', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'var.simtape');
  const m = await openSim(path);
  const sizes = [1, 2, 100, 16384, 65536, 262144, 1 << 20, 3, 16384];
  const blocks = sizes.map((n, i) => pseudoRandom(n, i + 1));
  for (const [i, b] of blocks.entries()) {
    t.equal(await m.write(b), b.length, `block ${i} written whole`);
    t.same(await pos(m), { file: 0, block: i + 1, tell: i + 1, flags: '' });
  }
  const n = blocks.length;
  await m.writeFilemarks(1);
  t.same(await pos(m), { file: 1, block: 0, tell: n + 1, flags: 'EOF' }, 'after MTWEOF 1');
  const last = pseudoRandom(500, 100);
  t.equal(await m.write(last), 500);
  t.same(await pos(m), { file: 1, block: 1, tell: n + 2, flags: '' });
  await m.op('MTWEOF', 2);
  t.same(await pos(m), { file: 3, block: 0, tell: n + 4, flags: 'EOF' }, 'after MTWEOF 2: st does not know it is at EOD');

  await m.rewind();
  t.same(await pos(m), { file: 0, block: 0, tell: 0, flags: 'BOT' });
  for (const [i, b] of blocks.entries()) {
    t.equal(sha256(await readData(m, 1 << 20)), sha256(b), `block ${i} reads back`);
    t.same(await pos(m), { file: 0, block: i + 1, tell: i + 1, flags: '' });
  }
  t.same(await m.read(1 << 20), { kind: 'filemark' }, 'the first filemark reads as 0');
  t.same(await pos(m), { file: 1, block: 0, tell: n + 1, flags: 'EOF' });
  t.same(await readData(m, 1000), last);
  t.same(await m.read(1000), { kind: 'filemark' });
  t.same(await pos(m), { file: 2, block: 0, tell: n + 3, flags: 'EOF' });
  t.same(await m.read(1000), { kind: 'filemark' }, 'the second filemark');
  t.same(await pos(m), { file: 3, block: 0, tell: n + 4, flags: 'EOF' }, 'after the last filemark: no EOD yet');
  t.same(await m.read(1000), { kind: 'filemark' }, 'st: zero returned for the first BLANK CHECK after a filemark');
  t.same(await pos(m), { file: 3, block: 0, tell: n + 4, flags: 'EOF EOD' }, 'that zero read sets GMT_EOD (ST_EOD)');
  await t.rejects(m.read(1000), { code: 'EIO', op: 'read' }, 'then EIO');
  t.same(await pos(m), { file: 3, block: 0, tell: n + 4, flags: 'EOF EOD' }, 'GMT_EOD stays');
  await t.rejects(m.read(1000), { code: 'EIO' }, 'and EIO again');
  await m.close();

  // Reopened: the same records; MTEOM sets GMT_EOD and the first read is already EIO.
  const r = await openSim(path, {});
  for (const b of blocks) t.equal(sha256(await readData(r, 1 << 20)), sha256(b));
  await r.op('MTEOM');
  t.same(await pos(r), { file: 3, block: 0, tell: n + 4, flags: 'EOF EOD' }, 'MTEOM: ST_EOD');
  await t.rejects(r.read(1000), { code: 'EIO' }, 'no zero after MTEOM');
  await r.close();
});

t.test('a plain EIO read at end of data leaves GMT_EOD clear; a failed space sets it', async (t) => {
  const dir = tempDir(t);
  const m = await openSim(join(dir, 'eod.simtape'));
  await t.rejects(m.read(100), { code: 'EIO', op: 'read' }, 'blank tape');
  t.same(await pos(m), { file: 0, block: 0, tell: 0, flags: 'BOT' }, 'no GMT_EOD after the plain EIO read');
  await t.rejects(m.read(100), { code: 'EIO' });
  t.same(await pos(m), { file: 0, block: 0, tell: 0, flags: 'BOT' }, 'still none after another');
  await t.rejects(m.op('MTFSR', 1), { code: 'EIO', op: 'MTFSR' }, 'MTFSR 1 at EOD fails (BLANK CHECK)');
  t.same(await pos(m), { file: 0, block: 0, tell: 0, flags: 'BOT EOD' }, 'and sets GMT_EOD (ST_EOD)');
  t.equal((await m.status()).resid, 1, 'resid: the one block not spaced');
  await t.rejects(m.read(100), { code: 'EIO' }, 'reads in ST_EOD fail at once');

  const a = pseudoRandom(100, 1);
  const b = pseudoRandom(200, 2);
  await m.write(a);
  t.same(await pos(m), { file: 0, block: 1, tell: 1, flags: '' }, 'a write clears it');
  await m.write(b);
  await m.op('MTWEOF', 0); // flush, no filemark: ends the write sequence without st's automatic filemark
  t.same(await pos(m), { file: 0, block: 2, tell: 2, flags: '' });
  await m.rewind();
  t.same(await readData(m, 1000), a);
  t.same(await readData(m, 1000), b);
  const err = await m.read(1000).catch((e) => e);
  t.match(err, { code: 'EIO', op: 'read' }, 'end of data without a filemark: EIO at once');
  t.same(await pos(m), { file: 0, block: 2, tell: 2, flags: '' }, 'no GMT_EOD: EOD looks like a media error');
  t.equal(await isEndOfData(m, err), true, 'isEndOfData settles it with a space');
  t.same(await pos(m), { file: 0, block: 2, tell: 2, flags: 'EOD' }, 'the space left GMT_EOD');

  await m.op('MTBSR', 1);
  t.same(await pos(m), { file: 0, block: 1, tell: 1, flags: '' }, 'a successful space clears it');
  await m.op('MTFSR', 1);
  t.same(await pos(m), { file: 0, block: 2, tell: 2, flags: '' }, 'reaching EOD by a successful space does not set it');
  await t.rejects(m.op('MTFSF', 1), { code: 'EIO', op: 'MTFSF' });
  t.same(await pos(m), { file: 0, block: 2, tell: 2, flags: 'EOD' }, 'MTFSF to EOD sets it');
  t.equal((await m.status()).resid, 1);
  await t.rejects(m.read(1000), { code: 'EIO' }, 'no zero after a space to EOD');
  await m.rewind();
  await t.rejects(m.op('MTFSFM', 1), { code: 'EIO', op: 'MTFSFM' });
  t.same(await pos(m), { file: 0, block: 2, tell: 2, flags: 'EOD' }, 'MTFSFM to EOD sets it');
  await m.op('MTNOP');
  t.same(await pos(m), { file: 0, block: 2, tell: 2, flags: 'EOD' }, 'MTNOP changes nothing');
  t.equal((await m.status()).resid, 0, 'but the residual is of the last operation');
  await m.op('MTSETBLK', 0);
  t.ok((await flags(m)).includes('EOD'), 'nor does MTSETBLK');
  await m.writeFilemarks(1);
  t.same(await pos(m), { file: 1, block: 0, tell: 3, flags: 'EOF' }, 'a filemark clears it');

  await m.rewind();
  await m.op('MTFSF', 1);
  t.same(await pos(m), { file: 1, block: 0, tell: 3, flags: 'EOF' }, 'MTFSF onto the filemark before EOD: ST_FM');
  t.same(await m.read(1000), { kind: 'filemark' }, 'so the first read at EOD returns 0');
  t.same(await pos(m), { file: 1, block: 0, tell: 3, flags: 'EOF EOD' });
  await t.rejects(m.read(1000), { code: 'EIO' });

  await m.rewind();
  await m.op('MTFSR', 2);
  t.same(await m.read(1000), { kind: 'filemark' });
  t.same(await pos(m), { file: 1, block: 0, tell: 3, flags: 'EOF' }, 'a read that crossed the filemark: ST_FM');
  const eod = await m.read(1000);
  t.same(eod, { kind: 'filemark' }, 'the zero at EOD');
  t.equal(await isEndOfData(m, new Error('not a device error')), false);
  t.same(await pos(m), { file: 1, block: 0, tell: 3, flags: 'EOF EOD' });

  // A media error (injected) is not end of data: no GMT_EOD, and the space succeeds.
  await m.close();
  const f = await openSim(join(dir, 'eod.simtape'), { failReadAt: 2 });
  t.same(await readData(f, 1000), a);
  const bad = await f.read(1000).catch((e) => e);
  t.match(bad, { code: 'EIO', op: 'read' }, 'the injected EIO');
  t.same(await pos(f), { file: 0, block: 1, tell: 1, flags: '' }, 'position unchanged, no GMT_EOD');
  t.equal(await isEndOfData(f, bad), false, 'a media error mid-tape is not end of data');
  t.same(await pos(f), { file: 0, block: 2, tell: 2, flags: '' }, 'the probing space stepped over the block');
  await f.close();
});

t.test('fixed-block mode', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'fixed.simtape');
  const m = await openSim(path);
  await m.op('MTSETBLK', 512);
  t.equal((await m.status()).blockSize, 512, 'MTSETBLK shows in mt_dsreg');
  const data = pseudoRandom(4096, 7);
  t.equal(await m.write(data), 4096, 'one write, eight blocks');
  t.same(await pos(m), { file: 0, block: 8, tell: 8, flags: '' });
  await t.rejects(m.write(data.subarray(0, 100)), { code: 'EINVAL', op: 'write' }, 'not a multiple of the block size');
  await t.rejects(m.write(data.subarray(0, 513)), { code: 'EINVAL' });
  t.same(await pos(m), { file: 0, block: 8, tell: 8, flags: '' }, 'nothing written');
  t.equal(await m.write(data.subarray(0, 1024)), 1024);
  t.same(await pos(m), { file: 0, block: 10, tell: 10, flags: '' });
  await m.writeFilemarks(1);
  t.equal(await m.write(data.subarray(0, 512)), 512);
  await m.writeFilemarks(1);
  await m.op('MTSETBLK', 0);
  t.equal((await m.status()).blockSize, 0, 'back to variable mode');
  const odd = pseudoRandom(1000, 9);
  t.equal(await m.write(odd), 1000, 'a 1000-byte variable block');
  t.same(await pos(m), { file: 2, block: 1, tell: 14, flags: '' });
  await m.rewind(); // st's automatic filemark after the write
  t.same(await pos(m), { file: 0, block: 0, tell: 0, flags: 'BOT' });

  await m.op('MTSETBLK', 512);
  await t.rejects(m.read(100), { code: 'EINVAL', op: 'read' }, 'reads must be whole blocks');
  t.same(await readData(m, 2048), data.subarray(0, 2048), 'four blocks');
  t.same(await pos(m), { file: 0, block: 4, tell: 4, flags: '' });
  const cut = await readData(m, 8192);
  t.equal(cut.length, 3072, 'six blocks: the read stops before the filemark');
  t.same(cut, Buffer.concat([data.subarray(2048), data.subarray(0, 1024)]));
  t.same(await pos(m), { file: 0, block: 10, tell: 10, flags: '' });
  t.same(await m.read(8192), { kind: 'filemark' }, 'the next read returns 0 for the filemark');
  t.same(await pos(m), { file: 1, block: 0, tell: 11, flags: 'EOF' });
  t.same(await readData(m, 8192), data.subarray(0, 512));
  t.same(await m.read(8192), { kind: 'filemark' });
  t.same(await pos(m), { file: 2, block: 0, tell: 13, flags: 'EOF' });
  await t.rejects(m.read(8192), { code: 'EIO', op: 'read' }, 'a 1000-byte block in 512-byte mode: incorrect block size');
  t.same(await pos(m), { file: 2, block: 0, tell: 13, flags: 'EOF' }, 'st spaced back: before the block, no GMT_EOD');
  await m.op('MTSETBLK', 0);
  t.same(await readData(m, 4096), odd);
  t.same(await m.read(4096), { kind: 'filemark' }, 'the automatic filemark');
  t.same(await pos(m), { file: 3, block: 0, tell: 15, flags: 'EOF' });
  await m.op('MTSETBLK', 512);
  t.same(await m.read(512), { kind: 'filemark' }, 'fixed mode: the zero at EOD after a filemark');
  t.same(await pos(m), { file: 3, block: 0, tell: 15, flags: 'EOF EOD' });
  await t.rejects(m.read(512), { code: 'EIO' });

  await t.rejects(m.op('MTSETBLK', 1 << 24), { code: 'EINVAL', op: 'MTSETBLK' }, 'above 16 MiB - 1');
  t.throws(() => m.op('MTSETBLK', 0xffffffff), TypeError, 'a count that would be -1 as an int');
  t.equal((await m.status()).blockSize, 512, 'unchanged');
  await m.close();

  const r = await openSim(path, {});
  t.equal((await r.status()).blockSize, 0, 'the block size belongs to the open, not the cartridge');
  t.equal((await readData(r, 512)).length, 512, 'variable mode: one 512-byte block');
  await r.close();

  // A fixed read that reaches EOD after some blocks returns them (deviation 2); then EIO, no GMT_EOD.
  const e = await openSim(join(dir, 'fixed-eod.simtape'));
  await e.op('MTSETBLK', 512);
  await e.write(pseudoRandom(1536, 3));
  await e.op('MTWEOF', 0);
  await e.rewind();
  t.same(await readData(e, 4096), pseudoRandom(1536, 3), 'three blocks, then end of data');
  t.same(await pos(e), { file: 0, block: 3, tell: 3, flags: '' });
  await t.rejects(e.read(4096), { code: 'EIO' });
  t.same(await pos(e), { file: 0, block: 3, tell: 3, flags: '' }, 'plain EIO at EOD: no GMT_EOD');
  await e.op('MTSETBLK', 0);
  await t.rejects(e.write(Buffer.alloc(16 << 20)), { code: 'EINVAL', op: 'write' }, 'a 16 MiB block is beyond the block limits');
  t.equal(await e.write(Buffer.alloc((16 << 20) - 1, 7)), (16 << 20) - 1, '16 MiB - 1 is the largest block');
  t.same(await pos(e), { file: 0, block: 4, tell: 4, flags: '' });
  await e.close();
});

t.test('space operations, MTEOM, MTSEEK: positions, residuals and flags', async (t) => {
  const dir = tempDir(t);
  const m = await openSim(join(dir, 'ops.simtape'));
  // records: 0 b, 1 b, 2 b, 3 FM, 4 b, 5 b, 6 FM, 7 FM, 8 b; end of data at 9
  const b = (i: number) => pseudoRandom(100, 50 + i);
  for (let i = 0; i < 3; i++) await m.write(b(i));
  await m.writeFilemarks(1);
  await m.write(b(3));
  await m.write(b(4));
  await m.writeFilemarks(2, true);
  await m.write(b(5));
  await m.op('MTWEOF', 0);
  t.same(await pos(m), { file: 3, block: 1, tell: 9, flags: '' });
  const resid = async () => (await m.status()).resid;

  await m.op('MTREW');
  t.same(await pos(m), { file: 0, block: 0, tell: 0, flags: 'BOT' }, 'MTREW');
  await m.op('MTFSF', 1);
  t.same(await pos(m), { file: 1, block: 0, tell: 4, flags: 'EOF' }, 'MTFSF 1: after the first filemark');
  await m.op('MTFSF', 2);
  t.same(await pos(m), { file: 3, block: 0, tell: 8, flags: 'EOF' }, 'MTFSF 2: over the empty file');
  await t.rejects(m.op('MTFSF', 1), { code: 'EIO', op: 'MTFSF' }, 'MTFSF meets EOD');
  t.same(await pos(m), { file: 3, block: 1, tell: 9, flags: 'EOD' }, 'left at EOD with GMT_EOD');
  t.equal(await resid(), 1);
  await m.op('MTNOP');
  t.equal(await resid(), 0, 'MTNOP: residual 0');

  await m.op('MTBSF', 1);
  t.same(await pos(m), { file: 2, block: 0, tell: 7, flags: 'EOF' }, 'MTBSF 1 from EOD: before the last filemark');
  await m.op('MTEOM');
  t.same(await pos(m), { file: 3, block: 1, tell: 9, flags: 'EOD' }, 'MTEOM');
  await m.op('MTBSF', 2);
  t.same(await pos(m), { file: 1, block: 2, tell: 6, flags: '' }, 'MTBSF 2: before filemark 6');
  await m.op('MTEOM');
  await t.rejects(m.op('MTBSF', 5), { code: 'EIO', op: 'MTBSF' }, 'MTBSF meets BOT');
  t.same(await pos(m), { file: 0, block: 0, tell: 0, flags: 'BOT' }, 'left at BOT');
  t.equal(await resid(), 2, 'two filemarks missing');
  await t.rejects(m.op('MTBSF', 1), { code: 'EIO' }, 'MTBSF at BOT');
  t.equal(await resid(), 1);

  await m.op('MTFSFM', 1);
  t.same(await pos(m), { file: 0, block: 3, tell: 3, flags: '' }, 'MTFSFM 1: before the first filemark');
  await m.op('MTREW');
  await m.op('MTFSFM', 2);
  t.same(await pos(m), { file: 1, block: 2, tell: 6, flags: '' }, 'MTFSFM 2: before the second');
  await t.rejects(m.op('MTFSFM', 5), { code: 'EIO', op: 'MTFSFM' });
  t.same(await pos(m), { file: 3, block: 1, tell: 9, flags: 'EOD' }, 'MTFSFM past the last filemark: EOD');
  t.equal(await resid(), 3);

  await m.op('MTBSFM', 1);
  t.same(await pos(m), { file: 3, block: 0, tell: 8, flags: 'EOF' }, 'MTBSFM 1: after the last filemark');
  await m.op('MTBSFM', 2);
  t.same(await pos(m), { file: 2, block: 0, tell: 7, flags: 'EOF' }, 'MTBSFM 2: after filemark 6');
  await t.rejects(m.op('MTBSFM', 3), { code: 'EIO', op: 'MTBSFM' });
  t.same(await pos(m), { file: 0, block: 0, tell: 0, flags: 'BOT' }, 'MTBSFM meets BOT');
  t.equal(await resid(), 1);

  await m.op('MTFSR', 2);
  t.same(await pos(m), { file: 0, block: 2, tell: 2, flags: '' }, 'MTFSR 2');
  await t.rejects(m.op('MTFSR', 2), { code: 'EIO', op: 'MTFSR' }, 'MTFSR meets a filemark');
  t.same(await pos(m), { file: 1, block: 0, tell: 4, flags: 'EOF' }, 'stopped after the filemark');
  t.equal(await resid(), 1);
  t.same(await readData(m, 100), b(3), 'reading continues in the next file');
  await m.op('MTBSR', 1);
  await m.op('MTFSR', 1);
  t.same(await pos(m), { file: 1, block: 1, tell: 5, flags: '' });
  await m.op('MTSEEK', 8);
  await t.rejects(m.op('MTFSR', 5), { code: 'EIO' }, 'MTFSR meets EOD');
  t.same(await pos(m), { file: 3, block: 1, tell: 9, flags: 'EOD' });
  t.equal(await resid(), 4);
  await m.op('MTBSR', 1);
  t.same(await pos(m), { file: 3, block: 0, tell: 8, flags: 'EOF' }, 'MTBSR 1');
  await t.rejects(m.op('MTBSR', 1), { code: 'EIO', op: 'MTBSR' }, 'MTBSR meets a filemark');
  t.same(await pos(m), { file: 2, block: 0, tell: 7, flags: 'EOF' }, 'stopped before (BOT side of) filemark 7');
  t.equal(await resid(), 1);
  await m.op('MTSEEK', 5);
  await m.op('MTBSR', 1);
  t.same(await pos(m), { file: 1, block: 0, tell: 4, flags: 'EOF' });
  await t.rejects(m.op('MTBSR', 2), { code: 'EIO' });
  t.same(await pos(m), { file: 0, block: 3, tell: 3, flags: '' }, 'before filemark 3');
  t.equal(await resid(), 2);
  await t.rejects(m.op('MTBSR', 5), { code: 'EIO' }, 'MTBSR meets BOT');
  t.same(await pos(m), { file: 0, block: 0, tell: 0, flags: 'BOT' });
  t.equal(await resid(), 2);
  await m.op('MTFSR', 0);
  t.same(await pos(m), { file: 0, block: 0, tell: 0, flags: 'BOT' }, 'MTFSR 0 does nothing');

  // Counts above 2^31 would reach the driver as negative ints and SCSI SPACE would go the other
  // way (seen on the real st driver): they are refused before the driver.
  t.throws(() => m.op('MTFSF', 0xffffffff), TypeError, 'MTFSF 0xffffffff is not MTBSF 1');
  t.throws(() => m.op('MTBSR', 0x80000000), TypeError);

  await m.op('MTSEEK', 5);
  t.same(await pos(m), { file: 1, block: 1, tell: 5, flags: '' }, 'MTSEEK 5');
  t.same(await readData(m, 100), b(4));
  t.equal(await m.tell(), 6);
  await m.op('MTSEEK', 7);
  t.same(await pos(m), { file: 2, block: 0, tell: 7, flags: 'EOF' }, 'MTSEEK onto a filemark');
  t.same(await m.read(100), { kind: 'filemark' });
  await m.op('MTSEEK', 9);
  t.same(await pos(m), { file: 3, block: 1, tell: 9, flags: '' }, 'MTSEEK to EOD: st does not know it is there');
  await t.rejects(m.op('MTSEEK', 100), { code: 'EIO', op: 'MTSEEK' }, 'MTSEEK beyond EOD');
  t.same(await pos(m), { file: 3, block: 1, tell: 9, flags: '' }, 'left at EOD; set_location leaves ST_NOEOF');
  t.throws(() => m.op('MTSEEK', 0x80000000), TypeError, 'a block number that would be negative');
  await m.seek(0);
  t.same(await pos(m), { file: 0, block: 0, tell: 0, flags: 'BOT' });
  await m.close();
});

t.test('the other operations: density, drive buffer, compression, retension, offline, lock, erase', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'misc.simtape');
  const m = await openSim(path);
  for (let i = 0; i < 3; i++) await m.write(pseudoRandom(100, i));
  await m.writeFilemarks(1);
  await m.write(pseudoRandom(100, 3));
  await m.writeFilemarks(1);
  // records: 0 b, 1 b, 2 b, 3 FM, 4 b, 5 FM; end of data at 6

  await m.op('MTSETDENSITY', 0x5a);
  let s = await m.status();
  t.same([s.density, s.densityName, s.blockSize], [0x5a, 'LTO-6', 0], 'MTSETDENSITY shows in mt_dsreg');
  await m.op('MTSETBLK', 1024);
  s = await m.status();
  t.equal(s.raw.dsreg, (0x5a << 24) | 1024, 'dsreg = density << 24 | block size');
  await m.op('MTSETBLK', 0);
  await t.rejects(m.op('MTSETDENSITY', 256), { code: 'EINVAL', op: 'MTSETDENSITY' });
  t.equal((await m.status()).density, 0x5a, 'unchanged');
  await m.op('MTSETDRVBUFFER', 1);
  await m.op('MTSETDRVBUFFER', 0x10000000 | 0x1); // MT_ST_BOOLEANS | MT_ST_BUFFER_WRITES: a driver option
  await m.op('MTSETDRVBUFFER', 0xf0000000); // MT_ST_SET_CLN etc.: accepted and ignored
  await m.op('MTCOMPRESSION', 1);
  await m.op('MTCOMPRESSION', 0);
  await m.op('MTNOP');
  t.same(await pos(m), { file: 2, block: 0, tell: 6, flags: 'EOF' }, 'none of them moves the tape');
  await m.op('MTSEEK', 4);
  await m.op('MTRETEN');
  t.same(await pos(m), { file: 0, block: 0, tell: 0, flags: 'BOT' }, 'MTRETEN ends at BOT');

  for (const op of ['MTRESET', 'MTSETPART', 'MTMKPART'] as MtOpName[]) {
    await t.rejects(m.op(op, 1), { code: 'EINVAL', op }, `${op} is not modelled`);
  }
  t.throws(() => m.op('MTNOPE' as MtOpName), TypeError, 'an unknown name is refused before the driver');
  t.throws(() => m.op('MTFSF', -1), TypeError, 'a negative count is refused');
  t.throws(() => m.op('MTFSF', 2 ** 40), TypeError, 'so is one beyond 32 bits');
  t.throws(() => m.op('MTFSF', 1.5), TypeError, 'and a fraction');
  await t.rejects(m.op('MTWEOF', 0x1000000), { code: 'EINVAL', op: 'MTWEOF' }, 'WRITE FILEMARKS has a 24-bit count');
  t.throws(() => m.op('MTWEOF', 0xffffffff), TypeError, 'MTWEOF -1');
  t.throws(() => m.op('MTWEOFI', 0xffffffff), TypeError, 'MTWEOFI -1');
  t.same(await pos(m), { file: 0, block: 0, tell: 0, flags: 'BOT' }, 'nothing written');

  // Offline and unload: no cartridge until MTLOAD.
  await m.op('MTSEEK', 4);
  await m.op('MTOFFL');
  s = await m.status();
  t.same(s.flags, ['DR_OPEN', 'IM_REP_EN'], 'door open, not online');
  t.same([s.fileno, s.blkno], [-1, -1]);
  await t.rejects(m.read(100), { code: 'ENOMEDIUM', op: 'read' });
  await t.rejects(m.write(Buffer.alloc(10)), { code: 'ENOMEDIUM', op: 'write' });
  for (const op of ['MTFSF', 'MTREW', 'MTOFFL', 'MTUNLOAD', 'MTEOM', 'MTSEEK', 'MTWEOF', 'MTERASE', 'MTSETBLK', 'MTNOP'] as MtOpName[]) {
    await t.rejects(m.op(op, 0), { code: 'ENOMEDIUM', op }, `${op} without a cartridge`);
  }
  await t.rejects(m.tell(), { code: 'EIO', op: 'MTIOCPOS' }, 'MTIOCPOS: drive not ready');
  await m.op('MTLOCK');
  await m.op('MTUNLOCK');
  t.pass('MTLOCK and MTUNLOCK work without a cartridge');
  await m.op('MTLOAD');
  s = await m.status();
  t.same(s.flags, ['BOT', 'ONLINE', 'IM_REP_EN'], 'MTLOAD: online at BOT');
  t.same(await readData(m, 100), pseudoRandom(100, 0), 'the same cartridge');
  await m.op('MTLOCK');
  await t.rejects(m.op('MTUNLOAD'), { code: 'EIO', op: 'MTUNLOAD' }, 'medium removal prevented');
  t.same(await pos(m), { file: 0, block: 1, tell: 1, flags: '' }, 'still loaded, position kept');
  await m.op('MTUNLOCK');
  await m.op('MTUNLOAD');
  t.same(await flags(m), ['DR_OPEN', 'IM_REP_EN'], 'MTUNLOAD');
  await m.op('MTLOAD');
  await m.op('MTLOCK');
  await m.op('MTOFFL');
  t.same(await flags(m), ['DR_OPEN', 'IM_REP_EN'], 'MTOFFL unlocks the door first, as st does');
  await m.op('MTLOAD');
  await m.op('MTLOAD');
  t.same(await pos(m), { file: 0, block: 0, tell: 0, flags: 'BOT' }, 'MTLOAD when loaded: reload, at BOT');

  // MTERASE: from the position to the end.
  await m.op('MTSEEK', 4);
  await m.op('MTERASE', 1);
  t.same(await pos(m), { file: 1, block: 0, tell: 4, flags: 'EOF' });
  await m.op('MTEOM');
  t.same(await pos(m), { file: 1, block: 0, tell: 4, flags: 'EOF EOD' }, 'erased: end of data where it began');
  await m.close();
  t.equal(statSync(path).size, IMAGE_HEADER + 3 * (RECORD_HEADER + 100) + RECORD_HEADER, 'the image was cut there');
  await t.rejects(m.op('MTREW'), { code: 'EBADF' }, 'closed');

  const r = await openSim(path, {});
  t.equal((await r.status()).density, 0, 'the density belongs to the open: the image density (0) again');
  await r.op('MTEOM');
  t.same(await pos(r), { file: 1, block: 0, tell: 4, flags: 'EOF EOD' });
  await r.close();
});

t.test("st's automatic filemark before MTREW, MTOFFL, MTSEEK, MTBSF, MTBSFM after a write", async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'autofm.simtape');
  const m = await openSim(path);
  const blk = (i: number) => pseudoRandom(100, 200 + i);
  await m.write(blk(0));
  await m.writeFilemarks(1);
  await m.write(blk(1));
  await m.op('MTBSF', 1);
  t.same(await pos(m), { file: 0, block: 1, tell: 1, flags: '' }, 'MTBSF 1 writes a filemark and crosses two: before the first');
  await m.op('MTEOM');
  t.same(await pos(m), { file: 2, block: 0, tell: 4, flags: 'EOF EOD' }, 'the filemark is there');
  await m.rewind();
  await m.op('MTEOM');
  t.equal(await m.tell(), 4, 'no filemark when the last operation was not a write');

  await m.write(blk(2));
  await m.op('MTNOP');
  await m.status();
  await m.tell();
  await m.op('MTSETBLK', 0);
  await m.op('MTSETDENSITY', 0);
  await m.op('MTSETDRVBUFFER', 1);
  await m.rewind();
  await m.op('MTEOM');
  t.same(await pos(m), { file: 3, block: 0, tell: 6, flags: 'EOF EOD' }, 'MTNOP, MTSETBLK, MTSETDENSITY, MTSETDRVBUFFER keep the write sequence');

  await m.rewind();
  await m.read(100);
  await m.rewind();
  await m.op('MTEOM');
  t.equal(await m.tell(), 6, 'after a read: no filemark');

  await m.write(blk(3));
  await m.seek(2);
  t.same(await pos(m), { file: 1, block: 0, tell: 2, flags: 'EOF' }, 'MTSEEK after a write');
  await m.op('MTEOM');
  t.same(await pos(m), { file: 4, block: 0, tell: 8, flags: 'EOF EOD' }, 'wrote a filemark first');

  await m.write(blk(4));
  await m.op('MTBSFM', 1);
  t.same(await pos(m), { file: 4, block: 0, tell: 8, flags: 'EOF' }, 'MTBSFM 1 crosses two filemarks back, then one forward');
  await m.op('MTEOM');
  t.same(await pos(m), { file: 5, block: 0, tell: 10, flags: 'EOF EOD' });

  await m.write(blk(5));
  await m.op('MTOFFL');
  await m.op('MTLOAD');
  await m.op('MTEOM');
  t.same(await pos(m), { file: 6, block: 0, tell: 12, flags: 'EOF EOD' }, 'MTOFFL after a write: a filemark');

  await m.write(blk(6));
  await m.op('MTUNLOAD');
  await m.op('MTLOAD');
  await m.op('MTEOM');
  t.same(await pos(m), { file: 6, block: 1, tell: 13, flags: 'EOD' }, 'MTUNLOAD: none');

  await m.write(blk(7));
  await t.rejects(m.op('MTFSF', 1), { code: 'EIO' });
  await m.op('MTEOM');
  t.same(await pos(m), { file: 6, block: 2, tell: 14, flags: 'EOD' }, 'MTFSF: none');

  await m.write(blk(8));
  await m.op('MTWEOF', 0);
  await m.rewind();
  await m.op('MTEOM');
  t.same(await pos(m), { file: 6, block: 3, tell: 15, flags: 'EOD' }, 'MTWEOF 0 ends the write sequence without a filemark');

  await m.write(blk(9));
  await m.close();
  const r = await openSim(path, {});
  await r.op('MTEOM');
  t.same(await pos(r), { file: 6, block: 4, tell: 16, flags: 'EOD' }, 'close() writes none');
  await r.close();
});

t.test('overwriting mid-tape cuts off the rest', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'trunc.simtape');
  const m = await openSim(path);
  const blk = (i: number) => pseudoRandom(1000, 300 + i);
  for (let i = 0; i < 10; i++) await m.write(blk(i));
  await m.writeFilemarks(1);
  for (let i = 10; i < 15; i++) await m.write(blk(i));
  await m.op('MTWEOF', 0);
  t.same(await pos(m), { file: 1, block: 5, tell: 16, flags: '' });
  await m.seek(3);
  const mid = pseudoRandom(777, 99);
  t.equal(await m.write(mid), 777);
  t.same(await pos(m), { file: 0, block: 4, tell: 4, flags: '' }, 'written at 3; everything after it is gone');
  await m.rewind();
  for (let i = 0; i < 3; i++) t.same(await readData(m, 1000), blk(i));
  t.same(await readData(m, 1000), mid);
  t.same(await m.read(1000), { kind: 'filemark' }, 'the automatic filemark');
  t.same(await m.read(1000), { kind: 'filemark' }, 'the zero at EOD');
  await t.rejects(m.read(1000), { code: 'EIO' });

  await m.rewind();
  await m.read(1000);
  t.equal(await m.write(pseudoRandom(50, 50)), 50, 'writing after a read');
  await m.op('MTWEOFI', 0);
  await m.op('MTEOM');
  t.same(await pos(m), { file: 0, block: 2, tell: 2, flags: 'EOD' }, 'cut after the new block');

  await m.rewind();
  await m.op('MTFSR', 1);
  await m.writeFilemarks(1);
  await m.op('MTEOM');
  t.same(await pos(m), { file: 1, block: 0, tell: 2, flags: 'EOF EOD' }, 'a filemark mid-tape cuts too');
  await m.close();
  t.equal(statSync(path).size, IMAGE_HEADER + RECORD_HEADER + 1000 + RECORD_HEADER, 'the image holds two records');

  const r = await openSim(path, {});
  t.same(await readData(r, 1000), blk(0));
  t.same(await r.read(1000), { kind: 'filemark' });
  t.same(await r.read(1000), { kind: 'filemark' });
  await t.rejects(r.read(1000), { code: 'EIO' });
  await r.close();
});

t.test('a read shorter than the block: ENOMEM and the block is consumed', async (t) => {
  const dir = tempDir(t);
  const m = await openSim(join(dir, 'enomem.simtape'));
  await m.write(pseudoRandom(1000, 1));
  await m.write(pseudoRandom(1000, 2));
  await m.rewind();
  await t.rejects(m.read(500), { code: 'ENOMEM', op: 'read' });
  t.same(await pos(m), { file: 0, block: 1, tell: 1, flags: '' }, 'passed over, as st does');
  t.same(await readData(m, 1000), pseudoRandom(1000, 2), 'a buffer of exactly the block size is enough');
  t.same(await m.read(1), { kind: 'filemark' }, 'a filemark needs no buffer');
  await m.op('MTBSF', 1);
  await m.op('MTBSR', 1);
  t.same(await pos(m), { file: 0, block: 1, tell: 1, flags: '' });
  await t.rejects(m.read(999), { code: 'ENOMEM' }, 'one byte short');
  t.same(await m.read(1 << 20), { kind: 'filemark' }, 'the block is gone; the filemark follows');
  await m.close();
});

t.test('opening: ENOENT, EBUSY, write protect, read-only, existing images, not an image', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'wp.simtape');
  await t.rejects(openSim(path, {}), { code: 'ENOENT', op: 'open' }, 'no image, no create');
  t.notOk(existsSync(path));

  await t.rejects(openSim(path, { create: true, writeProtect: true }), { code: 'EROFS', op: 'open' }, 'a write-protected cartridge refuses a read-write open');
  t.ok(existsSync(path), 'but it was created');
  const w = await openSim(path, { readOnly: true });
  t.same(await flags(w), ['BOT', 'WR_PROT', 'ONLINE', 'IM_REP_EN'], 'GMT_WR_PROT');
  await t.rejects(w.write(Buffer.alloc(10)), { code: 'EBADF', op: 'write' });
  await t.rejects(w.op('MTWEOF', 1), { code: 'EACCES', op: 'MTWEOF' });
  await t.rejects(w.op('MTWEOFI', 1), { code: 'EACCES' });
  await t.rejects(w.op('MTERASE'), { code: 'EACCES', op: 'MTERASE' });
  await t.rejects(w.read(100), { code: 'EIO' }, 'blank');
  await t.rejects(openSim(path, { readOnly: true }), { code: 'EBUSY', op: 'open' }, 'one open at a time');
  await t.rejects(openSim(path, { create: true }), { code: 'EBUSY' });
  await w.close();
  const w2 = await openSim(path, { readOnly: true });
  t.pass('opens again after close');
  await w2.close();
  await t.rejects(openSim(path, { create: true, writeProtect: false }), { code: 'EROFS' }, "the cartridge's protection wins over the options");

  // Read-only open of a writable cartridge: reads work, writes do not, WR_PROT is clear.
  const rw = join(dir, 'ro.simtape');
  const a = await openSim(rw);
  await a.write(pseudoRandom(100, 1));
  await t.rejects(openSim(rw, { readOnly: true }), { code: 'EBUSY' }, 'EBUSY for a second open of any kind');
  await a.close();
  const ro = await openSim(rw, { readOnly: true });
  t.same(await flags(ro), ['BOT', 'ONLINE', 'IM_REP_EN'], 'not write-protected');
  t.same(await readData(ro, 100), pseudoRandom(100, 1));
  await ro.rewind();
  await t.rejects(ro.write(Buffer.alloc(10)), { code: 'EBADF' });
  await t.rejects(ro.op('MTWEOF', 1), { code: 'EACCES' });
  await t.rejects(ro.op('MTERASE'), { code: 'EACCES' });
  await ro.op('MTEOM');
  t.same(await pos(ro), { file: 0, block: 1, tell: 1, flags: 'EOD' }, 'nothing changed');
  await ro.close();

  // An existing image keeps its own capacity and protection; the options are ignored.
  const cap = join(dir, 'cap.simtape');
  const c = await openSim(cap, { create: true, capacity: 10000, earlyWarning: 2000 });
  await c.close();
  const c2 = await openSim(cap, { create: true, capacity: 0, earlyWarning: 0, writeProtect: true });
  const results: string[] = [];
  for (let i = 0; i < 11; i++) results.push(await c2.write(Buffer.alloc(1000, i)).then(() => 'ok', (e) => e.code));
  t.same(results, ['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ENOSPC', 'ok'], 'capacity 10000, early warning at 8000');
  await c2.close();

  // Not an image, an empty file.
  const junk = join(dir, 'junk.bin');
  const text = 'hello world, this is not a tape image at all, no no no no no no no no';
  writeFileSync(junk, text);
  await t.rejects(openSim(junk, { create: true }), { code: 'EINVAL', op: 'open' }, 'bad magic');
  t.equal(statSync(junk).size, text.length, 'left alone');
  writeFileSync(junk, '');
  await t.rejects(openSim(junk, {}), { code: 'EINVAL' }, 'an empty file without create');
  const e = await openSim(junk, { create: true });
  t.same(await pos(e), { file: 0, block: 0, tell: 0, flags: 'BOT' }, 'an empty file with create becomes a blank cartridge');
  await e.close();
  t.equal(statSync(junk).size, IMAGE_HEADER);
});

type Outcome = 'ok' | 'ENOSPC' | 'EIO';

/** st's end-of-medium behaviour (st.rst "EOM Behaviour When Writing"), computed independently. */
class EomModel {
  data = 0;
  state: 'none' | 'eomOk' | 'allow' | 'error' = 'none';
  constructor(
    readonly capacity: number,
    readonly earlyWarning: number,
  ) {}
  write(length: number): Outcome {
    if (this.state === 'eomOk') {
      this.state = 'allow';
      return 'ENOSPC';
    }
    if (this.state === 'error') return 'EIO';
    if (this.data + length > this.capacity) {
      this.state = 'error';
      return 'ENOSPC';
    }
    this.data += length;
    this.state = this.data > this.capacity - this.earlyWarning ? 'eomOk' : 'none';
    return 'ok';
  }
}

async function writeOutcome(m: Medium, block: Buffer): Promise<Outcome> {
  try {
    const n = await m.write(block);
    if (n !== block.length) throw new Error(`short write: ${n} of ${block.length}`);
    return 'ok';
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ENOSPC' || code === 'EIO') return code;
    throw e;
  }
}

t.test('early warning, then alternating ENOSPC, then EIO: exact sequences', async (t) => {
  const dir = tempDir(t);
  const run = (n: number, o: Outcome) => Array<Outcome>(n).fill(o);
  const cases: Array<{ capacity: number; earlyWarning: number; block: number; expect: Outcome[] }> = [
    // early warning at 8000: the 9th block crosses it
    { capacity: 10000, earlyWarning: 2000, block: 1000, expect: [...run(9, 'ok'), 'ENOSPC', 'ok', 'ENOSPC', 'ENOSPC', 'EIO', 'EIO'] },
    // 1 MiB, early warning 256 KiB before: 12 blocks before it, 16 fit
    {
      capacity: 1 << 20,
      earlyWarning: 256 << 10,
      block: 64 << 10,
      expect: [...run(13, 'ok'), 'ENOSPC', 'ok', 'ENOSPC', 'ok', 'ENOSPC', 'ok', 'ENOSPC', 'ENOSPC', 'EIO'],
    },
    // no early-warning zone: straight to physical end
    { capacity: 100000, earlyWarning: 0, block: 30000, expect: [...run(3, 'ok'), 'ENOSPC', 'EIO', 'EIO'] },
    // the zone is the whole tape: every other write is refused from the first one on
    {
      capacity: 5000,
      earlyWarning: 5000,
      block: 1000,
      expect: ['ok', 'ENOSPC', 'ok', 'ENOSPC', 'ok', 'ENOSPC', 'ok', 'ENOSPC', 'ok', 'ENOSPC', 'ENOSPC', 'EIO'],
    },
  ];
  for (const [k, c] of cases.entries()) {
    const m = await openSim(join(dir, `eom${k}.simtape`), { create: true, capacity: c.capacity, earlyWarning: c.earlyWarning });
    const model = new EomModel(c.capacity, c.earlyWarning);
    const got: Outcome[] = [];
    const eod: boolean[] = [];
    const wantEod: boolean[] = [];
    for (let i = 0; i < c.expect.length; i++) {
      got.push(await writeOutcome(m, Buffer.alloc(c.block, i)));
      model.write(c.block);
      eod.push((await flags(m)).includes('EOD'));
      wantEod.push(model.state === 'allow');
    }
    const label = `capacity ${c.capacity}, early warning ${c.earlyWarning}, ${c.block}-byte blocks`;
    t.same(got, c.expect, label);
    // st (ST_EOD_1) reports GMT_EOD after a write refused at early warning, until the next write
    t.same(eod, wantEod, `${label}: GMT_EOD only between a write refused at early warning and the next`);
    t.equal(await m.tell(), got.filter((o) => o === 'ok').length, `${label}: one record per successful write`);
    await m.close();
  }

  // The detailed sequence: flags, filemarks in the zone, positioning.
  const m = await openSim(join(dir, 'eom.simtape'), { create: true, capacity: 10000, earlyWarning: 2000 });
  for (let i = 0; i < 8; i++) await m.write(Buffer.alloc(1000, i));
  t.same(await pos(m), { file: 0, block: 8, tell: 8, flags: '' }, 'exactly at early warning: not past it');
  await m.write(Buffer.alloc(1000, 8));
  t.same(await pos(m), { file: 0, block: 9, tell: 9, flags: 'EOT' }, 'crossed: GMT_EOT');
  await t.rejects(m.write(Buffer.alloc(1000)), { code: 'ENOSPC', op: 'write' });
  t.same(await pos(m), { file: 0, block: 9, tell: 9, flags: 'EOT EOD' }, 'refused, nothing written; st is in ST_EOD_1: GMT_EOD');
  t.equal(await m.write(Buffer.alloc(500, 9)), 500, 'the next one is allowed');
  t.same(await pos(m), { file: 0, block: 10, tell: 10, flags: 'EOT' });
  await t.rejects(m.write(Buffer.alloc(100)), { code: 'ENOSPC' });
  t.equal(await m.write(Buffer.alloc(500, 10)), 500, 'up to exactly the capacity');
  await t.rejects(m.write(Buffer.alloc(1)), { code: 'ENOSPC' }, 'refused at early warning');
  await t.rejects(m.write(Buffer.alloc(1)), { code: 'ENOSPC' }, 'physical end');
  t.same(await pos(m), { file: 0, block: 11, tell: 11, flags: 'EOT' }, 'ST_EOM_ERROR: GMT_EOT, not GMT_EOD');
  await t.rejects(m.write(Buffer.alloc(1)), { code: 'EIO', op: 'write' });
  await t.rejects(m.write(Buffer.alloc(1)), { code: 'EIO' });
  await m.writeFilemarks(2);
  t.same(await pos(m), { file: 2, block: 0, tell: 13, flags: 'EOF EOT' }, 'trailer filemarks fit (they cost no capacity)');
  await t.rejects(m.write(Buffer.alloc(1)), { code: 'ENOSPC' }, 'a filemark resets the state: physical end again');
  await t.rejects(m.write(Buffer.alloc(1)), { code: 'EIO' });
  await m.op('MTBSF', 1);
  await t.rejects(m.write(Buffer.alloc(1)), { code: 'ENOSPC' }, 'positioning resets it too');
  await m.seek(5);
  t.same(await pos(m), { file: 0, block: 5, tell: 5, flags: '' }, 'before early warning: no GMT_EOT');
  t.equal(await m.write(Buffer.alloc(1000)), 1000, 'writing there cuts off the rest: room again');
  t.same(await pos(m), { file: 0, block: 6, tell: 6, flags: '' });
  await m.close();

  // Fixed-block mode at physical end: the blocks that fit are written and counted.
  const f = await openSim(join(dir, 'eomfixed.simtape'), { create: true, capacity: 5000, earlyWarning: 0 });
  await f.op('MTSETBLK', 1000);
  t.equal(await f.write(Buffer.alloc(3000, 1)), 3000);
  t.equal(await f.write(Buffer.alloc(3000, 2)), 2000, 'a partial count: two of three blocks fit');
  t.same(await pos(f), { file: 0, block: 5, tell: 5, flags: 'EOT' });
  await t.rejects(f.write(Buffer.alloc(1000)), { code: 'EIO' }, 'then EIO');
  await f.close();
});

t.test('early warning at random capacities against the model, then every block read back', async (t) => {
  const dir = tempDir(t);
  const next = rng(12345);
  const base = pseudoRandom(70000 + 997, 4242);
  for (let trial = 0; trial < 30; trial++) {
    const capacity = next(1, 2_000_000);
    const earlyWarning = trial % 7 === 0 ? capacity : next(0, 2) === 0 ? 0 : next(0, Math.floor(capacity / 2));
    const path = join(dir, `rand${trial}.simtape`);
    const m = await openSim(path, { create: true, capacity, earlyWarning });
    const model = new EomModel(capacity, earlyWarning);
    const records: number[] = []; // block lengths, 0 for a filemark
    const label = `trial ${trial}: capacity ${capacity}, early warning ${earlyWarning}`;
    let eio = 0;
    let mismatch = '';
    for (let op = 0; eio < 3 && op < 5000 && !mismatch; op++) {
      if (next(0, 49) === 0) {
        await m.writeFilemarks(1, true);
        model.state = 'none';
        records.push(0);
        continue;
      }
      const length = next(1, next(0, 1) ? 70000 : 3000);
      const want = model.write(length);
      const got = await writeOutcome(m, blockData(base, records.length, length));
      if (got !== want) mismatch = `op ${op}, ${length} bytes: ${got}, expected ${want}`;
      if (got === 'ok') records.push(length);
      if (got === 'EIO') eio++;
      const f = await flags(m);
      const past = model.data > capacity - earlyWarning;
      if (f.includes('EOT') !== (past || model.state === 'error')) mismatch ||= `op ${op}: EOT ${f.includes('EOT')}`;
      if (f.includes('EOD') !== (model.state === 'allow')) mismatch ||= `op ${op}: EOD ${f.includes('EOD')} in state ${model.state}`;
    }
    t.equal(mismatch, '', label);
    t.equal(eio, 3, `${label}: reached physical end`);
    await m.close();
    const r = await openSim(path, { readOnly: true });
    let bad = -1;
    for (const [i, length] of records.entries()) {
      const got = await r.read(70000);
      const ok = length === 0 ? got.kind === 'filemark' : got.kind === 'data' && got.data.equals(blockData(base, i, length));
      if (!ok) {
        bad = i;
        break;
      }
    }
    t.equal(bad, -1, `${label}: ${records.length} records read back`);
    await r.op('MTEOM');
    t.equal(await r.tell(), records.length, `${label}: nothing else on the medium`);
    await r.close();
  }
});

t.test('fault injection: the Nth write or read fails with failErrno, nothing moves', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'fault.simtape');
  const m = await openSim(path, { create: true, failWriteAt: 3, failReadAt: 2, failErrno: EMEDIUMTYPE });
  const blk = (i: number) => pseudoRandom(10, 400 + i);
  t.equal(await m.write(blk(1)), 10);
  t.equal(await m.write(blk(2)), 10);
  await t.rejects(m.write(blk(3)), { code: 'EMEDIUMTYPE', errno: EMEDIUMTYPE, op: 'write' }, 'the 3rd write');
  t.same(await pos(m), { file: 0, block: 2, tell: 2, flags: '' }, 'nothing written');
  t.equal(await m.write(blk(3)), 10, 'the 4th works');
  await m.writeFilemarks(1);
  await m.rewind();
  t.same(await readData(m, 100), blk(1));
  await t.rejects(m.read(100), { code: 'EMEDIUMTYPE', op: 'read' }, 'the 2nd read');
  t.same(await pos(m), { file: 0, block: 1, tell: 1, flags: '' }, 'position unchanged');
  t.same(await readData(m, 100), blk(2));
  t.same(await readData(m, 100), blk(3));
  t.same(await m.read(100), { kind: 'filemark' });
  await m.close();

  // Checks that come later (read-only, zero length) do not hide the fault: it comes first.
  const ro = await openSim(path, { readOnly: true, failWriteAt: 1 });
  await t.rejects(ro.write(Buffer.alloc(5)), { code: 'EIO', op: 'write' }, 'default errno EIO, before the EBADF check');
  await t.rejects(ro.write(Buffer.alloc(5)), { code: 'EBADF' }, 'then the read-only open says EBADF');
  await ro.close();
});

t.test('rate model: back-hitches counted, not timed', async (t) => {
  // 25 MB/s, a 16 MiB drive buffer (670 ms of data), 0.05 s back-hitch. Every "no back-hitch" below
  // holds as long as this process is not stalled for longer than the data the modelled drive still
  // has to write (at least 670 ms each time: the first write of a run fills the buffer, so that lead
  // exists from the start). Longer pauses only add back-hitches where they are expected anyway. The images live
  // in /dev/shm when there is one, so host disk writeback cannot stall the writer.
  const shm = existsSync('/dev/shm') ? mkdtempSync('/dev/shm/tapecoord-test-') : null;
  if (shm) t.teardown(() => rmSync(shm, { recursive: true, force: true }));
  const dir = shm ?? tempDir(t);
  const rate = 25_000_000;
  const backHitchNs = 50_000_000;
  const ns = (bytes: number) => Math.floor((bytes * 1e9) / rate); // the model's integer arithmetic
  const openRated = (name: string) =>
    openSim(join(dir, name), { create: true, rateBytesPerSec: rate, backHitchNs, driveBufferBytes: 16 << 20, syncOnFilemark: false });
  const big = Buffer.alloc((16 << 20) - 1, 1); // the largest block: 670 ms of drive time
  const block = pseudoRandom(256 << 10, 1);

  // A steady writer faster than the drive: held to the drive's speed with a full buffer, never a
  // back-hitch, and the drive never idles (elapsed = busy exactly).
  const s = await openRated('steady.simtape');
  await s.write(big);
  for (let i = 0; i < 32; i++) await s.write(block); // 8 MiB more, throttled: about 335 ms
  let st = s.modelStats()!;
  t.equal(st.backHitches, 0, 'steady: no back-hitch');
  t.equal(st.busyNs, ns(big.length) + 32 * ns(block.length), 'busy for exactly the data at 25 MB/s');
  t.equal(st.elapsedNs, st.busyNs, 'the drive never waited for data');
  // Positioning waits for the buffer to drain, but the write after it starts without a back-hitch.
  await s.rewind(); // (st's automatic filemark first)
  await s.op('MTEOM');
  await s.write(block);
  t.equal(s.modelStats()!.busyNs, st.busyNs, 'a drive at rest does not start the tape for one block');
  await s.write(big.subarray(0, 4 << 20)); // a quarter of the buffer: now it moves
  st = s.modelStats()!;
  t.equal(st.backHitches, 0, 'a write after positioning: no back-hitch');
  t.ok(st.elapsedNs > st.busyNs, 'but the drive was idle meanwhile');
  await s.close();

  // A writer that pauses longer than its data lasts stops the drive: a back-hitch per restart.
  const p = await openRated('paused.simtape');
  const half = Buffer.alloc(4 << 20, 2); // a quarter of the buffer (starts the drive): 168 ms of data
  for (let burst = 0; burst < 5; burst++) {
    await p.write(half);
    await new Promise((r) => setTimeout(r, 300));
  }
  st = p.modelStats()!;
  t.equal(st.backHitches, 4, 'a back-hitch at every burst but the first');
  t.equal(st.busyNs, 5 * ns(half.length));
  t.ok(st.elapsedNs >= st.busyNs + 4 * backHitchNs, 'the back-hitches are in the elapsed time');
  await p.close();

  // Synchronous filemarks empty the buffer: the next write pays a back-hitch. Immediate ones do not.
  const f = await openRated('filemarks.simtape');
  for (let k = 0; k < 3; k++) {
    await f.write(Buffer.alloc(2 << 20, k));
    await f.writeFilemarks(1);
  }
  t.equal(f.modelStats()!.backHitches, 2, 'MTWEOF: a back-hitch after each but the last');
  for (let k = 0; k < 3; k++) {
    await f.write(k === 0 ? big : big.subarray(0, 4 << 20)); // the buffer stays full: 670 ms of lead
    await f.writeFilemarks(1, true);
  }
  t.equal(f.modelStats()!.backHitches, 3, 'MTWEOFI: only the first write after the last MTWEOF');
  await f.close();
});

t.test('kill -9 during writes: every reported block survives intact, the image opens', async (t) => {
  const dir = tempDir(t);
  // The child uses the same TypeScript sources through tap's TypeScript loader.
  const loader = process.execArgv.filter((a) => a.includes('@tapjs/typescript'));
  const child = join(dir, 'writer.mjs');
  const mediumUrl = new URL('lib/drive/medium.ts', `file://${root}/`).href;
  const tmpUrl = new URL('test/helpers/tmp.ts', `file://${root}/`).href;
  writeFileSync(
    child,
    `import { writeSync } from 'node:fs';
import { Medium } from ${JSON.stringify(mediumUrl)};
import { pseudoRandom } from ${JSON.stringify(tmpUrl)};
// Each report is in the kernel before the next write starts: writeSync on the descriptor, never
// process.stdout (which queues in this process when the pipe is full, and a kill -9 loses that).
const sleeper = new Int32Array(new SharedArrayBuffer(4));
function report(line) {
  const b = Buffer.from(line);
  for (let at = 0; at < b.length; ) {
    try {
      at += writeSync(1, b, at);
    } catch (e) {
      if (e.code !== 'EAGAIN') throw e;
      Atomics.wait(sleeper, 0, 0, 1);
    }
  }
}
const [path, maxLength] = [process.argv[2], Number(process.argv[3])];
const base = pseudoRandom(maxLength + 997, 4242);
const m = await Medium.open({ kind: 'sim', path }, { create: true });
for (let i = 0; ; i++) {
  if (i % 100 === 99) await m.writeFilemarks(1, true);
  else { const n = 1 + ((i * 7919) % maxLength); await m.write(base.subarray(i % 997, (i % 997) + n)); }
  report(i + '\\n');
}
`,
  );
  const env = { ...process.env };
  delete env.NODE_OPTIONS; // not a tap-tracked process
  for (const [round, maxLength, killAfter] of [
    [0, 70000, 350],
    [1, 1 << 20, 60],
  ] as const) {
    const path = join(dir, `crash${round}.simtape`);
    const proc = spawn(process.execPath, [...loader, child, path, String(maxLength)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let lines = 0;
    proc.stderr.on('data', (d) => (err += d));
    proc.stdout.on('data', (d: Buffer) => {
      out += d;
      lines += d.toString().split('\n').length - 1;
      if (lines >= killAfter) proc.kill('SIGKILL');
    });
    const [code, signal] = await new Promise<[number | null, string | null]>((r) => proc.on('close', (c, s) => r([c, s])));
    t.equal(signal, 'SIGKILL', `round ${round}: the writer was killed (exit ${code}: ${err.slice(0, 500)})`);
    const reported = out.split('\n').filter(Boolean).map(Number);
    t.same(reported, reported.map((_, i) => i), `round ${round}: reports in order`);
    const completed = reported.length;
    t.ok(completed >= killAfter, `round ${round}: ${completed} writes reported before the kill`);

    const m = await openSim(path, {});
    await m.op('MTEOM');
    const n = await m.tell();
    t.ok(n === completed || n === completed + 1, `round ${round}: ${n} records on the medium, ${completed} reported (one more may have completed unreported)`);
    await m.rewind();
    const base = pseudoRandom(maxLength + 997, 4242);
    let bad = -1;
    for (let i = 0; i < n && bad < 0; i++) {
      const r = await m.read(maxLength);
      const want = i % 100 === 99 ? null : base.subarray(i % 997, (i % 997) + 1 + ((i * 7919) % maxLength));
      if (want ? r.kind !== 'data' || !r.data.equals(want) : r.kind !== 'filemark') bad = i;
    }
    t.equal(bad, -1, `round ${round}: every record intact`);
    await m.op('MTEOM');
    t.equal(await m.write(Buffer.alloc(1234, 5)), 1234, `round ${round}: appending continues after the recovered tail`);
    await m.close();
    const again = await openSim(path, {});
    await again.op('MTEOM');
    t.equal(await again.tell(), n + 1, `round ${round}: and survives a reopen`);
    await again.close();
  }
});
