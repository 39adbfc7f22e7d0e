import t from 'tap';
import { decodeAck, encodeAck } from '../../lib/rx/ack.js';
import {
  RX_ACK_DELAY, RX_CLIENT_INITIATED, RX_JUMBO_PACKET, RX_LAST_PACKET, RX_PACKET_TYPE_ACK, RX_PACKET_TYPE_DATA,
  RX_SLOW_START_OK,
} from '../../lib/rx/constants.js';
import { RxPacketError } from '../../lib/rx/errors.js';
import { decodeHeader, decodePacket, encodeHeader, encodePacket, splitJumbogram } from '../../lib/rx/packet.js';

t.test('header: 28 bytes, big-endian, field by field (BUTC-SPEC §5.2)', async (t) => {
  const h = {
    epoch: 0xaf927c20, cid: 0x3401ab65, callNumber: 2, seq: 3, serial: 0x11223344, type: RX_PACKET_TYPE_DATA,
    flags: RX_CLIENT_INITIATED | RX_LAST_PACKET, userStatus: 0, securityIndex: 2, checksum: 0x3fa9, serviceId: 1,
  };
  const b = encodeHeader(h);
  t.equal(b.toString('hex'), 'af927c20' + '3401ab65' + '00000002' + '00000003' + '11223344' + '01' + '05' + '00' + '02' + '3fa9' + '0001');
  t.same(decodeHeader(b), h);
  const p = decodePacket(Buffer.concat([b, Buffer.from('abcd')]));
  t.equal(p.payload.toString(), 'abcd');
  t.equal(encodePacket(p).length, 32);
  t.throws(() => decodeHeader(Buffer.alloc(27)), RxPacketError);
});

t.test('ACK body: the lab example, 65 bytes with header (§5.7)', async (t) => {
  const body = encodeAck({
    bufferSpace: 0, maxSkew: 0, firstPacket: 2, previousPacket: 1, serial: 0, reason: RX_ACK_DELAY, acks: [],
    trailer: { maxMTU: 5692, ifMTU: 1444, rwind: 32, maxDgramPackets: 4 },
  });
  t.equal(body.length, 18 + 0 + 3 + 16);
  t.equal(body.toString('hex'), '0000' + '0000' + '00000002' + '00000001' + '00000000' + '08' + '00' + '000000'
    + '0000163c' + '000005a4' + '00000020' + '00000004');
  const header = encodeHeader({ epoch: 1, cid: 4, callNumber: 1, seq: 0, serial: 5, type: RX_PACKET_TYPE_ACK,
    flags: RX_CLIENT_INITIATED | RX_SLOW_START_OK, userStatus: 0, securityIndex: 0, checksum: 0, serviceId: 1 });
  t.equal(header.length + body.length, 65);
  const a = decodeAck(body);
  t.equal(a.firstPacket, 2);
  t.equal(a.reason, RX_ACK_DELAY);
  t.same(a.trailer, { maxMTU: 5692, ifMTU: 1444, rwind: 32, maxDgramPackets: 4 });
});

t.test('ACK body: ack array, and trailers of old peers', async (t) => {
  const body = encodeAck({ bufferSpace: 0, maxSkew: 0, firstPacket: 10, previousPacket: 13, serial: 77, reason: 3,
    acks: [false, true, false, true], trailer: { maxMTU: 1444, ifMTU: 1444, rwind: 32, maxDgramPackets: 1 } });
  t.equal(body.length, 18 + 4 + 3 + 16);
  t.same([...body.subarray(18, 22)], [0, 1, 0, 1]);
  t.same(decodeAck(body).acks, [false, true, false, true]);
  // no trailer at all
  t.equal(decodeAck(body.subarray(0, 22)).trailer, undefined);
  // maxMTU and ifMTU only: window 16, no jumbograms
  t.same(decodeAck(body.subarray(0, 18 + 4 + 3 + 8)).trailer, { maxMTU: 1444, ifMTU: 1444, rwind: 16, maxDgramPackets: 1 });
  t.throws(() => decodeAck(Buffer.alloc(17)), RxPacketError);
  const short = Buffer.from(body.subarray(0, 20));
  t.throws(() => decodeAck(short), /nAcks 4 but only 2/);
  t.throws(() => encodeAck({ bufferSpace: 0, maxSkew: 0, firstPacket: 1, previousPacket: 0, serial: 0, reason: 1, acks: new Array(256).fill(true) }), RxPacketError);
});

t.test('jumbogram: 1412 bytes, a 4-byte sub-header, the next packet (§5.6)', async (t) => {
  const h = { epoch: 1, cid: 8, callNumber: 3, seq: 5, serial: 40, type: RX_PACKET_TYPE_DATA, flags: RX_CLIENT_INITIATED | RX_JUMBO_PACKET,
    userStatus: 0, securityIndex: 0, checksum: 0x1111, serviceId: 1 };
  const first = Buffer.alloc(1412, 0xaa);
  const sub1 = Buffer.from([RX_CLIENT_INITIATED | RX_JUMBO_PACKET, 0, 0x22, 0x22]);
  const second = Buffer.alloc(1412, 0xbb);
  const sub2 = Buffer.from([RX_CLIENT_INITIATED | RX_LAST_PACKET, 0, 0x33, 0x33]);
  const third = Buffer.from('tail');
  const parts = splitJumbogram({ header: h, payload: Buffer.concat([first, sub1, second, sub2, third]) });
  t.equal(parts.length, 3);
  t.same(parts.map((p) => [p.header.seq, p.header.serial, p.header.flags, p.header.checksum, p.payload.length]), [
    [5, 40, 0x21, 0x1111, 1412], [6, 41, 0x21, 0x2222, 1412], [7, 42, 0x05, 0x3333, 4],
  ]);
  t.ok(parts[1]!.payload.equals(second));
  t.equal(parts[2]!.payload.toString(), 'tail');
  // a JUMBO flag with too little data after it
  t.throws(() => splitJumbogram({ header: h, payload: Buffer.alloc(1000) }), /jumbogram at offset 1028/);
  // not a jumbogram: unchanged
  const plain = { header: { ...h, flags: RX_LAST_PACKET }, payload: Buffer.from('x') };
  t.same(splitJumbogram(plain), [plain]);
});
