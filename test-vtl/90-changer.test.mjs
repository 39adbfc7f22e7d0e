// tapecoord's SMC changer against the real sg driver and tgt's STK L700, with mtx as the referee:
// `tapecoord changer status --json` matches `mtx status` element by element; moves made by one are
// seen by the other; drives map to their /dev/nstN by serial; what tgt lacks fails decoded.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import t from 'tap';
import { drive, env, repoRoot, sh, shOk } from './lib/vtl.mjs';

const lib = (f) => import(pathToFileURL(join(repoRoot, 'dist', 'lib', 'changer', f)).href);
const { openChanger } = await lib('open.js');
const { formatMtxStatus } = await lib('mtx-format.js');
const policy = await lib('policy.js');
const tapecoord = join(repoRoot, 'bin', 'tapecoord');

/** `mtx status`, every element: drives from 0, slots from 1 (import/export continuing). */
function mtx() {
  const text = shOk(`mtx -f ${env.CHANGER} status`).stdout;
  const drives = [...text.matchAll(/^Data Transfer Element (\d+):(Empty|Full)(?: \((?:Storage Element (\d+)|Unknown Storage Element) Loaded\))?(?::VolumeTag = (\S+))?/gm)].map((m) => ({
    index: Number(m[1]),
    full: m[2] === 'Full',
    sourceSlot: m[3] ? Number(m[3]) : null,
    barcode: m[4] ?? null,
  }));
  const slots = [...text.matchAll(/^\s*Storage Element (\d+)( IMPORT\/EXPORT)?:(Empty|Full)\s*(?::VolumeTag=(\S+))?/gm)].map((m) => ({
    index: Number(m[1]),
    full: m[3] === 'Full',
    barcode: m[5] ?? null,
    importExport: Boolean(m[2]),
  }));
  return { text, drives, slots };
}

function ours() {
  const r = shOk(`node ${tapecoord} changer -f ${env.CHANGER} --json status`);
  return JSON.parse(r.stdout);
}

function sameAsMtx(t, status, label) {
  const m = mtx();
  t.same(
    status.drives.map((d) => ({ index: d.index, full: d.full, sourceSlot: d.full ? d.sourceSlot : null, barcode: d.barcode })),
    m.drives,
    `${label}: drives as mtx sees them`,
  );
  t.same(
    status.slots.map((s) => ({ index: s.index, full: s.full, barcode: s.barcode, importExport: s.importExport })),
    m.slots,
    `${label}: slots as mtx sees them`,
  );
  return m;
}

t.test('changer: SMC over SG_IO against mtx on the same library', async (t) => {
  // start from a known state: every drive empty, mail slots empty
  for (const d of mtx().drives) if (d.full) shOk(`mtx -f ${env.CHANGER} unload ${d.sourceSlot} ${d.index}`);

  t.test('status --json matches mtx status element by element; text has mtx line shapes', async (t) => {
    const s = ours();
    const m = sameAsMtx(t, s, 'idle library');
    t.equal(s.slots.length, 14, '12 storage slots + 2 import/export');
    t.match(s, { vendor: 'STK', product: 'L700' });
    const text = shOk(`node ${tapecoord} changer -f ${env.CHANGER} status`).stdout;
    t.equal(text.replace(/\s+$/gm, ''), m.text.replace(/\s+$/gm, ''), 'the same text as mtx, but for trailing blanks (mtx prints tags padded)');
  });

  t.test('moves by tapecoord are seen by mtx', async (t) => {
    let r = sh(`node ${tapecoord} changer -f ${env.CHANGER} load 5 1`);
    t.equal(r.code, 0, r.out);
    t.equal(r.stdout, 'Loading media from Storage Element 5 into drive 1...done\n');
    let m = sameAsMtx(t, ours(), 'after tapecoord load 5 1');
    t.match(m.drives[1], { full: true, sourceSlot: 5, barcode: 'VTL005L6' });
    r = sh(`node ${tapecoord} changer -f ${env.CHANGER} export 7`);
    t.equal(r.code, 0, r.out);
    m = sameAsMtx(t, ours(), 'after tapecoord export 7');
    t.match(m.slots[12], { index: 13, full: true, importExport: true, barcode: 'VTL007L6' });
    r = sh(`node ${tapecoord} changer -f ${env.CHANGER} import 13`);
    t.equal(r.code, 0, r.out);
    t.match(m.slots[6], { index: 7, full: false }, 'slot 7 is empty until the import');
    r = sh(`node ${tapecoord} changer -f ${env.CHANGER} unload 5 1`);
    t.equal(r.stdout, 'Unloading drive 1 into Storage Element 5...done\n', r.stderr);
    m = sameAsMtx(t, ours(), 'after tapecoord import 13, unload 5 1');
    t.match(m.slots[6], { index: 7, full: true, barcode: 'VTL007L6' }, 'imported into the first empty slot: 7');
  });

  t.test('moves by mtx are seen by tapecoord', async (t) => {
    for (const d of mtx().drives) if (d.full) shOk(`mtx -f ${env.CHANGER} unload ${d.sourceSlot} ${d.index}`);
    shOk(`mtx -f ${env.CHANGER} load 3 0`);
    shOk(`mtx -f ${env.CHANGER} transfer 4 14`);
    const s = ours();
    sameAsMtx(t, s, 'after mtx load 3 0, transfer 4 14');
    t.match(s.drives[0], { full: true, sourceSlot: 3, barcode: 'VTL003L6' });
    t.match(s.slots[13], { full: true, barcode: 'VTL004L6', importExport: true });
    shOk(`mtx -f ${env.CHANGER} transfer 14 4`);
    shOk(`mtx -f ${env.CHANGER} unload 3 0`);
    sameAsMtx(t, ours(), 'after mtx undid it');
  });

  t.test('drives map to their st nodes by serial number (DVCID against VPD 80h)', async (t) => {
    const changer = await openChanger(env.CHANGER);
    try {
      const s = await changer.status();
      for (const n of [0, 1]) {
        const d = drive(n);
        t.comment(`drive ${n}: DVCID serial ${JSON.stringify(s.drives[n].serial)}${s.drives[n].serialTruncated ? ' (cut by tgt)' : ''}, ${d.path} serial ${d.serial}`);
        t.ok(d.serial.startsWith(s.drives[n].serial), `drive ${n}'s DVCID serial is (the beginning of) ${d.path}'s`);
        t.equal(s.drives[n].device, d.path, `drive ${n} is ${d.path}`);
      }
      t.equal(s.drives[1].serialTruncated, true, "tgt cuts the last drive's serial (labs/vtl bug 5): paired by prefix");
    } finally {
      await changer.close();
    }
  });

  t.test('load by barcode, unload back home, in-process through the policy layer', async (t) => {
    const changer = await openChanger(env.CHANGER);
    try {
      const r = await policy.loadBarcode(changer, 'VTL009L6', 1);
      t.match(r, { from: { kind: 'slot', index: 9 }, drive: { barcode: 'VTL009L6', device: drive(1).path } });
      sameAsMtx(t, await changer.status(), 'after loadBarcode');
      t.same(await policy.unload(changer, 1), { kind: 'slot', index: 9 });
      t.equal(formatMtxStatus(await changer.status()).replace(/\s+$/gm, ''), mtx().text.replace(/\s+$/gm, ''), 'formatMtxStatus == mtx status');
    } finally {
      await changer.close();
    }
  });

  t.test('what tgt lacks fails decoded: EXCHANGE MEDIUM; refusals name the element', async (t) => {
    let r = sh(`node ${tapecoord} changer -f ${env.CHANGER} exchange 1 2`);
    t.equal(r.code, 1);
    t.match(r.stderr, /EXCHANGE MEDIUM \(A6h\): ILLEGAL REQUEST: invalid command operation code \(5\/20\/00\)/);
    r = sh(`node ${tapecoord} changer -f ${env.CHANGER} load 12 0`);
    t.equal(r.code, 0, r.out);
    r = sh(`node ${tapecoord} changer -f ${env.CHANGER} load 11 0`);
    t.equal(r.code, 1);
    t.match(r.stderr, /cannot move to drive 0: it holds VTL012L6/);
    r = sh(`node ${tapecoord} changer -f ${env.CHANGER} unload 1 0`);
    t.match(r.stderr, /cannot move to slot 1: it holds VTL001L6/);
    shOk(`node ${tapecoord} changer -f ${env.CHANGER} unload`);
    r = sh(`node ${tapecoord} changer -f ${env.CHANGER} load 15`);
    t.match(r.stderr, /no slot 15: slots are 1-14/);
    sameAsMtx(t, ours(), 'after the refusals');
  });

  t.test('inventory: INITIALIZE ELEMENT STATUS, then the same status', async (t) => {
    const r = sh(`node ${tapecoord} changer -f ${env.CHANGER} --json inventory`);
    t.comment(r.code === 0 ? 'tgt accepted INITIALIZE ELEMENT STATUS' : `tgt: ${r.stderr.trim()}`);
    if (r.code === 0) sameAsMtx(t, JSON.parse(r.stdout), 'after inventory');
    else t.match(r.stderr, /INITIALIZE ELEMENT STATUS \(07h\): /, 'a decoded refusal');
  });

  t.test('two processes at once: the lock serializes them, both succeed', async (t) => {
    const r = sh(
      `node ${tapecoord} changer -f ${env.CHANGER} load 2 0 & node ${tapecoord} changer -f ${env.CHANGER} load 10 1 & wait %1 && wait %2; echo codes $?`,
    );
    t.match(r.stdout, /codes 0/, r.out);
    const m = sameAsMtx(t, ours(), 'after two concurrent loads');
    t.same(m.drives.map((d) => d.barcode), ['VTL002L6', 'VTL010L6']);
    shOk(`mtx -f ${env.CHANGER} unload 2 0 && mtx -f ${env.CHANGER} unload 10 1`);
  });
});
