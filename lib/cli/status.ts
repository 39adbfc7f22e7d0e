/**
 * `tapecoord status`: the daemon's tasks exactly as `backup status` prints a butc's (BUTC-SPEC
 * §3.8), with --long a detail line per task and the drives, with --json everything.
 * `tapecoord status DEVICE`: a drive's MTIOCGET decoded, as `mt status` prints it.
 */
import { Command } from 'commander';
import type { DaemonInfo } from '../daemon/backend.js';
import { ControlClient } from '../daemon/control/client.js';
import { formatStatus, formatTaskDetail, formatStatusLine } from '../daemon/status-format.js';
import type { TaskSnapshot } from '../daemon/tasks.js';
import { Medium, parseMediumSpec } from '../drive/medium.js';
import { formatMtStatus } from '../drive/mtio.js';
import { addTargetOptions, socketOf, type TargetOptions } from './daemon-target.js';

async function deviceStatus(device: string, json: boolean): Promise<void> {
  const medium = await Medium.open(parseMediumSpec(device, 'input'), { readOnly: true });
  try {
    const s = await medium.status();
    const { raw: _raw, ...decoded } = s;
    process.stdout.write(json ? JSON.stringify(decoded) + '\n' : formatMtStatus(s) + '\n');
  } finally {
    await medium.close();
  }
}

export function statusCommand(): Command {
  return addTargetOptions(new Command('status'))
    .description("the daemon's tasks as `backup status` prints them; with DEVICE, a drive's status as `mt status` prints it")
    .argument('[device]', 'a tape (/dev/nstN), sim:PATH or a backup data file')
    .option('--json', 'everything as JSON')
    .option('--long', 'a detail line per task (bytes, rates, ETA, drive, cartridge, ring) and the drives')
    .action(async (device: string | undefined, o: TargetOptions & { json?: boolean; long?: boolean }) => {
      if (device !== undefined) return deviceStatus(device, o.json ?? false);
      const client = await ControlClient.connect({ path: socketOf(o) });
      try {
        const tasks = (await client.call('tasks')) as TaskSnapshot[];
        if (o.json) {
          process.stdout.write(JSON.stringify({ tasks, info: await client.call('info') }) + '\n');
          return;
        }
        if (!o.long) {
          process.stdout.write(formatStatus(tasks));
          return;
        }
        const info = (await client.call('info')) as DaemonInfo;
        const out = tasks.length ? tasks.map((t) => `${formatStatusLine(t)}\n${formatTaskDetail(t)}\n`).join('') : formatStatus([]);
        const drives = info.drives.map(
          (d) => `drive ${d.index}: ${d.state}${d.task !== null ? ` (task ${d.task})` : ''}, ${d.cartridge !== null ? `cartridge ${d.cartridge}` : d.barcode ? d.barcode : 'empty'}${d.queued ? `, ${d.queued} waiting` : ''}`,
        );
        process.stdout.write(out + drives.join('\n') + '\n');
      } finally {
        await client.close();
      }
    });
}
