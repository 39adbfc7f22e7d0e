import { lookup } from 'node:dns/promises';
import type { RxCall } from './call.js';
import type { RxConnection } from './connection.js';
import { RxEndpoint } from './endpoint.js';
import type { RxOptions } from './options.js';
import { rxnull, type RxSecurityClass } from './security.js';

export interface RxClientInit {
  host: string;
  port: number;
  serviceId: number;
  /** Default rxnull. */
  security?: RxSecurityClass;
  /** Share an endpoint (for example a server's, so calls leave from its port, §5.1); else one is opened. */
  endpoint?: RxEndpoint;
  /** Options for an endpoint opened here. */
  options?: Partial<RxOptions>;
}

/**
 * RxClient: one client connection to host:port for a service (BUTC-SPEC §5.4). `call` runs a whole RPC
 * on byte buffers; `newCall` gives the call itself for streaming (split) calls: write the request,
 * read the reply as it arrives.
 */
export class RxClient {
  readonly endpoint: RxEndpoint;
  readonly connection: RxConnection;
  private readonly ownsEndpoint: boolean;

  private constructor(endpoint: RxEndpoint, connection: RxConnection, ownsEndpoint: boolean) {
    this.endpoint = endpoint;
    this.connection = connection;
    this.ownsEndpoint = ownsEndpoint;
  }

  static async open(init: RxClientInit): Promise<RxClient> {
    const { address } = await lookup(init.host, { family: 4 });
    const endpoint = init.endpoint ?? (await RxEndpoint.open({ options: init.options }));
    const conn = endpoint.connect(address, init.port, init.serviceId, init.security ?? rxnull);
    return new RxClient(endpoint, conn, !init.endpoint);
  }

  /** A new call; with `opcode`, its 4-byte opcode word is already written (§3.3). */
  async newCall(opcode?: number): Promise<RxCall> {
    const call = await this.connection.newCall();
    if (opcode !== undefined) {
      const word = Buffer.alloc(4);
      word.writeInt32BE(opcode | 0);
      await call.write(word);
    }
    return call;
  }

  /** One RPC: opcode + `args` out, the whole reply back; an ABORT rejects with RxCallError (§5.4). */
  async call(opcode: number, args: Uint8Array = Buffer.alloc(0)): Promise<Buffer> {
    const call = await this.newCall(opcode);
    await call.write(args);
    return call.readAll();
  }

  async close(): Promise<void> {
    this.endpoint.release(this.connection);
    if (this.ownsEndpoint) await this.endpoint.close();
  }
}
