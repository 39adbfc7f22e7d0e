import {
  RX_HEADER_SIZE, RX_JUMBO_BUFFER_SIZE, RX_JUMBO_HEADER_SIZE, RX_JUMBO_PACKET, RX_PACKET_TYPE_DATA,
} from './constants.js';
import { RxPacketError } from './errors.js';

/** The 28-byte Rx header, every field big-endian (BUTC-SPEC §5.2). */
export interface RxHeader {
  epoch: number;
  /** Connection ID | channel (low 2 bits). */
  cid: number;
  callNumber: number;
  seq: number;
  serial: number;
  type: number;
  flags: number;
  userStatus: number;
  securityIndex: number;
  /** The spare field: the rxkad header checksum on DATA packets, 0 with rxnull (§5.2, §5.10.4). */
  checksum: number;
  serviceId: number;
}

export interface RxPacket {
  header: RxHeader;
  payload: Buffer;
}

/** Writes `h` as 28 bytes at `offset` of `out` (BUTC-SPEC §5.2). */
export function encodeHeader(h: RxHeader, out: Buffer = Buffer.alloc(RX_HEADER_SIZE), offset = 0): Buffer {
  out.writeUInt32BE(h.epoch >>> 0, offset);
  out.writeUInt32BE(h.cid >>> 0, offset + 4);
  out.writeUInt32BE(h.callNumber >>> 0, offset + 8);
  out.writeUInt32BE(h.seq >>> 0, offset + 12);
  out.writeUInt32BE(h.serial >>> 0, offset + 16);
  out.writeUInt8(h.type & 0xff, offset + 20);
  out.writeUInt8(h.flags & 0xff, offset + 21);
  out.writeUInt8(h.userStatus & 0xff, offset + 22);
  out.writeUInt8(h.securityIndex & 0xff, offset + 23);
  out.writeUInt16BE(h.checksum & 0xffff, offset + 24);
  out.writeUInt16BE(h.serviceId & 0xffff, offset + 26);
  return out;
}

/** Reads the 28-byte header at the start of `buf` (BUTC-SPEC §5.2). */
export function decodeHeader(buf: Buffer): RxHeader {
  if (buf.length < RX_HEADER_SIZE) {
    throw new RxPacketError('header', buf.length, `datagram of ${buf.length} bytes is shorter than the ${RX_HEADER_SIZE}-byte header`);
  }
  return {
    epoch: buf.readUInt32BE(0),
    cid: buf.readUInt32BE(4),
    callNumber: buf.readUInt32BE(8),
    seq: buf.readUInt32BE(12),
    serial: buf.readUInt32BE(16),
    type: buf[20]!,
    flags: buf[21]!,
    userStatus: buf[22]!,
    securityIndex: buf[23]!,
    checksum: buf.readUInt16BE(24),
    serviceId: buf.readUInt16BE(26),
  };
}

/** One datagram: header followed by the payload. */
export function encodePacket(p: RxPacket): Buffer {
  const out = Buffer.allocUnsafe(RX_HEADER_SIZE + p.payload.length);
  encodeHeader(p.header, out, 0);
  p.payload.copy(out, RX_HEADER_SIZE);
  return out;
}

/** Splits a datagram into header and payload (the payload shares memory with `buf`). */
export function decodePacket(buf: Buffer): RxPacket {
  return { header: decodeHeader(buf), payload: buf.subarray(RX_HEADER_SIZE) };
}

/**
 * Splits a jumbogram into its packets (BUTC-SPEC §5.6, `rxi_SplitJumboPacket`): every packet but the
 * last carries exactly 1412 data bytes and JUMBO_PACKET; a 4-byte sub-header {flags, spare, checksum}
 * precedes each following packet, whose seq and serial are the previous ones + 1. A DATA packet without
 * JUMBO_PACKET comes back unchanged. We advertise maxDgramPackets 1, so peers should never send these;
 * a truncated jumbogram is an error naming the offset.
 */
export function splitJumbogram(p: RxPacket): RxPacket[] {
  const out: RxPacket[] = [];
  let header = { ...p.header };
  let rest = p.payload;
  let consumed = 0;
  while (header.type === RX_PACKET_TYPE_DATA && header.flags & RX_JUMBO_PACKET) {
    if (rest.length < RX_JUMBO_BUFFER_SIZE + RX_JUMBO_HEADER_SIZE) {
      throw new RxPacketError('jumbogram', RX_HEADER_SIZE + consumed + rest.length,
        `packet seq ${header.seq} has JUMBO_PACKET but only ${rest.length} bytes follow (need ${RX_JUMBO_BUFFER_SIZE + RX_JUMBO_HEADER_SIZE})`);
    }
    out.push({ header, payload: rest.subarray(0, RX_JUMBO_BUFFER_SIZE) });
    const sub = rest.subarray(RX_JUMBO_BUFFER_SIZE, RX_JUMBO_BUFFER_SIZE + RX_JUMBO_HEADER_SIZE);
    header = {
      ...header,
      seq: (header.seq + 1) >>> 0,
      serial: (header.serial + 1) >>> 0,
      userStatus: 0,
      flags: sub[0]!,
      checksum: sub.readUInt16BE(2),
    };
    consumed += RX_JUMBO_BUFFER_SIZE + RX_JUMBO_HEADER_SIZE;
    rest = rest.subarray(RX_JUMBO_BUFFER_SIZE + RX_JUMBO_HEADER_SIZE);
  }
  out.push({ header, payload: rest });
  return out;
}
