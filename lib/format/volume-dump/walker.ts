/**
 * A streaming walk of an AFS volume dump (BUTC-SPEC §4.8) with the rules `vos restore` applies
 * (OpenAFS src/volser/dumpstuff.c: ReadDumpHeader, ReadVolumeHeader, ReadVnodes, HandleUnknownTag,
 * RestoreVolume), plus the cheap checks of §4.8 "Validation": version 1, the expected volume id,
 * fromDate and length, and nothing after D_DUMPEND. Chunks may be split at any byte; file data is
 * counted and passed over, never held.
 */
import { ByteFeed, END, U16, U32, U8, type ByteProgram, type ByteRequest } from './byte-feed.js';
import { VolumeDumpError, type VolumeDumpErrorReason, type VolumeDumpSection } from './errors.js';
import type { DumpTimes, VolumeDumpOptions, VolumeDumpSummary, VolumeDiskData } from './summary.js';
import {
  ACL_SIZE,
  D_DUMPEND,
  D_DUMPHEADER,
  D_MAX,
  D_VNODE,
  D_VOLUMEHEADER,
  DUMPBEGINMAGIC,
  DUMPENDMAGIC,
  DUMPVERSION,
  MAXDUMPTIMES,
  TAG_CRITICAL,
  VNODE_DIRECTORY,
  VNODE_FILE,
  VNODE_SYMLINK,
  VOLUME_HEADER_FIXED_TAGS,
  formatTag,
  unknownTagClass,
} from './tags.js';

/** Characters of a string value kept in the summary; the rest is read and dropped, as the restorer does. */
const STRING_KEEP = 256;
const STRING: ByteRequest = { op: 'string', keep: STRING_KEEP };
const ACL: ByteRequest = { op: 'bytes', size: ACL_SIZE };
const TWO_32 = 0x1_0000_0000;

type HeaderField = Exclude<keyof VolumeDiskData, 'weekUse'>;
type HeaderKind = 'u32' | 'i32' | 'u8' | 'bool' | 'string';

/** The volume header's tags (BUTC-SPEC §4.8, D_VOLUMEHEADER) and how each value is encoded; 'W' is read apart. */
const VOLUME_HEADER_TAGS: ReadonlyMap<number, readonly [HeaderField, HeaderKind]> = new Map(
  (
    [
      ['i', 'id', 'u32'],
      ['v', 'stampVersion', 'u32'],
      ['n', 'name', 'string'],
      ['s', 'inService', 'bool'],
      ['b', 'blessed', 'bool'],
      ['u', 'uniquifier', 'u32'],
      ['t', 'type', 'u8'],
      ['p', 'parentId', 'u32'],
      ['c', 'cloneId', 'u32'],
      ['q', 'maxQuota', 'i32'],
      ['m', 'minQuota', 'i32'],
      ['d', 'diskUsed', 'i32'],
      ['f', 'fileCount', 'i32'],
      ['a', 'accountNumber', 'u32'],
      ['o', 'owner', 'u32'],
      ['C', 'creationDate', 'u32'],
      ['A', 'accessDate', 'u32'],
      ['U', 'updateDate', 'u32'],
      ['E', 'expirationDate', 'u32'],
      ['B', 'backupDate', 'u32'],
      ['O', 'offlineMessage', 'string'],
      ['M', 'motd', 'string'],
      ['D', 'dayUseDate', 'u32'],
      ['Z', 'dayUse', 'i32'],
      ['V', 'volUpdateCounter', 'u32'],
    ] as const
  ).map(([c, field, kind]) => [c.charCodeAt(0), [field, kind] as const]),
);
const TAG_WEEKUSE = 0x57; // 'W', ArrayInt32 of 7
const WEEKUSE_KEEP = 7;

/** Vnode attribute tags with a value of fixed size (BUTC-SPEC §4.8, D_VNODE); 't', 'A', 'f', 'h' are read apart. */
const VNODE_FIXED_TAGS: ReadonlyMap<number, ByteRequest> = new Map(
  (
    [
      ['l', U16],
      ['v', U32],
      ['m', U32],
      ['a', U32],
      ['o', U32],
      ['g', U32],
      ['b', U16],
      ['p', U32],
      ['s', U32],
    ] as const
  ).map(([c, req]) => [c.charCodeAt(0), req]),
);
const TAG_TYPE = 0x74; // 't'
const TAG_ACL = 0x41; // 'A'
const TAG_SMALL_FILE = 0x66; // 'f': int32 length + data
const TAG_LARGE_FILE = 0x68; // 'h': hi, lo + data

/** The restorer's "next tag is critical" counter: set to 2 by 0x7E, decremented before each tag. */
interface Critical {
  n: number;
}

export class VolumeDumpWalker {
  private readonly options: VolumeDumpOptions;
  private readonly feed: ByteFeed;
  private failure: unknown;
  private summary: VolumeDumpSummary | undefined;

  // Where the program is, for error messages.
  private section: VolumeDumpSection = 'dump header';
  private tag: number | undefined;
  private vnode: number | undefined;
  /** What a tagless read is for ('the vnode number'); undefined while reading a tag's value. */
  private field: string | undefined = 'the D_DUMPHEADER tag';

  // Counts.
  private volumeId = 0;
  private volumeName = '';
  private dumpTimes: DumpTimes[] = [];
  private volumeHeader: VolumeDiskData = {};
  private volumeHeaders = 0;
  private vnodes = 0;
  private directories = 0;
  private files = 0;
  private symlinks = 0;
  private bareVnodes = 0;
  private dataBytes = 0;

  constructor(options: VolumeDumpOptions = {}) {
    this.options = options;
    this.feed = new ByteFeed((feed) => this.program(feed));
  }

  /** Bytes consumed so far. */
  get offset(): number {
    return this.feed.offset;
  }

  /** Walks a chunk. Throws VolumeDumpError at the first byte that breaks a rule, and again on every later call. */
  push(chunk: Uint8Array): void {
    if (this.failure !== undefined) throw this.failure;
    try {
      this.feed.push(chunk);
    } catch (e) {
      this.failure = e;
      throw e;
    }
  }

  /** Ends the stream: returns the summary, or throws VolumeDumpError ('truncated' when cut short). */
  end(): VolumeDumpSummary {
    if (this.failure !== undefined) throw this.failure;
    try {
      const pending = this.feed.finish();
      if (pending !== undefined) throw this.truncated(pending);
      // Nothing pending: the program has returned, and it sets the summary just before.
      return this.summary as VolumeDumpSummary;
    } catch (e) {
      this.failure = e;
      throw e;
    }
  }

  /** The stream ended while the program waited for `pending`. */
  private truncated(pending: Exclude<ByteRequest, { op: 'end' }>): VolumeDumpError {
    const got = this.feed.progress;
    let what: string;
    let there: string;
    if (pending.op === 'string') {
      what = this.field ?? 'its string';
      there = `${got} bytes and no NUL`;
    } else {
      what = this.field ?? (pending.op === 'skip' ? 'its data' : `its ${pending.size}-byte value`);
      there = `${got} of ${pending.size} bytes there`;
    }
    const detail = got === 0 ? `the stream ends where ${what} should start` : `the stream ends inside ${what} (${there})`;
    return this.error('truncated', this.feed.offset, detail);
  }

  private error(reason: VolumeDumpErrorReason, offset: number, detail: string): VolumeDumpError {
    return new VolumeDumpError(reason, { offset, section: this.section, tag: this.tag, vnode: this.vnode }, detail);
  }

  private *program(feed: ByteFeed): ByteProgram {
    // BUTC-SPEC §4.8: D_DUMPHEADER 0xB3A11322 version
    const first = (yield U8) as number;
    if (first !== D_DUMPHEADER) {
      this.tag = first;
      throw this.error('unexpected-tag', 0, `a dump starts with D_DUMPHEADER 0x01`);
    }
    this.tag = first;
    this.field = 'the dump header magic';
    const magic = (yield U32) as number;
    if (magic !== DUMPBEGINMAGIC) {
      throw this.error('bad-magic', feed.offset - 4, `magic ${hex32(magic)}, not ${hex32(DUMPBEGINMAGIC)}`);
    }
    this.field = 'the dump version';
    const version = (yield U32) as number;
    if (version !== DUMPVERSION) throw this.error('bad-version', feed.offset - 4, `version ${version}, not 1`);

    let tag = yield* this.dumpHeader(feed);
    if (tag !== D_VOLUMEHEADER) {
      this.tag = tag;
      throw this.error('unexpected-tag', feed.offset - 1, `${formatTag(tag)} where D_VOLUMEHEADER 0x02 must follow the dump header`);
    }
    tag = yield* this.volumeHeaderSection(feed);
    // RestoreVolume: vnodes, then optionally another volume header and more vnodes, until D_DUMPEND.
    for (;;) {
      const critical: Critical = { n: 0 };
      while (tag === D_VNODE) tag = yield* this.vnodeSection(feed, critical);
      if (tag !== D_VOLUMEHEADER) break;
      tag = yield* this.volumeHeaderSection(feed);
    }
    this.tag = tag;
    if (tag !== D_DUMPEND) {
      throw this.error('unexpected-tag', feed.offset - 1, `only D_VNODE 0x03, D_VOLUMEHEADER 0x02 or D_DUMPEND 0x04 may follow a section`);
    }
    this.section = 'dump end';
    this.vnode = undefined;
    this.field = 'the dump end magic';
    const endMagic = (yield U32) as number;
    if (endMagic !== DUMPENDMAGIC) {
      throw this.error('bad-magic', feed.offset - 4, `end magic ${hex32(endMagic)}, not ${hex32(DUMPENDMAGIC)}`);
    }
    this.field = undefined;
    const atEnd = (yield END) as boolean;
    if (!atEnd) throw this.error('trailing-bytes', feed.offset, 'bytes follow D_DUMPEND and its magic');
    this.checkLength(feed.offset);
    this.summary = {
      volumeId: this.volumeId,
      volumeName: this.volumeName,
      fromDate: this.dumpTimes[0].from,
      toDate: this.dumpTimes[this.dumpTimes.length - 1].to,
      dumpTimes: this.dumpTimes,
      volumeHeader: this.volumeHeader,
      volumeHeaders: this.volumeHeaders,
      vnodes: this.vnodes,
      directories: this.directories,
      files: this.files,
      symlinks: this.symlinks,
      bareVnodes: this.bareVnodes,
      dataBytes: this.dataBytes,
      length: feed.offset,
    };
  }

  private checkLength(length: number): void {
    const { expectedLength, expectedNBytes } = this.options;
    if (expectedLength !== undefined && length !== expectedLength) {
      throw this.error('wrong-length', length, `the stream has ${length} bytes, ${expectedLength} expected`);
    }
    if (expectedNBytes !== undefined && length % TWO_32 !== expectedNBytes >>> 0) {
      throw this.error(
        'wrong-length',
        length,
        `the stream has ${length} bytes (${length % TWO_32} modulo 2^32), nBytes ${expectedNBytes >>> 0} expected`,
      );
    }
  }

  /** ReadDumpHeader: 'v', 'n', 't' until a tag ≤ D_MAX, which is returned. */
  private *dumpHeader(feed: ByteFeed): Generator<ByteRequest, number, unknown> {
    const critical: Critical = { n: 0 };
    let volumeIdAt = -1;
    let timesAt = -1;
    let tag: number;
    for (;;) {
      // The next tag; a tag > D_MAX becomes the tag at fault for the reads of its value.
      this.tag = undefined;
      this.field = 'a tag';
      tag = (yield U8) as number;
      if (tag <= D_MAX) break;
      this.tag = tag;
      this.field = undefined;
      const tagAt = feed.offset - 1;
      if (critical.n) critical.n--;
      switch (tag) {
        case 0x76: // 'v'
          this.volumeId = (yield U32) as number;
          volumeIdAt = tagAt + 1;
          break;
        case 0x6e: // 'n'
          this.volumeName = (yield STRING) as string;
          break;
        case 0x74: {
          // 't': ArrayInt32 of {from, to} pairs; the restorer reads count/2 pairs into MAXDUMPTIMES slots.
          const count = (yield U16) as number;
          if (count % 2 !== 0 || count / 2 > MAXDUMPTIMES) {
            throw this.error('bad-value', tagAt + 1, `time array count ${count}: an even count of at most ${2 * MAXDUMPTIMES} values is needed`);
          }
          timesAt = tagAt + 3;
          this.dumpTimes = [];
          for (let i = 0; i < count / 2; i++) {
            const from = (yield U32) as number;
            const to = (yield U32) as number;
            this.dumpTimes.push({ from, to });
          }
          break;
        }
        case TAG_CRITICAL:
          critical.n = 2;
          break;
        default:
          yield* this.unknownTag(tag, tagAt, critical);
      }
    }
    const endAt = feed.offset - 1;
    this.tag = undefined;
    if (this.volumeId === 0) throw this.error('no-volume-id', endAt, `the dump header ends without a non-zero volume id 'v'`);
    if (this.dumpTimes.length === 0) throw this.error('no-dump-times', endAt, `the dump header ends without a 't' time pair`);
    const { expectedVolumeId, expectedFromDate } = this.options;
    if (expectedVolumeId !== undefined && this.volumeId !== expectedVolumeId) {
      this.tag = 0x76;
      throw this.error('wrong-volume-id', volumeIdAt, `volume id ${this.volumeId}, ${expectedVolumeId} expected`);
    }
    if (expectedFromDate !== undefined && this.dumpTimes[0].from !== expectedFromDate) {
      this.tag = 0x74;
      throw this.error('wrong-from-date', timesAt, `fromDate ${this.dumpTimes[0].from}, ${expectedFromDate} expected`);
    }
    return tag;
  }

  /** ReadVolumeHeader: after D_VOLUMEHEADER, the header's tags until a tag ≤ D_MAX, which is returned. */
  private *volumeHeaderSection(feed: ByteFeed): Generator<ByteRequest, number, unknown> {
    this.section = 'volume header';
    this.vnode = undefined;
    this.volumeHeaders++;
    const header: VolumeDiskData = {};
    const critical: Critical = { n: 0 };
    let tag: number;
    for (;;) {
      // The next tag; a tag > D_MAX becomes the tag at fault for the reads of its value.
      this.tag = undefined;
      this.field = 'a tag';
      tag = (yield U8) as number;
      if (tag <= D_MAX) break;
      this.tag = tag;
      this.field = undefined;
      const tagAt = feed.offset - 1;
      if (critical.n) critical.n--;
      const known = VOLUME_HEADER_TAGS.get(tag);
      if (known !== undefined) {
        const [field, kind] = known;
        setField(header, field, kind, yield kind === 'string' ? STRING : kind === 'u8' || kind === 'bool' ? U8 : U32);
      } else if (tag === TAG_WEEKUSE) {
        const count = (yield U16) as number;
        const weekUse: number[] = [];
        for (let i = 0; i < count; i++) {
          const v = (yield U32) as number;
          if (i < WEEKUSE_KEEP) weekUse.push(v);
        }
        header.weekUse = weekUse;
      } else if (tag === TAG_CRITICAL) {
        critical.n = 2;
      } else {
        yield* this.unknownTag(tag, tagAt, critical);
      }
    }
    this.volumeHeader = header;
    return tag;
  }

  /** One vnode of ReadVnodes, after D_VNODE: number, uniquifier, attributes until a tag ≤ D_MAX, which is returned. */
  private *vnodeSection(feed: ByteFeed, critical: Critical): Generator<ByteRequest, number, unknown> {
    this.section = 'vnode';
    this.vnode = undefined;
    this.tag = undefined;
    this.field = 'the vnode number';
    this.vnode = (yield U32) as number;
    this.field = 'the vnode uniquifier';
    yield U32;
    this.vnodes++;
    let attributes = false;
    let type: number | undefined;
    let tag: number;
    for (;;) {
      // The next tag; a tag > D_MAX becomes the tag at fault for the reads of its value.
      this.tag = undefined;
      this.field = 'a tag';
      tag = (yield U8) as number;
      if (tag <= D_MAX) break;
      this.tag = tag;
      this.field = undefined;
      const tagAt = feed.offset - 1;
      attributes = true;
      if (critical.n) critical.n--;
      const fixed = VNODE_FIXED_TAGS.get(tag);
      if (fixed !== undefined) {
        yield fixed;
      } else if (tag === TAG_TYPE) {
        type = (yield U8) as number;
      } else if (tag === TAG_ACL) {
        const acl = (yield ACL) as Buffer;
        if (this.options.checkAcl) this.checkAcl(acl, tagAt + 1);
      } else if (tag === TAG_SMALL_FILE || tag === TAG_LARGE_FILE) {
        const hi = tag === TAG_LARGE_FILE ? ((yield U32) as number) : 0;
        const lo = (yield U32) as number;
        const length = hi * TWO_32 + lo;
        if (length > Number.MAX_SAFE_INTEGER) {
          throw this.error('bad-value', tagAt + 1, `data length ${hex32(hi)}:${hex32(lo)} is beyond 2^53 bytes`);
        }
        this.field = `${length} bytes of data`;
        yield { op: 'skip', size: length };
        this.field = undefined;
        this.dataBytes += length;
      } else if (tag === TAG_CRITICAL) {
        critical.n = 2;
      } else {
        yield* this.unknownTag(tag, tagAt, critical);
      }
    }
    if (!attributes) this.bareVnodes++;
    else if (type === VNODE_DIRECTORY) this.directories++;
    else if (type === VNODE_FILE) this.files++;
    else if (type === VNODE_SYMLINK) this.symlinks++;
    return tag;
  }

  /** HandleUnknownTag: refuse it after 0x7E, otherwise pass over it by its class (BUTC-SPEC §4.8). */
  private *unknownTag(tag: number, tagAt: number, critical: Critical): Generator<ByteRequest, void, unknown> {
    if (critical.n) throw this.error('critical-tag', tagAt, 'unknown tag marked critical by 0x7E');
    const kind = unknownTagClass(tag);
    if (kind === 'invalid') throw this.error('invalid-tag', tagAt, 'tags 0x80..0xff are not valid');
    if (kind === 'int32') {
      yield U32;
    } else if (kind === 'tlv') {
      if (VOLUME_HEADER_FIXED_TAGS.has(tag)) {
        throw this.error('invalid-tag', tagAt, `a volume header tag outside the volume header; vos restore refuses it`);
      }
      const first = (yield U8) as number;
      let length = first;
      if (first & 0x80) {
        const n = first & 0x7f;
        if (n > 8) throw this.error('bad-value', tagAt + 1, `length of ${n} bytes; the restorer reads at most 8`);
        length = 0;
        for (let i = 0; i < n; i++) length = length * 256 + ((yield U8) as number);
        if (length > Number.MAX_SAFE_INTEGER) throw this.error('bad-value', tagAt + 2, `length beyond 2^53 bytes`);
      }
      yield { op: 'skip', size: length };
    }
  }

  /** acl_NtohACL's CheckAccessList on the ACL header (libacl/netprocs.c): size, version, total, positive, negative. */
  private checkAcl(acl: Buffer, at: number): void {
    const size = acl.readInt32BE(0);
    const total = acl.readInt32BE(8);
    const positive = acl.readInt32BE(12);
    const negative = acl.readInt32BE(16);
    const bad =
      total < 0 || total > 20
        ? `total ${total} entries, at most 20`
        : positive < 0 || negative < 0 || positive + negative !== total
          ? `${positive} positive + ${negative} negative entries, not total ${total}`
          : size < 28 + (total - 1) * 8
            ? `size ${size} too small for ${total} entries`
            : undefined;
    if (bad !== undefined) throw this.error('bad-acl', at, bad);
  }
}

function setField(header: VolumeDiskData, field: HeaderField, kind: HeaderKind, value: unknown): void {
  const h = header as Record<HeaderField, unknown>;
  if (kind === 'i32') h[field] = (value as number) | 0;
  else if (kind === 'bool') h[field] = (value as number) !== 0;
  else h[field] = value;
}

function hex32(v: number): string {
  return `0x${(v >>> 0).toString(16).padStart(8, '0')}`;
}

/** Walks a whole dump held in memory or arriving as chunks; resolves to its summary. */
export async function walkVolumeDump(
  source: Uint8Array | AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: VolumeDumpOptions = {},
): Promise<VolumeDumpSummary> {
  const walker = new VolumeDumpWalker(options);
  if (source instanceof Uint8Array) walker.push(source);
  else for await (const chunk of source) walker.push(chunk);
  return walker.end();
}
