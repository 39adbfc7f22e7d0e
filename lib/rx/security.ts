/**
 * Rx security classes (BUTC-SPEC §5.10). A class is chosen per connection by the header's
 * securityIndex (§5.10.1: 0 rxnull, 2 rxkad). Each connection gets its own state object from
 * `newConnection`; the Rx core calls its hooks:
 *
 * - every outgoing DATA packet passes through `preparePacket` (it may add a security header, encrypt,
 *   and returns the header checksum that goes in the spare field, §5.10.4);
 * - every incoming DATA packet passes through `checkPacket` (verify / decrypt; throw RxAbort to abort
 *   the call with a class error code such as RXKADSEALEDINCON);
 * - server side: calls on a connection that is not `authenticated` wait; the core sends the body from
 *   `createChallenge` in a CHALLENGE packet (resent every challengeInterval) and hands the RESPONSE body
 *   to `checkResponse`, which either authenticates the connection or throws RxAbort (sent as a
 *   connection ABORT, §5.10.3);
 * - client side: a CHALLENGE body goes to `respond`, whose result is sent as RESPONSE.
 *
 * rxkad (rung L5) implements this interface; rxnull is below.
 */

/** What a security object learns about its connection. */
export interface RxSecurityEndpoint {
  epoch: number;
  /** Connection ID with the channel bits cleared. */
  cid: number;
  serviceId: number;
  securityIndex: number;
  /** true for the side that created the connection. */
  isClient: boolean;
}

/** The header fields a per-packet hook may use (§5.10.4: the checksum covers call, channel and seq). */
export interface RxPacketContext {
  callNumber: number;
  channel: number;
  seq: number;
}

export interface RxConnectionSecurity {
  /** Bytes of user data that fit in a packet whose wire payload may be `wirePayload` bytes. */
  maxUserData(wirePayload: number): number;
  /** Outgoing DATA: returns the wire payload and the header checksum (spare field). */
  preparePacket(ctx: RxPacketContext, userData: Buffer): { payload: Buffer; checksum: number };
  /** Incoming DATA: returns the user data; throws RxAbort on a bad packet. `checksum` is the header's spare field. */
  checkPacket(ctx: RxPacketContext, payload: Buffer, checksum: number): Buffer;
  /** Server side: may calls run yet? (rxnull: always.) */
  readonly authenticated: boolean;
  /** Server side: the body of a CHALLENGE packet. Only called while not authenticated. */
  createChallenge?(): Buffer;
  /** Server side: verify a RESPONSE body; on success `authenticated` becomes true; else throw RxAbort. */
  checkResponse?(response: Buffer): void;
  /** Client side: answer a CHALLENGE; `callNumbers` are the connection's current call numbers per channel (§5.10.3). */
  respond?(challenge: Buffer, callNumbers: readonly number[]): Buffer;
}

export interface RxSecurityClass {
  /** The securityIndex this class answers to on the wire. */
  readonly index: number;
  readonly name: string;
  newConnection(endpoint: RxSecurityEndpoint): RxConnectionSecurity;
}

/** rxnull (index 0): no authentication, no per-packet processing, checksum 0 (§5.10.1). */
export class RxNullSecurity implements RxSecurityClass {
  readonly index = 0;
  readonly name = 'rxnull';
  newConnection(): RxConnectionSecurity {
    return RXNULL_CONNECTION;
  }
}

const RXNULL_CONNECTION: RxConnectionSecurity = {
  authenticated: true,
  maxUserData: (wirePayload) => wirePayload,
  preparePacket: (_ctx, userData) => ({ payload: userData, checksum: 0 }),
  checkPacket: (_ctx, payload) => payload,
};

export const rxnull = new RxNullSecurity();
