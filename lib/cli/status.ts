/** `tapecoord status DEVICE`: MTIOCGET decoded, printed as `mt status` prints it (or --json). */
import { Command } from 'commander';
import { Medium, parseMediumSpec } from '../drive/medium.js';
import { formatMtStatus } from '../drive/mtio.js';

export function statusCommand(): Command {
  return new Command('status')
    .description('show a drive or simulated tape status, as mt status does')
    .argument('<device>', 'a tape (/dev/nstN), sim:PATH or a backup data file')
    .option('--json', 'print the decoded status as JSON')
    .action(async (device: string, o: { json?: boolean }) => {
      const medium = await Medium.open(parseMediumSpec(device, 'input'), { readOnly: true });
      try {
        const s = await medium.status();
        const { raw: _raw, ...decoded } = s;
        process.stdout.write(o.json ? JSON.stringify(decoded) + '\n' : formatMtStatus(s) + '\n');
      } finally {
        await medium.close();
      }
    });
}
