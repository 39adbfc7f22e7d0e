// Unknown tags of each class, the 0x7E critical marker and invalid tags, in each section (BUTC-SPEC §4.8).
import t from 'tap';
import { VolumeDumpError } from '../../../lib/format/volume-dump/errors.js';
import { formatTag, unknownTagClass } from '../../../lib/format/volume-dump/tags.js';
import { VolumeDumpWalker } from '../../../lib/format/volume-dump/walker.js';
import type { VolumeDumpSummary } from '../../../lib/format/volume-dump/summary.js';
import { be32, generateVolumeDump, piece, type GenerateOptions } from '../../helpers/volume-dump-gen.js';

function walk(bytes: Buffer): VolumeDumpSummary | VolumeDumpError {
  const w = new VolumeDumpWalker();
  try {
    w.push(bytes);
    return w.end();
  } catch (e) {
    if (e instanceof VolumeDumpError) return e;
    throw e;
  }
}

type Section = 'dumpHeader' | 'volumeHeader' | 'vnode';
const SECTIONS: Section[] = ['dumpHeader', 'volumeHeader', 'vnode'];
const base: GenerateOptions = { seed: 17, directories: 2, files: 3, symlinks: 1 };

/** The same dump with `extra` after the tags of one section; the summary it should give. */
function withExtra(section: Section, extra: Buffer): { bytes: Buffer; summary: VolumeDumpSummary } {
  return generateVolumeDump({ ...base, extra: { [section]: extra } });
}

const tag = (c: string | number): Buffer => Buffer.from([typeof c === 'number' ? c : c.charCodeAt(0)]);

t.test('tag classes', async (t) => {
  t.equal(unknownTagClass(0x15), 'tlv');
  t.equal(unknownTagClass(0x60), 'tlv');
  t.equal(unknownTagClass(0x61), 'int32');
  t.equal(unknownTagClass(0x7a), 'int32');
  t.equal(unknownTagClass(0x7b), 'flag');
  t.equal(unknownTagClass(0x7f), 'flag');
  t.equal(unknownTagClass(0x80), 'invalid');
  t.equal(unknownTagClass(0xff), 'invalid');
  t.equal(formatTag(0x41), "0x41 'A'");
  t.equal(formatTag(0x04), '0x04');
  t.equal(formatTag(0x80), '0x80');
});

t.test('unknown non-critical tags are skipped in every section', async (t) => {
  const unknowns: Array<[string, Buffer]> = [
    ['TLV, short length', Buffer.concat([tag(0x30), Buffer.from([3]), Buffer.from('abc')])],
    ['TLV, short length 127', Buffer.concat([tag(0x15), Buffer.from([127]), Buffer.alloc(127, 0x04)])],
    ['TLV, 2-byte length', Buffer.concat([tag(0x31), Buffer.from([0x82, 0x01, 0x00]), Buffer.alloc(256, 0x03)])],
    ['TLV, 8-byte length', Buffer.concat([tag(0x5f), Buffer.from([0x88, 0, 0, 0, 0, 0, 0, 0, 2]), Buffer.from([0x01, 0x02])])],
    ['TLV, 0x80 (length of no bytes)', Buffer.concat([tag(0x60), Buffer.from([0x80])])],
    ['TLV V outside the volume header', Buffer.concat([tag('V'), Buffer.from([1, 9])])],
    ['int32', Buffer.concat([tag('y'), be32(0x01020304)])],
    ['int32 0x7a', Buffer.concat([tag(0x7a), be32(0)])],
    ['flag 0x7b', tag(0x7b)],
    ['flag 0x7f', tag(0x7f)],
    ['several', Buffer.concat([tag(0x7c), tag('z'), be32(4), tag(0x20), Buffer.from([0])])],
  ];
  for (const section of SECTIONS) {
    for (const [what, extra] of unknowns) {
      if (section === 'volumeHeader' && what.includes(' V ')) continue; // 'V' is volUpdateCounter there
      const g = withExtra(section, extra);
      const r = walk(g.bytes);
      t.same(r, g.summary, `${section}: ${what}`);
    }
  }
});

t.test('an unknown tag after 0x7E is refused; a known one is not', async (t) => {
  for (const section of SECTIONS) {
    const known = section === 'dumpHeader' ? 'v' : section === 'volumeHeader' ? 'u' : 'o';
    const ok = withExtra(section, Buffer.concat([tag(0x7e), tag(known), be32(section === 'dumpHeader' ? 536870915 : 5)]));
    const r = walk(ok.bytes);
    t.ok(!(r instanceof VolumeDumpError), `${section}: 0x7E then known '${known}'`);

    const extra = Buffer.concat([tag(0x7e), tag('y'), be32(1)]);
    const bad = withExtra(section, extra);
    const at = bad.bytes.indexOf(extra) + 1;
    t.match(walk(bad.bytes), { reason: 'critical-tag', offset: at, tag: 0x79 }, `${section}: 0x7E then unknown 'y'`);

    const flag = withExtra(section, Buffer.concat([tag(0x7e), tag(0x7b)]));
    t.match(walk(flag.bytes), { reason: 'critical-tag', tag: 0x7b }, `${section}: 0x7E then an unknown flag`);

    const later = withExtra(section, Buffer.concat([tag(0x7e), tag(known), be32(536870915), tag('y'), be32(1)]));
    t.ok(!(walk(later.bytes) instanceof VolumeDumpError), `${section}: only the next tag is critical`);
  }
  // ReadVnodes keeps its counter from one vnode to the next: 0x7E as the last tag of a vnode
  // makes the first tag of the next one critical.
  const across = Buffer.concat([
    piece.dumpHeader(5, 'x', [[0, 1]]),
    Buffer.from([0x02]),
    piece.bareVnode(2, 1),
    tag(0x7e),
    piece.bareVnode(4, 2),
    tag('y'),
    be32(0),
    piece.end(),
  ]);
  t.match(walk(across), { reason: 'critical-tag', vnode: 4, tag: 0x79 });
  // ... but a volume header starts afresh.
  const reset = Buffer.concat([
    piece.dumpHeader(5, 'x', [[0, 1]]),
    Buffer.from([0x02]),
    tag(0x7e),
    Buffer.from([0x02]),
    tag('y'),
    be32(0),
    piece.end(),
  ]);
  t.ok(!(walk(reset) instanceof VolumeDumpError), 'the marker does not carry into the next volume header');
});

t.test('invalid tags', async (t) => {
  for (const section of SECTIONS) {
    for (const bad of [0x80, 0xa5, 0xff]) {
      const g = withExtra(section, tag(bad));
      t.match(walk(g.bytes), { reason: 'invalid-tag', tag: bad }, `${section}: ${formatTag(bad)}`);
      const e = walk(g.bytes) as VolumeDumpError;
      t.equal(g.bytes[e.offset], bad, `${section}: the offset points at ${formatTag(bad)}`);
    }
  }
  // Volume header tags in the TLV range are refused as unknown tags elsewhere (the restorer reads
  // their length with the volume header's table of fixed-format tags).
  for (const c of 'CDEMOUWZ') {
    const g = withExtra('vnode', Buffer.concat([tag(c), Buffer.from([0])]));
    t.match(walk(g.bytes), { reason: 'invalid-tag', section: 'vnode', tag: c.charCodeAt(0) }, `'${c}' in a vnode`);
  }
  const a = withExtra('dumpHeader', Buffer.concat([tag('A'), Buffer.from([0])]));
  t.match(walk(a.bytes), { reason: 'invalid-tag', section: 'dump header', tag: 0x41 }, `'A' in the dump header`);

  const longLength = withExtra('vnode', Buffer.concat([tag(0x30), Buffer.from([0x89]), Buffer.alloc(9)]));
  t.match(walk(longLength.bytes), { reason: 'bad-value', message: /length of 9 bytes/ });
  const hugeLength = withExtra('vnode', Buffer.concat([tag(0x30), Buffer.from([0x88, 0xff, 0, 0, 0, 0, 0, 0, 0])]));
  t.match(walk(hugeLength.bytes), { reason: 'bad-value', message: /beyond 2\^53/ });
});

t.test('unknown tags cut short', async (t) => {
  const extra = Buffer.concat([tag(0x31), Buffer.from([0x82, 0x01, 0x00]), Buffer.alloc(256, 0x03)]);
  const g = withExtra('volumeHeader', extra);
  const at = g.bytes.indexOf(extra);
  for (const cut of [at + 1, at + 2, at + 3, at + 4, at + 100]) {
    t.match(walk(g.bytes.subarray(0, cut)), { reason: 'truncated', offset: cut, tag: 0x31, section: 'volume header' }, `cut at ${cut - at}`);
  }
});
