import type { Test } from 'tap';
import { RxClient } from '../../../lib/rx/client.js';
import type { RxOptions } from '../../../lib/rx/options.js';
import { RxServer } from '../../../lib/rx/server.js';
import type { RxSecurityClass } from '../../../lib/rx/security.js';
import type { RxService } from '../../../lib/rx/service.js';

/** Short timers so the fault and timeout tests stay fast. */
export const FAST: Partial<RxOptions> = { initialRto: 200, minRto: 30, maxRto: 1000, deadTime: 5000, tickInterval: 5 };

/** A server on 127.0.0.1 (ephemeral port) and a client of service `serviceId`, both closed at teardown. */
export async function startPair(t: Test, services: RxService[], init: {
  serverOptions?: Partial<RxOptions>; clientOptions?: Partial<RxOptions>; serviceId?: number; security?: RxSecurityClass; port?: (serverPort: number) => number;
} = {}): Promise<{ server: RxServer; client: RxClient; serverErrors: Error[] }> {
  const server = await RxServer.listen({ address: '127.0.0.1', services, options: { ...FAST, ...init.serverOptions } });
  const serverErrors: Error[] = [];
  server.endpoint.onError = (e) => serverErrors.push(e);
  const port = init.port ? init.port(server.address().port) : server.address().port;
  const client = await RxClient.open({
    host: '127.0.0.1', port, serviceId: init.serviceId ?? services[0]?.serviceId ?? 1, security: init.security,
    options: { ...FAST, ...init.clientOptions },
  });
  t.teardown(async () => {
    await client.close();
    await server.close();
  });
  return { server, client, serverErrors };
}
