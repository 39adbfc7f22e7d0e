// Restore plans on hand-made catalogs: dump chains and points in time, spanning volumes, mount order.
import t from 'tap';
import { setCartridgeLocation } from '../../lib/catalog/locations.js';
import { putCartridgeOrder, putDrivePosition } from '../../lib/catalog/positions.js';
import { PlannerError } from '../../lib/planner/errors.js';
import { planRestore, type RestorePlan } from '../../lib/planner/restore-plan.js';
import { addDump, openCatalog } from './fixture.js';

const chains = (p: RestorePlan) => Object.fromEntries(p.volumes.map((v) => [v.volume, v.chain.map((c) => c.dump)]));
const mounts = (p: RestorePlan) => p.cartridges.map((m) => m.cartridge);
const reads = (p: RestorePlan) => p.cartridges.map((m) => [m.cartridge, m.reads.map((r) => `${r.volume}@${r.dump}#${r.fragment}:${r.position}${r.spool ? '!' : ''}`)]);

t.test('dump chains: the latest full lineage, down to the latest dump, as of a point in time', async (t) => {
  const cat = openCatalog(t);
  // F1 (1) -> I1 (2) -> I2 (3); F1 -> I1b (4), a later level 1 superseding 2 and 3; F2 (5) -> I3 (6, never
  // completed) -> I4 (7, completed, but its parent is not).
  addDump(cat, { id: 1, created: 100, volumes: { 'user.a': [[1, 1, 100]], 'user.b': [[1, 1, 200]] } });
  addDump(cat, { id: 2, parent: 1, created: 200, volumes: { 'user.a': [[2, 1, 10]] } });
  addDump(cat, { id: 3, parent: 2, level: 2, created: 300, volumes: { 'user.a': [[2, 2, 11]], 'user.b': [[2, 2, 21]] } });
  addDump(cat, { id: 4, parent: 1, created: 400, volumes: { 'user.a': [[3, 1, 12]], 'user.c': [[3, 1, 30]] } });
  addDump(cat, { id: 5, created: 500, volumes: { 'user.a': [[4, 1, 101]], 'user.b': [[4, 1, 201]] } });
  addDump(cat, { id: 6, parent: 5, created: 600, completed: null, volumes: { 'user.a': [[5, 1, 13]] } });
  addDump(cat, { id: 7, parent: 6, level: 2, created: 700, volumes: { 'user.a': [[5, 2, 14]] } });
  const sel = [{ pattern: 'user.*' }];

  let p = planRestore(cat, { select: sel });
  t.same(chains(p), { 'user.a': [5], 'user.b': [5], 'user.c': [4] }, 'now: F2; user.c was only ever in I1b, whose lineage it starts');
  t.same(p.volumes.find((v) => v.volume === 'user.a'), { volume: 'user.a', chain: [{ dump: 5, level: 0, created: 500 }], fragments: 1, bytes: 101, cartridges: [4], inOrder: true });
  t.same(p.missing, []);

  p = planRestore(cat, { select: sel, at: 450 });
  t.same(chains(p), { 'user.a': [1, 4], 'user.b': [1, 3], 'user.c': [4] }, 'I1b supersedes I1 and I2 for user.a; user.b is not in I1b');
  t.same(reads(p), [
    [1, ['user.a@1#1:1', 'user.b@1#1:1']],
    [2, ['user.b@3#1:2']],
    [3, ['user.a@4#1:1', 'user.c@4#1:1']],
  ]);

  p = planRestore(cat, { select: sel, at: 350 });
  t.same(chains(p), { 'user.a': [1, 2, 3], 'user.b': [1, 3] }, 'user.b is not in I1: read from F1 and I2');
  t.same(p.missing.map((m) => [m.volume, m.reason, m.dump]), [['user.c', 'no-dump', null]]);
  t.match(p.missing[0]!.message, /^volume user\.c: no completed dump chain holds it at or before 1970-01-01T00:05:50\.000Z$/);
  t.same(mounts(p), [1, 2]);
  t.equal(p.cartridges[1]!.bytes, 10 + 11 + 21);

  p = planRestore(cat, { select: sel, at: 99 });
  t.same(p.volumes, []);
  t.same(p.missing.map((m) => m.volume), ['user.a', 'user.b', 'user.c']);
});

t.test('a volume spanning three cartridges, read in order and followed along cartridge_order', async (t) => {
  const cat = openCatalog(t);
  addDump(cat, {
    id: 1,
    created: 100,
    volumes: {
      early: [[10, 1, 5, 0]],
      big: [[10, 3, 1000, 40], [11, 1, 1000, 0], [12, 1, 700, 0]],
      tail: [[12, 2, 50, 300]],
      mid: [[11, 2, 60, 500]],
    },
  });
  addDump(cat, { id: 2, parent: 1, created: 200, volumes: { big: [[13, 1, 9]] } });
  putCartridgeOrder(cat, { cartridge: 10, nextCartridge: 11, nextFile: 1 });
  putCartridgeOrder(cat, { cartridge: 11, nextCartridge: 12, nextFile: 1 });
  let p = planRestore(cat, { select: [{ regex: '^(big|tail|mid|early)$' }] });
  t.same(reads(p), [
    [10, ['early@1#1:1', 'big@1#1:3']],
    [11, ['big@1#2:1', 'mid@1#1:2']],
    [12, ['big@1#3:1', 'tail@1#1:2']],
    [13, ['big@2#1:1']],
  ]);
  t.same(p.volumes.find((v) => v.volume === 'big'), {
    volume: 'big',
    chain: [
      { dump: 1, level: 0, created: 100 },
      { dump: 2, level: 1, created: 200 },
    ],
    fragments: 4,
    bytes: 2709,
    cartridges: [10, 11, 12, 13],
    inOrder: true,
  });
  t.same(p.cartridges[0]!.reads[1], { volume: 'big', dump: 1, fragment: 1, position: 3, block: 40, bytes: 1000, spool: false });
  t.match(p.cartridges.map((m) => m.placement), ['unknown', 'unknown', 'unknown', 'unknown']);

  // The cartridge in a drive goes first; big's third fragment then comes before its first two.
  setCartridgeLocation(cat, 12, { changer: '/dev/sch0', kind: 'drive', number: 2 });
  setCartridgeLocation(cat, 11, { changer: '/dev/sch0', kind: 'slot', number: 11 });
  setCartridgeLocation(cat, 10, { place: 'vault' });
  p = planRestore(cat, { select: [{ name: 'big' }, { name: 'tail' }] });
  t.same(reads(p), [
    [12, ['big@1#3:1!', 'tail@1#1:2']],
    [10, ['big@1#1:3']],
    [11, ['big@1#2:1']],
    [13, ['big@2#1:1']],
  ]);
  t.same(p.cartridges.map((m) => [m.placement, m.location]), [
    ['drive', { changer: '/dev/sch0', kind: 'drive', number: 2 }],
    ['outside', { place: 'vault' }],
    ['library', { changer: '/dev/sch0', kind: 'slot', number: 11 }],
    ['unknown', null],
  ]);
  t.same(p.volumes.map((v) => [v.volume, v.inOrder]), [['big', false], ['tail', true]]);
});

t.test('cartridge_order decides between cartridges needed equally early; data needed earlier goes first', async (t) => {
  const cat = openCatalog(t);
  addDump(cat, { id: 1, created: 100, volumes: { a: [[20, 1, 1]], b: [[21, 1, 1]], c: [[22, 1, 1]] } });
  addDump(cat, { id: 2, parent: 1, created: 200, volumes: { a: [[19, 1, 1]] } });
  t.same(mounts(planRestore(cat, { select: [{ pattern: '*' }] })), [20, 21, 22, 19], 'by number, the incremental on 19 after the fulls');
  putCartridgeOrder(cat, { cartridge: 20, nextCartridge: 22, nextFile: 1 });
  putCartridgeOrder(cat, { cartridge: 22, nextCartridge: 19, nextFile: 1 });
  t.same(mounts(planRestore(cat, { select: [{ pattern: '*' }] })), [20, 22, 19, 21], 'continuations are followed while they are ready');
  putDrivePosition(cat, { device: '/dev/nst0', cartridge: 21, file: 2 });
  const p = planRestore(cat, { select: [{ pattern: '*' }] });
  t.same(mounts(p), [21, 20, 22, 19]);
  t.same([p.cartridges[0]!.placement, p.cartridges[0]!.device], ['drive', '/dev/nst0']);
});

t.test('precedences in a cycle: each cartridge still mounted once, the piece read too early spooled', async (t) => {
  const cat = openCatalog(t);
  // x: full on 1, incremental on 2; y: full on 2, incremental on 1.
  addDump(cat, { id: 1, created: 100, volumes: { x: [[1, 1, 5]], y: [[2, 1, 5]] } });
  addDump(cat, { id: 2, parent: 1, created: 200, volumes: { x: [[2, 2, 1]], y: [[1, 2, 1]] } });
  const p = planRestore(cat, { select: [{ pattern: '*' }] });
  t.same(reads(p), [
    [1, ['x@1#1:1', 'y@2#1:2!']],
    [2, ['y@1#1:1', 'x@2#1:2']],
  ]);
  t.same(p.volumes.map((v) => [v.volume, v.inOrder, v.cartridges]), [
    ['x', true, [1, 2]],
    ['y', false, [2, 1]],
  ]);
});

t.test('reads on a cartridge sorted by tape file, then block, then the order written', async (t) => {
  const cat = openCatalog(t);
  addDump(cat, { id: 1, created: 100, volumes: { v1: [[1, 5, 1, 900]], v2: [[1, 2, 1]], v3: [[1, 5, 1, 700]], v4: [[1, 2, 1]], v5: [[1, 1, 1, 3]] } });
  t.same(reads(planRestore(cat, { select: [{ pattern: 'v*' }] })), [[1, ['v5@1#1:1', 'v2@1#1:2', 'v4@1#1:2', 'v3@1#1:5', 'v1@1#1:5']]]);
});

t.test('missing fragments are reported naming the volume and dump, and the volume is left out', async (t) => {
  const cat = openCatalog(t);
  addDump(cat, { id: 1, created: 100, volumes: { ok: [[1, 1, 10]], gap: [[1, 1, 10], [2, 1, 10], [3, 1, 10]], after: [[1, 2, 5], [2, 2, 5]], empty: [[1, 3, 1]] } });
  addDump(cat, { id: 2, parent: 1, created: 200, volumes: { ok: [[4, 1, 1]] } });
  // A writer that died mid-volume in a dump marked completed anyway, and rows lost or added by hand.
  addDump(cat, { id: 3, parent: 2, level: 2, created: 300, volumes: { ok: [[5, 1, 1], [5, 2, 1]] } });
  cat.db.exec(`
    UPDATE fragments SET last = 0 WHERE volume = (SELECT id FROM volumes WHERE dump = 3 AND name = 'ok') AND fragment = 2;
    DELETE FROM fragments WHERE volume = (SELECT id FROM volumes WHERE dump = 1 AND name = 'gap') AND fragment = 2;
    INSERT INTO fragments (volume, fragment, cartridge, position, block, bytes, last)
      SELECT id, 3, 2, 3, NULL, 1, 0 FROM volumes WHERE dump = 1 AND name = 'after';
    DELETE FROM fragments WHERE volume = (SELECT id FROM volumes WHERE dump = 1 AND name = 'empty');
  `);
  let p = planRestore(cat, { select: [{ pattern: '*' }] });
  t.same(
    p.missing.map((m) => [m.volume, m.dump, m.reason, m.fragment, m.message]),
    [
      ['after', 1, 'fragment-after-last', 3, 'volume after, dump 1: fragment 3 comes after the last one (2)'],
      ['empty', 1, 'no-fragments', 1, 'volume empty, dump 1: no fragments on any cartridge'],
      ['gap', 1, 'fragment-gap', 2, 'volume gap, dump 1: fragment 2 is missing (next found: 3)'],
      ['ok', 3, 'no-last-fragment', 3, 'volume ok, dump 3: fragment 2 is not the last one and fragment 3 is missing'],
    ],
  );
  t.same(p.volumes, []);
  t.same(p.cartridges, [], 'nothing to read for volumes that cannot be restored');
  p = planRestore(cat, { select: [{ name: 'ok' }], at: 250 });
  t.same(chains(p), { ok: [1, 2] }, 'before dump 3, ok restores');
  t.same(p.missing, []);
});

t.test('selectors: exact names, patterns, regular expressions; what matched nothing', async (t) => {
  const cat = openCatalog(t);
  addDump(cat, { id: 1, created: 100, volumes: { 'root.cell': [[1, 1, 1]], 'user.ann': [[1, 1, 1]], 'user.bob': [[1, 1, 1]], 'user.Bob2': [[1, 1, 1]] } });
  const names = (p: RestorePlan) => p.volumes.map((v) => v.volume);
  t.same(names(planRestore(cat, { select: [{ pattern: 'user.[ab]*' }] })), ['user.ann', 'user.bob'], 'GLOB is case-sensitive');
  t.same(names(planRestore(cat, { select: [{ regex: 'b\\d$' }, { name: 'root.cell' }, { pattern: 'user.a*' }] })), ['root.cell', 'user.Bob2', 'user.ann']);
  const p = planRestore(cat, { select: [{ name: 'user' }, { pattern: 'usr.*' }, { regex: 'x{2}' }, { name: 'user.ann' }] });
  t.same(names(p), ['user.ann']);
  t.same(p.unmatched, ['--name user', '--pattern usr.*', '--regex x{2}']);
  t.throws(() => planRestore(cat, { select: [{ regex: '(' }] }), { name: 'PlannerError', code: 'selector', message: /^--regex \(: Invalid regular expression/ });
  t.throws(() => planRestore(cat, { select: [{ pattern: '' }] }), new PlannerError('selector', '--pattern : empty'));
});
