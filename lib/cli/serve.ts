/**
 * `tapecoord serve [--config FILE]`: the daemon, in the foreground (systemd runs it so), until
 * SIGINT or SIGTERM; SIGHUP reopens the log (logrotate).
 */
import { Command } from 'commander';
import { loadConfig } from '../daemon/config.js';
import { Daemon } from '../daemon/serve.js';

export function serveCommand(): Command {
  return new Command('serve')
    .description('run the tape coordinator daemon (default: a simulated library under ./var)')
    .option('--config <file>', 'the configuration file (JSON; see lib/daemon/config.ts); default: the embedded simulated library')
    .option('--var <dir>', 'the var directory (catalog, socket, status file, log, simulated library)')
    .action(async (o: { config?: string; var?: string }) => {
      const config = loadConfig(o.config ?? null, { varDir: o.var });
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
