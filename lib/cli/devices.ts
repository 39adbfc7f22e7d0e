/**
 * `tapecoord devices`: the tape drives and changers of this host, lsscsi-like, and which drive of
 * each changer is which /dev/nstN (by serial number: DVCID against VPD page 80h).
 *
 *   [0:0:0:1]  changer  STK      L700             0105  /dev/sg1  /dev/sch0  serial XYZ0001
 *              drive 0 (element 256) serial VTLDRV0001 = /dev/nst0
 */
import { Command } from 'commander';
import { discoverDevices, type DiscoveredDevice } from '../changer/discovery.js';
import { openChanger } from '../changer/open.js';
import type { DriveElement } from '../changer/changer.js';
import { sgio } from '../drive/sgio.js';

interface ChangerDrives {
  hctl: string;
  drives: Pick<DriveElement, 'index' | 'address' | 'serial' | 'device' | 'full' | 'barcode'>[];
  error: string | null;
}

async function changerDrives(d: DiscoveredDevice): Promise<ChangerDrives> {
  const node = d.sg ?? (d.kind === 'changer' ? d.sch : null);
  if (!node) return { hctl: d.hctl, drives: [], error: 'neither sg nor ch is bound to it' };
  try {
    const changer = await openChanger(node);
    try {
      const s = await changer.status();
      return { hctl: d.hctl, drives: s.drives.map(({ index, address, serial, device, full, barcode }) => ({ index, address, serial, device, full, barcode })), error: null };
    } finally {
      await changer.close();
    }
  } catch (e) {
    return { hctl: d.hctl, drives: [], error: (e as Error).message };
  }
}

function line(d: DiscoveredDevice): string {
  const type = d.kind === 'tape' ? 'tape' : d.kind === 'changer' ? 'changer' : `type ${d.peripheralDeviceType}`;
  const nodes = d.kind === 'tape' ? [d.nst ?? '-', d.sg ?? '-'] : d.kind === 'changer' ? [d.sg ?? '-', d.sch ?? '-'] : [d.sg ?? '-'];
  return `[${d.hctl}]  ${type.padEnd(8)} ${d.vendor.padEnd(8)} ${d.product.padEnd(16)} ${d.revision.padEnd(4)}  ${nodes.join('  ')}${d.serial ? `  serial ${d.serial}` : ''}`;
}

export function devicesCommand(): Command {
  return new Command('devices')
    .description('list tape drives and media changers (sysfs), with each changer drive mapped to its /dev/nstN by serial number')
    .option('--json', 'print JSON')
    .option('--all', 'list other SCSI devices too')
    .action(async (o: { json?: boolean; all?: boolean }) => {
      const all = await discoverDevices({ sgio });
      const devices = o.all ? all : all.filter((d) => d.kind !== 'other');
      const changers = await Promise.all(devices.filter((d) => d.kind === 'changer').map(changerDrives));
      if (o.json) {
        process.stdout.write(JSON.stringify({ devices, changers }, null, 2) + '\n');
        return;
      }
      if (devices.length === 0) process.stdout.write('no tape drives or changers found (is the st, sg or ch driver loaded?)\n');
      for (const d of devices) {
        process.stdout.write(line(d) + '\n');
        const c = changers.find((x) => x.hctl === d.hctl);
        if (c?.error) process.stdout.write(`           drives: ${c.error}\n`);
        for (const dr of c?.drives ?? [])
          process.stdout.write(`           drive ${dr.index} (element ${dr.address}) serial ${dr.serial ?? '?'} = ${dr.device ?? 'not found on this host'}${dr.full ? `, holds ${dr.barcode ?? 'a cartridge'}` : ''}\n`);
      }
    });
}
