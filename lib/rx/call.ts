import { decodeAck, encodeAck, type RxAck } from './ack.js';
import {
  RX_ACK_DELAY, RX_ACK_DUPLICATE, RX_ACK_EXCEEDS_WINDOW, RX_ACK_IDLE, RX_ACK_OUT_OF_SEQUENCE, RX_ACK_PING,
  RX_ACK_PING_RESPONSE, RX_ACK_REQUESTED, RX_CALL_DEAD, RX_CALL_TIMEOUT, RX_HEADER_SIZE, RX_LAST_PACKET,
  RX_PACKET_TYPE_ACK, RX_PACKET_TYPE_DATA, RX_PROTOCOL_ERROR, RX_REQUEST_ACK, RX_SLOW_START_OK,
  RX_USER_ABORT,
} from './constants.js';
import { RxAbort, RxCallError, RxPacketError } from './errors.js';
import type { RxConnection } from './connection.js';
import type { RxHeader } from './packet.js';

/**
 * One Rx call on one channel of a connection, either side (BUTC-SPEC §5.4-5.8). It carries a byte
 * stream each way: DATA packets numbered from 1, the last one flagged LAST_PACKET.
 *
 * Sending: write() cuts the stream into packets of the connection's payload size and keeps the packet
 * being filled until more bytes arrive or end() (so the final packet carries LAST_PACKET); packets go
 * out within min(cwind, the peer's rwind, our window) of the lowest unacknowledged seq; write() waits
 * when too many are queued (back-pressure). Congestion control is slow start / congestion avoidance on
 * cwind, halved on NACK-driven fast retransmit and reset to 1 on a retransmission timeout (§5.5).
 *
 * Receiving: packets are buffered by seq; out-of-order ones are soft-acked; `firstPacket` in our ACKs
 * (the hard ack) only advances as the application consumes data, so a slow reader closes the
 * sender's window (back-pressure). ACK timing follows §5.7.
 *
 * States: `active` (in progress), `dally` (server: reply sent, waiting for its ACK), `done`, `error`.
 * A finished call stays on its channel until the next call number replaces it, to answer retransmitted
 * packets.
 */
export type RxCallState = 'active' | 'dally' | 'done' | 'error';

interface TxPacket {
  seq: number;
  /** Wire payload, after the security class's preparePacket. */
  payload: Buffer;
  checksum: number;
  last: boolean;
  /** Serial of the latest transmission (0 = never sent). */
  serial: number;
  sentAt: number;
  /** Queued for (re)transmission. */
  pending: boolean;
  softAcked: boolean;
  retransmits: number;
}

interface RxEntry {
  payload: Buffer;
  checksum: number;
  last: boolean;
}

export class RxCall {
  readonly conn: RxConnection;
  readonly channel: number;
  readonly callNumber: number;
  readonly isClient: boolean;
  state: RxCallState = 'active';
  error: RxCallError | undefined;
  /** Server side: the handler has been started. */
  dispatched = false;

  // transmit side
  private txNextSeq = 1;
  private txChunks: Buffer[] = [];
  private txChunkBytes = 0;
  private txQueue: TxPacket[] = [];
  /** All seq below this are hard-acked. */
  private txFirst = 1;
  private txEnded = false;
  private cwind = 2;
  private ssthresh: number;
  private peerRwind = 16;
  private recoverySeq = 0;
  private drainWaiters: Array<() => void> = [];
  private ackedWaiters: Array<() => void> = [];

  // receive side
  private rxNext = 1;
  private rxQueue = new Map<number, RxEntry>();
  private rxHighest = 0;
  private rxEof = false;
  private readWaiter: { resolve: () => void } | undefined;
  private readWaitStart = 0;
  private ackDue = 0;
  private packetsSinceAck = 0;
  private lastAckFirst = 1;

  // timers
  lastReceiveTime: number;
  private lastDataTime: number;
  private lastSendTime: number;
  private pingSerial = 0;
  private pingSentAt = 0;
  private lastAbortSent = 0;
  private abortCode = 0;

  /** Counters for tests and diagnostics. */
  readonly stats = { dataSent: 0, retransmits: 0, fastRetransmits: 0, timeouts: 0, acksSent: 0, acksReceived: 0, duplicates: 0, pingsSent: 0 };

  constructor(conn: RxConnection, channel: number, callNumber: number) {
    this.conn = conn;
    this.channel = channel;
    this.callNumber = callNumber;
    this.isClient = conn.isClient;
    this.ssthresh = conn.options.window;
    const now = conn.now();
    this.lastReceiveTime = now;
    this.lastDataTime = now;
    this.lastSendTime = now;
  }

  get where(): string {
    return `${this.conn.where} call ${this.callNumber}/${this.channel}`;
  }

  // ---------------------------------------------------------------- application side: writing

  /** Appends bytes to this side's stream; resolves when the send queue has room again. */
  async write(data: Uint8Array): Promise<void> {
    this.checkWritable();
    if (data.length) {
      this.txChunks.push(Buffer.from(data.buffer, data.byteOffset, data.length));
      this.txChunkBytes += data.length;
    }
    const size = this.userDataSize();
    while (this.txChunkBytes > size) this.queuePacket(this.takeBytes(size), false);
    this.pump();
    const limit = this.conn.options.window + this.conn.options.sendQueueLimit;
    while (this.state !== 'error' && this.txQueue.length >= limit) {
      await new Promise<void>((resolve) => this.drainWaiters.push(resolve));
    }
    if (this.error) throw this.error;
  }

  /**
   * Sends the packet being filled now, without LAST_PACKET (rx_FlushWrite without ending): for
   * streams whose peer must see bytes before more are written.
   */
  flush(): void {
    this.checkWritable();
    if (this.txChunkBytes) this.queuePacket(this.takeBytes(this.txChunkBytes), false);
    this.pump();
  }

  /** Ends this side's stream: the last packet (possibly empty) goes out with LAST_PACKET. */
  end(): void {
    if (this.txEnded || this.state === 'error' || this.state === 'done') return;
    this.queuePacket(this.takeBytes(this.txChunkBytes), true);
    this.txEnded = true;
    this.pump();
  }

  /** Resolves when everything this side sent has been acknowledged (or rejects on error). */
  async flushed(): Promise<void> {
    while (this.state !== 'error' && this.txQueue.length > 0) {
      await new Promise<void>((resolve) => this.ackedWaiters.push(resolve));
    }
    if (this.error) throw this.error;
  }

  // ---------------------------------------------------------------- application side: reading

  /**
   * The next chunk of the peer's stream, or null at its end. A client that has not ended its request
   * ends it first (as rx_Read does).
   */
  async read(): Promise<Buffer | null> {
    if (this.isClient && !this.txEnded) this.end();
    for (;;) {
      if (this.error) throw this.error;
      const e = this.rxQueue.get(this.rxNext);
      if (e) {
        this.rxQueue.delete(this.rxNext);
        const seq = this.rxNext++;
        if (e.last) this.rxEof = true;
        let data: Buffer;
        try {
          data = this.conn.security.checkPacket({ callNumber: this.callNumber, channel: this.channel, seq }, e.payload, e.checksum);
        } catch (err) {
          this.abort(err instanceof RxAbort ? err.code : RX_PROTOCOL_ERROR);
          throw this.error ?? err;
        }
        this.afterConsume();
        if (data.length) return data;
        continue;
      }
      if (this.rxEof) return null;
      this.readWaitStart = this.conn.now();
      await new Promise<void>((resolve) => { this.readWaiter = { resolve }; });
      this.readWaiter = undefined;
    }
  }

  /** Reads exactly `n` bytes (or fewer at end of stream). */
  async readBytes(n: number): Promise<Buffer> {
    const parts: Buffer[] = [];
    let have = 0;
    while (have < n) {
      const chunk = this.pending ?? (await this.read());
      this.pending = undefined;
      if (!chunk) break;
      const want = n - have;
      if (chunk.length > want) {
        parts.push(chunk.subarray(0, want));
        this.pending = chunk.subarray(want);
        have = n;
      } else {
        parts.push(chunk);
        have += chunk.length;
      }
    }
    return Buffer.concat(parts, have);
  }
  private pending: Buffer | undefined;

  /** Everything up to the end of the peer's stream. */
  async readAll(): Promise<Buffer> {
    const parts: Buffer[] = [];
    if (this.pending) parts.push(this.pending);
    this.pending = undefined;
    for (let c = await this.read(); c; c = await this.read()) parts.push(c);
    return Buffer.concat(parts);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    if (this.pending) {
      const p = this.pending;
      this.pending = undefined;
      yield p;
    }
    for (let c = await this.read(); c; c = await this.read()) yield c;
  }

  /** Aborts the call with `code` (§5.4): an ABORT packet goes to the peer. */
  abort(code: number = RX_USER_ABORT, detail = 'aborted locally'): void {
    if (this.state === 'error' || this.state === 'done') return;
    this.sendAbort(code);
    this.fail(new RxCallError(code, false, this.where, detail));
  }

  // ---------------------------------------------------------------- packets from the peer

  /** A DATA packet for this call (after jumbogram splitting). */
  receiveData(h: RxHeader, payload: Buffer): void {
    const now = this.conn.now();
    this.lastReceiveTime = now;
    if (this.state === 'error') {
      this.resendAbort(now);
      return;
    }
    if (this.state === 'done' && h.seq >= this.rxNext) return;
    if (this.isClient && this.txEnded) this.implicitAckAll();
    const seq = h.seq;
    if (seq === 0) return;
    if (seq < this.rxNext || this.rxQueue.has(seq)) {
      this.stats.duplicates++;
      this.sendAck(RX_ACK_DUPLICATE, h.serial);
      return;
    }
    if (seq >= this.rxNext + this.conn.options.window) {
      this.sendAck(RX_ACK_EXCEEDS_WINDOW, h.serial);
      return;
    }
    if (this.rxEof || (this.lastSeqKnown() !== undefined && seq > this.lastSeqKnown()!)) {
      // data beyond the packet flagged LAST: a broken peer
      this.abort(RX_PROTOCOL_ERROR, `DATA seq ${seq} after the last packet`);
      return;
    }
    this.lastDataTime = now;
    const last = (h.flags & RX_LAST_PACKET) !== 0;
    this.rxQueue.set(seq, { payload, checksum: h.checksum, last });
    const outOfOrder = seq > this.rxHighest + 1;
    if (seq > this.rxHighest) this.rxHighest = seq;
    this.packetsSinceAck++;
    this.readWaiter?.resolve();

    if (h.flags & RX_REQUEST_ACK) this.sendAck(RX_ACK_REQUESTED, h.serial);
    else if (outOfOrder || this.hasGap()) this.sendAck(RX_ACK_OUT_OF_SEQUENCE, h.serial);
    else if (this.packetsSinceAck >= 2) this.sendAck(RX_ACK_IDLE, h.serial);
    else this.scheduleAck(last ? this.conn.options.lastAckDelay : this.conn.options.softAckDelay);
    this.conn.watch(this);
  }

  /** An ACK packet for this call. */
  receiveAck(h: RxHeader, body: Buffer): void {
    const now = this.conn.now();
    this.lastReceiveTime = now;
    let ack: RxAck;
    try {
      ack = decodeAck(body);
    } catch (err) {
      if (err instanceof RxPacketError) return; // malformed: drop
      throw err;
    }
    this.stats.acksReceived++;
    if (ack.reason === RX_ACK_PING) this.sendAck(RX_ACK_PING_RESPONSE, h.serial);
    if (this.state === 'error' || this.state === 'done') return;
    if (ack.trailer) {
      this.peerRwind = Math.max(1, Math.min(ack.trailer.rwind, 255));
      // the peer's interface MTU bounds our packets; ignore values below the IPv4 minimum datagram
      if (ack.trailer.ifMTU >= 576) this.conn.peer.ifMTU = ack.trailer.ifMTU;
    }

    // round trip: an ACK echoing the serial of one transmission of ours
    if (ack.serial) {
      if (ack.reason === RX_ACK_PING_RESPONSE && ack.serial === this.pingSerial) {
        this.conn.peer.sample(now - this.pingSentAt);
      } else if (ack.reason === RX_ACK_REQUESTED || ack.reason === RX_ACK_IDLE || ack.reason === RX_ACK_OUT_OF_SEQUENCE) {
        const p = this.txQueue.find((q) => q.serial === ack.serial);
        if (p) this.conn.peer.sample(now - p.sentAt);
      }
    }

    let newlyAcked = 0;
    const first = Math.min(ack.firstPacket, this.txNextSeq);
    while (this.txQueue.length && this.txQueue[0]!.seq < first) {
      const p = this.txQueue.shift()!;
      if (!p.softAcked && p.serial) newlyAcked++;
    }
    if (first > this.txFirst) this.txFirst = first;

    let highestSoft = 0;
    const nacked: TxPacket[] = [];
    for (let i = 0; i < ack.acks.length; i++) {
      const seq = ack.firstPacket + i;
      const p = this.findTx(seq);
      if (!p) continue;
      if (ack.acks[i]) {
        if (!p.softAcked) {
          p.softAcked = true;
          if (p.serial) newlyAcked++;
        }
        highestSoft = seq;
      } else {
        p.softAcked = false;
        nacked.push(p);
      }
    }
    // fast retransmit: a packet NACKed by an ACK that a later transmission prompted (§5.5)
    for (const p of nacked) {
      if (p.seq < highestSoft && p.serial && !p.pending && ack.serial && p.serial < ack.serial) {
        if (p.seq > this.recoverySeq) {
          this.ssthresh = Math.max(2, Math.floor(this.cwind / 2));
          this.cwind = this.ssthresh;
          this.recoverySeq = this.txNextSeq - 1;
        }
        p.pending = true;
        this.stats.fastRetransmits++;
      }
    }
    for (let i = 0; i < newlyAcked; i++) {
      this.cwind += this.cwind < this.ssthresh ? 1 : 1 / this.cwind;
    }
    this.cwind = Math.min(this.cwind, this.conn.options.window);
    this.pump();
    this.afterTxProgress();
  }

  /** ACKALL: the peer has everything (§5.3). */
  receiveAckAll(): void {
    this.lastReceiveTime = this.conn.now();
    this.implicitAckAll();
  }

  /** BUSY: the server's channel still runs an older call; keep retrying (OpenAFS mostly ignores it). */
  receiveBusy(): void {
    this.lastReceiveTime = this.conn.now();
  }

  /** ABORT for this call: never answered with an ABORT (§5.3). */
  receiveAbort(code: number): void {
    this.lastReceiveTime = this.conn.now();
    if (this.state === 'error' || this.state === 'done') return;
    this.fail(new RxCallError(code, true, this.where));
  }

  // ---------------------------------------------------------------- timers

  /** Called every tick while watched; returns false when the call needs no more ticks. */
  tick(now: number): boolean {
    if (this.state === 'done' || this.state === 'error') return false;
    const o = this.conn.options;
    if (now - this.lastReceiveTime > o.deadTime) {
      if (this.state === 'dally') {
        this.finish();
      } else {
        this.fail(new RxCallError(RX_CALL_DEAD, false, this.where, `no packet from the peer for ${o.deadTime} ms`));
      }
      return false;
    }
    if (o.idleDeadTime && this.readWaiter && now - Math.max(this.lastDataTime, this.readWaitStart) > o.idleDeadTime) {
      this.abort(RX_CALL_TIMEOUT, `no data for ${o.idleDeadTime} ms while reading`);
      return false;
    }
    if (this.ackDue && now >= this.ackDue) this.sendAck(RX_ACK_DELAY, 0);

    // retransmission timeout on the oldest outstanding packet (§5.5)
    const rto = this.conn.peer.rto;
    let expired = false;
    for (const p of this.txQueue) {
      if (p.serial && !p.pending && !p.softAcked && now - p.sentAt >= rto) {
        p.pending = true;
        expired = true;
      }
    }
    if (expired) {
      this.stats.timeouts++;
      this.conn.peer.backoff();
      this.ssthresh = Math.max(2, Math.floor(this.cwind / 2));
      this.cwind = 1;
      this.recoverySeq = this.txNextSeq - 1;
      this.pump();
    }

    if (this.state === 'active' && now - this.lastSendTime >= o.keepaliveInterval && now - this.lastReceiveTime >= o.keepaliveInterval / 2) {
      this.sendPing();
    }
    return true;
  }

  // ---------------------------------------------------------------- internals: sending

  private checkWritable(): void {
    if (this.error) throw this.error;
    if (this.txEnded || this.state !== 'active') {
      throw new RxCallError(RX_PROTOCOL_ERROR, false, this.where, 'write after end of stream');
    }
  }

  private userDataSize(): number {
    const wire = Math.min(this.conn.options.maxPayload, (this.conn.peer.ifMTU ?? Infinity) - RX_HEADER_SIZE);
    return Math.max(1, this.conn.security.maxUserData(wire));
  }

  private takeBytes(n: number): Buffer {
    if (n === 0) return Buffer.alloc(0);
    const out = Buffer.allocUnsafe(n);
    let off = 0;
    while (off < n) {
      const c = this.txChunks[0]!;
      const take = Math.min(c.length, n - off);
      c.copy(out, off, 0, take);
      off += take;
      if (take === c.length) this.txChunks.shift();
      else this.txChunks[0] = c.subarray(take);
    }
    this.txChunkBytes -= n;
    return out;
  }

  private queuePacket(data: Buffer, last: boolean): void {
    const seq = this.txNextSeq++;
    const { payload, checksum } = this.conn.security.preparePacket({ callNumber: this.callNumber, channel: this.channel, seq }, data);
    this.txQueue.push({ seq, payload, checksum, last, serial: 0, sentAt: 0, pending: true, softAcked: false, retransmits: 0 });
  }

  private findTx(seq: number): TxPacket | undefined {
    const i = seq - (this.txQueue[0]?.seq ?? 0);
    const p = this.txQueue[i];
    return p && p.seq === seq ? p : undefined;
  }

  /** Sends pending packets that fall inside the window. */
  private pump(): void {
    if (this.state === 'error' || this.state === 'done') return;
    const o = this.conn.options;
    const win = Math.max(1, Math.min(Math.floor(this.cwind), this.peerRwind, o.window));
    const limit = this.txFirst + win;
    for (let i = 0; i < this.txQueue.length; i++) {
      const p = this.txQueue[i]!;
      if (p.seq >= limit) break;
      if (!p.pending) continue;
      const resend = p.serial !== 0;
      let flags = p.last ? RX_LAST_PACKET : 0;
      // ask for an ACK on a resend, when the window is now full, and on the first of several (§5.4, §5.5)
      if (resend || p.seq === limit - 1 || (p.seq === 1 && !p.last)) flags |= RX_REQUEST_ACK;
      p.serial = this.conn.sendPacket(RX_PACKET_TYPE_DATA, flags, this.channel, this.callNumber, p.seq, p.payload, p.checksum);
      p.sentAt = this.conn.now();
      p.pending = false;
      this.lastSendTime = p.sentAt;
      this.stats.dataSent++;
      if (resend) {
        p.retransmits++;
        this.stats.retransmits++;
      }
    }
    this.conn.watch(this);
  }

  private implicitAckAll(): void {
    if (this.txQueue.length === 0) return;
    this.txFirst = this.txNextSeq;
    this.txQueue = [];
    this.afterTxProgress();
  }

  private afterTxProgress(): void {
    const limit = this.conn.options.window + this.conn.options.sendQueueLimit;
    if (this.txQueue.length < limit) for (const w of this.drainWaiters.splice(0)) w();
    if (this.txQueue.length === 0) {
      for (const w of this.ackedWaiters.splice(0)) w();
      if (this.state === 'dally' && this.txEnded) this.finish();
    }
  }

  // ---------------------------------------------------------------- internals: receiving and acks

  private lastSeqKnown(): number | undefined {
    for (const [seq, e] of this.rxQueue) if (e.last) return seq;
    return undefined;
  }

  private hasGap(): boolean {
    return this.rxHighest >= this.rxNext && this.rxQueue.size < this.rxHighest - this.rxNext + 1;
  }

  private scheduleAck(delay: number): void {
    const due = this.conn.now() + delay;
    if (!this.ackDue || due < this.ackDue) this.ackDue = due;
  }

  private afterConsume(): void {
    if (this.rxEof && this.isClient) {
      // the client ends the call: flush an ACK for the whole reply at once (§5.4, rx_EndCall)
      this.sendAck(RX_ACK_DELAY, 0);
      this.finish();
      return;
    }
    // like rx_ReadProc: hard-ack at once after more than one consumed packet, else after a delay
    if (this.rxNext - this.lastAckFirst >= 2) this.sendAck(RX_ACK_DELAY, 0);
    else if (this.rxNext > this.lastAckFirst) this.scheduleAck(this.conn.options.softAckDelay);
  }

  /** Builds and sends an ACK describing what we have received (§5.7); returns its serial. */
  sendAck(reason: number, serial: number): number {
    const acks: boolean[] = [];
    const top = Math.min(this.rxHighest, this.rxNext + 254);
    for (let seq = this.rxNext; seq <= top; seq++) acks.push(this.rxQueue.has(seq));
    const o = this.conn.options;
    const body = encodeAck({
      bufferSpace: 0,
      maxSkew: 0,
      firstPacket: this.rxNext,
      previousPacket: this.rxHighest,
      serial,
      reason,
      acks,
      trailer: { maxMTU: o.maxPayload + RX_HEADER_SIZE, ifMTU: o.maxPayload + RX_HEADER_SIZE, rwind: o.window, maxDgramPackets: 1 },
    });
    const flags = RX_SLOW_START_OK | (reason === RX_ACK_PING ? RX_REQUEST_ACK : 0);
    const sent = this.conn.sendPacket(RX_PACKET_TYPE_ACK, flags, this.channel, this.callNumber, 0, body, 0);
    this.lastSendTime = this.conn.now();
    this.lastAckFirst = this.rxNext;
    this.packetsSinceAck = 0;
    this.ackDue = 0;
    this.stats.acksSent++;
    return sent;
  }

  private sendPing(): void {
    this.pingSerial = this.sendAck(RX_ACK_PING, 0);
    this.pingSentAt = this.conn.now();
    this.stats.pingsSent++;
  }

  private sendAbort(code: number): void {
    this.abortCode = code;
    this.lastAbortSent = this.conn.now();
    this.conn.sendAbort(this.channel, this.callNumber, code);
  }

  /** A packet for a call we aborted: repeat the ABORT, at most once per minimum RTO. */
  private resendAbort(now: number): void {
    if (!this.abortCode || now - this.lastAbortSent < this.conn.options.minRto) return;
    this.sendAbort(this.abortCode);
  }

  // ---------------------------------------------------------------- internals: state

  /** Server side: the handler returned and the reply stream is closed. */
  handlerDone(): void {
    if (this.state !== 'active') return;
    this.end();
    this.state = 'dally';
    this.afterTxProgress();
  }

  /**
   * The client started the next call on this channel: a reply still waiting for its ACK is implicitly
   * acknowledged (§5.4); a call that never got going is dropped.
   */
  supersede(): void {
    if (this.state === 'dally') this.finish();
    else if (this.state === 'active') this.fail(new RxCallError(RX_CALL_DEAD, false, this.where, 'superseded by the next call'));
  }

  private finish(): void {
    this.state = 'done';
    this.txQueue = [];
    for (const w of this.ackedWaiters.splice(0)) w();
    for (const w of this.drainWaiters.splice(0)) w();
    this.conn.callDone();
  }

  /** Ends the call with an error, locally (no packet is sent here). */
  fail(err: RxCallError): void {
    if (this.state === 'error' || this.state === 'done') return;
    this.state = 'error';
    this.error = err;
    this.txQueue = [];
    this.rxQueue.clear();
    this.readWaiter?.resolve();
    for (const w of this.drainWaiters.splice(0)) w();
    for (const w of this.ackedWaiters.splice(0)) w();
    this.conn.callDone();
  }
}
