// afbackup's cartridge label: the exact bytes label_tape writes, read back from labels written
// here and from one written the way afbackup's copy_tape rewrites it; on a simulated tape.
process.env['TZ'] = 'UTC'; // ctime() is local time, as afbackup's
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { Medium } from '../../lib/drive/medium.js';
import { CartridgeLabelError, decodeLabel, encodeLabel, labelLength, readLabel, writeLabel } from '../../lib/format/cartridge-label.js';
import { ctime } from '../../lib/util/ctime.js';
import { pseudoRandom, tempDir } from '../helpers/tmp.js';

const when = new Date(Date.UTC(2024, 2, 5, 7, 8, 9));

t.test('the label text and length are afbackup\'s', async (t) => {
  t.equal(ctime(when.getTime() / 1000), 'Tue Mar  5 07:08:09 2024', 'the labelling time is ctime(3) text, the day padded by a blank');
  const block = encodeLabel({ cartridge: 12, blockSize: 512, comment: 'pool A', time: when });
  t.equal(block.length, 512);
  const text =
    "\nAF's backup system\n\nINFO HEADER\n\nCartridge number:\t12\n\n2nd cartridge number:\t12\n\n" +
    'Labeling time:\t\tTue Mar  5 07:08:09 2024\n\nTape Blocksize:\t\t512\n\nProgram version:\ttapecoord\n\nComment:\t\tpool A\n';
  t.equal(block.subarray(0, text.length).toString('latin1'), text);
  t.ok(block.subarray(text.length).every((b) => b === 0), 'NUL-padded');
  t.same([labelLength(512), labelLength(32768), labelLength(100), labelLength(500), labelLength(1)], [512, 32768, 600, 1000, 501], "label_tape.c: (500 / B + 1) * B");
  t.equal(encodeLabel({ cartridge: 3, secondCartridge: 9, blockSize: 1024, time: when }).length, 1024);
  t.match(encodeLabel({ cartridge: 3, blockSize: 1024, time: when }).toString('latin1'), /Comment:\t\t<labeled manually>\n\0/);
  t.throws(() => encodeLabel({ cartridge: 1, blockSize: 512, comment: 'x'.repeat(257) }), CartridgeLabelError);
  t.throws(() => encodeLabel({ cartridge: 1, blockSize: 512, comment: 'two\nlines' }), { name: 'CartridgeLabelError', field: 'Comment' });
  t.throws(() => encodeLabel({ cartridge: 0, blockSize: 512 }), { name: 'CartridgeLabelError', field: 'Cartridge number' });
  t.throws(() => labelLength(0), { name: 'CartridgeLabelError', field: 'Tape Blocksize' });
});

t.test('decoding: ours, afbackup\'s with copy fields, foreign blocks, broken labels', async (t) => {
  t.same(decodeLabel(encodeLabel({ cartridge: 12, blockSize: 32768, comment: 'pool A', time: when })), {
    cartridge: 12,
    secondCartridge: 12,
    labelled: 'Tue Mar  5 07:08:09 2024',
    blockSize: 32768,
    version: 'tapecoord',
    comment: 'pool A',
    copyFrom: null,
    duplicated: null,
  });
  // As afbackup 3.5.8's copy_tape leaves a label (buutil.c rewrite_tape_label): the new number,
  // the original's as 2nd number, where it was copied from and when.
  const copy = Buffer.alloc(2048);
  copy.write(
    "\nAF's backup system\n\nINFO HEADER\n\nCartridge number:\t7\n\n2nd cartridge number:\t3\n\nCopy from:\t\tbackuphost%2988\n\n" +
      'Labeling time:\t\tMon Jan  6 10:00:00 2003\n\nDuplicating time:\tTue Jan  7 11:00:00 2003\n\nTape Blocksize:\t\t2048\n\n' +
      'Program version:\t3.5.8\n\nComment:\t\t<labeled automatically>\n',
    'latin1',
  );
  t.same(decodeLabel(copy), {
    cartridge: 7,
    secondCartridge: 3,
    labelled: 'Mon Jan  6 10:00:00 2003',
    blockSize: 2048,
    version: '3.5.8',
    comment: '<labeled automatically>',
    copyFrom: 'backuphost%2988',
    duplicated: 'Tue Jan  7 11:00:00 2003',
  });
  t.equal(decodeLabel(pseudoRandom(4096, 3)), null, 'no INFO HEADER: not a label');
  const trailing = Buffer.concat([encodeLabel({ cartridge: 5, blockSize: 512, time: when }).subarray(0, 200), Buffer.from("\0AF's backup system\n\nINFO HEADER")]);
  t.equal(decodeLabel(Buffer.from('data only\0' + "AF's backup system\n\nINFO HEADER")), null, 'the text ends at the first NUL');
  t.equal(decodeLabel(trailing)!.cartridge, 5);
  t.throws(() => decodeLabel(Buffer.from("\nAF's backup system\n\nINFO HEADER\n\nCartridge number:\tx\n"), 'sim:/x'), { name: 'CartridgeLabelError', field: 'Cartridge number', message: /^sim:\/x: / });
});

t.test('written to a simulated tape: block, filemark, data after it untouched; blank and foreign media', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'c1.simtape');
  let m = await Medium.open({ kind: 'sim', path }, { create: true });
  t.same(await readLabel(m), { kind: 'blank' });
  t.equal(await writeLabel(m, { cartridge: 44, blockSize: 1024, comment: 'first', time: when }), 1024);
  const data = pseudoRandom(4096, 7);
  await m.write(data);
  await m.close();

  m = await Medium.open({ kind: 'sim', path });
  const r = await readLabel(m);
  t.match(r, { kind: 'label', label: { cartridge: 44, blockSize: 1024, comment: 'first' } });
  await m.rewind();
  const first = await m.read(65536);
  t.same(first.kind === 'data' && first.data, encodeLabel({ cartridge: 44, blockSize: 1024, comment: 'first', time: when }), 'block 0 is the label');
  t.same(await m.read(65536), { kind: 'filemark' }, 'then a filemark');
  const next = await m.read(65536);
  t.ok(next.kind === 'data' && next.data.equals(data), 'file 1 is the data');
  await m.close();

  const foreign = join(dir, 'f.simtape');
  m = await Medium.open({ kind: 'sim', path: foreign }, { create: true });
  await m.write(pseudoRandom(2_000_000, 1)); // longer than the first read: read again at the largest size
  await m.close();
  m = await Medium.open({ kind: 'sim', path: foreign });
  t.same(await readLabel(m), { kind: 'foreign', bytes: 2_000_000 });
  await m.close();

  const file = join(dir, 'empty');
  writeFileSync(file, '');
  m = await Medium.open({ kind: 'file', path: file });
  t.same(await readLabel(m), { kind: 'blank' }, 'an empty file');
  await m.close();
});
