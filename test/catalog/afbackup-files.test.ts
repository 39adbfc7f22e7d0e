// Each afserver state file, and the cartridge ranges two of them hold: parsed as the seeds describe
// them, formatted as afserver writes them, and bad input reported with file, line and field.
import t from 'tap';
import { afbackupFiles, parseLocation } from '../../lib/catalog/afbackup-files.js';
import { AfbackupFormatError, CatalogError } from '../../lib/catalog/errors.js';
import { RangeSyntaxError, formatRanges, inRanges, parseRanges } from '../../lib/catalog/ranges.js';

const f = afbackupFiles;

t.test('cartridge ranges: every form the seed names, and afserver reading blanks between parts', async (t) => {
  t.same(parseRanges('2-4'), [{ first: 2, last: 4 }]);
  t.same(parseRanges('-2'), [{ first: 1, last: 2 }], 'an open start is cartridge 1');
  t.same(parseRanges('8-'), [{ first: 8, last: null }], 'an open end stays open');
  t.same(parseRanges('3'), [{ first: 3, last: 3 }]);
  t.same(parseRanges('1,3-5,8-'), [
    { first: 1, last: 1 },
    { first: 3, last: 5 },
    { first: 8, last: null },
  ]);
  t.same(parseRanges(' 2 - 4 ,, 6 7\t9- '), [
    { first: 2, last: 4 },
    { first: 6, last: 6 },
    { first: 7, last: 7 },
    { first: 9, last: null },
  ]);
  t.same(parseRanges('5-3'), [{ first: 3, last: 5 }], 'a reversed range, as afserver swaps it');
  t.same(parseRanges('8-,-2'), [
    { first: 8, last: null },
    { first: 1, last: 2 },
  ]);
  t.same(parseRanges(''), []);
  t.same(parseRanges(' , '), []);
});

t.test('cartridge ranges: what is not a range', async (t) => {
  t.throws(() => parseRanges('2-x'), new RangeSyntaxError("'x' is not a cartridge number or range"));
  t.throws(() => parseRanges('-'), /a range needs a number on at least one side of '-'/);
  t.throws(() => parseRanges('1,-,3'), /a range needs a number/);
  t.throws(() => parseRanges('2--4'), /'2--4': a '-' where a ',' or a number belongs/);
  t.throws(() => parseRanges('2-4-6'), /a '-' where a ',' or a number belongs/);
  t.throws(() => parseRanges('0-3'), /'0' is not a cartridge number/);
  t.throws(() => parseRanges('99999999999999999999'), /is not a cartridge number/);
});

t.test('cartridge ranges: format as afserver writes, membership', async (t) => {
  const r = parseRanges('3,5-7,9-');
  t.equal(formatRanges(r), '3,5-7,9-');
  t.equal(formatRanges([{ first: 4, last: 4 }]), '4');
  t.equal(formatRanges([]), '');
  t.same([2, 3, 4, 5, 7, 8, 9, 1000].map((n) => inRanges(r, n)), [false, true, false, true, true, false, true, true]);
});

t.test('bytes_on_tape: <cartridge>: <bytes> <files> <full-flag> <timestamp>, cut short after any field', async (t) => {
  const text = '1: 41943040000 12 1 1700000000\n2: 5242880 3 0 1700003600\n10: 1000\n11: 2048 1\n12: 4096 2 1\n';
  const rows = f.bytesOnTape.parse(text);
  t.same(rows, [
    { cartridge: 1, bytes: 41943040000, files: 12, full: true, lastWrite: 1700000000 },
    { cartridge: 2, bytes: 5242880, files: 3, full: false, lastWrite: 1700003600 },
    { cartridge: 10, bytes: 1000, files: null, full: null, lastWrite: null },
    { cartridge: 11, bytes: 2048, files: 1, full: null, lastWrite: null },
    { cartridge: 12, bytes: 4096, files: 2, full: true, lastWrite: null },
  ]);
  t.equal(f.bytesOnTape.format([...rows].reverse()), text, 'sorted by cartridge number, as afserver keeps it');
});

t.test('tape_uses, ever_used_blocksizes', async (t) => {
  t.same(f.tapeUses.parse('10: 1\n1: 3\n'), [
    { cartridge: 10, timesFull: 1 },
    { cartridge: 1, timesFull: 3 },
  ]);
  t.equal(f.tapeUses.format([{ cartridge: 10, timesFull: 1 }, { cartridge: 1, timesFull: 3 }]), '1: 3\n10: 1\n');
  t.same(f.everUsedBlocksizes.parse('262144 \n16384\n16384 \n'), [262144, 16384], 'a size listed twice is kept once');
  t.equal(f.everUsedBlocksizes.format([262144, 16384]), '16384 \n262144 \n', "afserver's kfile writes the key, a blank and the empty value");
});

t.test('readonly_tapes: ranges on one line or several', async (t) => {
  t.same(f.readonlyTapes.parse('2-4,6\n-2\n\n8-\n'), [
    { first: 2, last: 4 },
    { first: 6, last: 6 },
    { first: 1, last: 2 },
    { first: 8, last: null },
  ]);
  t.equal(f.readonlyTapes.format([{ first: 2, last: 4 }, { first: 8, last: null }]), '2-4,8-\n');
  t.equal(f.readonlyTapes.format([]), '');
});

t.test('precious_tapes: a client (quoted when it has blanks) and its cartridges, sorted by client', async (t) => {
  const text = '"< * protected by admin * >" 6\nalpha.example.org 1-3,5\nbeta 2\n';
  const rows = f.preciousTapes.parse(text);
  t.same(rows[0], { client: '< * protected by admin * >', ranges: [{ first: 6, last: 6 }] });
  t.same(rows[1], { client: 'alpha.example.org', ranges: [{ first: 1, last: 3 }, { first: 5, last: 5 }] });
  t.equal(f.preciousTapes.format([...rows].reverse()), text);
});

t.test('tapepos: set lines N: and drive lines, drives written first', async (t) => {
  const rows = f.tapepos.parse('3: 0 0\n"/dev/tape/by-id/x nst" 7 2\n1: 2 4\n/dev/nst0 2 4\n');
  t.same(rows, {
    writePositions: [
      { cartridgeSet: 3, cartridge: null, file: 0 },
      { cartridgeSet: 1, cartridge: 2, file: 4 },
    ],
    drivePositions: [
      { device: '/dev/tape/by-id/x nst', cartridge: 7, file: 2 },
      { device: '/dev/nst0', cartridge: 2, file: 4 },
    ],
  });
  t.equal(f.tapepos.format(rows), '"/dev/tape/by-id/x nst" 7 2\n/dev/nst0 2 4\n1: 2 4\n3: 0 0\n');
});

t.test('cartridge_order: N -> cartridge [file], 0 for none', async (t) => {
  const rows = f.cartridgeOrder.parse('4 ->12\n1 -> 2 1\n3 -> 0  5\n');
  t.same(rows, [
    { cartridge: 4, nextCartridge: 12, nextFile: null },
    { cartridge: 1, nextCartridge: 2, nextFile: 1 },
    { cartridge: 3, nextCartridge: null, nextFile: 5 },
  ]);
  t.equal(f.cartridgeOrder.format(rows), '1 -> 2 1\n3 -> 0 5\n4 -> 12\n');
});

t.test('cartridge_locations: changer, drive|slot|loadport, number; anything else is free text', async (t) => {
  t.same(parseLocation('/dev/rmt/stctl0 slot 6'), { changer: '/dev/rmt/stctl0', kind: 'slot', number: 6 });
  t.same(parseLocation('/dev/sg3  drive   1'), { changer: '/dev/sg3', kind: 'drive', number: 1 });
  t.same(parseLocation('lib1 loadport 2'), { changer: 'lib1', kind: 'loadport', number: 2 });
  for (const text of ['/dev/sg3 shelf 2', '/dev/sg3 slot 0', '/dev/sg3 slot 6a', '/dev/sg3 slot 6 left', 'Safe in room 2.17', 'unknown', '']) {
    t.same(parseLocation(text), { place: text }, `'${text}' is free text`);
  }
  const text = '1: /dev/sg3 slot 6\n4: Safe in room 2.17, shelf B\n';
  const rows = f.cartridgeLocations.parse(text);
  t.equal(f.cartridgeLocations.format(rows), text);
  t.throws(() => f.cartridgeLocations.format([{ cartridge: 1, location: { place: 'shelf slot 3' } }]), new CatalogError('invalid', "place 'shelf slot 3' would read back as a changer element"));
  t.throws(() => f.cartridgeLocations.format([{ cartridge: 1, location: { changer: 'my lib', kind: 'slot', number: 3 } }]), /cannot hold blanks/);
  t.throws(() => f.cartridgeLocations.format([{ cartridge: 1, location: { place: 'two\nlines' } }]), /cannot hold a line break/);
});

t.test('cartridge_names: barcode word ("" for none) and description, sorted by key text', async (t) => {
  const text = '10: "" Tape 10\n11: XYZ011L9 \n1: ABC001L9 Monday full\n2: "ABC 002" Tape with a blank\n';
  const rows = f.cartridgeNames.parse(text);
  t.same(rows, [
    { cartridge: 10, barcode: null, description: 'Tape 10' },
    { cartridge: 11, barcode: 'XYZ011L9', description: '' },
    { cartridge: 1, barcode: 'ABC001L9', description: 'Monday full' },
    { cartridge: 2, barcode: 'ABC 002', description: 'Tape with a blank' },
  ]);
  t.equal(f.cartridgeNames.format([...rows].reverse()), text);
  t.same(f.cartridgeNames.parse('5: AB"C 0"05   spaced  out  '), [{ cartridge: 5, barcode: 'ABC 005', description: 'spaced  out  ' }], 'quotes anywhere in a word');
  t.throws(() => f.cartridgeNames.format([{ cartridge: 1, barcode: 'a"b', description: '' }]), /barcode 'a"b': afbackup's files cannot hold/);
});

t.test('bad input names file, line and field', async (t) => {
  const cases: [keyof typeof afbackupFiles, string, string][] = [
    ['bytesOnTape', '1: 1 1 0 1\nx: 1\n', "bytes_on_tape line 2, cartridge number: 'x:' is not '<cartridge-number>:'"],
    ['bytesOnTape', '0: 1\n', 'bytes_on_tape line 1, cartridge number: 0 is not 1 or more'],
    ['bytesOnTape', '1: 12x 3\n', "bytes_on_tape line 1, number-of-bytes-on-tape: '12x' is not a number"],
    ['bytesOnTape', '1:\n', 'bytes_on_tape line 1, number-of-bytes-on-tape: missing'],
    ['bytesOnTape', '1: 1 1 2 5\n', 'bytes_on_tape line 1, tape-full-flag: 2 is not 0 or 1'],
    ['bytesOnTape', '1: 1 1 0 -5\n', "bytes_on_tape line 1, last-writing-timestamp: '-5' is not a number"],
    ['bytesOnTape', '1: 1 1 0 5 extra\n', "bytes_on_tape line 1, end of line: unexpected 'extra'"],
    ['bytesOnTape', '1: 99999999999999999999\n', 'bytes_on_tape line 1, number-of-bytes-on-tape: 99999999999999999999 is too large'],
    ['bytesOnTape', '3: 1\n\n3: 2\n', 'bytes_on_tape line 3, first column: cartridge 3 is also on line 1'],
    ['tapeUses', '1: many\n', "tape_uses line 1, full-counter: 'many' is not a number"],
    ['tapeUses', '1: 2 3\n', "tape_uses line 1, end of line: unexpected '3'"],
    ['everUsedBlocksizes', '16384 32768\n', "ever_used_blocksizes line 1, end of line: unexpected '32768'"],
    ['readonlyTapes', '2-4\n5,x\n', "readonly_tapes line 2, cartridge ranges: 'x' is not a cartridge number or range"],
    ['preciousTapes', 'host\n', "precious_tapes line 1, cartridges: no cartridges for client 'host'"],
    ['preciousTapes', 'host 1-a\n', "precious_tapes line 1, cartridges: 'a' is not a cartridge number or range"],
    ['preciousTapes', 'a 1\nb 2\na 3\n', "precious_tapes line 3, first column: client 'a' is also on line 1"],
    ['preciousTapes', '"unclosed 1\n', "precious_tapes line 1, first column: a quote is not closed in '\"unclosed 1'"],
    ['preciousTapes', 'back\\slash 1\n', "precious_tapes line 1, first column: a backslash in 'back\\slash 1': escapes are not supported"],
    ['tapepos', '1: 3\n', 'tapepos line 1, file number: missing'],
    ['tapepos', '0: 3 1\n', 'tapepos line 1, cartridge set: 0 is not 1 or more'],
    ['tapepos', '5 3\n', "tapepos line 1, first column: '5' is neither '<cartridge-set>:' nor a device (a tapepos file from before afbackup 3.2?)"],
    ['cartridgeOrder', '1 => 2\n', "cartridge_order line 1, arrow: '=> 2' does not start with '->'"],
    ['cartridgeOrder', '1: -> 2\n', "cartridge_order line 1, cartridge number: '1:' is not a cartridge number"],
    ['cartridgeOrder', '1 -> x\n', "cartridge_order line 1, next cartridge: 'x' is not a number"],
    ['cartridgeLocations', '1: /dev/sg3 slot 6\n2: /dev/sg3 slot 6\n', "cartridge_locations line 2, location: '/dev/sg3 slot 6' is also the location on line 1"],
    ['cartridgeNames', '1: "abc desc\n', `cartridge_names line 1, barcode: a quote is not closed in '"abc desc'`],
    ['everUsedBlocksizes', '16k\n', "ever_used_blocksizes line 1, blocksize: '16k' is not a number"],
    ['everUsedBlocksizes', '0\n', 'ever_used_blocksizes line 1, blocksize: 0 is not 1 or more'],
  ];
  for (const [file, text, message] of cases) {
    t.throws(() => afbackupFiles[file].parse(text), { name: 'AfbackupFormatError', message }, message);
  }
  const e = t.throws(() => f.tapeUses.parse('1: 2\n2: x\n', '/var/lib/afbackup/tape_uses')) as AfbackupFormatError;
  t.match(e, { file: '/var/lib/afbackup/tape_uses', line: 2, field: 'full-counter' }, 'the path given names the file');
});
