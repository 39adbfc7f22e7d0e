// The syntax side of cart_ctl: ordered number lists, range arithmetic on open ranges, attribute
// specifications and their effects on the catalog, descriptions, and the option letters.
import { join } from 'node:path';
import t from 'tap';
import { Catalog } from '../../lib/catalog/database.js';
import { cartridgeOrder, putCartridgeOrder } from '../../lib/catalog/positions.js';
import { ADMIN_RESERVATION, readonlyTapes, reservations, setReadonlyTapes, setReservation } from '../../lib/catalog/protection.js';
import { formatRanges, parseRanges } from '../../lib/catalog/ranges.js';
import { bytesOnTape, putBytesOnTape, tapeUses } from '../../lib/catalog/tape-usage.js';
import { ensureCartridges } from '../../lib/catalog/cartridges.js';
import { applyAttributes, parseAttributes } from '../../lib/cart/attributes.js';
import { cartCtlAction, parseCartCtlArgs } from '../../lib/cart/cart-ctl-args.js';
import { compactList, expandList } from '../../lib/cart/lists.js';
import { expandDescriptions } from '../../lib/cart/names.js';
import { addRanges, rangesOverlap, removeRanges } from '../../lib/cart/range-set.js';
import { tempDir } from '../helpers/tmp.js';

t.test('number lists keep their order', async (t) => {
  t.same(expandList('2-3,1', 'cartridges'), [2, 3, 1]);
  t.same(expandList('3-5,8', 'cartridges'), [3, 4, 5, 8]);
  t.same(expandList('5-3', 'slots'), [5, 4, 3], 'backwards counts down');
  t.same(expandList('-3', 'slots'), [1, 2, 3]);
  t.same(expandList('8-', 'slots', 10), [8, 9, 10]);
  t.same(expandList(' 1 , 4 - 5 ', 'slots'), [1, 4, 5]);
  t.throws(() => expandList('8-', 'cartridges (-C)'), { name: 'CartError', code: 'syntax', message: "cartridges (-C) '8-': '8-' has no end here; write the last number" });
  t.throws(() => expandList('1,2-3,2', 'slots'), { name: 'CartError', message: /2 is listed twice/ });
  t.throws(() => expandList('1,x', 'slots'), { name: 'CartError', message: /'x' is not a number or a range/ });
  t.throws(() => expandList('0', 'slots'), { name: 'CartError', message: /'0' is not a number from 1/ });
  t.throws(() => expandList('', 'slots'), { name: 'CartError', message: /no numbers/ });
  t.equal(compactList([2, 3, 4, 1, 7, 8]), '2-4,1,7-8');
});

t.test('range arithmetic works inside open ranges', async (t) => {
  const r = (text: string) => parseRanges(text);
  t.equal(formatRanges(removeRanges(r('8-'), r('10'))), '8-9,11-', 'making 10 writable in 8- gives 8-9,11-');
  t.equal(formatRanges(removeRanges(r('8-'), r('8'))), '9-');
  t.equal(formatRanges(removeRanges(r('8-'), r('5-'))), '');
  t.equal(formatRanges(removeRanges(r('1-10'), r('3-4,8-'))), '1-2,5-7');
  t.equal(formatRanges(addRanges(r('1-3,9-'), r('4,6'))), '1-4,6,9-', 'adjacent ranges merge');
  t.equal(formatRanges(addRanges(r('8-9,11-'), r('10'))), '8-');
  t.ok(rangesOverlap(r('20-'), r('1-3,25')));
  t.notOk(rangesOverlap(r('20-'), r('1-19')));
});

t.test('attribute specifications in the seed\'s syntax', async (t) => {
  t.same(parseAttributes('4-5:r,6:!o,8:f=0'), [
    { cartridges: [{ first: 4, last: 5 }], attribute: 'read-only', value: true },
    { cartridges: [{ first: 6, last: 6 }], attribute: 'overwrite', value: false },
    { cartridges: [{ first: 8, last: 8 }], attribute: 'full-counter', value: 0 },
  ]);
  t.same(parseAttributes('4-5:r=yes'), parseAttributes('4-5:r'), '4-5:r can be written as 4-5:r=yes');
  t.same(parseAttributes('6:o=no'), parseAttributes('6:!o'), '6:!o can be written as 6:o=no');
  t.same(parseAttributes('*:f=2 3,5:ro ; 8-:!r'), [
    { cartridges: [{ first: 1, last: null }], attribute: 'full-counter', value: 2 },
    { cartridges: [{ first: 3, last: 3 }, { first: 5, last: 5 }], attribute: 'read-only', value: true },
    { cartridges: [{ first: 3, last: 3 }, { first: 5, last: 5 }], attribute: 'overwrite', value: true },
    { cartridges: [{ first: 8, last: null }], attribute: 'read-only', value: false },
  ]);
  t.throws(() => parseAttributes('4-5:x'), { name: 'CartError', code: 'syntax', message: "attribute specification '4-5:x', position 5: unknown attribute 'x': r (read-only), o (overwrite) or f (full-counter)" });
  t.throws(() => parseAttributes('4-5r'), { name: 'CartError', message: /position 4: expected ':' after the cartridges, found 'r'/ });
  t.throws(() => parseAttributes('4:r=maybe'), { name: 'CartError', message: /position 5: 'maybe' is neither yes nor no/ });
  t.throws(() => parseAttributes('4:f=x'), { name: 'CartError', message: /the full-counter needs a number/ });
  t.throws(() => parseAttributes('4:r/5:o'), { name: 'CartError', message: /position 4: expected ',' between items, found '\/'/ });
  t.throws(() => parseAttributes(' '), { name: 'CartError', message: /empty/ });
});

t.test('attributes change readonly_tapes, precious_tapes, tape_uses, bytes_on_tape and cartridge_order', async (t) => {
  const cat = Catalog.open(join(tempDir(t), 'c.db'));
  t.teardown(() => cat.close());
  ensureCartridges(cat, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  setReadonlyTapes(cat, parseRanges('8-'));
  setReservation(cat, { client: 'alpha', ranges: parseRanges('2-6,9-') });
  setReservation(cat, { client: 'beta', ranges: parseRanges('10') });
  putBytesOnTape(cat, { cartridge: 10, bytes: 5_000_000, files: 12, full: true, lastWrite: 1_700_000_000 });
  putBytesOnTape(cat, { cartridge: 4, bytes: 100, files: 1, full: false, lastWrite: 1_600_000_000 });
  putCartridgeOrder(cat, { cartridge: 9, nextCartridge: 10, nextFile: 3 });
  putCartridgeOrder(cat, { cartridge: 3, nextCartridge: 4, nextFile: null });

  applyAttributes(cat, parseAttributes('10:!r'));
  t.equal(formatRanges(readonlyTapes(cat)), '8-9,11-', 'making 10 writable in 8- gives 8-9,11-');
  applyAttributes(cat, parseAttributes('4-5:r'));
  t.equal(formatRanges(readonlyTapes(cat)), '4-5,8-9,11-');

  applyAttributes(cat, parseAttributes('10:o'));
  t.same(reservations(cat).map((r) => [r.client, formatRanges(r.ranges)]), [['alpha', '2-6,9,11-']], "o=yes: every client's reservation of 10 is gone, beta's whole line with it");
  t.same(cartridgeOrder(cat).find((o) => o.cartridge === 9), { cartridge: 9, nextCartridge: null, nextFile: 3 }, 'the order entry continuing on 10 is invalidated');
  t.same(bytesOnTape(cat).find((b) => b.cartridge === 10), { cartridge: 10, bytes: 0, files: 0, full: false, lastWrite: 1_700_000_000 }, 'bytes reset, last write kept');
  t.equal(formatRanges(readonlyTapes(cat)), '4-5,8-9,11-', 'o=yes leaves read-only alone');

  applyAttributes(cat, parseAttributes('6:!o,7:o=no'));
  t.same(reservations(cat).find((r) => r.client === ADMIN_RESERVATION)?.ranges, parseRanges('6-7'), "o=no: the administrator's reservation");
  applyAttributes(cat, parseAttributes('8:f=0,11-:f=3'));
  t.same(tapeUses(cat), [{ cartridge: 8, timesFull: 0 }, { cartridge: 11, timesFull: 3 }, { cartridge: 12, timesFull: 3 }], 'an open range reaches the cartridges the catalog knows');
  t.same(bytesOnTape(cat).find((b) => b.cartridge === 4)?.bytes, 100, 'untouched');
});

t.test('descriptions: one per cartridge, the last repeating, %C replaced', async (t) => {
  t.same(expandDescriptions([1, 2, 3], ['Tape %C']), [
    { cartridge: 1, description: 'Tape 1' },
    { cartridge: 2, description: 'Tape 2' },
    { cartridge: 3, description: 'Tape 3' },
  ]);
  t.same(expandDescriptions([7, 3, 9], ['first', '%C and %C', 'last']).map((d) => d.description), ['first', '3 and 3', 'last']);
  t.same(expandDescriptions([7, 3, 9, 10], ['a', 'b %C']).map((d) => d.description), ['a', 'b 3', 'b 9', 'b 10']);
  t.throws(() => expandDescriptions([1], ['a', 'b']), { name: 'CartError', code: 'usage' });
  t.throws(() => expandDescriptions([1], []), { name: 'CartError', code: 'usage' });
});

t.test("cart_ctl's letters become actions", async (t) => {
  const action = (...argv: string[]) => cartCtlAction(parseCartCtlArgs(argv));
  t.same(action('-m', '-C', '2-3,1', '-S', '5,4,3'), { op: 'move', cartridges: '2-3,1', target: { kind: 'slot', numbers: '5,4,3' } });
  t.same(action('-m', '-C2-3,1', '-S5,4,3'), action('-m', '-C', '2-3,1', '-S', '5,4,3'), 'values attached to the letter');
  t.same(action('-m', '-C', '1', '-S'), { op: 'move', cartridges: '1', target: { kind: 'slot' } });
  t.same(action('-m', '-C', '1', '-D'), { op: 'move', cartridges: '1', target: { kind: 'drive' } });
  t.same(action('-m', '-C', '1', '-D', '2'), { op: 'move', cartridges: '1', target: { kind: 'drive', numbers: '2' } });
  t.same(action('-m', '-C', '1', '-L'), { op: 'move', cartridges: '1', target: { kind: 'loadport' } });
  t.same(action('-m', '-C', '1-2', '-P', 'safe, room 4'), { op: 'move', cartridges: '1-2', target: { kind: 'place', text: 'safe, room 4' } });
  t.same(action('-m', '-P', '-C', '1'), { op: 'move', cartridges: '1', target: { kind: 'place' } }, '-P without text: asked for later');
  t.same(action('-P', '-C', '1,2', '-S', '3,4'), { op: 'place', cartridges: '1,2', target: { kind: 'slot', numbers: '3,4' } });
  t.same(action('-P', 'shelf', '-C', '1'), { op: 'place', cartridges: '1', target: { kind: 'place', text: 'shelf' } });
  t.same(action('-e'), { op: 'eject' });
  t.same(action('-e', '-D', '2', '-S', '6'), { op: 'eject', drives: '2', slots: '6' });
  t.same(action('-l'), { op: 'list', views: [{ view: 'locations' }] });
  t.same(action('-l', '-C', '3-5,8'), { op: 'list', views: [{ view: 'locations' }], cartridges: '3-5,8' });
  t.same(action('-l', '-d', 'sim:x'), { op: 'list', views: [{ view: 'locations' }], changer: true });
  t.same(action('-l', '-S'), { op: 'list', views: [{ view: 'elements', kind: 'slot' }] });
  t.same(action('-lS', '1-3'), { op: 'list', views: [{ view: 'elements', kind: 'slot', numbers: '1-3' }] });
  t.same(action('-l', '-L'), { op: 'list', views: [{ view: 'elements', kind: 'loadport' }] });
  t.same(action('-la'), { op: 'list', views: [{ view: 'attributes' }] });
  t.same(action('-li'), { op: 'list', views: [{ view: 'hardware', numbers: false }] });
  t.same(action('-l', '-i', '-N'), { op: 'list', views: [{ view: 'hardware', numbers: true }] });
  t.same(action('-lN'), { op: 'list', views: [{ view: 'names' }] });
  t.same(action('-lr', '-C', '4'), { op: 'list', views: [{ view: 'reservations' }], cartridges: '4' });
  t.same(action('-i'), { op: 'inventory', forceRead: false });
  t.same(action('-i', '-F', '-S', '1-4'), { op: 'inventory', slots: '1-4', forceRead: true });
  t.same(action('-iN'), { op: 'inventory-barcodes' });
  t.same(action('-t', '-C', '1', '-S', '2', '-n', 'pool A', '-r'), { op: 'label', cartridges: '1', slots: '2', comment: 'pool A', overwritable: true, force: false });
  t.same(action('-tf', '-S2', '-b', '1024'), { op: 'label', slots: '2', blockSize: 1024, overwritable: false, force: true });
  t.same(action('-N', '-C', '1-3', 'Tape %C'), { op: 'name', cartridges: '1-3', descriptions: ['Tape %C'] });
  t.same(action('-a', '4-5:r,6:!o,8:f=0'), { op: 'attr', spec: '4-5:r,6:!o,8:f=0' });
  t.match(parseCartCtlArgs(['-l', '--json', '--catalog', 'x.db', '--device=sim:y']), { json: true, catalog: 'x.db' });

  const refused = (argv: string[], message: RegExp) => t.throws(() => action(...argv), { name: 'CartError', code: 'usage', message }, argv.join(' '));
  refused(['-x'], /unknown option -x/);
  refused([], /at least one of the following flags/);
  refused(['-i', '-t'], /-i and -t are not allowed together/);
  refused(['-i', '-C', '1'], /-C and -L are not allowed with -i/);
  refused(['-m', '-S', '1'], /cartridges must be specified using the flag -C/);
  refused(['-m', '-C', '1'], /targets to move the cartridges to must be given/);
  refused(['-e', '-C', '1'], /-e and -C are not allowed together/);
  refused(['-t', '-L', '1'], /-L is not allowed with -t/);
  refused(['-N', 'x'], /cartridges must be given with -C/);
  refused(['-a'], /-a requires an argument/);
  refused(['-l', 'extra'], /additional arguments \(extra\) are allowed only with -N/);
  refused(['-s', 'server.conf', '-l'], /reads no afbackup server configuration/);
  refused(['-C'], /-C needs a value/);
});
