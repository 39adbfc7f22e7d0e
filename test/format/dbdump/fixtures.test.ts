// A real `backup savedb` medium of OpenAFS 1.8.9 (test/fixtures/openafs/savedb.butc): the DB dump in its data record.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { encodeDbDump } from '../../../lib/format/dbdump/encoder.js';
import { parseDbDump } from '../../../lib/format/dbdump/parser.js';

const RECORD = 16384;
const RECORD_HEADER = 24; // BUTC-SPEC §2.12: 16360 bytes of payload per record
const DBHEADER_ITEM = Buffer.from('000000010000000100000114', 'hex'); // SD_DBHEADER, structversion 1, 276

t.test('savedb.butc', async (t) => {
  const medium = readFileSync(new URL('../../fixtures/openafs/savedb.butc', import.meta.url));
  let payload: Buffer | undefined;
  for (let at = 0; at + RECORD <= medium.length; at += RECORD) {
    const p = medium.subarray(at + RECORD_HEADER, at + RECORD);
    if (p.subarray(0, 12).equals(DBHEADER_ITEM)) payload = p;
  }
  if (payload === undefined) throw new Error('no record starts with an SD_DBHEADER item');
  const db = parseDbDump(payload);
  t.ok(db.length < payload.length);
  t.ok(payload.subarray(db.length).every((b) => b === 0), 'the rest of the last record is zero padding (§2.13)');

  t.equal(db.header.cell, '', 'budb writes an empty cell');
  t.ok(db.header.lastDumpId >= Math.max(...db.dumps.map((d) => d.entry.id)));
  const own = db.dumps.find((d) => d.entry.name === 'Ubik_db_dump');
  t.ok(own, "the DB tape's own dump entry is in the stream");
  t.equal(own?.entry.tapes.format, 'Ubik_db_dump.%d');
  for (const d of db.dumps) {
    let volumes = 0;
    for (const tape of d.tapes) {
      t.equal(tape.entry.dump, d.entry.id, `${tape.entry.name}: its dump`);
      t.equal(tape.entry.nVolumes, tape.volumes.length, `${tape.entry.name}: nVolumes`);
      for (const v of tape.volumes) {
        if (v.dump !== d.entry.id || v.tape !== tape.entry.name) t.fail(`${v.name} on ${tape.entry.name}: dump ${v.dump}, tape ${v.tape}`);
        volumes++;
      }
    }
    if (d !== own) t.equal(volumes, d.entry.nVolumes, `${d.entry.name} ${d.entry.id}: nVolumes`);
  }
  const spanning = db.dumps.find((d) => d.tapes.length > 1);
  t.ok(spanning, 'the spanning dump has several tapes');
  t.same(
    spanning?.tapes.map((x) => x.entry.name),
    spanning?.tapes.map((x) => `${spanning.entry.name}.${x.entry.seq}`),
  );
  t.match(db.texts.volumeSet, /^volumeset .*\nend\n$/s);
  t.match(db.texts.tapeHosts, /^\S+ 0\n/);
  t.match(db.texts.dumpSchedule, /\/full any 0 0\n/);

  // Re-encoding gives the same items; only the bytes after each C string's NUL differ (budb copies with strcpy).
  const again = encodeDbDump(db);
  t.equal(again.length, db.length);
  t.same(parseDbDump(again), db);
});
