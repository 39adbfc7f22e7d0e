// The C library behaviour butc's parsers rely on (glibc sscanf, fgets, SafeATOL) and atocl (BUTC-SPEC §1.3).
import t from 'tap';
import { atocl, ATOCL_LIFTED_CLAMP } from '../../lib/butc/atocl.js';
import { cScan, fgetsLines, safeAtol, scanFloat } from '../../lib/butc/c-scan.js';

t.test('sscanf %s %s %s %u%s: counts as glibc returns them', async (t) => {
  const fmt = ['s', ' ', 's', ' ', 's', ' ', 'u', 's'] as const;
  const cases: [string, number, (string | number)[]][] = [
    ['100M 0 /dev/nst0 0\n', 4, ['100M', '0', '/dev/nst0', 0]],
    ['100M 0 /dev/nst0 5extra\n', 5, ['100M', '0', '/dev/nst0', 5, 'extra']],
    ['# a comment\n', 3, ['#', 'a', 'comment']],
    ['/dev/nst0 2\n', 2, ['/dev/nst0', '2']],
    ['\n', -1, []],
    ['', -1, []],
    ['a b c -1', 4, ['a', 'b', 'c', -1]],
    ['a b c 4294967296', 4, ['a', 'b', 'c', 0]],
    ['a b c 99999999999999999999', 4, ['a', 'b', 'c', -1]],
    ['a b c +7x', 5, ['a', 'b', 'c', 7, 'x']],
    ['a b c 0x5', 5, ['a', 'b', 'c', 0, 'x5']],
    ['a b c x', 3, ['a', 'b', 'c']],
    ['a b\0 c 5', 2, ['a', 'b']],
  ];
  for (const [input, count, values] of cases) {
    const r = cScan(input, fmt);
    t.equal(r.count, count, `count of ${JSON.stringify(input)}`);
    t.same(r.values, values, `values of ${JSON.stringify(input)}`);
  }
});

t.test('%f reads what glibc reads', async (t) => {
  const cases: [string, number | null, number][] = [
    ['1e', 1, 2],
    ['1eK', 1, 2],
    ['1e3K', 1000, 3],
    ['0x10M', 16, 4],
    ['0x.8', 0.5, 4],
    ['0x1p4K', 16, 5],
    ['1.5.5', 1.5, 3],
    ['.5', 0.5, 2],
    ['1.K', 1, 2],
    ['1e-2', Math.fround(0.01), 4],
    ['infinity', Infinity, 8],
    ['inf', Infinity, 3],
    ['-inf', -Infinity, 4],
    ['4e38', Infinity, 4],
    ['3e38', Math.fround(3e38), 4],
  ];
  for (const [s, value, end] of cases) {
    const r = scanFloat(s, 0);
    t.ok(r, `${s} converts`);
    t.equal(r!.value, value, `${s} value`);
    t.equal(r!.end, end, `${s} consumed`);
  }
  for (const s of ['.', '-', '+.', '0x', '0xK', '0xg', '.e5', 'in', 'infin', 'M']) t.equal(scanFloat(s, 0), null, `${s} fails`);
  t.ok(Number.isNaN(scanFloat('nanK', 0)!.value), 'nan');
});

t.test('fgets pieces: 254 bytes at most, line numbers of physical lines', async (t) => {
  const long = 'x'.repeat(300);
  const pieces = fgetsLines(`a\n${long}\nlast`);
  t.same(pieces.map((p) => [p.text.length, p.line]), [
    [2, 1],
    [254, 2],
    [47, 2],
    [4, 3],
  ]);
  t.equal(pieces[2]!.text, `${'x'.repeat(46)}\n`);
});

t.test('SafeATOL: digits only, empty is 0, afs_int32 wrap', async (t) => {
  t.equal(safeAtol('58510'), 58510);
  t.equal(safeAtol(''), 0);
  t.equal(safeAtol('-5'), -1);
  t.equal(safeAtol('5x'), -1);
  t.equal(safeAtol('2147483648'), -2147483648);
  t.equal(safeAtol('4294967295'), -1);
  t.equal(safeAtol('4294967294'), -2);
});

t.test('atocl: units, bytes by default, float rounding, clamping (golden values of the C rules)', async (t) => {
  // [input, atocl(...,'K'), atocl(...,'B')], computed by a C program doing the same float arithmetic.
  const golden: [string, number | null, number | null][] = [
    ['100M', 102400, 104857600],
    ['300K', 300, 307200],
    ['2000000', 1953, 2000000],
    ['0', 0, 0],
    ['1', 0, 1],
    ['511', 0, 511],
    ['512', 1, 512],
    ['1.5k', 2, 1536],
    ['2T', 2147483647, 2147483647],
    ['2047G', 2146435072, 2147483647],
    ['1.999T', 2146409856, 2147483647],
    ['1e3K', 1000, 1024000],
    ['1eK', 1, 1024],
    ['0x10M', 16384, 16777216],
    ['nan', -2147483648, -2147483648],
    ['inf', 2147483647, 2147483647],
    ['-5', 0, 2147483647],
    ['-0.4', 0, 0],
    ['-0.6', 0, 2147483647],
    ['10kb', null, null],
    ['10x', null, null],
    ['M', null, null],
    ['16777217', 16384, 16777216],
    ['16777219', 16384, 16777220],
    ['0.0001g', 105, 107374],
    ['3.7', 0, 4],
    ['1e38', 2147483647, 2147483647],
    ['100m', 102400, 104857600],
    ['4g', 4194304, 2147483647],
  ];
  for (const [s, k, b] of golden) {
    t.equal(atocl(s, 'K'), k, `${s} in KB`);
    t.equal(atocl(s, 'B'), b, `${s} in bytes`);
  }
  t.equal(atocl('2T', 'K', ATOCL_LIFTED_CLAMP), 2147483648, 'lifted clamp: 2 TiB fits');
  t.equal(atocl('3.5T', 'K', ATOCL_LIFTED_CLAMP), 3758096384);
  t.equal(atocl('5T', 'K', ATOCL_LIFTED_CLAMP), 4294967295, 'lifted clamp: the 32-bit label size field');
});
