import { RX_DEFAULT_PAYLOAD } from './constants.js';

/**
 * Rx timers and limits, in milliseconds and packets. Defaults are OpenAFS's (BUTC-SPEC §5.5, §5.8);
 * tests shorten them. butc itself runs with deadTime 150 s (§4.1).
 */
export interface RxOptions {
  /** No packet from the peer for this long while a call is outstanding: RX_CALL_DEAD (§5.8). */
  deadTime: number;
  /** Ping (ACK reason PING) after this much silence from the peer on an active call; default deadTime / 6. */
  keepaliveInterval: number;
  /**
   * The application waits to read and no DATA arrives for this long: RX_CALL_TIMEOUT. 0 = off.
   * OpenAFS services use 60 s (§5.8); pings do not reset it.
   */
  idleDeadTime: number;
  /** Retransmission timeout before any RTT sample (§5.5: about 2.2 s on the local subnet). */
  initialRto: number;
  /** Floor of the computed retransmission timeout (§5.5: 20 ms + 200 ms). */
  minRto: number;
  /** Ceiling of the retransmission timeout after backoff. */
  maxRto: number;
  /** Delay before an ACK for data that did not ask for one (§5.7: 100 ms). */
  softAckDelay: number;
  /** Delay before acking the last packet of a reply (§5.7: 400 ms); the client's end of call flushes at once. */
  lastAckDelay: number;
  /** Resend interval for CHALLENGE packets while calls wait (§5.8: 2 s). */
  challengeInterval: number;
  /** Receive window we advertise and the largest send window we use (§5.5: max 32). */
  window: number;
  /** Packets a call may have queued for sending beyond its window before write() waits (back-pressure). */
  sendQueueLimit: number;
  /** Data bytes per packet we send (§5.5: 1416 on Ethernet). */
  maxPayload: number;
  /** Timer granularity. */
  tickInterval: number;
  /** The string answered to VERSION packets (§5.8), at most 64 bytes. */
  version: string;
}

export const RX_DEFAULTS: Readonly<Omit<RxOptions, 'keepaliveInterval'>> = {
  deadTime: 12_000,
  idleDeadTime: 0,
  initialRto: 2_000,
  minRto: 220,
  maxRto: 8_000,
  softAckDelay: 100,
  lastAckDelay: 400,
  challengeInterval: 2_000,
  window: 32,
  sendQueueLimit: 64,
  maxPayload: RX_DEFAULT_PAYLOAD,
  tickInterval: 10,
  version: 'tapecoord 0.1.0 (Rx compatible with OpenAFS 1.8)',
};

export function resolveOptions(o: Partial<RxOptions> = {}): RxOptions {
  const deadTime = o.deadTime ?? RX_DEFAULTS.deadTime;
  return { ...RX_DEFAULTS, ...o, deadTime, keepaliveInterval: o.keepaliveInterval ?? Math.max(1, Math.floor(deadTime / 6)) };
}
