// Drives to st nodes by serial: whole serials through discovery's matcher, cut ones by a unique prefix.
import t from 'tap';
import type { DriveElement } from '../../lib/changer/changer.js';
import type { DiscoveredTape } from '../../lib/changer/discovery.js';
import { pairDrives } from '../../lib/changer/drive-map.js';

const drive = (index: number, serial: string | null, serialTruncated = false): DriveElement => ({
  index,
  address: 256 + index,
  full: false,
  barcode: null,
  sourceSlot: null,
  device: null,
  serial,
  ...(serialTruncated ? { serialTruncated } : {}),
  vendor: null,
  product: null,
  exception: null,
});
const tape = (n: number, serial: string | null) => ({ kind: 'tape', nst: `/dev/nst${n}`, st: `/dev/st${n}`, serial }) as DiscoveredTape;

t.test('tgt: the second serial cut to its first two characters still pairs, once the first is taken', async (t) => {
  const drives = [drive(0, 'VTLDRV0001'), drive(1, 'VT', true)];
  pairDrives(drives, [tape(1, 'VTLDRV0002'), tape(0, '  VTLDRV0001')]);
  t.same(drives.map((d) => d.device), ['/dev/nst0', '/dev/nst1']);
});

t.test('an ambiguous prefix pairs nothing; unknown serials stay unpaired', async (t) => {
  const drives = [drive(0, 'VT', true), drive(1, null), drive(2, 'OTHER0001')];
  pairDrives(drives, [tape(0, 'VTLDRV0001'), tape(1, 'VTLDRV0002')]);
  t.same(drives.map((d) => d.device), [null, null, null]);
});

t.test('an identifier with vendor and product before the serial pairs by its tail', async (t) => {
  const drives = [drive(0, 'IBM     ULT3580-TD8     1013000001')];
  pairDrives(drives, [tape(3, '1013000001'), tape(4, '1013000002')]);
  t.same(drives.map((d) => d.device), ['/dev/nst3'], 'DVCID with vendor and product before the serial: suffix pairing');
});
