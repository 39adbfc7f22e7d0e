import dgram from 'node:dgram';
import { rng } from '../../helpers/tmp.js';

/** Fault rates for one direction, each 0..1. */
export interface Faults {
  loss?: number;
  duplicate?: number;
  /** Hold a datagram back and send it after the next one (or after 20 ms). */
  reorder?: number;
}

export interface RelayInit {
  /** The server's port on 127.0.0.1. */
  target: number;
  toServer?: Faults;
  toClient?: Faults;
  seed?: number;
}

/**
 * A UDP relay on loopback between one client and one server that injects loss, duplication and
 * reordering with a seeded generator, so failures reproduce. `blackhole` drops everything (a dead
 * peer). Counters tell the tests that faults really happened.
 */
export class FaultRelay {
  readonly counts = { forwarded: 0, lost: 0, duplicated: 0, reordered: 0 };
  blackhole = false;
  /** Sees every datagram that arrives at the relay, before any fault. */
  tap: ((msg: Buffer, toServer: boolean) => void) | undefined;
  toServer: Faults;
  toClient: Faults;
  private readonly socket: dgram.Socket;
  private readonly target: number;
  private client: { address: string; port: number } | undefined;
  private readonly rand: (lo: number, hi: number) => number;
  private held: Array<{ msg: Buffer; port: number; address: string; timer: NodeJS.Timeout } | undefined> = [undefined, undefined];

  private constructor(socket: dgram.Socket, init: RelayInit) {
    this.socket = socket;
    this.target = init.target;
    this.toServer = init.toServer ?? {};
    this.toClient = init.toClient ?? {};
    this.rand = rng(init.seed ?? 1);
    socket.on('message', (msg, rinfo) => this.onMessage(msg, rinfo.address, rinfo.port));
  }

  static async open(init: RelayInit): Promise<FaultRelay> {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return new FaultRelay(socket, init);
  }

  get port(): number {
    return this.socket.address().port;
  }

  close(): Promise<void> {
    for (const h of this.held) if (h) clearTimeout(h.timer);
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }

  private chance(p: number | undefined): boolean {
    return !!p && this.rand(0, 999_999) < p * 1_000_000;
  }

  private onMessage(msg: Buffer, address: string, port: number): void {
    if (this.blackhole) {
      this.counts.lost++;
      return;
    }
    const fromServer = port === this.target && address === '127.0.0.1';
    this.tap?.(msg, !fromServer);
    if (!fromServer) this.client = { address, port };
    const dest = fromServer ? this.client : { address: '127.0.0.1', port: this.target };
    if (!dest) return;
    const faults = fromServer ? this.toClient : this.toServer;
    const dir = fromServer ? 1 : 0;
    if (this.chance(faults.loss)) {
      this.counts.lost++;
      return;
    }
    const copies = this.chance(faults.duplicate) ? 2 : 1;
    if (copies === 2) this.counts.duplicated++;
    if (!this.held[dir] && this.chance(faults.reorder)) {
      this.counts.reordered++;
      const timer = setTimeout(() => this.release(dir), 20);
      this.held[dir] = { msg, port: dest.port, address: dest.address, timer };
      return;
    }
    for (let i = 0; i < copies; i++) this.send(msg, dest.port, dest.address);
    this.release(dir);
  }

  private release(dir: number): void {
    const h = this.held[dir];
    if (!h) return;
    this.held[dir] = undefined;
    clearTimeout(h.timer);
    this.send(h.msg, h.port, h.address);
  }

  private send(msg: Buffer, port: number, address: string): void {
    this.counts.forwarded++;
    this.socket.send(msg, port, address);
  }
}
