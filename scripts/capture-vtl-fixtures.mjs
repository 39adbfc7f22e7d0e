#!/usr/bin/env node
// Captures real SCSI responses from the labs/vtl library (tgt 1.0.85: an STK L700 changer and
// IBM ULT3580-TD8 drives behind the real sg driver) into test/scsi/fixtures/vtl/captures.json, so
// lib/scsi's parsers are tested on real bytes in the default suite (test/scsi/vtl-captures.test.ts).
//
//   ../shared/labs/vtl/vtl-vm.sh run --drives 2 --slots 10 --tapes 8 --mail 2 -- node scripts/capture-vtl-fixtures.mjs
//
// Each capture: the CDB, the SCSI/host/driver status, the sense bytes and the data, in hex. Commands
// the emulator does not support are kept too: their sense data is a fixture of its own.
import { openSync, closeSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { sgio } = await import(join(root, 'dist/lib/index.js'));
const scsi = {
  ...(await import(join(root, 'dist/lib/scsi/inquiry.js'))),
  ...(await import(join(root, 'dist/lib/scsi/element-status.js'))),
  ...(await import(join(root, 'dist/lib/scsi/mode-sense.js'))),
  ...(await import(join(root, 'dist/lib/scsi/block-limits.js'))),
  ...(await import(join(root, 'dist/lib/scsi/read-position.js'))),
  ...(await import(join(root, 'dist/lib/scsi/log-sense.js'))),
  ...(await import(join(root, 'dist/lib/scsi/density.js'))),
  ...(await import(join(root, 'dist/lib/scsi/unit.js'))),
};

const env = process.env;
if (!env.CHANGER || !env.TAPE0_SG) {
  console.error('capture-vtl-fixtures: run inside labs/vtl (CHANGER and TAPE0_SG are not set)');
  process.exit(2);
}

const captures = [];
async function capture(device, path, label, command) {
  const fd = openSync(path, 'r+');
  try {
    const buffer = command.direction === 'from-device' ? command.length : command.direction === 'to-device' ? command.data : null;
    // tgt reports a pending UNIT ATTENTION (29/00) on a device's first command: take it first
    for (let attempt = 0; attempt < 3; attempt++) {
      const r = await sgio(fd, command.cdb, command.direction, buffer, command.timeoutMs);
      const unitAttention = r.status === 2 && r.sense.length > 2 && (r.sense[2] & 0x0f) === 6;
      if (unitAttention && attempt < 2) continue;
      captures.push({
        device,
        label,
        command: command.name,
        cdb: command.cdb.toString('hex'),
        status: r.status,
        hostStatus: r.hostStatus,
        driverStatus: r.driverStatus,
        resid: r.resid,
        sense: r.sense.toString('hex'),
        data: (r.data ?? Buffer.alloc(0)).toString('hex'),
      });
      console.log(`${device} ${label}: status ${r.status}, ${r.data?.length ?? 0} bytes, sense ${r.sense.toString('hex').slice(0, 32)}`);
      return;
    }
  } finally {
    closeSync(fd);
  }
}

const changer = env.CHANGER;
const drive = env.TAPE0_SG;
for (const [device, path] of [['changer', changer], ['drive', drive]]) {
  await capture(device, path, 'test unit ready', scsi.testUnitReady());
  await capture(device, path, 'inquiry', scsi.inquiry());
  await capture(device, path, 'vpd 00', scsi.inquiryVpd(0x00));
  await capture(device, path, 'vpd 80', scsi.inquiryVpd(0x80));
  await capture(device, path, 'vpd 83', scsi.inquiryVpd(0x83));
}
await capture('changer', changer, 'mode sense 1d', scsi.modeSense6({ page: 0x1d, disableBlockDescriptors: true }));
await capture('changer', changer, 'mode sense 1f', scsi.modeSense6({ page: 0x1f, disableBlockDescriptors: true }));
// One element type per command (tgt bug 1: type 0 overflows a heap buffer in tgtd).
for (const type of ['medium-transport', 'storage', 'import-export', 'data-transfer']) {
  await capture('changer', changer, `element status ${type} voltag`, scsi.readElementStatus({ type, volumeTags: true, allocationLength: 4096 }));
}
await capture('changer', changer, 'element status data-transfer voltag dvcid',
  scsi.readElementStatus({ type: 'data-transfer', volumeTags: true, deviceIdentifiers: true, allocationLength: 4096 }));
await capture('changer', changer, 'element status storage no voltag', scsi.readElementStatus({ type: 'storage', allocationLength: 4096 }));
await capture('drive', drive, 'read block limits', scsi.readBlockLimits());
await capture('drive', drive, 'mode sense 10 device configuration', scsi.modeSense10({ page: 0x10 }));
await capture('drive', drive, 'mode sense 0f data compression', scsi.modeSense10({ page: 0x0f }));
await capture('drive', drive, 'read position short', scsi.readPosition('short'));
await capture('drive', drive, 'log sense 2e tapealert', scsi.logSense({ page: 0x2e }));
await capture('drive', drive, 'report density support', scsi.reportDensitySupport());
await capture('drive', drive, 'request sense', scsi.requestSense());

const out = join(root, 'test/scsi/fixtures/vtl/captures.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify({
  source: 'labs/vtl: tgt 1.0.85 (STK L700 changer, IBM ULT3580-TD8 drives), Linux sg driver, Debian 12 kernel',
  layout: { drives: 2, slots: 10, tapes: 8, mail: 2, env: { CHANGER: changer, TAPE0_SG: drive } },
  captures,
}, null, 1) + '\n');
console.log(`wrote ${captures.length} captures to ${out}`);
