import { RxEndpoint, type RxEndpointInit } from './endpoint.js';
import type { RxService } from './service.js';

/**
 * RxServer: an endpoint bound to a fixed address and port (butc: UDP 7025 + port offset, BUTC-SPEC §3.1)
 * serving services by serviceId. Client connections made through `endpoint` leave from the same port,
 * as OpenAFS servers' outgoing calls do (§5.1).
 */
export class RxServer {
  readonly endpoint: RxEndpoint;

  private constructor(endpoint: RxEndpoint) {
    this.endpoint = endpoint;
  }

  static async listen(init: RxEndpointInit & { services?: readonly RxService[] } = {}): Promise<RxServer> {
    const server = new RxServer(await RxEndpoint.open(init));
    for (const s of init.services ?? []) server.addService(s);
    return server;
  }

  addService(service: RxService): void {
    this.endpoint.addService(service);
  }

  address(): { address: string; port: number } {
    return this.endpoint.address();
  }

  close(): Promise<void> {
    return this.endpoint.close();
  }
}
