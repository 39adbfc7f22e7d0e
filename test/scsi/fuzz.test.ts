// Deterministic fuzzing of every parser: each truncation of each fixture, mutations of the
// fixtures (bytes, length fields, insertions, padding) and random buffers. A parser must return
// or throw a ScsiParseError that names what it parsed and the byte offset — never a RangeError or
// TypeError from a Buffer read, never hang.
import t from 'tap';
import { parseAttributeList, parseAttributeValues } from '../../lib/scsi/attributes.js';
import { parseBlockLimits } from '../../lib/scsi/block-limits.js';
import { parseDeviceCapabilities, parseElementAddressAssignment } from '../../lib/scsi/changer-pages.js';
import { parseReportDensitySupport } from '../../lib/scsi/density.js';
import { parseElementStatus } from '../../lib/scsi/element-status.js';
import { parseDeviceIdentification, parseStandardInquiry, parseSupportedVpdPages, parseUnitSerialNumber } from '../../lib/scsi/inquiry.js';
import { counterValue, parseLogPage } from '../../lib/scsi/log-sense.js';
import { type ModeParameters, parseModeSense10, parseModeSense6 } from '../../lib/scsi/mode-sense.js';
import { ScsiParseError } from '../../lib/scsi/parse-error.js';
import { parseLongPosition, parseShortPosition } from '../../lib/scsi/read-position.js';
import { decodeSense, senseText } from '../../lib/scsi/sense.js';
import { parseTapeAlert, parseTapeAlertResponse } from '../../lib/scsi/tape-alert.js';
import { parseDataCompression, parseDeviceConfiguration } from '../../lib/scsi/tape-pages.js';
import { parseVolumeStatistics } from '../../lib/scsi/volume-statistics.js';
import { rng } from '../helpers/tmp.js';
import { logPage } from './fixtures/bytes.js';
import * as changer from './fixtures/changer.js';
import * as drive from './fixtures/drive.js';
import * as es from './fixtures/element-status.js';
import * as sense from './fixtures/sense.js';

const MUTATIONS = 4000;
const RANDOM = 1000;

/** Every page the mode parsers know, decoded when present. */
function decodePages(m: ModeParameters): unknown[] {
  const decoders: Record<number, (p: ModeParameters['pages'][number]) => unknown> = {
    0x0f: parseDataCompression,
    0x10: parseDeviceConfiguration,
    0x1d: parseElementAddressAssignment,
    0x1f: parseDeviceCapabilities,
  };
  return m.pages.map((p) => decoders[p.pageCode]?.(p));
}

const elementStatusFixtures = [
  es.elementStatus([es.l700Storage]),
  es.elementStatus([es.l700Drives]),
  es.elementStatus([es.superloaderDrives]),
  es.elementStatus([es.l700Picker, es.altTagStorage, es.l700MailSlots, es.minimalDrives]),
  es.elementStatus([es.plainStorage]),
  es.elementStatus([]),
];

const parsers: [name: string, parse: (b: Buffer) => unknown, fixtures: Buffer[]][] = [
  ['decodeSense', (b) => senseText(decodeSense(b)), Object.values(sense)],
  ['parseElementStatus', (b) => parseElementStatus(b), elementStatusFixtures],
  ['parseElementStatus partial', (b) => parseElementStatus(b, { partial: true }), elementStatusFixtures],
  ['parseStandardInquiry', parseStandardInquiry, [drive.inquiryTd8, drive.inquiryL700]],
  ['parseSupportedVpdPages', parseSupportedVpdPages, [drive.vpdSupported]],
  ['parseUnitSerialNumber', parseUnitSerialNumber, [drive.vpdSerialTd8, drive.vpdSerialTgt]],
  ['parseDeviceIdentification', parseDeviceIdentification, [drive.vpdIdentification]],
  ['parseBlockLimits', parseBlockLimits, [drive.blockLimits]],
  ['parseShortPosition', parseShortPosition, [drive.positionShort, drive.positionShortUnknown]],
  ['parseLongPosition', parseLongPosition, [drive.positionLong]],
  ['parseTapeAlert', parseTapeAlert, [drive.tapeAlert, logPage(0x2e, [[1, Buffer.from([1])]])]],
  ['parseTapeAlertResponse', parseTapeAlertResponse, [drive.tapeAlertResponse]],
  ['parseVolumeStatistics', parseVolumeStatistics, [drive.volumeStatistics]],
  [
    'parseLogPage + counters',
    (b) => {
      const page = parseLogPage(b, 0x17);
      return page.parameters.map((p) => counterValue(page, p));
    },
    [logPage(0x17, [[0, Buffer.from([1])], [1, Buffer.alloc(8, 0xff)]])],
  ],
  ['parseReportDensitySupport', parseReportDensitySupport, [drive.reportDensity]],
  [
    'parseModeSense6 + pages',
    (b) => decodePages(parseModeSense6(b)),
    [drive.modeCompression, changer.modeElementAddresses, changer.modeCapabilities, changer.modeChangerAll],
  ],
  ['parseModeSense10 + pages', (b) => decodePages(parseModeSense10(b)), [drive.modeDeviceConfiguration]],
  ['parseAttributeValues', parseAttributeValues, [drive.mamAttributes]],
  ['parseAttributeList', parseAttributeList, [drive.mamList]],
];

/** A copy of `b` with one to four changes of the kinds that break length handling. */
function mutate(b: Buffer, next: (lo: number, hi: number) => number): Buffer {
  let out = Buffer.from(b);
  for (let n = next(1, 4); n > 0; n--) {
    const at = out.length ? next(0, out.length - 1) : 0;
    switch (next(0, 6)) {
      case 0: // any byte, any value
        if (out.length) out[at] = next(0, 255);
        break;
      case 1: // a length field grows or vanishes
        if (out.length) out[at] = next(0, 1) ? 0xff : 0x00;
        break;
      case 2: // a 16-bit field takes an extreme value
        if (out.length > 1) out.writeUInt16BE([0, 1, 0x7fff, 0xffff][next(0, 3)]!, Math.min(at, out.length - 2));
        break;
      case 3: // one bit flips
        if (out.length) out[at]! ^= 1 << next(0, 7);
        break;
      case 4: // the response is cut
        out = out.subarray(0, at);
        break;
      case 5: // bytes are inserted
        out = Buffer.concat([out.subarray(0, at), Buffer.alloc(next(1, 8), next(0, 255)), out.subarray(at)]);
        break;
      default: // padding after the response
        out = Buffer.concat([out, Buffer.alloc(next(1, 64), next(0, 1) ? 0 : 0xee)]);
    }
  }
  return out;
}

function random(next: (lo: number, hi: number) => number, like: Buffer): Buffer {
  const b = Buffer.alloc(next(0, 300));
  for (let i = 0; i < b.length; i++) b[i] = next(0, 255);
  // often keep the first bytes of a real response, so parsing gets past the header checks
  if (next(0, 1)) like.copy(b, 0, 0, Math.min(b.length, next(1, 8)));
  return b;
}

let seed = 1;
for (const [name, parse, fixtures] of parsers) {
  t.test(`fuzz ${name}`, async (t) => {
    const next = rng(0x5c5100 + seed++);
    const inputs: Buffer[] = [];
    for (const f of fixtures) for (let n = 0; n <= f.length; n++) inputs.push(f.subarray(0, n));
    for (let i = 0; i < MUTATIONS; i++) inputs.push(mutate(fixtures[i % fixtures.length]!, next));
    for (let i = 0; i < RANDOM; i++) inputs.push(random(next, fixtures[i % fixtures.length]!));
    const failures: string[] = [];
    let parsed = 0;
    let refused = 0;
    const started = Date.now();
    for (const input of inputs) {
      try {
        parse(input);
        parsed++;
      } catch (e) {
        if (e instanceof ScsiParseError && e.message.startsWith(`${e.what}, byte ${e.offset}: `) && Number.isInteger(e.offset) && e.offset >= 0) refused++;
        else if (failures.length < 5) failures.push(`${input.toString('hex')}: ${e instanceof Error ? e.stack : String(e)}`);
      }
    }
    t.same(failures, [], `${inputs.length} inputs: ${parsed} parsed, ${refused} refused with ScsiParseError`);
    t.ok(parsed > 0 && refused > 0, 'the inputs reach both outcomes');
    t.ok(Date.now() - started < 5000, 'no input takes the parser long');
  });
}
