/**
 * What the daemon does to its catalog and library when it starts:
 * - the configured cartridge sets exist in the catalog;
 * - a simulated library's cartridges have their images, created with the configured capacity and
 *   early-warning zone (a cartridge keeps the capacity it was made with);
 * - on a catalog with no cartridges yet and a simulated library (the embedded default), the
 *   library's cartridges become cartridges 1, 2, ... of the first set, with their barcodes and
 *   slots, so `npm start` has something to write on. A real library is set up by the
 *   administrator (`tapecoord cart`), never guessed.
 */
import { access } from 'node:fs/promises';
import { cartridgeSets, cartridges, putCartridge, putCartridgeName, putCartridgeSet } from '../catalog/cartridges.js';
import type { Catalog } from '../catalog/database.js';
import { setCartridgeLocation } from '../catalog/locations.js';
import type { Changer } from '../changer/changer.js';
import { SimLibrary } from '../changer/sim-library.js';
import { Medium } from '../drive/medium.js';
import type { DaemonConfig } from './config.js';

export interface SetupReport {
  setsAdded: number[];
  cartridgesAdded: number[];
  imagesCreated: string[];
}

export async function setUp(cat: Catalog, changer: Changer, changerName: string, config: DaemonConfig): Promise<SetupReport> {
  const report: SetupReport = { setsAdded: [], cartridgesAdded: [], imagesCreated: [] };
  const known = new Set(cartridgeSets(cat).map((s) => s.number));
  for (const s of config.cartridgeSets) {
    if (known.has(s.number)) continue;
    putCartridgeSet(cat, { number: s.number, name: s.name, description: null });
    report.setsAdded.push(s.number);
  }
  if (!(changer instanceof SimLibrary)) return report;
  for (const c of await changer.cartridges()) {
    if (await access(c.image).then(() => true, () => false)) continue;
    const m = await Medium.open({ kind: 'sim', path: c.image }, { create: true, capacity: config.simulation.capacity, earlyWarning: config.simulation.earlyWarning });
    await m.close();
    report.imagesCreated.push(c.image);
  }
  if (cartridges(cat).length > 0) return report;
  const status = await changer.status();
  const set = config.cartridgeSets[0]!.number;
  cat.transaction(() => {
    let n = 0;
    for (const slot of status.slots) {
      if (!slot.full || slot.importExport) continue;
      n++;
      putCartridge(cat, { number: n, cartridgeSet: set, blockSize: null });
      putCartridgeName(cat, { cartridge: n, barcode: slot.barcode, description: '' });
      setCartridgeLocation(cat, n, { changer: changerName, kind: 'slot', number: slot.index });
      report.cartridgesAdded.push(n);
    }
  });
  return report;
}
