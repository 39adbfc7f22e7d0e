import {
  RX_CALL_DEAD, RX_CHANNEL_MASK, RX_CLIENT_INITIATED, RX_MAX_RECEIVE_WINDOW, RX_MAXCALLS, RX_PACKET_TYPE_ABORT, RX_PACKET_TYPE_ACK,
  RX_PACKET_TYPE_ACKALL, RX_PACKET_TYPE_BUSY, RX_PACKET_TYPE_CHALLENGE, RX_PACKET_TYPE_DATA,
  RX_PACKET_TYPE_RESPONSE, RX_PROTOCOL_ERROR,
} from './constants.js';
import { RxAbort, RxCallError } from './errors.js';
import { RxCall } from './call.js';
import type { RxOptions } from './options.js';
import { encodePacket, type RxHeader } from './packet.js';
import type { RxPeer } from './peer.js';
import type { RxConnectionSecurity } from './security.js';

/** What a connection needs from the endpoint that owns its socket. */
export interface RxTransport {
  readonly options: RxOptions;
  now(): number;
  sendDatagram(peer: RxPeer, datagram: Buffer): void;
  /** Put a call on the timer list. */
  watch(call: RxCall): void;
  /** Server side: a call may start its handler. */
  dispatch(call: RxCall): void;
}

interface Channel {
  /** The current (or last) call number on this channel; the next client call uses +1. */
  callNumber: number;
  call: RxCall | undefined;
  /** When the server last said BUSY on this channel (ms; 0 = not busy). */
  lastBusy: number;
}

/**
 * An Rx connection (BUTC-SPEC §5.4): (peer, epoch, cid with the channel bits clear), a service and a
 * security class, four channels each carrying one call at a time, and the per-direction serial counter
 * that numbers every packet we send on it (§5.2).
 */
export class RxConnection {
  readonly transport: RxTransport;
  readonly peer: RxPeer;
  readonly epoch: number;
  /** Connection ID, channel bits clear. */
  readonly cid: number;
  readonly serviceId: number;
  readonly securityIndex: number;
  readonly isClient: boolean;
  readonly security: RxConnectionSecurity;
  readonly channels: Channel[];
  /** Set when the connection is in error (a connection ABORT, §5.4). */
  error: number | undefined;
  private serial = 0;
  private channelWaiters: Array<() => void> = [];
  private challengeSentAt = 0;
  lastUsed: number;

  constructor(transport: RxTransport, peer: RxPeer, init: {
    epoch: number; cid: number; serviceId: number; securityIndex: number; isClient: boolean; security: RxConnectionSecurity;
  }) {
    this.transport = transport;
    this.peer = peer;
    this.epoch = init.epoch >>> 0;
    this.cid = (init.cid & ~RX_CHANNEL_MASK) >>> 0;
    this.serviceId = init.serviceId;
    this.securityIndex = init.securityIndex;
    this.isClient = init.isClient;
    this.security = init.security;
    this.channels = Array.from({ length: RX_MAXCALLS }, () => ({ callNumber: 0, call: undefined, lastBusy: 0 }));
    this.lastUsed = transport.now();
  }

  get options(): RxOptions {
    return this.transport.options;
  }

  now(): number {
    return this.transport.now();
  }

  get where(): string {
    return `Rx ${this.isClient ? 'to' : 'from'} ${this.peer.key} service ${this.serviceId} conn ${this.epoch.toString(16)}/${this.cid.toString(16)}`;
  }

  watch(call: RxCall): void {
    this.transport.watch(call);
  }

  // ---------------------------------------------------------------- sending

  /** Builds the header for a packet on this connection (CLIENT_INITIATED on the client side, §5.3). */
  header(type: number, flags: number, channel: number, callNumber: number, seq: number, checksum: number): RxHeader {
    this.serial = (this.serial + 1) >>> 0 || 1;
    return {
      epoch: this.epoch,
      cid: (this.cid | channel) >>> 0,
      callNumber,
      seq,
      serial: this.serial,
      type,
      flags: this.isClient ? flags | RX_CLIENT_INITIATED : flags & ~RX_CLIENT_INITIATED,
      userStatus: 0,
      securityIndex: this.securityIndex,
      checksum,
      serviceId: this.serviceId,
    };
  }

  /** Sends one packet; returns the serial it used. */
  sendPacket(type: number, flags: number, channel: number, callNumber: number, seq: number, payload: Buffer, checksum: number): number {
    const h = this.header(type, flags, channel, callNumber, seq, checksum);
    this.transport.sendDatagram(this.peer, encodePacket({ header: h, payload }));
    this.lastUsed = this.now();
    return h.serial;
  }

  sendAbort(channel: number, callNumber: number, code: number): void {
    const body = Buffer.alloc(4);
    body.writeInt32BE(code | 0);
    this.sendPacket(RX_PACKET_TYPE_ABORT, 0, channel, callNumber, 0, body, 0);
  }

  // ---------------------------------------------------------------- client side

  /**
   * A new call on a free channel, waiting for one if all four are busy. Channels the server recently
   * answered BUSY on are used last (as rx_NewCall does).
   */
  async newCall(): Promise<RxCall> {
    for (;;) {
      if (this.error !== undefined) throw new RxCallError(this.error, true, this.where, 'connection aborted');
      let best: Channel | undefined;
      let bestIndex = -1;
      this.channels.forEach((ch, i) => {
        const free = !ch.call || ch.call.state === 'done' || ch.call.state === 'error';
        if (free && (!best || ch.lastBusy < best.lastBusy)) {
          best = ch;
          bestIndex = i;
        }
      });
      if (best) {
        best.callNumber = (best.callNumber + 1) >>> 0;
        const call = new RxCall(this, bestIndex, best.callNumber);
        best.call = call;
        this.transport.watch(call);
        return call;
      }
      await new Promise<void>((resolve) => this.channelWaiters.push(resolve));
    }
  }

  /** The call numbers per channel as rxkad's RESPONSE reports them (§5.10.3). */
  currentCallNumbers(): number[] {
    return this.channels.map((ch) => {
      const active = ch.call && ch.call.state === 'active';
      return active ? ch.callNumber : ch.callNumber + 1;
    });
  }

  // ---------------------------------------------------------------- receiving

  /** A packet for this connection, already matched by the endpoint. */
  receive(h: RxHeader, payload: Buffer): void {
    this.lastUsed = this.now();
    if (this.error !== undefined) {
      // a connection in error answers every non-ABORT packet with a connection ABORT (§5.4)
      if (h.type !== RX_PACKET_TYPE_ABORT) this.sendAbort(0, 0, this.error);
      return;
    }
    if (h.callNumber === 0) {
      this.receiveConnectionPacket(h, payload);
      return;
    }
    const channel = h.cid & RX_CHANNEL_MASK;
    const call = this.isClient ? this.clientCall(h, channel) : this.serverCall(h, channel);
    if (!call) return;
    switch (h.type) {
      case RX_PACKET_TYPE_DATA:
        call.receiveData(h, payload);
        if (!this.isClient) this.maybeDispatch(call);
        break;
      case RX_PACKET_TYPE_ACK:
        call.receiveAck(h, payload);
        break;
      case RX_PACKET_TYPE_BUSY:
        this.channels[channel]!.lastBusy = this.now();
        call.receiveBusy();
        break;
      case RX_PACKET_TYPE_ABORT:
        call.receiveAbort(payload.length >= 4 ? payload.readInt32BE(0) : RX_PROTOCOL_ERROR);
        break;
      case RX_PACKET_TYPE_ACKALL:
        call.receiveAckAll();
        break;
      default:
        // unexpected type for a call: the peer is broken (rxi_ReceivePacket's default case)
        call.abort(RX_PROTOCOL_ERROR, `unexpected packet type ${h.type}`);
    }
  }

  private clientCall(h: RxHeader, channel: number): RxCall | undefined {
    const ch = this.channels[channel]!;
    if (!ch.call || ch.callNumber !== h.callNumber) return undefined;
    return ch.call;
  }

  /** rxi_ReceiveServerCall's rules (§5.4). */
  private serverCall(h: RxHeader, channel: number): RxCall | undefined {
    const ch = this.channels[channel]!;
    if (h.callNumber < ch.callNumber) return undefined;
    if (h.callNumber === ch.callNumber && ch.call) return ch.call;
    // a new call number: only a DATA packet early in a call creates it
    if (h.type !== RX_PACKET_TYPE_DATA || h.seq > RX_MAX_RECEIVE_WINDOW) return undefined;
    const old = ch.call;
    if (old && old.state === 'active' && old.dispatched) {
      // the channel still runs call k: BUSY, and call k ends with RX_CALL_DEAD (§5.4)
      old.fail(new RxCallError(RX_CALL_DEAD, false, old.where, `client started call ${h.callNumber} on the same channel`));
      this.sendPacket(RX_PACKET_TYPE_BUSY, 0, channel, h.callNumber, 0, Buffer.alloc(0), 0);
      return undefined;
    }
    old?.supersede();
    ch.callNumber = h.callNumber;
    const call = new RxCall(this, channel, h.callNumber);
    ch.call = call;
    this.transport.watch(call);
    return call;
  }

  private maybeDispatch(call: RxCall): void {
    if (call.dispatched || call.state !== 'active') return;
    if (this.security.authenticated) {
      call.dispatched = true;
      this.transport.dispatch(call);
    } else {
      this.sendChallenge();
    }
  }

  /** Server side: send (or resend, every challengeInterval) a CHALLENGE while calls wait (§5.8, §5.10.3). */
  sendChallenge(force = false): void {
    const now = this.now();
    if (!force && this.challengeSentAt && now - this.challengeSentAt < this.options.challengeInterval) return;
    const body = this.security.createChallenge?.();
    if (!body) return;
    this.challengeSentAt = now;
    this.sendPacket(RX_PACKET_TYPE_CHALLENGE, 0, 0, 0, 0, body, 0);
  }

  /** Server side: calls waiting for authentication (the endpoint's ticker resends challenges for them). */
  hasWaitingCalls(): boolean {
    return this.channels.some((ch) => ch.call && ch.call.state === 'active' && !ch.call.dispatched);
  }

  private receiveConnectionPacket(h: RxHeader, payload: Buffer): void {
    switch (h.type) {
      case RX_PACKET_TYPE_ABORT:
        this.fail(payload.length >= 4 ? payload.readInt32BE(0) : RX_PROTOCOL_ERROR, true);
        break;
      case RX_PACKET_TYPE_CHALLENGE:
        if (this.isClient && this.security.respond) {
          let response: Buffer;
          try {
            response = this.security.respond(payload, this.currentCallNumbers());
          } catch (err) {
            this.failAndAbort(err);
            return;
          }
          this.sendPacket(RX_PACKET_TYPE_RESPONSE, 0, 0, 0, 0, response, 0);
        }
        break;
      case RX_PACKET_TYPE_RESPONSE:
        if (!this.isClient && this.security.checkResponse && !this.security.authenticated) {
          try {
            this.security.checkResponse(payload);
          } catch (err) {
            this.failAndAbort(err);
            return;
          }
          for (const ch of this.channels) if (ch.call) this.maybeDispatch(ch.call);
        }
        break;
      default:
        break; // ACKs and others with call number 0 carry nothing for us
    }
  }

  private failAndAbort(err: unknown): void {
    const code = err instanceof RxAbort ? err.code : RX_PROTOCOL_ERROR;
    this.sendAbort(0, 0, code);
    this.fail(code, false);
  }

  /** Puts the connection in error: every call fails with `code` (§5.4). */
  fail(code: number, remote: boolean): void {
    this.error = code;
    for (const ch of this.channels) ch.call?.fail(new RxCallError(code, remote, ch.call.where, 'connection aborted'));
    for (const w of this.channelWaiters.splice(0)) w();
  }

  /** A call finished or failed: its channel is free for the next call. */
  callDone(): void {
    const w = this.channelWaiters.shift();
    if (w) w();
  }

  /** True when no call on this connection is in progress. */
  idle(): boolean {
    return this.channels.every((ch) => !ch.call || ch.call.state === 'done' || ch.call.state === 'error');
  }
}
