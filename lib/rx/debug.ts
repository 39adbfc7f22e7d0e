import { RX_CLIENT_INITIATED, RX_PACKET_TYPE_DEBUG, RX_PACKET_TYPE_VERSION, RX_VERSION_STRING_SIZE } from './constants.js';
import { encodePacket, type RxHeader } from './packet.js';

/**
 * Connectionless queries: VERSION (type 13) and DEBUG (type 8), as `rxdebug` sends them
 * (BUTC-SPEC §5.8; `rxi_ReceiveVersionPacket`, `rxi_ReceiveDebugPacket` in OpenAFS `rx_packet.c`).
 * Only client-initiated queries are answered; the reply echoes the header with CLIENT_INITIATED clear.
 */

/** rx_debugIn.type values and the reply for an unsupported one (OpenAFS `rx.h`). */
export const RX_DEBUGI_GETSTATS = 1;
export const RX_DEBUGI_GETCONN = 2;
export const RX_DEBUGI_GETALLCONN = 3;
export const RX_DEBUGI_BADTYPE = -8;
/**
 * The rx_debugStats version we claim: 'L', the oldest real one, so `rxdebug` asks for nothing beyond
 * the basic statistics and the (empty) connection list that we answer.
 */
export const RX_DEBUGI_VERSION_MINIMUM = 0x4c;
/** sizeof(struct rx_debugStats): 3 ints, 4 chars, 4 ints, 6 spare ints (OpenAFS `rx.h`). */
const DEBUG_STATS_SIZE = 56;

export interface RxDebugCounters {
  callsExecuted: number;
}

/** The reply to a VERSION packet: the same header, the flag cleared, a 65-byte NUL-padded string. */
export function versionReply(h: RxHeader, version: string): Buffer | undefined {
  if (h.type !== RX_PACKET_TYPE_VERSION || !(h.flags & RX_CLIENT_INITIATED)) return undefined;
  const body = Buffer.alloc(RX_VERSION_STRING_SIZE);
  body.write(version.slice(0, RX_VERSION_STRING_SIZE - 1), 'latin1');
  return encodePacket({ header: { ...h, flags: h.flags & ~RX_CLIENT_INITIATED }, payload: body });
}

/**
 * The reply to a DEBUG packet (body: rx_debugIn {type, index}). GETSTATS gets an rx_debugStats of
 * version 'L'; GETCONN/GETALLCONN get the end-of-list record (cid 0xffffffff), so `rxdebug` prints
 * "Done."; anything else gets {BADTYPE, BADTYPE} as OpenAFS answers.
 */
export function debugReply(h: RxHeader, body: Buffer, counters: RxDebugCounters): Buffer | undefined {
  if (h.type !== RX_PACKET_TYPE_DEBUG || !(h.flags & RX_CLIENT_INITIATED)) return undefined;
  const type = body.length >= 4 ? body.readInt32BE(0) : 0;
  let payload: Buffer;
  if (type === RX_DEBUGI_GETSTATS) {
    payload = Buffer.alloc(DEBUG_STATS_SIZE);
    payload.writeInt32BE(counters.callsExecuted | 0, 8);
    payload[14] = RX_DEBUGI_VERSION_MINIMUM;
  } else if (type === RX_DEBUGI_GETCONN || type === RX_DEBUGI_GETALLCONN) {
    payload = Buffer.alloc(8);
    payload.writeUInt32BE(0xffffffff, 4);
  } else {
    payload = Buffer.alloc(8);
    payload.writeInt32BE(RX_DEBUGI_BADTYPE, 0);
    payload.writeInt32BE(RX_DEBUGI_BADTYPE, 4);
  }
  return encodePacket({ header: { ...h, flags: h.flags & ~RX_CLIENT_INITIATED }, payload });
}
