/**
 * Rx wire constants: packet types, header flags, ACK reasons and the error codes that travel in
 * ABORT packets. Values from BUTC-SPEC §5.3, §5.7 and §5.9 (OpenAFS `src/rx/rx.h`, `rx_packet.h`).
 */

/** Packet types (BUTC-SPEC §5.3). */
export const RX_PACKET_TYPE_DATA = 1;
export const RX_PACKET_TYPE_ACK = 2;
export const RX_PACKET_TYPE_BUSY = 3;
export const RX_PACKET_TYPE_ABORT = 4;
export const RX_PACKET_TYPE_ACKALL = 5;
export const RX_PACKET_TYPE_CHALLENGE = 6;
export const RX_PACKET_TYPE_RESPONSE = 7;
export const RX_PACKET_TYPE_DEBUG = 8;
export const RX_PACKET_TYPE_PARAMS = 9;
export const RX_PACKET_TYPE_PARAMS_2 = 10;
export const RX_PACKET_TYPE_PARAMS_3 = 11;
export const RX_PACKET_TYPE_VERSION = 13;

/** Header flags (BUTC-SPEC §5.3). */
export const RX_CLIENT_INITIATED = 0x01;
export const RX_REQUEST_ACK = 0x02;
export const RX_LAST_PACKET = 0x04;
export const RX_MORE_PACKETS = 0x08;
/** On ACK packets: "I ack every other packet". Every OpenAFS ACK sets it (§5.3). */
export const RX_SLOW_START_OK = 0x20;
/** On DATA packets: another packet follows in this datagram (§5.6). Same bit as SLOW_START_OK. */
export const RX_JUMBO_PACKET = 0x20;

/** ACK reasons (BUTC-SPEC §5.7). */
export const RX_ACK_REQUESTED = 1;
export const RX_ACK_DUPLICATE = 2;
export const RX_ACK_OUT_OF_SEQUENCE = 3;
export const RX_ACK_EXCEEDS_WINDOW = 4;
export const RX_ACK_NOSPACE = 5;
export const RX_ACK_PING = 6;
export const RX_ACK_PING_RESPONSE = 7;
export const RX_ACK_DELAY = 8;
export const RX_ACK_IDLE = 9;

/** ACK array entries (§5.7). */
export const RX_ACK_TYPE_NACK = 0;
export const RX_ACK_TYPE_ACK = 1;

/** Rx error codes carried in ABORT packets and returned as call results (BUTC-SPEC §5.9). */
export const RX_CALL_DEAD = -1;
export const RX_INVALID_OPERATION = -2;
export const RX_CALL_TIMEOUT = -3;
export const RX_EOF = -4;
export const RX_PROTOCOL_ERROR = -5;
export const RX_USER_ABORT = -6;
export const RX_ADDRINUSE = -7;
export const RX_MSGSIZE = -8;
export const RX_RESTARTING = -100;

/** rxgen stub errors (BUTC-SPEC §3.11, §5.9). */
export const RXGEN_CC_MARSHAL = -450;
export const RXGEN_CC_UNMARSHAL = -451;
export const RXGEN_SS_MARSHAL = -452;
export const RXGEN_SS_UNMARSHAL = -453;
export const RXGEN_DECODE = -454;
export const RXGEN_OPCODE = -455;

const ERROR_NAMES: Readonly<Record<number, string>> = {
  [RX_CALL_DEAD]: 'RX_CALL_DEAD',
  [RX_INVALID_OPERATION]: 'RX_INVALID_OPERATION',
  [RX_CALL_TIMEOUT]: 'RX_CALL_TIMEOUT',
  [RX_EOF]: 'RX_EOF',
  [RX_PROTOCOL_ERROR]: 'RX_PROTOCOL_ERROR',
  [RX_USER_ABORT]: 'RX_USER_ABORT',
  [RX_ADDRINUSE]: 'RX_ADDRINUSE',
  [RX_MSGSIZE]: 'RX_MSGSIZE',
  [RX_RESTARTING]: 'RX_RESTARTING',
  [RXGEN_CC_MARSHAL]: 'RXGEN_CC_MARSHAL',
  [RXGEN_CC_UNMARSHAL]: 'RXGEN_CC_UNMARSHAL',
  [RXGEN_SS_MARSHAL]: 'RXGEN_SS_MARSHAL',
  [RXGEN_SS_UNMARSHAL]: 'RXGEN_SS_UNMARSHAL',
  [RXGEN_DECODE]: 'RXGEN_DECODE',
  [RXGEN_OPCODE]: 'RXGEN_OPCODE',
};

/** The symbolic name of an Rx or rxgen code, or undefined for application (com_err) codes. */
export function rxErrorName(code: number): string | undefined {
  return ERROR_NAMES[code];
}

/** Fixed sizes (BUTC-SPEC §5.2, §5.5, §5.6). */
export const RX_HEADER_SIZE = 28;
export const RX_MAXCALLS = 4;
export const RX_CHANNEL_MASK = 3;
/** Payload bytes OpenAFS puts in one packet on an Ethernet LAN: 1444-byte packets (§5.5). */
export const RX_DEFAULT_PAYLOAD = 1416;
/** The data size of every packet but the last inside a jumbogram (§5.6). */
export const RX_JUMBO_BUFFER_SIZE = 1412;
export const RX_JUMBO_HEADER_SIZE = 4;
/** A server only creates a call for a DATA packet with seq at most this (§5.4, rx_maxReceiveWindow). */
export const RX_MAX_RECEIVE_WINDOW = 32;
/** A VERSION reply carries a 65-byte NUL-padded string (§5.8). */
export const RX_VERSION_STRING_SIZE = 65;
