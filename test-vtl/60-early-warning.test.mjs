// Writing past a small cartridge (scripts/test-vtl.mjs boots with --tape-size 64). tgt has no
// early-warning zone (README bug 9): past the capacity every WRITE returns NO SENSE with EOM and
// the data is still appended. st turns that into its documented protocol (st.rst "EOM Behaviour
// When Writing"): the write that reached EOM succeeds, the next returns ENOSPC and writes nothing,
// then success / ENOSPC alternate. dd shows it; the TapeWriter must report early warning and put
// every block on the tape exactly once.
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import t from 'tap';
import { ddRecords, drive, env, loadCartridge, mtStatus, patternBytes, sh, tc, withMedium } from './lib/vtl.mjs';

t.test('writing past the capacity (early warning)', async (t) => {
  const BS = 256 * 1024;
  const TAPE_MB = Number(env.TAPE_MB ?? env.VTL_TAPE_MB);
  /** Blocks of BS that fit in the cartridge (tgtimg --size is in MiB). */
  const CAPACITY_BLOCKS = (TAPE_MB * 1024 * 1024) / BS;
  const BASE = patternBytes(BS, 60);

  function block(i) {
    const b = Buffer.from(BASE);
    b.writeUInt32BE(i, 0);
    b.writeUInt32BE(i, BS / 2);
    b.writeUInt32BE(i, BS - 4);
    return b;
  }

  t.test('the cartridge is small enough for this test', async (t) => {
    t.ok(TAPE_MB > 0 && TAPE_MB <= 128, `--tape-size ${TAPE_MB} (MiB); ${CAPACITY_BLOCKS} blocks of 256 KiB`);
  });

  t.test('dd: the reference — ENOSPC after the capacity, nothing lost', async (t) => {
    const d = drive(0);
    loadCartridge(7, d.n);
    const count = CAPACITY_BLOCKS + 8;
    const r = sh(`dd if=/dev/zero of=${d.path} bs=256k count=${count}`);
    const rec = ddRecords(r.stderr);
    t.comment(`dd bs=256k count=${count} on a ${TAPE_MB} MiB cartridge: exit ${r.code}: ${r.stderr.trim().replace(/\n/g, ' | ')}`);
    t.not(r.code, 0, 'dd fails');
    t.equal(rec.error, 'ENOSPC', 'with ENOSPC');
    t.equal(rec.outFull, CAPACITY_BLOCKS, `after exactly ${CAPACITY_BLOCKS} records: the capacity (the write that filled it succeeded)`);
    t.equal(rec.inFull, CAPACITY_BLOCKS + 1, 'the record it could not write was the next one');
    const s = mtStatus(d.path);
    t.comment(`mt status after dd closed: ${s.fileno}/${s.blkno} [${s.flags.join(' ')}]`);
    t.same([s.fileno, s.blkno], [1, 0], 'close wrote a filemark even past early warning');
    const back = sh(`mt -f ${d.path} rewind && dd if=${d.path} of=/dev/null bs=256k`);
    t.equal(ddRecords(back.stderr).inFull, CAPACITY_BLOCKS, 'all of them are on the tape');
  });

  t.test('medium.write(): success, ENOSPC (nothing written), then alternating', async (t) => {
    const d = drive(0);
    loadCartridge(9, d.n);
    const log = [];
    await withMedium(d.path, async (medium) => {
      let i = 0;
      for (let call = 0; call < CAPACITY_BLOCKS + 8; call++) {
        try {
          const n = await medium.write(block(i));
          log.push(n === BS ? 'ok' : `short ${n}`);
          i++;
        } catch (e) {
          log.push(e instanceof tc.DeviceError ? e.code : String(e));
        }
      }
      const s = await medium.status();
      t.comment(`status after: ${tc.formatMtStatus(s).replace(/\n/g, ' | ')}`);
      t.ok(s.flags.includes('EOT'), 'EOT bit set past early warning');
      await medium.writeFilemarks(1);
      t.same(log.slice(0, CAPACITY_BLOCKS), Array(CAPACITY_BLOCKS).fill('ok'), 'every write up to the capacity succeeds');
      t.same(log.slice(CAPACITY_BLOCKS), ['ENOSPC', 'ok', 'ENOSPC', 'ok', 'ENOSPC', 'ok', 'ENOSPC', 'ok'], 'then ENOSPC and success alternate');
      t.comment(`writes ${CAPACITY_BLOCKS - 2}..: ${log.slice(CAPACITY_BLOCKS - 2).join(' ')}`);
      // read back: exactly the blocks st said it wrote
      await medium.rewind();
      const seen = [];
      for (;;) {
        const r = await medium.read(BS);
        if (r.kind === 'filemark') break;
        seen.push(r.data.equals(block(r.data.readUInt32BE(0))) ? r.data.readUInt32BE(0) : 'corrupt');
      }
      t.same(seen, Array.from({ length: i }, (_, k) => k), `the ${i} blocks st accepted, each once: an ENOSPC write left nothing`);
    });
  });

  async function writeNumbered(writer, n) {
    for (let i = 0; i < n; i++) if (!writer.write(block(i))) await once(writer, 'drain');
  }

  async function checkTape(t, d, n) {
    // dd reads the file and we compare the sha256 with the blocks 0..n-1
    const want = createHash('sha256');
    for (let i = 0; i < n; i++) want.update(block(i));
    const r = sh(`mt -f ${d.path} rewind && dd if=${d.path} bs=256k 2>/tmp/vtl-ew.err | sha256sum; cat /tmp/vtl-ew.err`);
    const rec = ddRecords(r.stdout);
    t.equal(rec.inFull, n, `dd reads ${n} records of 256 KiB`);
    t.equal(rec.inPartial, 0);
    t.equal(r.stdout.split(' ')[0], want.digest('hex'), 'dd reads exactly blocks 0..n-1: no block lost or duplicated');
  }

  t.test('TapeWriter past the capacity: earlyWarning at the capacity, every block on tape once', async (t) => {
    const d = drive(1);
    loadCartridge(8, d.n);
    const n = CAPACITY_BLOCKS + 32;
    const events = [];
    let result;
    let mark;
    await withMedium(d.path, async (medium) => {
      const writer = new tc.TapeWriter(medium, { blockSize: BS, bufferSize: 16 * BS });
      writer.on('earlyWarning', (p) => events.push(p));
      await writeNumbered(writer, n);
      mark = await writer.filemark(1);
      writer.end();
      result = await writer.result;
      const s = await medium.status();
      t.same([s.fileno, s.blkno], [1, 0], 'the filemark after early warning was written');
    });
    t.comment(`earlyWarning events: ${JSON.stringify(events)}; result: blocks ${result.blocks}, writes ${result.stats.writes}, earlyWarningBlock ${result.earlyWarningBlock}`);
    t.equal(events.length, 1, "one 'earlyWarning' event");
    t.equal(events[0]?.blocks, CAPACITY_BLOCKS, `at ${CAPACITY_BLOCKS} blocks: the count on the tape when st said ENOSPC`);
    t.equal(events[0]?.bytes, CAPACITY_BLOCKS * BS);
    t.equal(result.earlyWarningBlock, CAPACITY_BLOCKS);
    t.equal(result.blocks, n, 'all blocks reported written');
    t.equal(result.bytes, n * BS);
    t.equal(result.filemarks, 1);
    t.equal(mark.blocks, n);
    // past early warning st fails every other write: each remaining block took two write() calls
    t.equal(result.stats.writes, CAPACITY_BLOCKS + 2 * (n - CAPACITY_BLOCKS), 'one ENOSPC retry per block past early warning');
    await checkTape(t, d, n);
  });

  t.test('TapeWriter with pauseAtEarlyWarning: it waits, then finishes the file', async (t) => {
    const d = drive(0);
    loadCartridge(10, d.n);
    const n = CAPACITY_BLOCKS + 10;
    let paused = null;
    let result;
    await withMedium(d.path, async (medium) => {
      const writer = new tc.TapeWriter(medium, { blockSize: BS, bufferSize: 16 * BS, pauseAtEarlyWarning: true });
      writer.on('earlyWarning', (p) => {
        const before = writer.stats().blocks;
        setTimeout(() => {
          paused = { event: p, before, after: writer.stats().blocks };
          writer.continueAfterEarlyWarning();
        }, 500);
      });
      await writeNumbered(writer, n);
      await writer.filemark(1);
      writer.end();
      result = await writer.result;
    });
    t.comment(`paused: ${JSON.stringify(paused)}`);
    t.ok(paused, 'earlyWarning came');
    t.equal(paused?.event.blocks, CAPACITY_BLOCKS);
    t.equal(paused?.after, paused?.before, 'no block written while paused');
    t.equal(paused?.after, CAPACITY_BLOCKS);
    t.equal(result.blocks, n);
    t.equal(result.earlyWarningBlock, CAPACITY_BLOCKS);
    await checkTape(t, d, n);
  });
});
