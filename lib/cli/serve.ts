/**
 * `tapecoord serve [--config FILE] [--var DIR] [--portoffset N] [--butc [--allow_unauthenticated]]`:
 * the daemon, in the foreground (systemd runs it so), until SIGINT or SIGTERM; SIGHUP reopens the
 * log (logrotate). --butc serves butc's TC interface on UDP 7025 + port offset (config `butc`), so
 * the real `backup status` lists tapecoord's tasks; the options spell butc's -portoffset and
 * -allow_unauthenticated.
 */
import { Command, InvalidArgumentError } from 'commander';
import { loadConfig } from '../daemon/config.js';
import { BC_TAPEPORT, MAX_PORT_OFFSET } from '../rx/interfaces/butc.js';
import { Daemon } from '../daemon/serve.js';

function portOffset(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n > MAX_PORT_OFFSET) throw new InvalidArgumentError(`expected a port offset 0..${MAX_PORT_OFFSET}`);
  return n;
}

export function serveCommand(): Command {
  return new Command('serve')
    .description('run the tape coordinator daemon (default: a simulated library under ./var)')
    .option('--config <file>', 'the configuration file (JSON; see lib/daemon/config.ts); default: the embedded simulated library')
    .option('--var <dir>', 'the var directory (catalog, socket, status file, log, simulated library)')
    .option('--portoffset <n>', `butc's port offset: task ids N×1000+n, TC interface on UDP ${BC_TAPEPORT}+N`, portOffset)
    .option('--butc', "serve butc's TC interface over Rx, so OpenAFS `backup status/jobs/kill` see the tasks (replaces the config's butc section)")
    .option('--allow_unauthenticated', 'with --butc: accept rxnull callers, as butc -allow_unauthenticated (rxkad is not implemented)')
    .action(async (o: { config?: string; var?: string; portoffset?: number; butc?: boolean; allow_unauthenticated?: boolean }) => {
      if (o.allow_unauthenticated && !o.butc) throw new Error('serve: --allow_unauthenticated needs --butc');
      const butc = o.butc ? { allowUnauthenticated: o.allow_unauthenticated ?? false } : undefined;
      const config = loadConfig(o.config ?? null, { varDir: o.var, portOffset: o.portoffset, butc });
      const daemon = await Daemon.start(config);
      const c = daemon.coordinator;
      const s = c.setup;
      const lines = [
        `tapecoord ${c.info().version} serving (${config.source}), pid ${process.pid}`,
        `  changer   ${c.changer.device} (${c.drives.count} drives)`,
        `  catalog   ${config.catalog}${s.cartridgesAdded.length ? ` (new: cartridges ${s.cartridgesAdded[0]}-${s.cartridgesAdded[s.cartridgesAdded.length - 1]} in set ${config.cartridgeSets[0]!.name})` : ''}`,
        `  socket    ${config.socket}`,
        ...(config.statusFile ? [`  status    ${config.statusFile}`] : []),
        ...(config.log ? [`  log       ${config.log}`] : []),
        ...(daemon.butc ? [`  butc      UDP ${daemon.butc.address().address}:${daemon.butc.address().port} (TC interface, port offset ${config.portOffset}${config.butc!.allowUnauthenticated ? ', rxnull allowed' : ': rxnull callers refused, rxkad is not implemented'})`] : []),
        ...(daemon.metricsAddress ? [`  metrics   http://${daemon.metricsAddress.host}:${daemon.metricsAddress.port}/metrics`] : []),
        ...c.interrupted.map((j) => `  job ${j.task} (${j.kind} ${j.subject}) of the previous run: ${j.message}`),
      ];
      process.stdout.write(lines.join('\n') + '\n');
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        process.on('SIGHUP', () => void daemon.log?.reopen());
      });
      process.stdout.write('tapecoord: stopping\n');
      await daemon.close();
    });
}
