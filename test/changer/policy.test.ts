// Policy over raw moves (mtx's load/unload/transfer rules, barcodes, cleaning, mail slots) and mtx's output format.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { formatMtxStatus } from '../../lib/changer/mtx-format.js';
import { checkLabel, duplicateBarcodes, exportCartridge, importCartridge, isCleaningCartridge, load, loadBarcode, locateBarcode, transfer, unload } from '../../lib/changer/policy.js';
import { SmcChanger } from '../../lib/changer/smc-changer.js';
import { fakeLibrary, fakeSgio, type FakeLibrary } from '../helpers/fake-smc.js';
import { tempDir } from '../helpers/tmp.js';

async function changerOn(t: Parameters<typeof tempDir>[0], lib: FakeLibrary) {
  const dir = tempDir(t);
  const device = join(dir, 'sg1');
  writeFileSync(device, '');
  const changer = await SmcChanger.open(device, { sgio: fakeSgio(lib), lockDir: join(dir, 'lock') });
  t.teardown(() => changer.close());
  return changer;
}

t.test('mtx load / unload / transfer', async (t) => {
  const changer = await changerOn(t, fakeLibrary());
  await load(changer, 2, 1);
  let s = await changer.status();
  t.match(s.drives[1], { barcode: 'VTL002L6', sourceSlot: 2 });
  t.same(await unload(changer, 1), { kind: 'slot', index: 2 }, 'back to where it came from');
  await load(changer, 2, 0);
  await transfer(changer, 1, 2);
  t.same(await unload(changer, 0), { kind: 'slot', index: 1 }, 'origin 2 taken meanwhile: the first empty storage slot (mtx would give up)');
  await t.rejects(unload(changer, 0), { code: 'source-empty', message: /drive 0 is empty/ });
  await t.rejects(load(changer, 10, 0), { code: 'source-empty' });
  s = await changer.status();
  t.same(s.slots.slice(0, 2).map((e) => e.barcode), ['VTL002L6', 'VTL001L6']);
});

t.test('unload: eject hook, then the move', async (t) => {
  const lib = fakeLibrary();
  const changer = await changerOn(t, lib);
  await load(changer, 1, 0);
  const ejected: string[] = [];
  t.same(await unload(changer, 0, undefined, { eject: async (d) => void ejected.push(d.barcode ?? '?') }), { kind: 'slot', index: 1 });
  t.same(ejected, ['VTL001L6']);
});

t.test('load by barcode: already there, make room, cleaning refused, duplicates refused', async (t) => {
  const lib = fakeLibrary();
  lib.storage[7]!.barcode = 'CLN001L1';
  const changer = await changerOn(t, lib);
  let r = await loadBarcode(changer, 'VTL003L6', 0);
  t.match(r, { from: { kind: 'slot', index: 3 }, unloadedTo: null, drive: { barcode: 'VTL003L6', sourceSlot: 3 } });
  r = await loadBarcode(changer, 'VTL003L6', 0);
  t.match(r, { from: { kind: 'drive', index: 0 }, unloadedTo: null }, 'already loaded: nothing moves');
  r = await loadBarcode(changer, 'VTL005L6', 0);
  t.match(r, { unloadedTo: { kind: 'slot', index: 3 }, drive: { barcode: 'VTL005L6' } }, 'the previous cartridge went home first');
  await t.rejects(loadBarcode(changer, 'VTL005L6', 1), { code: 'destination-full', message: /VTL005L6 is in drive 0/ });
  await t.rejects(loadBarcode(changer, 'CLN001L1', 1), { code: 'cleaning-cartridge', message: /slot 8 holds cleaning cartridge CLN001L1/ });
  t.match(await loadBarcode(changer, 'CLN001L1', 1, { cleaning: true }), { drive: { barcode: 'CLN001L1' } });
  await t.rejects(loadBarcode(changer, 'NOPE01L6', 1), { code: 'not-found' });
  lib.storage[1]!.barcode = 'VTL001L6';
  const s = await changer.status();
  t.same([...duplicateBarcodes(s)], [['VTL001L6', [{ kind: 'slot', index: 1 }, { kind: 'slot', index: 2 }]]]);
  t.throws(() => locateBarcode(s, 'VTL001L6'), { code: 'duplicate-barcode', message: /VTL001L6 is in slot 1 and slot 2/ });
  await t.rejects(load(changer, 6, 0), { code: 'destination-full', message: /drive 0: it holds VTL005L6/ });
});

t.test('import/export through the mail slots', async (t) => {
  const lib = fakeLibrary({ mail: 2 });
  const changer = await changerOn(t, lib);
  t.same(await exportCartridge(changer, 4), { kind: 'slot', index: 11 });
  t.same(await exportCartridge(changer, 5), { kind: 'slot', index: 12 });
  await t.rejects(exportCartridge(changer, 6), { code: 'no-free-slot', message: /no empty import\/export slot/ });
  await t.rejects(exportCartridge(changer, 6, 3), { code: 'no-such-element', message: /slot 3 is not an import\/export slot/ });
  t.same(await importCartridge(changer, 11), { kind: 'slot', index: 4 }, 'the first empty storage slot');
  await t.rejects(importCartridge(changer, 2), { code: 'no-such-element' });
});

t.test('barcodes are hints: checked against the label on the medium', async (t) => {
  t.same(checkLabel('VTL001L6', 'VTL001L6'), { match: true });
  t.same(checkLabel('VTL001L6', 'VTL001'), { match: true }, 'LTO volume serial without the media suffix');
  t.match(checkLabel('VTL001L6', 'VTL002'), { match: false, reason: 'barcode VTL001L6 but the medium is labelled VTL002' });
  t.match(checkLabel(null, 'X'), { match: false, reason: /no barcode/ });
  t.match(checkLabel('X', null), { match: false, reason: /no label/ });
  t.ok(isCleaningCartridge('CLN123L1'));
  t.ok(isCleaningCartridge('clnu01l9'));
  t.notOk(isCleaningCartridge('VTL001L6'));
  t.notOk(isCleaningCartridge(null));
});

t.test('mtx status format', async (t) => {
  const lib = fakeLibrary({ slots: 4, mail: 1, drives: 2, tapes: 3 });
  const changer = await changerOn(t, lib);
  await load(changer, 2, 1);
  lib.drives[0] = { ...lib.drives[0]!, full: true, barcode: null, source: null };
  const text = formatMtxStatus(await changer.status());
  t.equal(
    text.replace(/^  Storage Changer [^:]+:/, '  Storage Changer DEV:'),
    [
      '  Storage Changer DEV:2 Drives, 5 Slots ( 1 Import/Export )',
      'Data Transfer Element 0:Full (Unknown Storage Element Loaded)',
      'Data Transfer Element 1:Full (Storage Element 2 Loaded):VolumeTag = VTL002L6',
      '      Storage Element 1:Full :VolumeTag=VTL001L6',
      '      Storage Element 2:Empty',
      '      Storage Element 3:Full :VolumeTag=VTL003L6',
      '      Storage Element 4:Empty',
      '      Storage Element 5 IMPORT/EXPORT:Empty',
      '',
    ].join('\n'),
  );
});
