/**
 * RxPeer: per remote host:port state shared by all connections to it: the round-trip estimate and
 * retransmission timeout (RFC 6298 rules, clamped as BUTC-SPEC §5.5 describes) and what the peer
 * advertised in its ACK trailers (§5.7).
 */
export class RxPeer {
  readonly host: string;
  readonly port: number;
  /** Smoothed RTT and its variance in ms; undefined before the first sample. */
  srtt: number | undefined;
  rttvar = 0;
  /** Current retransmission timeout in ms. */
  rto: number;
  /** From the peer's ACK trailer: its interface MTU (whole packet) and receive window. */
  ifMTU: number | undefined;
  private readonly minRto: number;
  private readonly maxRto: number;

  constructor(host: string, port: number, timing: { initialRto: number; minRto: number; maxRto: number }) {
    this.host = host;
    this.port = port;
    this.rto = timing.initialRto;
    this.minRto = timing.minRto;
    this.maxRto = timing.maxRto;
  }

  get key(): string {
    return `${this.host}:${this.port}`;
  }

  /** A measured round trip (from an ACK echoing the serial of a packet sent once, so no Karn ambiguity). */
  sample(rtt: number): void {
    if (this.srtt === undefined) {
      this.srtt = rtt;
      this.rttvar = rtt / 2;
    } else {
      this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - rtt);
      this.srtt = 0.875 * this.srtt + 0.125 * rtt;
    }
    this.rto = clamp(this.srtt + Math.max(10, 4 * this.rttvar), this.minRto, this.maxRto);
  }

  /** A retransmission timer fired: double the timeout (RFC 6298 §5.5). */
  backoff(): void {
    this.rto = clamp(this.rto * 2, this.minRto, this.maxRto);
  }
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
