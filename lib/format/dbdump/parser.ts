/**
 * Reads a backup database dump, the savedb/restoredb payload (BUTC-SPEC §2.13): items of a
 * structDumpHeader and a payload, in the order DBHEADER, each DUMP with its TAPEs each with its
 * VOLUMEs, the texts, END. The parse stops at SD_END: the last tape record is zero-padded to its
 * full count, and the bytes after SD_END are ignored.
 */
import { DbDumpError } from './errors.js';
import {
  SD_DBHEADER,
  SD_DUMP,
  SD_END,
  SD_SIZES,
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
  type BudbDumpEntry,
  type BudbTapeEntry,
  type BudbVolumeEntry,
  type DbHeader,
} from './structs.js';

export interface DbDumpItem {
  /** Index from 0. */
  index: number;
  type: number;
  /** Byte offset of the item's 12-byte header. */
  offset: number;
  /** The payload (a view into the input). */
  payload: Buffer;
}

export interface DbDumpTape {
  entry: BudbTapeEntry;
  volumes: BudbVolumeEntry[];
}

export interface DbDumpDump {
  entry: BudbDumpEntry;
  tapes: DbDumpTape[];
}

/** The three text blocks, when present (budb leaves out a text with no blocks). Bytes as latin1. */
export interface DbDumpTexts {
  dumpSchedule?: string;
  volumeSet?: string;
  tapeHosts?: string;
}

export interface DbDump {
  header: DbHeader;
  dumps: DbDumpDump[];
  texts: DbDumpTexts;
  /** Bytes up to and including SD_END's header; what follows is padding. */
  length: number;
}

const TEXT_KEYS: Readonly<Record<number, keyof DbDumpTexts>> = {
  [SD_TEXT_DUMPSCHEDULE]: 'dumpSchedule',
  [SD_TEXT_VOLUMESET]: 'volumeSet',
  [SD_TEXT_TAPEHOSTS]: 'tapeHosts',
};

/** The items up to and including SD_END, each checked for type, structversion and size. */
export function* dbDumpItems(data: Buffer): Generator<DbDumpItem, void, undefined> {
  let offset = 0;
  for (let index = 0; ; index++) {
    if (data.length - offset < structDumpHeader.size) {
      throw new DbDumpError('truncated', index, undefined, data.length, `the data ends ${data.length - offset} bytes into an item header, before SD_END`);
    }
    const h = structDumpHeader.decode(data, offset);
    const expected = SD_SIZES[h.type];
    if (h.type < SD_DBHEADER || h.type > SD_END) {
      throw new DbDumpError('unknown-type', index, h.type, offset, `type ${h.type} is not one of 1..8`);
    }
    if (h.structversion !== SD_STRUCTVERSION) {
      throw new DbDumpError('bad-version', index, h.type, offset, `structversion ${h.structversion}, not 1`);
    }
    if ((expected !== undefined && h.size !== expected) || h.size < 0) {
      throw new DbDumpError('bad-size', index, h.type, offset, `size ${h.size}, not ${expected ?? 'a text length'}`);
    }
    const start = offset + structDumpHeader.size;
    if (data.length - start < h.size) {
      throw new DbDumpError('truncated', index, h.type, data.length, `the data ends ${data.length - start} bytes into a ${h.size}-byte payload`);
    }
    yield { index, type: h.type, offset, payload: data.subarray(start, start + h.size) };
    offset = start + h.size;
    if (h.type === SD_END) return;
  }
}

/** Parses a whole DB dump; `data` may run on past SD_END (record padding). */
export function parseDbDump(data: Buffer): DbDump {
  let header: DbHeader | undefined;
  const dumps: DbDumpDump[] = [];
  const texts: DbDumpTexts = {};
  let dump: DbDumpDump | undefined;
  let tape: DbDumpTape | undefined;
  let length = 0;
  for (const item of dbDumpItems(data)) {
    const order = (detail: string) => new DbDumpError('out-of-order', item.index, item.type, item.offset, detail);
    if (header === undefined && item.type !== SD_DBHEADER) throw order('the dump starts with SD_DBHEADER');
    switch (item.type) {
      case SD_DBHEADER:
        if (header !== undefined) throw order('a second SD_DBHEADER');
        header = dbHeader.decode(item.payload, 0);
        break;
      case SD_DUMP:
        dump = { entry: budbDumpEntry.decode(item.payload, 0), tapes: [] };
        tape = undefined;
        dumps.push(dump);
        break;
      case SD_TAPE:
        if (dump === undefined) throw order('SD_TAPE outside a dump: it follows its SD_DUMP');
        tape = { entry: budbTapeEntry.decode(item.payload, 0), volumes: [] };
        dump.tapes.push(tape);
        break;
      case SD_VOLUME:
        if (tape === undefined) throw order('SD_VOLUME outside a tape: it follows its SD_TAPE');
        tape.volumes.push(budbVolumeEntry.decode(item.payload, 0));
        break;
      case SD_END:
        length = item.offset + structDumpHeader.size;
        break;
      default: {
        const key = TEXT_KEYS[item.type];
        if (texts[key] !== undefined) throw order(`a second ${key} text`);
        texts[key] = item.payload.toString('latin1');
        dump = undefined;
        tape = undefined;
      }
    }
  }
  // dbDumpItems ends with SD_END or throws, and SD_DBHEADER came first.
  return { header: header as DbHeader, dumps, texts, length };
}
