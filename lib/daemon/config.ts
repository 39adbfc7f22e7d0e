/**
 * The daemon's configuration: a JSON file (`tapecoord serve --config FILE`), or with none the
 * embedded default: a simulated library (2 drives, 10 slots, 1 import/export slot, 8 cartridges)
 * with everything under ./var. Relative paths are relative to the var directory, except varDir
 * itself (relative to the working directory). Every error names the file and the field.
 *
 *   {
 *     "varDir": "./var",                       catalog, socket, status file, log, library
 *     "changer": "sim:library",                sim:DIR | /dev/sgN | afbackup:FILE (lib/changer/open.ts)
 *     "catalog": "catalog.db",
 *     "socket": "tapecoord.sock",              the control socket (mode 0660)
 *     "tcp": null,                             or { "host": "127.0.0.1", "port": 7124 } (loopback only)
 *     "statusFile": "status",                  afserver's status file
 *     "log": "tapecoord.log",                  JSON lines; null: none
 *     "metrics": null,                         or { "host": "127.0.0.1", "port": 9724 }
 *     "portOffset": 0,                         butc task ids: portOffset × 1000 + n
 *     "butc": null,                            or { "allowUnauthenticated": true } to serve butc's TC
 *                                              interface on UDP 7025 + portOffset (so `backup status`,
 *                                              `backup jobs` and `backup kill` see the tasks); optional
 *                                              "address" (default 0.0.0.0, as butc) and "port"
 *     "retainMinutes": 10,                     finished tasks stay listed this long
 *     "blockSize": "256k", "bufferSize": "64M",
 *     "cartridgeSets": [ { "number": 1, "name": "default" } ],
 *     "simulation": { "capacity": "1G", "earlyWarning": "160M", "rate": "400M" }
 *                                              (no section: these; a section without rate: disk speed)
 *   }
 *
 * The ring (bufferSize) must be smaller than a simulated cartridge's early-warning zone: at early
 * warning the job finishes the tape file with what the ring holds (DESIGN "End of tape is a value").
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { isAbsolute, join, resolve } from 'node:path';
import { BC_TAPEPORT, MAX_PORT_OFFSET } from '../rx/interfaces/butc.js';
import { parseSize } from '../util/size.js';
import { DaemonError } from './errors.js';

export interface Endpoint {
  host: string;
  port: number;
}

export interface SimulationConfig {
  /** Bytes a simulated cartridge holds, and its early-warning zone. */
  capacity: number;
  earlyWarning: number;
  /** The modelled drive's speed in bytes/s; null: as fast as the disk. */
  rate: number | null;
}

/** butc's TC interface over Rx (lib/daemon/butc-service.ts). */
export interface ButcServiceConfig {
  /** butc's -allow_unauthenticated: rxnull callers may use it (else every RPC: TC_NOTPERMITTED). */
  allowUnauthenticated: boolean;
  address: string;
  /** UDP port: 7025 + portOffset unless given (0: any free port, for tests). */
  port: number;
}

export interface DaemonConfig {
  /** Where it came from, for messages ('embedded default' or the file). */
  source: string;
  varDir: string;
  changer: string;
  catalog: string;
  socket: string;
  tcp: Endpoint | null;
  statusFile: string | null;
  log: string | null;
  metrics: Endpoint | null;
  portOffset: number;
  butc: ButcServiceConfig | null;
  retainMinutes: number;
  blockSize: number;
  bufferSize: number;
  cartridgeSets: { number: number; name: string }[];
  simulation: SimulationConfig;
}

const KEYS = ['varDir', 'changer', 'catalog', 'socket', 'tcp', 'statusFile', 'log', 'metrics', 'portOffset', 'butc', 'retainMinutes', 'blockSize', 'bufferSize', 'cartridgeSets', 'simulation'] as const;

export const DEFAULT_SET_NAME = 'default';

/** Reads a configuration file; with `file` null, the embedded default. `overrides` win over both. */
export function loadConfig(file: string | null, overrides: Partial<Record<(typeof KEYS)[number], unknown>> = {}): DaemonConfig {
  let raw: Record<string, unknown> = {};
  const source = file ?? 'embedded default';
  if (file !== null) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new DaemonError('invalid', `${file}: ${(e as Error).message}`);
    }
    try {
      raw = JSON.parse(text) as Record<string, unknown>;
    } catch (e) {
      throw new DaemonError('invalid', `${file}: not JSON: ${(e as Error).message}`);
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new DaemonError('invalid', `${file}: expected a JSON object`);
    for (const k of Object.keys(raw)) {
      if (!(KEYS as readonly string[]).includes(k)) throw new DaemonError('invalid', `${file}: unknown field "${k}" (fields: ${KEYS.join(', ')})`);
    }
  }
  for (const [k, v] of Object.entries(overrides)) if (v !== undefined) raw[k] = v;
  const bad = (field: string, expected: string, v: unknown) => new DaemonError('invalid', `${source}: field "${field}" is ${JSON.stringify(v)}: expected ${expected}`);
  const str = (field: string, dflt: string | null): string | null => {
    const v = raw[field] ?? dflt;
    if (v !== null && (typeof v !== 'string' || v === '')) throw bad(field, 'a non-empty string', v);
    return v as string | null;
  };
  const size = (field: string, dflt: string, v: unknown = raw[field] ?? dflt): number => {
    if (typeof v === 'number' && Number.isSafeInteger(v) && v > 0) return v;
    if (typeof v !== 'string') throw bad(field, 'a size (bytes, or text like 256k, 64M)', v);
    try {
      return parseSize(v, field);
    } catch (e) {
      throw new DaemonError('invalid', `${source}: field "${field}": ${(e as Error).message}`);
    }
  };
  const int = (field: string, dflt: number, min: number, max: number): number => {
    const v = raw[field] ?? dflt;
    if (!Number.isSafeInteger(v) || (v as number) < min || (v as number) > max) throw bad(field, `an integer ${min}..${max}`, v);
    return v as number;
  };
  const endpoint = (field: string): Endpoint | null => {
    const v = raw[field] ?? null;
    if (v === null) return null;
    const o = v as Record<string, unknown>;
    if (typeof v !== 'object' || typeof o['host'] !== 'string' || !Number.isSafeInteger(o['port']) || (o['port'] as number) < 0 || (o['port'] as number) > 65535) {
      throw bad(field, '{ "host": "127.0.0.1", "port": N } or null', v);
    }
    if (!['127.0.0.1', '::1', 'localhost'].includes(o['host'] as string)) throw bad(`${field}.host`, 'a loopback address (127.0.0.1, ::1): the protocol has no encryption', o['host']);
    return { host: o['host'] as string, port: o['port'] as number };
  };

  const butc = (portOffset: number): ButcServiceConfig | null => {
    const v = raw['butc'] ?? null;
    if (v === null) return null;
    const expected = '{ "allowUnauthenticated": true|false, "address": "0.0.0.0", "port": N } or null';
    if (typeof v !== 'object' || Array.isArray(v)) throw bad('butc', expected, v);
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) if (!['allowUnauthenticated', 'address', 'port'].includes(k)) throw bad(`butc.${k}`, `no such field (${expected})`, o[k]);
    const allow = o['allowUnauthenticated'] ?? false;
    if (typeof allow !== 'boolean') throw bad('butc.allowUnauthenticated', 'true or false', allow);
    const address = o['address'] ?? '0.0.0.0';
    if (typeof address !== 'string' || isIP(address) === 0) throw bad('butc.address', 'an IP address', address);
    const port = o['port'] ?? BC_TAPEPORT + portOffset;
    if (!Number.isSafeInteger(port) || (port as number) < 0 || (port as number) > 65535) throw bad('butc.port', 'a UDP port 0..65535', port);
    return { allowUnauthenticated: allow, address, port: port as number };
  };

  const portOffset = int('portOffset', 0, 0, MAX_PORT_OFFSET);
  const varDir = resolve(str('varDir', './var')!);
  const inVar = (p: string | null): string | null =>
    p === null ? null : p.startsWith('sim:') ? `sim:${inVar(p.slice(4))}` : isAbsolute(p) || p.startsWith('afbackup:') ? p : join(varDir, p);
  const sets = raw['cartridgeSets'] ?? [{ number: 1, name: DEFAULT_SET_NAME }];
  if (!Array.isArray(sets) || sets.length === 0) throw bad('cartridgeSets', 'a non-empty list of { "number": N, "name": "..." }', sets);
  const cartridgeSets = sets.map((s, i) => {
    const o = s as Record<string, unknown>;
    if (typeof s !== 'object' || s === null || !Number.isSafeInteger(o['number']) || (o['number'] as number) < 1 || typeof o['name'] !== 'string' || o['name'] === '') {
      throw bad(`cartridgeSets[${i}]`, '{ "number": N (from 1), "name": "..." }', s);
    }
    return { number: o['number'] as number, name: o['name'] as string };
  });
  const sim = (raw['simulation'] ?? {}) as Record<string, unknown>;
  if (typeof sim !== 'object' || sim === null) throw bad('simulation', 'an object', sim);
  // Without a simulation section the drives stream at LTO-9's native 400 MB/s, like the real
  // thing; a section that leaves rate out (or null) runs at disk speed.
  const rateText = sim['rate'] !== undefined ? sim['rate'] : raw['simulation'] === undefined ? '400M' : null;
  const simulation: SimulationConfig = {
    capacity: size('simulation.capacity', '1G', sim['capacity'] ?? '1G'),
    earlyWarning: size('simulation.earlyWarning', '160M', sim['earlyWarning'] ?? '160M'),
    rate: rateText === null ? null : size('simulation.rate', '400M', rateText),
  };
  const blockSize = size('blockSize', '256k');
  const bufferSize = size('bufferSize', '64M');
  if (blockSize < 4096 || blockSize > 16 << 20 || blockSize % 512 !== 0) throw bad('blockSize', 'a multiple of 512 from 4k to 16M', raw['blockSize']);
  if (bufferSize < 2 * blockSize) throw bad('bufferSize', `at least two blocks (${2 * blockSize})`, raw['bufferSize']);
  const changer = str('changer', 'sim:library')!;
  if (changer.startsWith('sim:') && bufferSize >= simulation.earlyWarning) {
    throw bad('bufferSize', `less than simulation.earlyWarning (${simulation.earlyWarning}): at early warning the ring is written out before the cartridge changes`, raw['bufferSize'] ?? '64M');
  }
  return {
    source,
    varDir,
    changer: inVar(changer)!,
    catalog: inVar(str('catalog', 'catalog.db'))!,
    socket: inVar(str('socket', 'tapecoord.sock'))!,
    tcp: endpoint('tcp'),
    statusFile: inVar(str('statusFile', 'status')),
    log: inVar(str('log', 'tapecoord.log')),
    metrics: endpoint('metrics'),
    portOffset,
    butc: butc(portOffset),
    retainMinutes: int('retainMinutes', 10, 0, 525_600),
    blockSize,
    bufferSize,
    cartridgeSets,
    simulation,
  };
}
