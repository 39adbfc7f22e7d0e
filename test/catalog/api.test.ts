// The typed catalog API the cart commands, the planner and the write path build on.
import t, { type Test } from 'tap';
import { join } from 'node:path';
import { addBlocksize, everUsedBlocksizes } from '../../lib/catalog/blocksizes.js';
import {
  cartridge,
  cartridgeNames,
  cartridgeSets,
  cartridges,
  cartridgesByBarcode,
  label,
  putCartridge,
  putCartridgeName,
  putCartridgeSet,
  putLabel,
} from '../../lib/catalog/cartridges.js';
import { Catalog } from '../../lib/catalog/database.js';
import { completeDump, createDump, dump, dumps, recordFragment, volumeFragments, type Fragment } from '../../lib/catalog/dumps.js';
import { CatalogError } from '../../lib/catalog/errors.js';
import { cartridgeAt, cartridgeLocation, cartridgeLocations, setCartridgeLocation } from '../../lib/catalog/locations.js';
import { cartridgeOrder, drivePositions, putCartridgeOrder, putDrivePosition, putWritePosition, writePositions } from '../../lib/catalog/positions.js';
import { ADMIN_RESERVATION, readonlyTapes, reservations, setReadonlyTapes, setReservation, writeProtection } from '../../lib/catalog/protection.js';
import { bytesOnTape, cartridgeBytes, putBytesOnTape, putTapeUses, tapeUses } from '../../lib/catalog/tape-usage.js';
import { recordCartridgeFull, recordTapeFile } from '../../lib/catalog/writes.js';
import { tempDir } from '../helpers/tmp.js';

function open(t: Test): Catalog {
  const cat = Catalog.open(join(tempDir(t), 'catalog.db'));
  t.teardown(() => cat.close());
  return cat;
}

t.test('cartridges, sets, labels, barcodes and descriptions', async (t) => {
  const cat = open(t);
  putCartridgeSet(cat, { number: 2, name: 'weekly', description: 'Friday fulls' });
  putCartridge(cat, { number: 5, cartridgeSet: 2, blockSize: 262144 });
  t.same(cartridge(cat, 5), { number: 5, cartridgeSet: 2, blockSize: 262144 });
  t.equal(cartridge(cat, 6), undefined);
  t.throws(() => putCartridge(cat, { number: 6, cartridgeSet: 9, blockSize: null }), /FOREIGN KEY constraint failed/, 'a set must exist');
  t.same(cartridgeSets(cat), [{ number: 2, name: 'weekly', description: 'Friday fulls' }]);
  putLabel(cat, { cartridge: 7, name: 'user.full.1', comment: 'first', written: 1000, expires: 2000 });
  t.same(label(cat, 7), { cartridge: 7, name: 'user.full.1', comment: 'first', written: 1000, expires: 2000 });
  putCartridgeName(cat, { cartridge: 5, barcode: 'ABC005L9', description: 'Tape 5' });
  putCartridgeName(cat, { cartridge: 8, barcode: 'ABC005L9', description: '' });
  t.same(cartridgeNames(cat).map((n) => n.cartridge), [5, 8]);
  t.same(cartridgesByBarcode(cat, 'ABC005L9'), [5, 8], 'a duplicate barcode shows as two cartridges');
  t.same(cartridges(cat).map((c) => c.number), [5, 7, 8], 'labels and names add their cartridges');
});

t.test('bytes_on_tape and tape_uses', async (t) => {
  const cat = open(t);
  putBytesOnTape(cat, { cartridge: 3, bytes: 10, files: null, full: null, lastWrite: null });
  putBytesOnTape(cat, { cartridge: 1, bytes: 20, files: 2, full: true, lastWrite: 5 });
  t.same(bytesOnTape(cat), [
    { cartridge: 1, bytes: 20, files: 2, full: true, lastWrite: 5 },
    { cartridge: 3, bytes: 10, files: null, full: null, lastWrite: null },
  ]);
  t.throws(() => putBytesOnTape(cat, { cartridge: 4, bytes: 1, files: null, full: true, lastWrite: null }), /CHECK constraint failed/, 'a full flag needs a file count before it');
  putTapeUses(cat, { cartridge: 1, timesFull: 4 });
  putTapeUses(cat, { cartridge: 1, timesFull: 5 });
  t.same(tapeUses(cat), [{ cartridge: 1, timesFull: 5 }]);
});

t.test('read-only ranges and reservations decide what may be written', async (t) => {
  const cat = open(t);
  setReadonlyTapes(cat, [
    { first: 2, last: 4 },
    { first: 9, last: null },
  ]);
  setReservation(cat, { client: 'alpha', ranges: [{ first: 4, last: 6 }] });
  setReservation(cat, { client: ADMIN_RESERVATION, ranges: [{ first: 6, last: 6 }] });
  t.same(readonlyTapes(cat), [
    { first: 2, last: 4 },
    { first: 9, last: null },
  ]);
  t.same(writeProtection(cat, 1), { readOnly: false, reservedBy: [] });
  t.same(writeProtection(cat, 4), { readOnly: true, reservedBy: ['alpha'] });
  t.same(writeProtection(cat, 6), { readOnly: false, reservedBy: [ADMIN_RESERVATION, 'alpha'] });
  t.same(writeProtection(cat, 1000), { readOnly: true, reservedBy: [] }, 'an open range reaches any number');
  setReservation(cat, { client: 'alpha', ranges: [] });
  t.same(reservations(cat), [{ client: ADMIN_RESERVATION, ranges: [{ first: 6, last: 6 }] }], 'no ranges removes the reservation');
});

t.test('tapepos and cartridge_order', async (t) => {
  const cat = open(t);
  putWritePosition(cat, { cartridgeSet: 2, cartridge: 7, file: 3 });
  putWritePosition(cat, { cartridgeSet: 1, cartridge: null, file: 0 });
  t.same(writePositions(cat), [
    { cartridgeSet: 1, cartridge: null, file: 0 },
    { cartridgeSet: 2, cartridge: 7, file: 3 },
  ]);
  putDrivePosition(cat, { device: '/dev/nst1', cartridge: 7, file: 3 });
  putDrivePosition(cat, { device: '/dev/nst0', cartridge: 2, file: 1 });
  putDrivePosition(cat, { device: '/dev/nst1', cartridge: 8, file: 1 });
  t.same(
    drivePositions(cat).map((p) => [p.device, p.cartridge]),
    [
      ['/dev/nst1', 8],
      ['/dev/nst0', 2],
    ],
    'drives keep the order they were first seen in',
  );
  putCartridgeOrder(cat, { cartridge: 7, nextCartridge: 9, nextFile: 2 });
  putCartridgeOrder(cat, { cartridge: 9, nextCartridge: null, nextFile: null });
  t.same(cartridgeOrder(cat), [
    { cartridge: 7, nextCartridge: 9, nextFile: 2 },
    { cartridge: 9, nextCartridge: null, nextFile: null },
  ]);
});

t.test('locations: one cartridge per changer element, or a place', async (t) => {
  const cat = open(t);
  setCartridgeLocation(cat, 1, { changer: '/dev/sg3', kind: 'slot', number: 6 });
  setCartridgeLocation(cat, 2, { place: 'vault, box 12' });
  t.equal(cartridgeAt(cat, '/dev/sg3', 'slot', 6), 1);
  t.equal(cartridgeAt(cat, '/dev/sg3', 'slot', 7), undefined);
  t.throws(() => setCartridgeLocation(cat, 3, { changer: '/dev/sg3', kind: 'slot', number: 6 }), /UNIQUE constraint failed: cartridge_locations/);
  setCartridgeLocation(cat, 1, { changer: '/dev/sg3', kind: 'drive', number: 1 });
  setCartridgeLocation(cat, 3, { changer: '/dev/sg3', kind: 'slot', number: 6 });
  t.same(cartridgeLocation(cat, 1), { changer: '/dev/sg3', kind: 'drive', number: 1 });
  setCartridgeLocation(cat, 2, null);
  t.same(
    cartridgeLocations(cat).map((l) => l.cartridge),
    [1, 3],
  );
  t.equal(cartridgeLocation(cat, 2), undefined, 'unknown again');
});

t.test('ever_used_blocksizes', async (t) => {
  const cat = open(t);
  addBlocksize(cat, 262144);
  addBlocksize(cat, 16384);
  addBlocksize(cat, 262144);
  t.same(everUsedBlocksizes(cat), [16384, 262144]);
});

const fragment = (over: Partial<Fragment>): Fragment => ({
  dump: 1,
  volume: 'user.alice',
  volumeId: 536870915,
  cloneTime: 900,
  fragment: 1,
  cartridge: 1,
  position: 2,
  block: null,
  bytes: 100,
  last: false,
  ...over,
});

t.test('dumps and fragments: a volume grows one fragment at a time', async (t) => {
  const cat = open(t);
  createDump(cat, { id: 1, parent: null, level: 0, volumeSet: 'user', created: 1000, expires: 5000 });
  const incr = createDump(cat, { parent: 1, level: 1, volumeSet: 'user', created: 2000, expires: null });
  t.same(dump(cat, incr), { id: incr, parent: 1, level: 1, volumeSet: 'user', created: 2000, expires: null, completed: null });
  t.throws(() => createDump(cat, { parent: 99, level: 1, volumeSet: 'user', created: 1, expires: null }), /FOREIGN KEY constraint failed/);
  recordFragment(cat, fragment({}));
  t.throws(() => recordFragment(cat, fragment({ fragment: 3 })), new CatalogError('fragment-order', 'dump 1 volume user.alice: fragment 3 where 2 comes next'));
  t.throws(() => recordFragment(cat, fragment({ fragment: 1 })), /fragment 1 where 2 comes next/);
  recordFragment(cat, fragment({ fragment: 2, cartridge: 2, position: 1, block: 0, bytes: 50, last: true }));
  t.throws(() => recordFragment(cat, fragment({ fragment: 3 })), new CatalogError('fragment-order', 'dump 1 volume user.alice: fragment 3 after the last one'));
  t.throws(() => recordFragment(cat, fragment({ dump: 42 })), new CatalogError('not-found', 'no dump 42'));
  t.same(
    volumeFragments(cat, 1, 'user.alice').map((f) => [f.fragment, f.cartridge, f.position, f.block, f.bytes, f.last]),
    [
      [1, 1, 2, null, 100, false],
      [2, 2, 1, 0, 50, true],
    ],
  );
  completeDump(cat, 1, 1500);
  t.equal(dump(cat, 1)?.completed, 1500);
  t.throws(() => completeDump(cat, 99, 1), new CatalogError('not-found', 'no dump 99'));
  t.same(dumps(cat).map((d) => d.id), [1, incr]);
});

t.test('the write path: a tape file, then the cartridge full', async (t) => {
  const cat = open(t);
  createDump(cat, { id: 1, parent: null, level: 0, volumeSet: 'user', created: 1000, expires: null });
  const frag = (volume: string, n: number, last: boolean) => ({ dump: 1, volume, volumeId: null, cloneTime: 900, fragment: n, block: null, bytes: 10, last });
  recordTapeFile(cat, { cartridge: 4, file: 1, bytes: 30, time: 1100, cartridgeSet: 1, fragments: [frag('a', 1, true), frag('b', 1, false)] });
  recordTapeFile(cat, { cartridge: 4, file: 2, bytes: 20, time: 1200, cartridgeSet: 1, fragments: [frag('b', 2, true)] });
  t.same(cartridgeBytes(cat, 4), { cartridge: 4, bytes: 50, files: 2, full: false, lastWrite: 1200 });
  t.same(writePositions(cat), [{ cartridgeSet: 1, cartridge: 4, file: 3 }], 'the set is written next after file 2');
  t.same(
    volumeFragments(cat, 1, 'b').map((f) => [f.cartridge, f.position]),
    [
      [4, 1],
      [4, 2],
    ],
  );
  t.throws(() => recordTapeFile(cat, { cartridge: 4, file: 3, bytes: 5, time: 1300, cartridgeSet: 1, fragments: [frag('b', 3, true)] }), { code: 'fragment-order' });
  t.same(cartridgeBytes(cat, 4)?.files, 2, 'a refused tape file leaves nothing behind');
  recordCartridgeFull(cat, 4, 1400);
  recordCartridgeFull(cat, 5, 1500);
  t.same(cartridgeBytes(cat, 4), { cartridge: 4, bytes: 50, files: 2, full: true, lastWrite: 1400 });
  t.same(cartridgeBytes(cat, 5), { cartridge: 5, bytes: 0, files: 0, full: true, lastWrite: 1500 });
  t.same(tapeUses(cat), [
    { cartridge: 4, timesFull: 1 },
    { cartridge: 5, timesFull: 1 },
  ]);
  recordTapeFile(cat, { cartridge: 6, file: 1, bytes: 1, time: 1600, cartridgeSet: null, fragments: [] });
  t.same(writePositions(cat), [{ cartridgeSet: 1, cartridge: 4, file: 3 }], 'no set, no write position');
});
