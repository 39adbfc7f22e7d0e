import dgram from 'node:dgram';
import { decodePacket, encodePacket, type RxHeader, type RxPacket } from '../../../lib/rx/packet.js';

/** A hand-driven Rx peer: sends packets we build byte by byte and collects what comes back. */
export class RawPeer {
  readonly received: RxPacket[] = [];
  private readonly socket: dgram.Socket;
  private waiters: Array<() => void> = [];

  private constructor(socket: dgram.Socket) {
    this.socket = socket;
    socket.on('message', (msg) => {
      this.received.push(decodePacket(Buffer.from(msg)));
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static async open(): Promise<RawPeer> {
    const s = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
    return new RawPeer(s);
  }

  send(port: number, header: Partial<RxHeader> & Pick<RxHeader, 'type'>, payload: Buffer = Buffer.alloc(0)): void {
    const h: RxHeader = {
      epoch: 0x80001234, cid: 0x1000, callNumber: 1, seq: 0, serial: 1, flags: 1, userStatus: 0,
      securityIndex: 0, checksum: 0, serviceId: 1, ...header,
    };
    this.socket.send(encodePacket({ header: h, payload }), port, '127.0.0.1');
  }

  sendRaw(port: number, datagram: Buffer): void {
    this.socket.send(datagram, port, '127.0.0.1');
  }

  /** The first received packet (in arrival order, consumed) matching `pred`, or an error after `ms`. */
  async next(pred: (p: RxPacket) => boolean, ms = 2000): Promise<RxPacket> {
    const deadline = Date.now() + ms;
    for (;;) {
      const i = this.received.findIndex(pred);
      if (i >= 0) return this.received.splice(i, 1)[0]!;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching packet within ${ms} ms; got types ${this.received.map((p) => p.header.type).join(',')}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}
