/**
 * TapeAlert (SSC-4, TapeAlert log page 2Eh and TapeAlert response log page 12h): 64 flags a
 * drive raises about itself and the cartridge. Names are SSC-4's; severities are the TapeAlert
 * 3.0 specification's I (information), W (warning), C (critical).
 *
 * Reading page 2Eh clears the flags (pbs-tape reads 12h for that reason); 12h packs the same
 * flags into one 8-byte parameter and leaves them set.
 */
import { ScsiParseError } from './parse-error.js';
import { LogPageCode, parameterName, parseLogPage } from './log-sense.js';

export type TapeAlertSeverity = 'information' | 'warning' | 'critical';

export interface TapeAlertFlag {
  /** 01h to 40h: the parameter code in page 2Eh. */
  code: number;
  name: string;
  /** Null for reserved and obsolete codes. */
  severity: TapeAlertSeverity | null;
}

const I = 'information';
const W = 'warning';
const C = 'critical';

/** Index = code - 1. */
const FLAGS: readonly [string, TapeAlertSeverity | null][] = [
  ['read warning', W], // 01h
  ['write warning', W],
  ['hard error', W],
  ['medium', C],
  ['read failure', C], // 05h
  ['write failure', C],
  ['medium life', W],
  ['not data grade', W],
  ['write protect', C],
  ['volume removal prevented', I], // 0Ah
  ['cleaning volume', I],
  ['unsupported format', I],
  ['recoverable mechanical cartridge failure', C],
  ['unrecoverable mechanical cartridge failure', C],
  ['memory chip in cartridge failure', W], // 0Fh
  ['forced eject', C],
  ['read only format', W],
  ['tape directory corrupted on load', W],
  ['nearing medium life', I],
  ['cleaning required', C], // 14h
  ['cleaning requested', W],
  ['expired cleaning volume', C],
  ['invalid cleaning volume', C],
  ['retension requested', W],
  ['multi-port interface error on a primary port', W], // 19h
  ['cooling fan failure', W],
  ['power supply failure', W],
  ['power consumption', W],
  ['drive preventive maintenance required', W],
  ['hardware A', C], // 1Eh
  ['hardware B', C],
  ['primary interface', W],
  ['eject volume', C],
  ['microcode update fail', W],
  ['drive humidity', W], // 23h
  ['drive temperature', W],
  ['drive voltage', W],
  ['predictive failure', C],
  ['diagnostics required', W],
  // 28h–2Eh: obsolete in SSC (TapeAlert 3.0's loader flags, now reported by the changer)
  ['obsolete (loader hardware A)', null], // 28h
  ['obsolete (loader stray tape)', null],
  ['obsolete (loader hardware B)', null],
  ['obsolete (loader door)', null],
  ['obsolete (loader hardware C)', null],
  ['obsolete (loader magazine)', null],
  ['obsolete (loader predictive failure)', null], // 2Eh
  // 2Fh–31h postdate TapeAlert 3.0, which leaves them reserved: warning is our assumption
  ['external data encryption control - communication failure', W], // 2Fh
  ['external data encryption control - key manager returned an error', W],
  ['diminished native capacity', W], // 31h
  ['lost statistics', W],
  ['tape directory invalid at unload', W],
  ['tape system area write failure', C],
  ['tape system area read failure', C], // 35h
  ['no start of data', C],
  ['loading or threading failure', C],
  ['unrecoverable unload failure', C],
  ['automation interface failure', C],
  ['microcode failure', W], // 3Ah
  ['WORM volume - integrity check failed', W],
  ['WORM volume - overwrite attempted', W], // 3Ch
  ['reserved', null],
  ['reserved', null],
  ['reserved', null],
  ['reserved', null], // 40h
];

export const TAPE_ALERT_FLAGS: readonly TapeAlertFlag[] = FLAGS.map(([name, severity], i) => ({ code: i + 1, name, severity }));

/** Page 2Eh: one parameter per flag (0001h-0040h), the flag in bit 0 of its 1-byte value. Returns the flags set. */
export function parseTapeAlert(data: Buffer): TapeAlertFlag[] {
  const page = parseLogPage(data, LogPageCode.TAPE_ALERT);
  const set: TapeAlertFlag[] = [];
  for (const p of page.parameters) {
    const flag = TAPE_ALERT_FLAGS[p.code - 1];
    if (!flag) continue; // vendor parameters after 0040h
    if (p.value.length < 1) throw new ScsiParseError(page.what, p.offset + 3, `flag ${parameterName(p.code)} has no value byte`);
    if ((p.value[0]! & 0x01) !== 0) set.push(flag);
  }
  return set;
}

/** Page 12h: parameter 0000h holds the 64 flags in 8 bytes, flag 01h in the top bit of the first. */
export function parseTapeAlertResponse(data: Buffer): TapeAlertFlag[] {
  const page = parseLogPage(data, LogPageCode.TAPE_ALERT_RESPONSE);
  const p = page.parameters.find((q) => q.code === 0x0000);
  if (!p) throw new ScsiParseError(page.what, 4, 'no parameter 0000h (the flags)');
  if (p.value.length < 8) throw new ScsiParseError(page.what, p.offset + 3, `parameter 0000h has ${p.value.length} bytes, the flags need 8`);
  return TAPE_ALERT_FLAGS.filter((f) => (p.value[(f.code - 1) >> 3]! & (0x80 >> ((f.code - 1) & 7))) !== 0);
}
