// Real `vos dump` streams of OpenAFS 1.8.9 (test/fixtures/openafs, made by scripts/openafs-fixtures.sh).
import t from 'tap';
import { readFileSync } from 'node:fs';
import { VolumeDumpWalker, walkVolumeDump } from '../../../lib/format/volume-dump/walker.js';
import { rng } from '../../helpers/tmp.js';

const DIR = new URL('../../fixtures/openafs/', import.meta.url);

for (const name of ['fx.a.full', 'fx.a.span', 'fx.b.full', 'fx.b.span']) {
  t.test(`${name}.vdump`, async (t) => {
    const bytes = readFileSync(new URL(`${name}.vdump`, DIR));
    const s = await walkVolumeDump(bytes, { checkAcl: true, expectedFromDate: 0, expectedLength: bytes.length, expectedNBytes: bytes.length });
    const h = s.volumeHeader;
    t.equal(s.volumeName, `${name.slice(0, 4)}.backup`);
    t.equal(h.name, s.volumeName);
    t.equal(h.id, s.volumeId);
    t.equal(h.type, 2, 'a backup clone');
    t.not(h.parentId, s.volumeId);
    t.equal(s.toDate, h.backupDate, 'toDate of a BK volume is its backupDate (§4.8)');
    t.equal(s.vnodes, h.fileCount, 'every vnode of the volume is in the dump');
    t.equal(s.directories + s.files + s.symlinks + s.bareVnodes, s.vnodes);
    t.ok(s.dataBytes > 0 && s.dataBytes < bytes.length);
    t.equal(s.volumeHeaders, 1);
    t.equal(s.length, bytes.length);

    const r = rng(bytes.length);
    const w = new VolumeDumpWalker({ expectedVolumeId: s.volumeId });
    for (let at = 0; at < bytes.length; ) {
      const n = r(1, 5000);
      w.push(bytes.subarray(at, at + n));
      at += n;
    }
    t.same(w.end(), s, 'the same in random chunks');
    for (const cut of [1, 17, 100, bytes.length >> 1, bytes.length - 5, bytes.length - 1]) {
      const c = new VolumeDumpWalker();
      c.push(bytes.subarray(0, cut));
      let error: unknown;
      try {
        c.end();
      } catch (e) {
        error = e;
      }
      t.match(error, { name: 'VolumeDumpError', reason: 'truncated', offset: cut }, `cut at ${cut}`);
    }
  });
}
