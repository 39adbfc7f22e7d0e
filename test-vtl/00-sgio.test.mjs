// SG_IO through tapecoord's sgio() to the drive's sg node and to the st node, against sg3-utils.
// Runs first (00-) so that drive 1 has not been touched yet in this boot: its UNIT ATTENTION 29/00
// after the iSCSI login is still pending (README: "every drive has a pending UNIT ATTENTION 29/00").
import { closeSync, openSync } from 'node:fs';
import t from 'tap';
import { ascText, decodeSense, drive, env, loadCartridge, sgCommand, sh, shOk, tc, withMedium } from './lib/vtl.mjs';

t.test('SG_IO: INQUIRY, TEST UNIT READY, bad CDBs, unit attention (tapecoord sgio vs sg3-utils)', async (t) => {
  const d1 = drive(1);
  const d0 = drive(0);
  const SLOT = 11;

  const INQUIRY = [0x12, 0x00, 0x00, 0x00, 0x60, 0x00];
  const TUR = [0x00, 0x00, 0x00, 0x00, 0x00, 0x00];

  t.test('TEST UNIT READY on a drive nobody has used: UNIT ATTENTION 29/00, then NOT READY 3A/00 (empty)', async (t) => {
    const fd = openSync(d1.sg, 'r+');
    try {
      const r = await tc.sgio(fd, Buffer.from(TUR), 'none', null, 20000);
      const s = decodeSense(r.sense);
      t.comment(`first TUR to ${d1.sg}: status ${r.status}, sense ${r.sense.toString('hex')} (${ascText(s)})`);
      let next = r;
      if (r.status === 2 && s.key === 6) {
        // the pending unit attention: power on / reset / bus device reset (29/00)
        t.equal(s.format, 'fixed');
        t.equal(s.asc, 0x29, 'UNIT ATTENTION is 29/xx (power on, reset or bus device reset occurred)');
        t.equal(s.ascq, 0x00);
        t.equal(r.maskedStatus, 1, 'masked status CHECK CONDITION');
        next = await tc.sgio(fd, Buffer.from(TUR), 'none', null, 20000);
      } else {
        t.comment('no pending UNIT ATTENTION: drive 1 was used before this test in this boot');
      }
      const mtx = sh(`mtx -f ${env.CHANGER} status`).stdout;
      if (/Data Transfer Element 1:Empty/.test(mtx)) {
        const s2 = decodeSense(next.sense);
        t.comment(`TUR on the empty drive: status ${next.status}, ${ascText(s2)}`);
        t.equal(next.status, 2, 'CHECK CONDITION without a cartridge');
        t.equal(s2.key, 2, 'NOT READY');
        t.equal(s2.asc, 0x3a, 'MEDIUM NOT PRESENT (3A/xx)');
      }
    } finally {
      closeSync(fd);
    }
  });

  t.test('TEST UNIT READY with a cartridge: GOOD (after any UNIT ATTENTION)', async (t) => {
    loadCartridge(SLOT, d1.n, { rewind: false });
    const fd = openSync(d1.sg, 'r+');
    try {
      const r = await sgCommand(fd, TUR, 'none', null);
      t.comment(`unit attentions before GOOD after the load: ${r.unitAttentions.map(ascText).join(', ') || 'none'}`);
      t.equal(r.status, 0, 'GOOD');
      t.equal(r.sense.length, 0, 'no sense data');
      t.equal(r.hostStatus, 0);
      t.equal(r.driverStatus, 0);
      for (const ua of r.unitAttentions) t.ok([0x28, 0x29].includes(ua.asc), `UNIT ATTENTION ${ascText(ua)} is 28/xx or 29/xx`);
      // sg_turs agrees
      const st = sh(`sg_turs ${d1.sg}`);
      t.equal(st.code, 0, `sg_turs: ${st.out.trim()}`);
    } finally {
      closeSync(fd);
    }
  });

  function inquiryFields(data) {
    return {
      peripheralQualifier: data[0] >> 5,
      peripheralType: data[0] & 0x1f,
      removable: (data[1] & 0x80) !== 0,
      vendor: data.subarray(8, 16).toString('latin1').trim(),
      product: data.subarray(16, 32).toString('latin1').trim(),
      revision: data.subarray(32, 36).toString('latin1').trim(),
      additionalLength: data[4],
    };
  }

  function sgInqFields(text) {
    return {
      vendor: /Vendor identification: (.*)/.exec(text)?.[1].trim(),
      product: /Product identification: (.*)/.exec(text)?.[1].trim(),
      revision: /Product revision level: (.*)/.exec(text)?.[1].trim(),
      pdt: Number(/PDT=(\d+)/.exec(text)?.[1]),
    };
  }

  for (const [label, dv] of [['drive 0', d0], ['drive 1', d1]]) {
    t.test(`INQUIRY (12 00 00 00 60 00) to ${label}'s sg node matches sg_inq and lsscsi`, async (t) => {
      const fd = openSync(dv.sg, 'r+');
      try {
        const r = await sgCommand(fd, INQUIRY, 'from-device', 96);
        t.equal(r.status, 0, 'GOOD');
        const f = inquiryFields(r.data);
        t.comment(`INQUIRY: ${JSON.stringify(f)}, ${r.data.length} bytes, resid ${r.resid}`);
        t.equal(f.peripheralType, 1, 'peripheral device type 1 (sequential access)');
        t.equal(f.peripheralQualifier, 0);
        t.ok(f.removable, 'RMB set');
        t.equal(r.data.length, f.additionalLength + 5, 'transferred = additional length + 5 (resid honoured)');
        t.equal(r.resid, 96 - r.data.length, 'resid = allocation - transferred');
        const ref = sgInqFields(shOk(`sg_inq ${dv.sg}`).stdout);
        t.equal(f.vendor, ref.vendor, `vendor as sg_inq reports (${ref.vendor})`);
        t.equal(f.product, ref.product, `product as sg_inq reports (${ref.product})`);
        t.equal(f.revision, ref.revision);
        t.equal(f.peripheralType, ref.pdt);
        t.equal(f.vendor, process.env.VTL_DRV_VENDOR ?? 'IBM', 'the vendor tgt was configured with');
        t.equal(f.product, process.env.VTL_DRV_PRODUCT ?? 'ULT3580-TD8', 'the product tgt was configured with');
        const lsscsi = shOk('lsscsi -g').stdout.split('\n').find((l) => l.includes(dv.sg + ' ') || l.trimEnd().endsWith(dv.sg));
        t.match(lsscsi, new RegExp(`tape\\s+${f.vendor}\\s+${f.product}`), `lsscsi: ${lsscsi?.trim()}`);
      } finally {
        closeSync(fd);
      }
    });
  }

  t.test('INQUIRY VPD 0x80 (unit serial number): trimmed, it is the drive serial', async (t) => {
    const fd = openSync(d1.sg, 'r+');
    try {
      const r = await sgCommand(fd, [0x12, 0x01, 0x80, 0x00, 0x60, 0x00], 'from-device', 96);
      t.equal(r.status, 0);
      t.equal(r.data[1], 0x80, 'page code 0x80');
      const len = r.data.readUInt16BE(2);
      const raw = r.data.subarray(4, 4 + len).toString('latin1');
      t.comment(`VPD 0x80: page length ${len}, serial ${JSON.stringify(raw)}`);
      t.equal(r.data.length, 4 + len, 'transferred = page length + 4');
      t.equal(raw.trim(), d1.serial, `serial ${d1.serial} (padded with leading spaces in tgt: README)`);
    } finally {
      closeSync(fd);
    }
  });

  const BAD = [
    { name: 'an unsupported operation code (E7h)', cdb: [0xe7, 0, 0, 0, 0, 0], asc: 0x20, ascq: 0x00, what: 'INVALID COMMAND OPERATION CODE' },
    { name: 'INQUIRY with EVPD=0 and a page code', cdb: [0x12, 0x00, 0x80, 0x00, 0x60, 0x00], asc: 0x24, ascq: 0x00, what: 'INVALID FIELD IN CDB' },
    { name: 'INQUIRY for an unsupported VPD page (99h)', cdb: [0x12, 0x01, 0x99, 0x00, 0x60, 0x00], asc: 0x24, ascq: 0x00, what: 'INVALID FIELD IN CDB' },
  ];

  for (const bad of BAD) {
    t.test(`a bad CDB, ${bad.name}: CHECK CONDITION, ILLEGAL REQUEST ${bad.asc.toString(16)}/${bad.ascq.toString(16).padStart(2, '0')}`, async (t) => {
      const fd = openSync(d0.sg, 'r+');
      try {
        const r = await sgCommand(fd, bad.cdb, 'from-device', 96);
        t.comment(`status ${r.status}, sense ${r.sense.toString('hex')}, resid ${r.resid}, driverStatus ${r.driverStatus}`);
        t.equal(r.status, 2, 'SCSI status 2 (CHECK CONDITION)');
        t.equal(r.maskedStatus, 1, 'masked status 1');
        t.ok(r.sense.length >= 14, 'sense data returned');
        // by hand: fixed format, key = sense[2] & 0x0f, asc = sense[12], ascq = sense[13]
        t.ok(r.sense[0] === 0x70 || r.sense[0] === 0x71, `fixed-format sense (response code ${r.sense[0].toString(16)})`);
        t.equal(r.sense[2] & 0x0f, 5, 'sense key ILLEGAL REQUEST (5)');
        t.equal(r.sense[12], bad.asc, bad.what);
        t.equal(r.sense[13], bad.ascq);
        t.equal(r.data?.length ?? 0, 0, 'no data transferred');
        // sg_raw sees the same thing
        const ref = sh(`sg_raw -r 96 ${d0.sg} ${bad.cdb.map((b) => b.toString(16).padStart(2, '0')).join(' ')}`);
        t.match(ref.out, /Illegal Request/i, `sg_raw: ${ref.out.trim().split('\n').slice(-3).join(' | ')}`);
      } finally {
        closeSync(fd);
      }
    });
  }

  t.test('tgt bug 7: an allocation length larger than the SG_IO buffer gets ILLEGAL REQUEST 24/00', async (t) => {
    const fd = openSync(d0.sg, 'r+');
    try {
      const r = await sgCommand(fd, [0x12, 0x00, 0x00, 0x00, 0xff, 0x00], 'from-device', 96);
      const s = decodeSense(r.sense);
      t.comment(`INQUIRY alloc 255 into a 96-byte buffer: status ${r.status}, ${ascText(s)}`);
      t.equal(r.status, 2);
      t.equal(s.key, 5);
      t.equal(s.asc, 0x24);
    } finally {
      closeSync(fd);
    }
  });

  t.test('SG_IO through the st node (medium.fd) works as through sg', async (t) => {
    loadCartridge(SLOT, d1.n);
    await withMedium(d1.path, async (medium) => {
      t.ok(medium.fd >= 0, 'the st descriptor is exposed');
      const r = await sgCommand(medium.fd, INQUIRY, 'from-device', 96);
      t.equal(r.status, 0);
      t.equal(r.data[0] & 0x1f, 1);
      t.equal(r.data.subarray(8, 16).toString('latin1').trim(), process.env.VTL_DRV_VENDOR ?? 'IBM');
      const tur = await sgCommand(medium.fd, TUR, 'none', null);
      t.equal(tur.status, 0, 'TEST UNIT READY through st: GOOD');
      const bad = await sgCommand(medium.fd, [0xe7, 0, 0, 0, 0, 0], 'none', null);
      t.equal(bad.status, 2);
      t.equal(bad.sense[2] & 0x0f, 5);
      t.equal(bad.sense[12], 0x20);
      // the st driver's view is untouched by the pass-through commands
      const s = await medium.status();
      t.same([s.fileno, s.blkno], [0, 0]);
      t.ok(s.flags.includes('BOT'));
    });
  });
});
