/**
 * `tapecoord serve`: the coordinator with everything in front of it — the control socket (and
 * optional loopback TCP with a token kept in the var directory, mode 0600), the afserver-style
 * status file, the JSON-lines log, the Prometheus endpoint and butc's TC interface over Rx. close() stops taking requests,
 * aborts what runs and leaves an idle status file.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ButcService } from './butc-service.js';
import type { DaemonConfig } from './config.js';
import { ControlServer } from './control/server.js';
import { Coordinator } from './coordinator.js';
import { JsonLog } from './observe/log.js';
import { MetricsCounters, MetricsServer } from './observe/metrics.js';
import { StatusFile } from './observe/status-file.js';

/** Where the TCP token is kept: clients on this machine with the right to read it may connect. */
export function tokenPath(config: DaemonConfig): string {
  return join(config.varDir, 'control.token');
}

export class Daemon {
  private constructor(
    readonly coordinator: Coordinator,
    readonly control: ControlServer,
    readonly statusFile: StatusFile | null,
    readonly log: JsonLog | null,
    readonly metrics: MetricsServer | null,
    readonly metricsAddress: { host: string; port: number } | null,
    readonly butc: ButcService | null,
    private readonly detach: (() => void)[],
  ) {}

  static async start(config: DaemonConfig): Promise<Daemon> {
    const coordinator = await Coordinator.open(config);
    const detach: (() => void)[] = [];
    /** What is open already, closed again if a later part cannot start. */
    const opened: { close(): Promise<void> }[] = [];
    try {
      const log = config.log ? new JsonLog(config.log) : null;
      if (log) {
        opened.push(log);
        detach.push(log.attach(coordinator));
        log.info('tapecoord started', { pid: process.pid, config: config.source, changer: coordinator.changer.device, catalog: config.catalog, drives: coordinator.drives.count });
        for (const j of coordinator.interrupted) log.error(`job ${j.task} (${j.kind} ${j.subject}) failed: ${j.message}`, { task: j.task, dump: j.dump });
      }
      const butc = config.butc ? await ButcService.listen(coordinator.tasks, config.butc, (err) => log?.error(`butc TC service: ${err.message}`)) : null;
      if (butc) opened.push(butc);
      let tcp: { host: string; port: number; token: string } | undefined;
      if (config.tcp) {
        const token = randomBytes(24).toString('base64url');
        writeFileSync(tokenPath(config), token + '\n', { mode: 0o600 });
        tcp = { ...config.tcp, token };
      }
      const control = new ControlServer(coordinator, { path: config.socket, ...(tcp ? { tcp } : {}) });
      await control.listen();
      opened.push(control);
      let metrics: MetricsServer | null = null;
      let address: { host: string; port: number } | null = null;
      if (config.metrics) {
        const counters = new MetricsCounters(coordinator);
        detach.push(() => counters.close());
        metrics = new MetricsServer(coordinator, counters, config.metrics);
        address = await metrics.listen();
        opened.push(metrics);
      }
      const statusFile = config.statusFile ? new StatusFile(config.statusFile, coordinator) : null;
      if (statusFile) {
        await statusFile.start();
        detach.push(coordinator.onDrivesChanged(() => statusFile.changed()));
      }
      return new Daemon(coordinator, control, statusFile, log, metrics, address, butc, detach);
    } catch (e) {
      for (const o of opened.reverse()) await o.close().catch(() => undefined);
      for (const d of detach) d();
      await coordinator.close();
      throw e;
    }
  }

  async close(): Promise<void> {
    await this.butc?.close();
    await this.control.close();
    await this.coordinator.close();
    await this.metrics?.close();
    await this.statusFile?.stop();
    for (const d of this.detach) d();
    this.log?.info('tapecoord stopped', { pid: process.pid });
    await this.log?.close();
  }
}
