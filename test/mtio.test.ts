// MTIOCGET decoding and `mt status` formatting, from the raw struct mtget values st returns.
import t from 'tap';
import { decodeMtStatus, formatMtStatus } from '../lib/drive/mtio.js';
import { parseMediumSpec } from '../lib/drive/medium.js';
import { formatBytes, parseSize } from '../lib/util/size.js';

t.test('decode: an LTO-8 drive at BOT, variable blocks', async (t) => {
  // What st returned on the VM's emulated IBM ULT3580-TD8 after a rewind (mt-st prints 41010000).
  const s = decodeMtStatus({ type: 0x72, resid: 0, dsreg: 0x5e000000, gstat: 0x41010000, erreg: 0, fileno: 0, blkno: 0 });
  t.equal(s.typeName, 'SCSI 2');
  t.equal(s.blockSize, 0);
  t.equal(s.density, 0x5e);
  t.equal(s.densityName, 'LTO-8');
  t.same(s.flags, ['BOT', 'ONLINE', 'IM_REP_EN']);
  t.equal(
    formatMtStatus(s),
    [
      'SCSI 2 tape drive:',
      'File number=0, block number=0, partition=0.',
      'Tape block size 0 bytes. Density code 0x5e (LTO-8).',
      'Soft error count since last status=0',
      'General status bits on (41010000):',
      ' BOT ONLINE IM_REP_EN',
    ].join('\n'),
  );
});

t.test('format: status bits unpadded, as mt prints them (empty drive: 50000)', async (t) => {
  const s = decodeMtStatus({ type: 0x72, resid: 0, dsreg: 0, gstat: 0x50000, erreg: 0, fileno: -1, blkno: -1 });
  t.match(formatMtStatus(s), /File number=-1, block number=-1, partition=0\.\n[^]*General status bits on \(50000\):\n DR_OPEN IM_REP_EN$/);
});

t.test('decode: every GMT bit, fixed blocks, soft errors, partition', async (t) => {
  const s = decodeMtStatus({ type: 0x72, resid: 1, dsreg: 0x00004000, gstat: 0xfde58000, erreg: 0x12340007, fileno: 3, blkno: -1 });
  t.same(s.flags, ['EOF', 'BOT', 'EOT', 'SM', 'EOD', 'WR_PROT', 'ONLINE', 'D_6250', 'D_1600', 'D_800', 'DR_OPEN', 'IM_REP_EN', 'CLN']);
  t.equal(s.blockSize, 16384);
  t.equal(s.softErrors, 7);
  t.equal(s.partition, 1);
  t.equal(s.blkno, -1, 'st says -1 where it does not know');
  t.equal(decodeMtStatus({ type: 0x01, resid: 0, dsreg: 0, gstat: 0, erreg: 0, fileno: 0, blkno: 0 }).typeName, 'Unknown');
  t.equal(decodeMtStatus({ type: 0x33, resid: 0, dsreg: 0x77000000, gstat: 0, erreg: 0, fileno: 0, blkno: 0 }).densityName, 'unknown');
});

t.test('sizes', async (t) => {
  t.equal(parseSize('16k'), 16384);
  t.equal(parseSize('256K'), 262144);
  t.equal(parseSize('1M'), 1048576);
  t.equal(parseSize('512MiB'), 512 * 1048576);
  t.equal(parseSize('1.5g'), 1.5 * 1024 ** 3);
  t.equal(parseSize('10240'), 10240);
  for (const bad of ['', 'k', '-1', '0', '1x', '12 parsecs']) t.throws(() => parseSize(bad, '--block-size'), /--block-size/);
  t.equal(formatBytes(512), '512 B');
  t.equal(formatBytes(1536), '1.50 KiB');
  t.equal(formatBytes(1024 ** 3), '1.00 GiB');
});

t.test('medium names on the command line', async (t) => {
  t.same(parseMediumSpec('sim:/x/y.simtape', 'output'), { kind: 'sim', path: '/x/y.simtape' });
  t.same(parseMediumSpec('-', 'input'), { kind: 'file', fd: 0, name: 'stdin' });
  t.same(parseMediumSpec('-', 'output'), { kind: 'file', fd: 1, name: 'stdout' });
  t.same(parseMediumSpec('/dev/null', 'output'), { kind: 'file', path: '/dev/null' }, 'a character device that is not st');
  t.same(parseMediumSpec('st:/dev/nst0', 'output'), { kind: 'st', path: '/dev/nst0' });
  t.same(parseMediumSpec('/no/such/file', 'output'), { kind: 'file', path: '/no/such/file' });
  t.throws(() => parseMediumSpec('sim:', 'output'), /sim: needs a path/);
});
