// Choosing the cartridge a set is written on next, and cartridge_order as writing moves on.
import t, { type Test } from 'tap';
import { join } from 'node:path';
import { exportAfbackup } from '../../lib/catalog/afbackup-export.js';
import { putCartridge, putCartridgeSet } from '../../lib/catalog/cartridges.js';
import { Catalog } from '../../lib/catalog/database.js';
import { setCartridgeLocation } from '../../lib/catalog/locations.js';
import { cartridgeOrder, putCartridgeOrder, putDrivePosition, putWritePosition } from '../../lib/catalog/positions.js';
import { ADMIN_RESERVATION, setReadonlyTapes, setReservation } from '../../lib/catalog/protection.js';
import { putBytesOnTape } from '../../lib/catalog/tape-usage.js';
import { recordContinuation } from '../../lib/planner/continuation.js';
import { PlannerError } from '../../lib/planner/errors.js';
import { explainDecision, nextCartridge } from '../../lib/planner/next-cartridge.js';
import { readFile } from 'node:fs/promises';
import { tempDir } from '../helpers/tmp.js';

function open(t: Test): Catalog {
  const cat = Catalog.open(join(tempDir(t), 'catalog.db'));
  t.teardown(() => cat.close());
  return cat;
}

/** Set 1: cartridges 1..8; set 2: 9..10; cartridge 11 in no set. */
function cartridgesInSets(cat: Catalog): void {
  putCartridgeSet(cat, { number: 1, name: 'daily', description: null });
  putCartridgeSet(cat, { number: 2, name: 'weekly', description: null });
  for (let n = 1; n <= 11; n++) putCartridge(cat, { number: n, cartridgeSet: n <= 8 ? 1 : n <= 10 ? 2 : null, blockSize: null });
}

const bytes = (cartridge: number, files: number, full: boolean) => ({ cartridge, bytes: files * 1000, files, full, lastWrite: 1000 });

t.test('the write position comes first while its cartridge has room', async (t) => {
  const cat = open(t);
  cartridgesInSets(cat);
  setCartridgeLocation(cat, 2, { changer: '/dev/sch0', kind: 'drive', number: 1 });
  putBytesOnTape(cat, bytes(5, 3, false));
  putWritePosition(cat, { cartridgeSet: 1, cartridge: 5, file: 4 });
  let d = nextCartridge(cat, 1);
  t.match(d.target, { cartridge: 5, file: 4, append: true, why: 'write-position', placement: 'unknown' }, 'even though 2 is in a drive');
  t.same(d.skipped, []);
  t.equal(d.otherSets, 2);
  t.equal(d.noSet, 1);

  putBytesOnTape(cat, bytes(5, 3, true));
  d = nextCartridge(cat, 1);
  t.match(d.target, { cartridge: 2, file: 1, append: false, why: 'placement', placement: 'drive', location: { changer: '/dev/sch0', kind: 'drive', number: 1 } });
  t.same(d.skipped, [{ cartridge: 5, reason: 'full', reservedBy: [] }]);
  t.equal(explainDecision(d), 'set 1: cartridge 2 file 1 (from the start; in /dev/sch0 drive 1)');
});

t.test('cartridges other jobs have are passed over, even at the write position', async (t) => {
  const cat = open(t);
  cartridgesInSets(cat);
  putBytesOnTape(cat, bytes(5, 3, false));
  putWritePosition(cat, { cartridgeSet: 1, cartridge: 5, file: 4 });
  let d = nextCartridge(cat, 1, { inUse: new Set([5, 1]) });
  t.match(d.target, { cartridge: 2, file: 1, why: 'placement' }, 'the next best');
  t.same(d.skipped, [
    { cartridge: 1, reason: 'in-use', reservedBy: [] },
    { cartridge: 5, reason: 'in-use', reservedBy: [] },
  ]);
  putBytesOnTape(cat, bytes(1, 1, true));
  d = nextCartridge(cat, 1, { inUse: new Set([1, 2, 3, 4, 5, 6, 7, 8]) });
  t.equal(d.target, null);
  t.same(d.skipped[0], { cartridge: 1, reason: 'full', reservedBy: [] }, 'full comes before in use');
  t.equal(explainDecision(d), 'no writable cartridge in set 1: 1 full, 7 in use by another task, 2 in other sets, 1 in no set');
});

t.test('drive, then library, then outside, then unknown; ties by number', async (t) => {
  const cat = open(t);
  cartridgesInSets(cat);
  setCartridgeLocation(cat, 1, { place: 'vault shelf 3' });
  setCartridgeLocation(cat, 4, { changer: '/dev/sch0', kind: 'slot', number: 4 });
  setCartridgeLocation(cat, 3, { changer: '/dev/sch0', kind: 'loadport', number: 1 });
  setCartridgeLocation(cat, 6, { changer: '/dev/sch0', kind: 'slot', number: 6 });
  t.match(nextCartridge(cat, 1).target, { cartridge: 3, placement: 'library' }, 'a loadport is in the library; 3 < 4 < 6');
  putDrivePosition(cat, { device: '/dev/nst0', cartridge: 7, file: 1 });
  t.match(nextCartridge(cat, 1).target, { cartridge: 7, placement: 'drive', device: '/dev/nst0', location: null }, 'a tapepos device line puts it in a drive');
  for (const n of [3, 4, 6, 7]) setCartridgeLocation(cat, n, { place: `shelf ${n}` });
  putDrivePosition(cat, { device: '/dev/nst0', cartridge: null, file: 0 });
  t.match(nextCartridge(cat, 1).target, { cartridge: 1, placement: 'outside' }, 'outside before unknown (2, 5, 8 have no location)');
  setReadonlyTapes(cat, [{ first: 1, last: 1 }, { first: 3, last: 4 }, { first: 6, last: 7 }]);
  t.match(nextCartridge(cat, 1).target, { cartridge: 2, placement: 'unknown' });
});

t.test('read-only ranges, open-ended ones, full flags and capacity', async (t) => {
  const cat = open(t);
  cartridgesInSets(cat);
  setReadonlyTapes(cat, [{ first: 2, last: 3 }, { first: 6, last: null }]);
  putBytesOnTape(cat, bytes(1, 10, true));
  putBytesOnTape(cat, bytes(4, 7, false));
  let d = nextCartridge(cat, 1);
  t.match(d.target, { cartridge: 4, file: 8, append: true }, 'appends after its 7 files');
  t.same(
    d.skipped.map((s) => [s.cartridge, s.reason]),
    [[1, 'full'], [2, 'read-only'], [3, 'read-only'], [6, 'read-only'], [7, 'read-only'], [8, 'read-only']],
    '6- reaches every cartridge from 6 on',
  );
  d = nextCartridge(cat, 1, { capacity: 7000 });
  t.match(d.target, { cartridge: 5, file: 1 }, '4 holds 7000 bytes: full at that capacity');
  d = nextCartridge(cat, 1, { overwrite: true });
  t.match(d.target, { cartridge: 4, file: 1, append: false }, 'overwrite starts an unreserved cartridge from file 1');
  setReadonlyTapes(cat, [{ first: 1, last: null }]);
  d = nextCartridge(cat, 1);
  t.equal(d.target, null);
  t.equal(explainDecision(d), 'no writable cartridge in set 1: 8 read-only, 2 in other sets, 1 in no set');
  t.equal(nextCartridge(cat, 2).target, null, 'the open range covers set 2 too');
  t.throws(() => nextCartridge(cat, 3), new PlannerError('invalid', `${cat.path}: no cartridge set 3`));
});

t.test('a reservation forbids overwriting, not appending', async (t) => {
  const cat = open(t);
  cartridgesInSets(cat);
  for (let n = 1; n <= 8; n++) putBytesOnTape(cat, bytes(n, 2, n >= 4));
  setReservation(cat, { client: 'alpha', ranges: [{ first: 1, last: 2 }] });
  setReservation(cat, { client: ADMIN_RESERVATION, ranges: [{ first: 2, last: 3 }] });
  let d = nextCartridge(cat, 1);
  t.match(d.target, { cartridge: 1, file: 3, append: true }, 'appending to reserved 1 is allowed');
  t.same(d.skipped.map((s) => s.reason), ['full', 'full', 'full', 'full', 'full']);

  d = nextCartridge(cat, 1, { overwrite: true });
  t.match(d.target, { cartridge: 1, file: 3, append: true }, 'overwrite mode still only appends to reserved cartridges');

  // The write position on a reserved cartridge before its end would overwrite its files 2..2.
  putWritePosition(cat, { cartridgeSet: 1, cartridge: 3, file: 2 });
  d = nextCartridge(cat, 1);
  t.same(d.skipped[0], { cartridge: 3, reason: 'reserved', reservedBy: [ADMIN_RESERVATION] });
  t.match(d.target, { cartridge: 1, why: 'placement' });

  for (const n of [1, 2]) putBytesOnTape(cat, bytes(n, 2, true));
  d = nextCartridge(cat, 1);
  t.equal(d.target, null);
  t.equal(explainDecision(d), 'no writable cartridge in set 1: 7 full, 1 reserved by the administrator, 2 in other sets, 1 in no set');
  setReservation(cat, { client: 'alpha', ranges: [{ first: 3, last: 3 }] });
  t.equal(
    explainDecision(nextCartridge(cat, 1)),
    'no writable cartridge in set 1: 7 full, 1 reserved by the administrator, 1 reserved by client alpha, 2 in other sets, 1 in no set',
  );
});

t.test('recordContinuation writes cartridge_order and invalidates entries into overwritten data', async (t) => {
  const cat = open(t);
  putCartridgeOrder(cat, { cartridge: 1, nextCartridge: 2, nextFile: 1 });
  putCartridgeOrder(cat, { cartridge: 3, nextCartridge: 4, nextFile: 5 });
  putCartridgeOrder(cat, { cartridge: 6, nextCartridge: 4, nextFile: null });
  putCartridgeOrder(cat, { cartridge: 7, nextCartridge: 4, nextFile: 2 });
  // Writing leaves 8 for file 3 of 4: files 3.. of 4 are overwritten; 7 -> 4 2 and 6 -> 4 (file 1) stay.
  t.same(recordContinuation(cat, 8, 4, 3), [3]);
  t.same(cartridgeOrder(cat), [
    { cartridge: 1, nextCartridge: 2, nextFile: 1 },
    { cartridge: 3, nextCartridge: null, nextFile: 0 },
    { cartridge: 4, nextCartridge: null, nextFile: null },
    { cartridge: 6, nextCartridge: 4, nextFile: null },
    { cartridge: 7, nextCartridge: 4, nextFile: 2 },
    { cartridge: 8, nextCartridge: 4, nextFile: 3 },
  ].filter((o) => o.cartridge !== 4));
  // From file 1 of 4: everything that led into 4 is gone; 1 -> 2 is untouched; 8's own entry is replaced.
  t.same(recordContinuation(cat, 8, 4, 1), [6, 7]);
  t.same(cartridgeOrder(cat), [
    { cartridge: 1, nextCartridge: 2, nextFile: 1 },
    { cartridge: 3, nextCartridge: null, nextFile: 0 },
    { cartridge: 6, nextCartridge: null, nextFile: null },
    { cartridge: 7, nextCartridge: null, nextFile: 0 },
    { cartridge: 8, nextCartridge: 4, nextFile: 1 },
  ]);
  const vardir = join(tempDir(t), 'var');
  await exportAfbackup(cat, vardir);
  t.equal(await readFile(join(vardir, 'cartridge_order'), 'utf8'), '1 -> 2 1\n3 -> 0 0\n6 -> 0\n7 -> 0 0\n8 -> 4 1\n', "afserver's invalidated entries");
  t.throws(() => recordContinuation(cat, 5, 5, 1), new PlannerError('invalid', `${cat.path}: cartridge 5 cannot continue on itself`));
  t.throws(() => recordContinuation(cat, 5, 6, 0), /file 0 is not a tape file number/);
});
