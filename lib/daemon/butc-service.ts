/**
 * butc's TC interface in front of the daemon (config `butc`): the coordinator's task table served
 * over Rx on UDP 7025 + port offset, so the real `backup status` lists the dumps, restores and
 * scans tapecoord runs and a TC RequestAbort stops them (BUTC-SPEC §3.8; task ids and flags are
 * butc's already, lib/daemon/tasks.ts). `backup kill` sends RequestAbort only for jobs its own
 * session started, which against the daemon are none until PerformDump is served. rxnull only: without allowUnauthenticated every RPC is
 * refused with TC_NOTPERMITTED, as butc refuses unauthenticated callers (rxkad is the next step).
 */
import { BUTC_DEAD_TIME_MS, TcService } from '../butc/tc-service.js';
import { RxServer } from '../rx/server.js';
import type { ButcServiceConfig } from './config.js';
import type { TaskTable } from './tasks.js';

export class ButcService {
  private constructor(
    readonly service: TcService,
    private readonly server: RxServer,
  ) {}

  /** Listens; rejects with RxBindError naming the address and port when it cannot. */
  static async listen(tasks: TaskTable, config: ButcServiceConfig, onError: (err: Error) => void): Promise<ButcService> {
    const service = new TcService({ table: tasks, tape: null, allowUnauthenticated: config.allowUnauthenticated });
    const server = await RxServer.listen({ address: config.address, port: config.port, services: [service.rx], options: { deadTime: BUTC_DEAD_TIME_MS } });
    server.endpoint.onError = onError;
    return new ButcService(service, server);
  }

  address(): { address: string; port: number } {
    return this.server.address();
  }

  close(): Promise<void> {
    return this.server.close();
  }
}
