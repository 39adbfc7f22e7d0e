/** Writes a backup database dump (BUTC-SPEC §2.13) in the item order budb uses (db_dump.c writeDatabase). */
import type { Codec } from './codec.js';
import type { DbDump } from './parser.js';
import {
  SD_DBHEADER,
  SD_DUMP,
  SD_END,
  SD_STRUCTVERSION,
  SD_TAPE,
  SD_TEXT_DUMPSCHEDULE,
  SD_TEXT_TAPEHOSTS,
  SD_TEXT_VOLUMESET,
  SD_VOLUME,
  budbDumpEntry,
  budbTapeEntry,
  budbVolumeEntry,
  dbHeader,
  structDumpHeader,
} from './structs.js';

/** One item: the 12-byte structDumpHeader (type, structversion 1, size) and the payload. */
export function encodeDbDumpItem(type: number, payload: Buffer): Buffer {
  const b = Buffer.alloc(structDumpHeader.size + payload.length);
  structDumpHeader.encode({ type, structversion: SD_STRUCTVERSION, size: payload.length }, b, 0, 'structDumpHeader');
  payload.copy(b, structDumpHeader.size);
  return b;
}

function image<T>(codec: Codec<T>, v: T, path: string): Buffer {
  const b = Buffer.alloc(codec.size);
  codec.encode(v, b, 0, path);
  return b;
}

/** The whole stream, ending with SD_END; texts that are undefined are left out, as budb does with empty ones. */
export function encodeDbDump(dump: Omit<DbDump, 'length'>): Buffer {
  const items = [encodeDbDumpItem(SD_DBHEADER, image(dbHeader, dump.header, 'header'))];
  dump.dumps.forEach((d, i) => {
    items.push(encodeDbDumpItem(SD_DUMP, image(budbDumpEntry, d.entry, `dumps[${i}]`)));
    d.tapes.forEach((t, j) => {
      items.push(encodeDbDumpItem(SD_TAPE, image(budbTapeEntry, t.entry, `dumps[${i}].tapes[${j}]`)));
      t.volumes.forEach((v, k) => {
        items.push(encodeDbDumpItem(SD_VOLUME, image(budbVolumeEntry, v, `dumps[${i}].tapes[${j}].volumes[${k}]`)));
      });
    });
  });
  const texts: Array<[number, string | undefined]> = [
    [SD_TEXT_DUMPSCHEDULE, dump.texts.dumpSchedule],
    [SD_TEXT_VOLUMESET, dump.texts.volumeSet],
    [SD_TEXT_TAPEHOSTS, dump.texts.tapeHosts],
  ];
  for (const [type, text] of texts) if (text !== undefined) items.push(encodeDbDumpItem(type, Buffer.from(text, 'latin1')));
  items.push(encodeDbDumpItem(SD_END, Buffer.alloc(0)));
  return Buffer.concat(items);
}
