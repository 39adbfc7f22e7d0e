import { rxErrorName } from './constants.js';

/**
 * RxCallError: a call ended with an Rx error code, either an ABORT from the peer (`remote`) or a local
 * condition such as a dead peer or a timeout. `code` is the number that travels in ABORT packets
 * (BUTC-SPEC §5.9; application com_err codes such as TC_NODENOTFOUND travel the same way, §5.4).
 */
export class RxCallError extends Error {
  override name = 'RxCallError';
  readonly code: number;
  /** true when the peer sent an ABORT with this code, false when we concluded it ourselves. */
  readonly remote: boolean;
  /** Where the call ran: `host:port service N call C/channel`. */
  readonly where: string;

  constructor(code: number, remote: boolean, where: string, detail?: string) {
    const name = rxErrorName(code);
    const what = name ? `${name} (${code})` : `error ${code}`;
    super(`${where}: ${remote ? 'aborted by peer with' : 'failed with'} ${what}${detail ? `: ${detail}` : ''}`);
    this.code = code;
    this.remote = remote;
    this.where = where;
  }
}

/** RxAbort: thrown by a handler (or by stubs) to abort the call with `code` (§5.4). */
export class RxAbort extends Error {
  override name = 'RxAbort';
  readonly code: number;
  constructor(code: number, message?: string) {
    const name = rxErrorName(code);
    super(message ?? `abort ${name ? `${name} (${code})` : code}`);
    this.code = code;
  }
}

/** RxPacketError: a datagram that is not a valid Rx packet; names the field and byte offset at fault. */
export class RxPacketError extends Error {
  override name = 'RxPacketError';
  readonly field: string;
  readonly offset: number;
  constructor(field: string, offset: number, message: string) {
    super(`Rx packet ${field} at offset ${offset}: ${message}`);
    this.field = field;
    this.offset = offset;
  }
}

/**
 * XdrError: XDR data that cannot be encoded or decoded. `path` names the field (`tc_dumpArray[3].name`),
 * `offset` the byte position in the stream.
 */
export class XdrError extends Error {
  override name = 'XdrError';
  readonly path: string;
  readonly offset: number;
  readonly direction: 'encode' | 'decode';
  constructor(direction: 'encode' | 'decode', path: string, offset: number, message: string) {
    super(`XDR ${direction} ${path || '(value)'} at offset ${offset}: ${message}`);
    this.path = path;
    this.offset = offset;
    this.direction = direction;
  }
}

/** RxBindError: the UDP socket could not be bound (RX_ADDRINUSE, §5.9, never on the wire). */
export class RxBindError extends Error {
  override name = 'RxBindError';
  readonly address: string;
  readonly port: number;
  constructor(address: string, port: number, cause: Error) {
    super(`Rx cannot bind UDP ${address}:${port}: ${cause.message}`, { cause });
    this.address = address;
    this.port = port;
  }
}
