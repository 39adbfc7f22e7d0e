import { RX_ACK_TYPE_ACK, RX_ACK_TYPE_NACK, RX_HEADER_SIZE } from './constants.js';
import { RxPacketError } from './errors.js';

/**
 * The ACK packet body (`struct rx_ackPacket`, BUTC-SPEC §5.7): 18 fixed bytes, nAcks ack bytes, 3 pad
 * bytes, then the optional 16-byte trailer {maxMTU, ifMTU, rwind, maxDgramPackets}.
 */
export interface RxAck {
  bufferSpace: number;
  maxSkew: number;
  /** The lowest seq not yet received; all below it are acknowledged. */
  firstPacket: number;
  previousPacket: number;
  /** Serial of the packet that prompted this ACK (0 for DELAY/IDLE). */
  serial: number;
  reason: number;
  /** acks[i] is for seq firstPacket + i: true = soft ACK, false = NACK. */
  acks: boolean[];
  /** Absent on old peers: assume no jumbograms and a window of 16 (§5.7). */
  trailer?: RxAckTrailer;
}

export interface RxAckTrailer {
  maxMTU: number;
  ifMTU: number;
  rwind: number;
  maxDgramPackets: number;
}

const FIXED = 18;
const PAD = 3;
const MAX_ACKS = 255;

export function encodeAck(a: RxAck): Buffer {
  if (a.acks.length > MAX_ACKS) {
    throw new RxPacketError('ack.nAcks', 17, `${a.acks.length} ack entries exceed ${MAX_ACKS}`);
  }
  const n = a.acks.length;
  const out = Buffer.alloc(FIXED + n + PAD + (a.trailer ? 16 : 0));
  out.writeUInt16BE(a.bufferSpace & 0xffff, 0);
  out.writeUInt16BE(a.maxSkew & 0xffff, 2);
  out.writeUInt32BE(a.firstPacket >>> 0, 4);
  out.writeUInt32BE(a.previousPacket >>> 0, 8);
  out.writeUInt32BE(a.serial >>> 0, 12);
  out.writeUInt8(a.reason, 16);
  out.writeUInt8(n, 17);
  for (let i = 0; i < n; i++) out[FIXED + i] = a.acks[i] ? RX_ACK_TYPE_ACK : RX_ACK_TYPE_NACK;
  if (a.trailer) {
    const t = FIXED + n + PAD;
    out.writeUInt32BE(a.trailer.maxMTU >>> 0, t);
    out.writeUInt32BE(a.trailer.ifMTU >>> 0, t + 4);
    out.writeUInt32BE(a.trailer.rwind >>> 0, t + 8);
    out.writeUInt32BE(a.trailer.maxDgramPackets >>> 0, t + 12);
  }
  return out;
}

/**
 * Decodes an ACK body. The trailer words are read only when present, as OpenAFS does
 * (`rxi_ReceiveAckPacket`): maxMTU+ifMTU need 8 bytes, rwind 12, maxDgramPackets 16; a missing rwind
 * defaults to 16 and a missing maxDgramPackets to 1. Offsets in errors count from the datagram start.
 */
export function decodeAck(body: Buffer): RxAck {
  if (body.length < FIXED) {
    throw new RxPacketError('ack', RX_HEADER_SIZE + body.length, `ACK body of ${body.length} bytes is shorter than ${FIXED}`);
  }
  const n = body[17]!;
  if (body.length < FIXED + n) {
    throw new RxPacketError('ack.acks', RX_HEADER_SIZE + body.length, `nAcks ${n} but only ${body.length - FIXED} ack bytes follow`);
  }
  const acks: boolean[] = [];
  for (let i = 0; i < n; i++) acks.push(body[FIXED + i] === RX_ACK_TYPE_ACK);
  const ack: RxAck = {
    bufferSpace: body.readUInt16BE(0),
    maxSkew: body.readUInt16BE(2),
    firstPacket: body.readUInt32BE(4),
    previousPacket: body.readUInt32BE(8),
    serial: body.readUInt32BE(12),
    reason: body[16]!,
    acks,
  };
  const t = FIXED + n + PAD;
  const avail = body.length - t;
  if (avail >= 8) {
    ack.trailer = {
      maxMTU: body.readUInt32BE(t),
      ifMTU: body.readUInt32BE(t + 4),
      rwind: avail >= 12 ? body.readUInt32BE(t + 8) : 16,
      maxDgramPackets: avail >= 16 ? body.readUInt32BE(t + 12) : 1,
    };
  }
  return ack;
}
