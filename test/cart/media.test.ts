// cart_ctl -t and -i against the simulated library: labels written to the media and read back,
// protections that need the operator's word, inventory by barcode, by label (-F), and -iN.
process.env['TZ'] = 'UTC';
import { join } from 'node:path';
import t from 'tap';
import { cartridgeNames, label as catalogLabel, putCartridgeName } from '../../lib/catalog/cartridges.js';
import { everUsedBlocksizes } from '../../lib/catalog/blocksizes.js';
import { Catalog } from '../../lib/catalog/database.js';
import { cartridgeLocations, setCartridgeLocation } from '../../lib/catalog/locations.js';
import { putWritePosition, writePositions } from '../../lib/catalog/positions.js';
import { readonlyTapes, reservations, setReadonlyTapes, setReservation } from '../../lib/catalog/protection.js';
import { cartridgeBytes } from '../../lib/catalog/tape-usage.js';
import { SimLibrary } from '../../lib/changer/sim-library.js';
import { Medium, parseMediumSpec } from '../../lib/drive/medium.js';
import { encodeLabel, readLabel } from '../../lib/format/cartridge-label.js';
import type { CartContext } from '../../lib/cart/context.js';
import { inventory, inventoryBarcodes } from '../../lib/cart/inventory.js';
import { labelCartridges } from '../../lib/cart/label.js';
import { ScriptedOperator } from '../../lib/cart/operator.js';
import { tempDir } from '../helpers/tmp.js';

type Test = Parameters<typeof tempDir>[0];
const NOW = new Date(Date.UTC(2025, 0, 2, 3, 4, 5));

/** Slots 1-4 hold barcodes C1, C2, none, X4; the catalog has cartridges 1 and 2 (C1, C2) in slots 1 and 2. */
async function setup(t: Test, confirmations: boolean[] = []) {
  const dir = tempDir(t);
  const lib = await SimLibrary.open({ dir: join(dir, 'lib'), layout: { drives: 2, slots: 6, importExport: 1 }, cartridges: ['C1', 'C2', null, 'X4'] });
  const catalog = Catalog.open(join(dir, 'catalog.db'));
  t.teardown(() => catalog.close());
  for (const n of [1, 2]) {
    putCartridgeName(catalog, { cartridge: n, barcode: `C${n}`, description: `tape ${n}` });
    setCartridgeLocation(catalog, n, { changer: lib.device, kind: 'slot', number: n });
  }
  const operator = new ScriptedOperator({ confirmations });
  const notes: string[] = [];
  const ctx: CartContext = { catalog, changer: lib, changerName: lib.device, operator, drive: 1, note: (m) => notes.push(m), now: () => NOW };
  const recorded = () => Object.fromEntries(cartridgeLocations(catalog).map((l) => [l.cartridge, 'place' in l.location ? l.location.place : `${l.location.kind} ${l.location.number}`]));
  /** The first block of the medium in a slot, read through drive 2 (so the context's drive 1 stays as it was). */
  const firstBlock = async (slot: number) => {
    await lib.move({ kind: 'slot', index: slot }, { kind: 'drive', index: 1 });
    const device = (await lib.status()).drives[1]!.device!;
    const m = await Medium.open(parseMediumSpec(device, 'input'), { create: true });
    try {
      const r = await readLabel(m);
      await m.rewind();
      const block = await m.read(1 << 20).catch(() => null);
      return { label: r, block: block?.kind === 'data' ? block.data : null };
    } finally {
      await m.close();
      await lib.move({ kind: 'drive', index: 1 }, { kind: 'slot', index: slot });
    }
  };
  return { dir, lib, catalog, ctx, operator, notes, recorded, firstBlock };
}

t.test('-t -C 3 -S 3: the label on the medium, and label_tape\'s bookkeeping', async (t) => {
  const { ctx, catalog, recorded, firstBlock, lib } = await setup(t);
  putWritePosition(catalog, { cartridgeSet: 1, cartridge: 3, file: 17 });
  const out = await labelCartridges(ctx, { cartridges: [3], slots: [3], comment: 'pool A' });
  t.match(out, [{ slot: 3, cartridge: 3, done: true, previous: { kind: 'blank' }, barcode: null, steps: ['robot: slot 3 -> drive 1', 'label: cartridge 3, 512 bytes, block size 512', 'robot: drive 1 -> slot 3'] }]);
  const b = await firstBlock(3);
  t.same(b.block, encodeLabel({ cartridge: 3, blockSize: 512, comment: 'pool A', time: NOW }), 'the exact afbackup label bytes');
  t.same(recorded()[3], 'slot 3');
  t.same(catalogLabel(catalog, 3), { cartridge: 3, name: '3', comment: 'pool A', written: NOW.getTime() / 1000, expires: null });
  t.same(cartridgeBytes(catalog, 3), { cartridge: 3, bytes: 512, files: 0, full: false, lastWrite: NOW.getTime() / 1000 }, 'bytes_on_tape: the label alone');
  t.same(everUsedBlocksizes(catalog), [512]);
  t.same(writePositions(catalog), [{ cartridgeSet: 1, cartridge: 3, file: 1 }], 'tapepos restarts at file 1');
  t.same((await lib.status()).drives.map((d) => d.full), [false, false], 'put back');

  const byNumber = await labelCartridges(ctx, { cartridges: [1], blockSize: 32768 });
  t.match(byNumber, [{ slot: 1, cartridge: 1, done: true, barcode: 'C1' }], 'without -S: the slot the catalog has');
  t.match((await firstBlock(1)).label, { kind: 'label', label: { cartridge: 1, blockSize: 32768, comment: '<labeled manually>' } });
  t.equal((await firstBlock(1)).block!.length, 32768);
  await t.rejects(labelCartridges(ctx, { slots: [4] }), { code: 'unknown', message: /cannot determine the cartridge in slot 4/ });
  await t.rejects(labelCartridges(ctx, { cartridges: [9] }), { code: 'unknown', message: /cartridge 9 is not in any slot of .* \(the catalog has it nowhere\)/ });
  await t.rejects(labelCartridges(ctx, { cartridges: [1, 2], slots: [1] }), { code: 'usage', message: /slots \(1\) is unequal to the number of given cartridges \(2\)/ });
  await t.rejects(labelCartridges(ctx, {}), { code: 'usage' });
  const empty = await labelCartridges(ctx, { cartridges: [6], slots: [6] });
  t.match(empty, [{ done: false, skipped: 'slot 6 is empty' }]);
});

t.test('a medium labelled as another cartridge is only overwritten when the operator says so', async (t) => {
  const { ctx, operator, firstBlock } = await setup(t, [false, true]);
  t.ok((await labelCartridges(ctx, { cartridges: [3], slots: [3] }))[0]!.done);
  let out = await labelCartridges(ctx, { cartridges: [7], slots: [3] });
  t.match(out, [{ done: false, previous: { kind: 'label', cartridge: 3 }, skipped: /declined: the medium in slot 3 is labelled as cartridge 3/ }]);
  t.match((await firstBlock(3)).label, { kind: 'label', label: { cartridge: 3 } }, 'nothing lost');
  out = await labelCartridges(ctx, { cartridges: [7], slots: [3] });
  t.match(out, [{ done: true, cartridge: 7 }]);
  t.match((await firstBlock(3)).label, { kind: 'label', label: { cartridge: 7 } });
  t.same(operator.transcript, [
    'confirm: the medium in slot 3 is labelled as cartridge 3. Overwrite it with a label for cartridge 7? All data on it will be lost.',
    'confirm: the medium in slot 3 is labelled as cartridge 3. Overwrite it with a label for cartridge 7? All data on it will be lost.',
  ]);
  out = await labelCartridges(ctx, { cartridges: [8], slots: [3], force: true });
  t.match(out, [{ done: true, cartridge: 8 }], '-f asks nothing');
  t.equal(operator.transcript.length, 2);
});

t.test('read-only and reserved cartridges: asked, or -r marks them overwritable without asking', async (t) => {
  const { ctx, catalog, operator, firstBlock } = await setup(t, [false]);
  t.ok((await labelCartridges(ctx, { cartridges: [2] }))[0]!.done);
  setReadonlyTapes(catalog, [{ first: 2, last: null }]);
  setReservation(catalog, { client: 'alpha', ranges: [{ first: 1, last: 3 }] });
  let out = await labelCartridges(ctx, { cartridges: [2] });
  t.match(out, [{ done: false, skipped: 'declined: cartridge 2 is read-only and is needed by alpha for restore' }]);
  t.same(operator.transcript, ['confirm: cartridge 2 is read-only and is needed by alpha for restore. Overwrite and mark cartridge 2 overwritable (no longer protected)?']);
  out = await labelCartridges(ctx, { cartridges: [2], overwritable: true, comment: 'reused' });
  t.match(out, [{ done: true, madeOverwritable: [2] }]);
  t.equal(operator.transcript.length, 1, '-r: no question');
  t.same(readonlyTapes(catalog), [{ first: 3, last: null }], 'out of read-only, the open range kept open');
  t.same(reservations(catalog), [{ client: 'alpha', ranges: [{ first: 1, last: 1 }, { first: 3, last: 3 }] }]);
  t.match((await firstBlock(2)).label, { kind: 'label', label: { cartridge: 2, comment: 'reused' } });
});

t.test('the barcode read in the slot is assigned; a full drive is unloaded first', async (t) => {
  const { ctx, catalog, lib, recorded, notes } = await setup(t);
  await lib.move({ kind: 'slot', index: 2 }, { kind: 'drive', index: 0 });
  setCartridgeLocation(catalog, 2, { changer: lib.device, kind: 'drive', number: 1 });
  const out = await labelCartridges(ctx, { cartridges: [9], slots: [4] });
  t.match(out, [{ done: true, barcode: 'X4', steps: ['robot: unload drive 1 -> slot 2', 'robot: slot 4 -> drive 1', /^label/, 'robot: drive 1 -> slot 4'] }]);
  t.same(recorded(), { 1: 'slot 1', 2: 'slot 2', 9: 'slot 4' });
  t.same(cartridgeNames(catalog).find((n) => n.cartridge === 9), { cartridge: 9, barcode: 'X4', description: '' });
  // Labelling cartridge 5 into the slot holding C1 takes the barcode from cartridge 1.
  await labelCartridges(ctx, { cartridges: [5], slots: [1] });
  t.same(cartridgeNames(catalog).map((n) => [n.cartridge, n.barcode]), [[1, null], [2, 'C2'], [5, 'C1'], [9, 'X4']]);
  t.match(notes.join('\n'), /barcode C1 is now cartridge 5's, no longer cartridge 1's/);
  t.match(notes.join('\n'), /the location of cartridge 1 is set to unknown/);
});

t.test('-i: by barcode without loading, by label where needed; missing cartridges become unknown', async (t) => {
  const { ctx, catalog, lib, recorded, notes } = await setup(t);
  await labelCartridges(ctx, { cartridges: [3], slots: [3] });
  await labelCartridges(ctx, { cartridges: [4], slots: [4] });
  putCartridgeName(catalog, { cartridge: 4, barcode: null, description: '' }); // forget X4 again
  setCartridgeLocation(catalog, 4, null);
  setCartridgeLocation(catalog, 7, { changer: lib.device, kind: 'slot', number: 5 }); // recorded, but slot 5 is empty
  // Behind the catalog's back: C1 to slot 6, cartridge 3 to slot 1.
  await lib.move({ kind: 'slot', index: 1 }, { kind: 'slot', index: 6 });
  await lib.move({ kind: 'slot', index: 3 }, { kind: 'slot', index: 1 });
  const r = await inventory(ctx);
  t.same(r.located.map((l) => [l.cartridge, `${l.element.kind} ${l.element.number}`, l.by]), [
    [2, 'slot 2', 'barcode'],
    [1, 'slot 6', 'barcode'],
    [3, 'slot 1', 'label'],
    [4, 'slot 4', 'label'],
  ]);
  t.same(r.empty, [3, 5]);
  t.same(r.unknown, [7]);
  t.same(r.barcodes, [{ cartridge: 4, barcode: 'X4' }], 'the label tells whose barcode X4 is');
  t.same(recorded(), { 1: 'slot 6', 2: 'slot 2', 3: 'slot 1', 4: 'slot 4' });
  t.match(notes.join('\n'), /the following slots are empty: 3,5/);
  t.equal(r.steps.filter((s) => s.startsWith('robot: slot')).length, 2, 'only the two without a known barcode were loaded');
});

t.test('-i -F reads the labels even when the barcodes are known; -S limits it', async (t) => {
  const { ctx, catalog, recorded } = await setup(t);
  await labelCartridges(ctx, { cartridges: [1] });
  await labelCartridges(ctx, { cartridges: [2] });
  // The catalog has the barcodes swapped: trusting them puts the cartridges in the wrong slots.
  putCartridgeName(catalog, { cartridge: 1, barcode: 'C2', description: '' });
  putCartridgeName(catalog, { cartridge: 2, barcode: 'C1', description: '' });
  let r = await inventory(ctx, { slots: [1, 2] });
  t.same(recorded(), { 1: 'slot 2', 2: 'slot 1' }, 'by the (wrong) barcodes');
  r = await inventory(ctx, { slots: [1, 2], forceRead: true });
  t.same(r.located.map((l) => [l.cartridge, l.element.number, l.by]), [[1, 1, 'label'], [2, 2, 'label']]);
  t.same(recorded(), { 1: 'slot 1', 2: 'slot 2' }, 'by the labels on the media');
  t.same(cartridgeNames(catalog).map((n) => [n.cartridge, n.barcode]), [[1, 'C1'], [2, 'C2']], 'and the barcodes corrected');
  r = await inventory(ctx, { slots: [3], forceRead: true });
  t.same(r.unreadable, [3], 'a blank medium');
});

t.test('-iN: the locations are right, the barcodes are taken from the library', async (t) => {
  const { ctx, catalog, lib } = await setup(t);
  putCartridgeName(catalog, { cartridge: 1, barcode: 'OLD1', description: 'keep me' });
  putCartridgeName(catalog, { cartridge: 5, barcode: 'X4', description: '' }); // says X4, but 5 is not in slot 4
  setCartridgeLocation(catalog, 3, { changer: lib.device, kind: 'slot', number: 3 });
  const r = await inventoryBarcodes(ctx);
  t.same(r.map((a) => [a.cartridge, a.barcode, a.element.number]), [[1, 'C1', 1], [5, null, 4]]);
  t.same(cartridgeNames(catalog).map((n) => [n.cartridge, n.barcode, n.description]), [[1, 'C1', 'keep me'], [2, 'C2', 'tape 2'], [5, null, '']]);
  t.same(await inventoryBarcodes(ctx), [], 'nothing left to change');
});
