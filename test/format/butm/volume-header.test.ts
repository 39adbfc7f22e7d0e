// The 208-byte volume header and trailer of BUTC-SPEC §2.5, the packed 206-byte variant and the
// HEADER_CHECKS acceptance rules.
import t from 'tap';
import {
  decodeVolumeHeader,
  encodeVolumeHeader,
  makeVolumeHeader,
  makeVolumeTrailer,
  readVolumeHeader,
  TC_VOLBEGINMAGIC,
  TC_VOLENDMAGIC,
} from '../../../lib/format/butm/index.js';
import { vol2 } from './fixtures.js';


/** The 206-byte packed image of a 208-byte header: the two pad bytes at 82 left out. */
function packed(h: Buffer): Buffer {
  return Buffer.concat([h.subarray(0, 82), h.subarray(84)]);
}

t.test('header bytes at their §2.5 offsets', async (t) => {
  const b = encodeVolumeHeader(makeVolumeHeader(vol2, 1));
  t.equal(b.length, 208);
  t.equal(b.toString('latin1', 0, 9), 'H++NAME#\0', 'preamble');
  t.equal(b.toString('latin1', 9, 18), 'T--NAME#\0', 'postamble');
  t.equal(b.toString('latin1', 18, 23), 'vol2\0');
  t.equal(b.subarray(82, 84).toString('hex'), '0000', 'pad');
  t.equal(b.readUInt32BE(84), 536870921, 'volumeID');
  t.equal(b.subarray(88, 92).toString('hex'), '0a630001', 'server 10.99.0.1 in byte order');
  t.equal(b.readUInt32BE(100), 1, 'frag');
  t.equal(b.readUInt32BE(104), 0xb0258191, 'begin magic');
  t.equal(b.readUInt32BE(108), 0, 'contd 0 for frag 1');
  t.equal(b.toString('latin1', 112, 121), 'vs2.full\0');
  t.equal(b.readUInt32BE(176), 1700000000, 'dumpID');
  t.equal(b.readUInt32BE(188), 0, 'endTime');
  t.equal(b.readUInt32BE(192), 4, 'versionflags');
  t.equal(b.readUInt32BE(196), 1700000100, 'cloneDate');
  t.equal(b.subarray(200).toString('hex'), '00'.repeat(8), 'spares');
  t.equal(encodeVolumeHeader(makeVolumeHeader(vol2, 2)).readUInt32BE(108), 0xffffffff, 'contd for frag > 1');
});

t.test('trailers: end magic; contd and endTime by whether the volume continues', async (t) => {
  const last = encodeVolumeHeader(makeVolumeTrailer(vol2, 1, { continues: false, endTime: 1700000200 }));
  t.equal(last.toString('latin1', 0, 8), 'H++NAME#', 'the trailer has the same preamble');
  t.equal(last.readUInt32BE(104), 0x9167345a);
  t.equal(last.readUInt32BE(108), 0);
  t.equal(last.readUInt32BE(188), 1700000200);
  const cont = encodeVolumeHeader(makeVolumeTrailer(vol2, 1, { continues: true }));
  t.equal(cont.readUInt32BE(108), 0xffffffff);
  t.equal(cont.readUInt32BE(188), 0);
  t.equal(cont.readUInt32BE(100), 1);
  const frag2 = makeVolumeTrailer(vol2, 2, { continues: false, endTime: 5 });
  t.equal(frag2.contd, 0, 'a later fragment that ends the volume');
});

t.test('decode round trip in the aligned layout', async (t) => {
  const h = makeVolumeTrailer({ ...vol2, level: 2, parentId: 77, from: 1699999999, part: 25 }, 3, { continues: true });
  const found = decodeVolumeHeader(encodeVolumeHeader(h));
  t.equal(found.layout, 'aligned');
  t.same(found.header, h);
});

t.test('the packed 206-byte layout is read too', async (t) => {
  const h = makeVolumeTrailer(vol2, 1, { continues: false, endTime: 1700000200 });
  const found = readVolumeHeader(packed(encodeVolumeHeader(h)));
  t.equal(found?.layout, 'packed');
  t.same(found?.header, h);
  // inside a larger buffer, at an odd offset
  const buf = Buffer.concat([Buffer.alloc(7, 0x55), packed(encodeVolumeHeader(h)), Buffer.alloc(3, 0x66)]);
  t.same(readVolumeHeader(buf, 7)?.header, h);
});

t.test('HEADER_CHECKS', async (t) => {
  const good = encodeVolumeHeader(makeVolumeHeader(vol2, 1));
  const variant = (edit: (b: Buffer) => void) => {
    const b = Buffer.from(good);
    edit(b);
    return readVolumeHeader(b);
  };
  t.ok(variant((b) => b.writeUInt32BE(TC_VOLENDMAGIC, 104)), 'end magic');
  t.ok(variant((b) => b.writeUInt32BE(0xffffffff, 104)), 'TC_VOLCONTD is accepted as a magic');
  t.equal(variant((b) => b.writeUInt32BE(0x12345678, 104)), null, 'other magic');
  for (const v of [0, 1, 2, 3]) t.equal(variant((b) => b.writeInt32BE(v, 192))?.header.versionflags, v, `version ${v}`);
  t.equal(variant((b) => b.writeInt32BE(5, 192)), null, 'version 5');
  t.equal(variant((b) => b.writeInt32BE(-1, 192)), null, 'version -1');
  t.equal(variant((b) => (b[7] = 0x2a)), null, 'preamble');
  t.equal(variant((b) => (b[16] = 0x2a)), null, 'postamble');
  t.ok(variant((b) => (b[8] = 0x2a)), 'only 8 bytes of the preamble are compared');
  t.throws(() => decodeVolumeHeader(Buffer.alloc(208), { medium: 'm', record: 2 }), { code: 'TC_BADVOLHEADER', record: 2 });
  t.equal(decodeVolumeHeader(good).header.magic, TC_VOLBEGINMAGIC);
});

t.test('encoding refuses values that do not fit', async (t) => {
  t.throws(() => encodeVolumeHeader(makeVolumeHeader({ ...vol2, volumeName: 'v'.repeat(64) }, 1)), { code: 'BUTM_BADARGUMENT', field: 'volumeName' });
  t.throws(() => encodeVolumeHeader(makeVolumeHeader({ ...vol2, dumpSetName: 'd'.repeat(64) }, 1)), { code: 'BUTM_BADARGUMENT', field: 'dumpSetName' });
  t.throws(() => encodeVolumeHeader(makeVolumeHeader({ ...vol2, volumeId: 2 ** 32 }, 1)), { code: 'BUTM_BADARGUMENT', field: 'volumeID' });
  t.equal(encodeVolumeHeader(makeVolumeHeader({ ...vol2, level: -1 }, 1)).readUInt32BE(180), 0xffffffff, 'signed values as their bit pattern');
});
