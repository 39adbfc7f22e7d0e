import { randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import { performance } from 'node:perf_hooks';
import type { RxCall } from './call.js';
import {
  RX_CALL_DEAD, RX_CHANNEL_MASK, RX_CLIENT_INITIATED, RX_INVALID_OPERATION, RX_JUMBO_PACKET, RX_PACKET_TYPE_ABORT,
  RX_PACKET_TYPE_DATA, RX_PACKET_TYPE_DEBUG, RX_PACKET_TYPE_VERSION, RX_USER_ABORT,
} from './constants.js';
import { RxConnection, type RxTransport } from './connection.js';
import { debugReply, versionReply } from './debug.js';
import { RxAbort, RxBindError, RxCallError, RxPacketError } from './errors.js';
import { resolveOptions, type RxOptions } from './options.js';
import { decodePacket, encodePacket, splitJumbogram, type RxHeader } from './packet.js';
import { RxPeer } from './peer.js';
import type { RxSecurityClass } from './security.js';
import type { RxService } from './service.js';

export interface RxEndpointInit {
  /** Bind address; default 0.0.0.0. */
  address?: string;
  /** UDP port; 0 = ephemeral (default). */
  port?: number;
  options?: Partial<RxOptions>;
}

/**
 * RxEndpoint: one UDP socket used for everything (BUTC-SPEC §5.1), with the connection tables of both
 * sides, the services it serves, the peers, and one timer that drives every active call.
 * Incoming packets are demultiplexed by CLIENT_INITIATED (which table), epoch and cid (§5.2, §5.10.8).
 */
export class RxEndpoint implements RxTransport {
  readonly options: RxOptions;
  /** Our epoch as a client: random, bit 31 set, bit 30 clear (§5.2). */
  readonly epoch: number;
  /** Called with errors that have no caller to go to (a handler that threw, a send failure). */
  onError: ((err: Error) => void) | undefined;
  readonly stats = { datagramsReceived: 0, datagramsSent: 0, malformed: 0, dropped: 0, callsExecuted: 0 };

  private readonly socket: dgram.Socket;
  private nextCid: number;
  private readonly peers = new Map<string, RxPeer>();
  private readonly clientConns = new Map<number, RxConnection>();
  private readonly serverConns = new Map<string, RxConnection>();
  private readonly services = new Map<number, RxService>();
  private readonly watched = new Set<RxCall>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(socket: dgram.Socket, options: RxOptions) {
    this.socket = socket;
    this.options = options;
    this.epoch = (0x80000000 | randomInt(0, 0x40000000)) >>> 0;
    this.nextCid = (randomInt(0, 0x40000000) << 2) >>> 0;
    socket.on('message', (msg, rinfo) => this.receiveDatagram(msg, rinfo.address, rinfo.port));
    socket.on('error', (err) => this.onError?.(err));
  }

  static async open(init: RxEndpointInit = {}): Promise<RxEndpoint> {
    const address = init.address ?? '0.0.0.0';
    const port = init.port ?? 0;
    const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 1 << 20, sendBufferSize: 1 << 20 });
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error): void => reject(new RxBindError(address, port, err));
      socket.once('error', onError);
      socket.bind({ address, port, exclusive: true }, () => {
        socket.off('error', onError);
        resolve();
      });
    });
    return new RxEndpoint(socket, resolveOptions(init.options));
  }

  /** The bound address and port. */
  address(): { address: string; port: number } {
    const a = this.socket.address();
    return { address: a.address, port: a.port };
  }

  now(): number {
    return performance.now();
  }

  addService(service: RxService): void {
    this.services.set(service.serviceId, service);
  }

  /** A new client connection to host:port (an IPv4 literal) for `serviceId` with `security` (§5.4). */
  connect(host: string, port: number, serviceId: number, security: RxSecurityClass): RxConnection {
    if (this.closed) throw new RxCallError(RX_CALL_DEAD, false, `Rx to ${host}:${port}`, 'endpoint closed');
    const cid = this.nextCid;
    this.nextCid = (this.nextCid + RX_CHANNEL_MASK + 1) >>> 0;
    const init = { epoch: this.epoch, cid, serviceId, securityIndex: security.index, isClient: true };
    const conn = new RxConnection(this, this.peer(host, port), { ...init, security: security.newConnection(init) });
    this.clientConns.set(conn.cid, conn);
    return conn;
  }

  /** Forgets a client connection (its calls should be finished). */
  release(conn: RxConnection): void {
    if (this.clientConns.get(conn.cid) === conn) this.clientConns.delete(conn.cid);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const call of this.watched) call.fail(new RxCallError(RX_CALL_DEAD, false, call.where, 'endpoint closed'));
    this.watched.clear();
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }

  // ---------------------------------------------------------------- RxTransport

  sendDatagram(peer: RxPeer, datagram: Buffer): void {
    if (this.closed) return;
    this.stats.datagramsSent++;
    this.socket.send(datagram, peer.port, peer.host, (err) => {
      if (err) this.onError?.(err);
    });
  }

  watch(call: RxCall): void {
    if (this.closed) return;
    this.watched.add(call);
    if (!this.timer) this.timer = setInterval(() => this.tick(), this.options.tickInterval);
  }

  dispatch(call: RxCall): void {
    const service = this.services.get(call.conn.serviceId);
    if (!service) {
      call.abort(RX_INVALID_OPERATION, 'no such service');
      return;
    }
    this.stats.callsExecuted++;
    void this.runHandler(service, call);
  }

  private async runHandler(service: RxService, call: RxCall): Promise<void> {
    try {
      await service.handleCall(call);
      call.handlerDone();
    } catch (err) {
      if (err instanceof RxAbort) {
        call.abort(err.code, err.message);
      } else if (err instanceof RxCallError && call.error) {
        // the call already failed (peer abort, dead peer); nothing more to send
      } else {
        call.abort(RX_USER_ABORT, err instanceof Error ? err.message : String(err));
        this.onError?.(err instanceof Error ? err : new Error(String(err)));
      }
    }
  }

  // ---------------------------------------------------------------- timers

  private tick(): void {
    const now = this.now();
    for (const call of this.watched) {
      if (!call.tick(now)) this.watched.delete(call);
    }
    for (const conn of this.serverConns.values()) {
      if (conn.hasWaitingCalls()) conn.sendChallenge();
    }
    if (this.watched.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
      this.collectIdleConnections(now);
    }
  }

  /** Drops server connections with no call in progress and no traffic for a while (§5.8: idle GC). */
  private collectIdleConnections(now: number): void {
    const idleFor = Math.max(60_000, this.options.deadTime * 5);
    for (const [key, conn] of this.serverConns) {
      if (conn.idle() && now - conn.lastUsed > idleFor) this.serverConns.delete(key);
    }
  }

  // ---------------------------------------------------------------- receiving

  private peer(host: string, port: number): RxPeer {
    const key = `${host}:${port}`;
    let p = this.peers.get(key);
    if (!p) {
      p = new RxPeer(host, port, this.options);
      this.peers.set(key, p);
    }
    return p;
  }

  private receiveDatagram(msg: Buffer, host: string, port: number): void {
    this.stats.datagramsReceived++;
    let packet;
    try {
      packet = decodePacket(msg);
    } catch (err) {
      if (!(err instanceof RxPacketError)) throw err;
      this.stats.malformed++;
      return;
    }
    const h = packet.header;
    if (h.type === RX_PACKET_TYPE_VERSION) {
      const reply = versionReply(h, this.options.version);
      if (reply) this.sendDatagram(this.peer(host, port), reply);
      return;
    }
    if (h.type === RX_PACKET_TYPE_DEBUG) {
      const reply = debugReply(h, packet.payload, { callsExecuted: this.stats.callsExecuted });
      if (reply) this.sendDatagram(this.peer(host, port), reply);
      return;
    }
    let parts;
    try {
      parts = h.type === RX_PACKET_TYPE_DATA && h.flags & RX_JUMBO_PACKET ? splitJumbogram(packet) : [packet];
    } catch (err) {
      if (!(err instanceof RxPacketError)) throw err;
      this.stats.malformed++;
      return;
    }
    const conn = h.flags & RX_CLIENT_INITIATED ? this.serverConnection(h, host, port) : this.clientConnection(h, host, port);
    if (!conn) {
      this.stats.dropped++;
      return;
    }
    for (const p of parts) conn.receive(p.header, p.payload);
  }

  private clientConnection(h: RxHeader, host: string, port: number): RxConnection | undefined {
    if (h.epoch !== this.epoch) return undefined;
    const conn = this.clientConns.get((h.cid & ~RX_CHANNEL_MASK) >>> 0);
    if (!conn || conn.peer.host !== host || conn.peer.port !== port) return undefined;
    if (h.securityIndex !== conn.securityIndex && h.type !== RX_PACKET_TYPE_ABORT) return undefined;
    return conn;
  }

  /** Finds or creates the server side of a connection (§5.4, §5.10.8 step 2). */
  private serverConnection(h: RxHeader, host: string, port: number): RxConnection | undefined {
    const cid = (h.cid & ~RX_CHANNEL_MASK) >>> 0;
    // epoch bit 31: match by (epoch, cid) alone even if the peer's address changed (§5.2)
    const key = h.epoch & 0x80000000 ? `${h.epoch}/${cid}` : `${h.epoch}/${cid}/${host}:${port}`;
    const existing = this.serverConns.get(key);
    if (existing) {
      // a mismatched security index on an existing connection is dropped (§5.2)
      if (h.securityIndex !== existing.securityIndex || h.serviceId !== existing.serviceId) return undefined;
      return existing;
    }
    if (h.type !== RX_PACKET_TYPE_DATA) return undefined;
    const service = this.services.get(h.serviceId);
    const security = service?.securityClass(h.securityIndex);
    if (!service || !security) {
      this.sendRawAbort(h, host, port, RX_INVALID_OPERATION);
      return undefined;
    }
    const init = { epoch: h.epoch, cid, serviceId: h.serviceId, securityIndex: h.securityIndex, isClient: false };
    const conn = new RxConnection(this, this.peer(host, port), { ...init, security: security.newConnection(init) });
    this.serverConns.set(key, conn);
    this.collectIdleConnections(this.now());
    return conn;
  }

  /** An ABORT without connection state, answering `h` (rxi_SendRawAbort; §5.4). */
  private sendRawAbort(h: RxHeader, host: string, port: number, code: number): void {
    const body = Buffer.alloc(4);
    body.writeInt32BE(code);
    const header: RxHeader = {
      epoch: h.epoch, cid: h.cid, callNumber: h.callNumber, seq: 0, serial: 1, type: RX_PACKET_TYPE_ABORT,
      flags: h.flags & RX_CLIENT_INITIATED ? 0 : RX_CLIENT_INITIATED, userStatus: 0, securityIndex: h.securityIndex,
      checksum: 0, serviceId: h.serviceId,
    };
    this.sendDatagram(this.peer(host, port), encodePacket({ header, payload: body }));
  }
}
