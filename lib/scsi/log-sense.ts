/**
 * LOG SENSE (SPC-4 §6.6) and the log page format (SPC-4 §7.3): a 4-byte page header and a list of
 * parameters, each a 4-byte header and a value. Tape pages built on it: tape-alert.ts (2Eh, 12h)
 * and volume-statistics.ts (17h).
 */
import { ByteReader, hex2, uintBE } from './bytes.js';
import { field } from './cdb.js';
import type { ScsiCommand } from './command.js';
import { ScsiParseError } from './parse-error.js';
import { TIMEOUTS } from './timeouts.js';

export const LogPageCode = {
  TAPE_ALERT_RESPONSE: 0x12,
  VOLUME_STATISTICS: 0x17,
  TAPE_ALERT: 0x2e,
} as const;

const PAGE_CONTROL = { threshold: 0, cumulative: 1, 'default-threshold': 2, 'default-cumulative': 3 } as const;

export interface LogSenseOptions {
  page: number;
  subpage?: number;
  /** Which values (PC): cumulative (default, the counters as they stand), threshold, or their defaults. */
  pageControl?: keyof typeof PAGE_CONTROL;
  /** PARAMETER POINTER: the first parameter code to return. */
  parameterPointer?: number;
  /** Default 8192; the page header says how much the whole page needs. */
  allocationLength?: number;
  timeoutMs?: number;
}

export function logSense(o: LogSenseOptions): ScsiCommand {
  const name = 'LOG SENSE';
  const length = field(name, 'allocation length', o.allocationLength ?? 8192, 16);
  const cdb = Buffer.alloc(10);
  cdb[0] = 0x4d; // LOG SENSE; byte 1 bit 0 SP stays 0: reading must not save parameters
  cdb[2] = (PAGE_CONTROL[o.pageControl ?? 'cumulative'] << 6) | field(name, 'page code', o.page, 6); // bits 7-6: PC, bits 5-0: PAGE CODE
  cdb[3] = field(name, 'subpage code', o.subpage ?? 0, 8); // SUBPAGE CODE
  cdb.writeUInt16BE(field(name, 'parameter pointer', o.parameterPointer ?? 0, 16), 5); // bytes 5-6: PARAMETER POINTER
  cdb.writeUInt16BE(length, 7); // bytes 7-8: ALLOCATION LENGTH
  return { name: `LOG SENSE page ${hex2(o.page)}h`, cdb, direction: 'from-device', length, timeoutMs: o.timeoutMs ?? TIMEOUTS.logSense };
}

export interface LogParameter {
  code: number;
  /** Control byte (byte 2): DU, TSD, ETC, TMC and FORMAT AND LINKING, as sent. */
  control: number;
  value: Buffer;
  /** Where the parameter starts in the response, for messages. */
  offset: number;
}

export interface LogPage {
  /** 'LOG SENSE page 17h', for messages. */
  what: string;
  pageCode: number;
  subpageCode: number;
  parameters: LogParameter[];
}

/** Parses a log page and checks it is the one asked for. */
export function parseLogPage(data: Buffer, pageCode: number, subpageCode = 0): LogPage {
  const what = `LOG SENSE page ${hex2(pageCode)}h`;
  const r = new ByteReader(data, what);
  const code = r.u8(0, 'PAGE CODE') & 0x3f; // byte 0 bits 5-0 (bit 7 DS, bit 6 SPF)
  const subpage = r.u8(1, 'SUBPAGE CODE');
  if (code !== pageCode || subpage !== subpageCode)
    r.fail(0, `page ${hex2(code)}h/${hex2(subpage)}h, expected ${hex2(pageCode)}h/${hex2(subpageCode)}h`);
  const page = r.declared(4 + r.u16(2, 'PAGE LENGTH'), 'PAGE LENGTH'); // bytes 2-3
  const parameters: LogParameter[] = [];
  for (let at = 4; at < page.length; ) {
    const length = page.u8(at + 3, 'PARAMETER LENGTH'); // byte 3
    const p = page.view(at, 4 + length, `parameter ${parameters.length}`);
    parameters.push({
      code: p.u16(0, 'PARAMETER CODE'), // bytes 0-1
      control: p.u8(2, 'control byte'), // byte 2
      value: p.bytes(4, length, 'PARAMETER VALUE'),
      offset: page.origin + at,
    });
    at += 4 + length;
  }
  return { what, pageCode: code, subpageCode: subpage, parameters };
}

/** A counter parameter: an unsigned big-endian integer of 1 to 8 bytes (exact up to 2^53). */
export function counterValue(page: LogPage, p: LogParameter): number {
  if (p.value.length < 1 || p.value.length > 8)
    throw new ScsiParseError(page.what, p.offset + 3, `parameter ${parameterName(p.code)} is a counter of ${p.value.length} bytes, expected 1 to 8`);
  return uintBE(p.value);
}

export function parameterName(code: number): string {
  return `${code.toString(16).toUpperCase().padStart(4, '0')}h`;
}
