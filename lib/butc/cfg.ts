/**
 * `CFG_*` files (`GetConfigParams()` in `src/butc/tcmain.c`; BUTC-SPEC §1.4), as the Debian
 * (non-XBSA) butc 1.8.9 reads them, with its exact console output.
 *
 * Which file: `CFG_<port>` if it can be opened (undocumented; the logs are then `TL_<port>`,
 * `TL_<port>.lp`, `TE_<port>`), else `CFG<mangled device>` with logs named the same way; no file
 * at all leaves the defaults. Lines come in fgets pieces of at most 254 bytes and are split with
 * `sscanf("%s %s")`: the keyword (upper-cased) and ONE value token. One token prints
 * `Bad line in <path>: <line>` (the line keeps its newline, so an empty line follows); an unknown
 * keyword (including `#...`) prints `Warning: Unrecognized configuration parameter: <line>`.
 */
import { atocl } from './atocl.js';
import { cScan, cString, cUpper, fgetsLines, int32, safeAtol } from './c-scan.js';
import { readBinaryFile } from './c-string.js';
import type { ConsoleChunk } from './console.js';
import { mangleDeviceName } from './device-name.js';
import { ButcError } from './errors.js';
import type { ButcPaths } from './paths.js';
import { BUTM_BLOCKSIZE } from '../format/butm/constants.js';


/** The settings a CFG file controls (defaults: `cfgDefaults()`). */
export interface CfgSettings {
  /** NAME_CHECK (default on): dump tape name check (§2.10). */
  nameCheck: boolean;
  /** MOUNT: the mount callout path, verbatim (a binary string), or null. */
  mountCallout: string | null;
  /** UNMOUNT: the unmount callout path, or null. */
  unmountCallout: string | null;
  /** ASK (default on): ask the operator on errors; off means the §1.7 defaults. */
  askOperator: boolean;
  /** FILE YES: backup data file mode (§2.8). */
  fileMode: boolean;
  /** AUTOQUERY (default on): prompt (or call MOUNT) for the first tape too. */
  autoQuery: boolean;
  /** BUFFERSIZE in 16 KB tape blocks (>= 1). */
  tapeBlocks: number;
  /** BufferSize in bytes: tapeBlocks * 16384 in afs_int32 arithmetic (it wraps like butc's). */
  bufferSize: number;
  /** MAXPASS, 1..10 (default 2). */
  maxPass: number;
  /** GROUPID, 1..2147483647, or 0 (default: none). */
  groupId: number;
  /** LASTLOG YES: copy the last pass's log lines to TL_<x>.lp. */
  lastLog: boolean;
  /** CENTRALLOG path (binary string), or null. */
  centralLog: string | null;
  /** STATUS: a progress line every this many bytes (STATUS count x BufferSize), 0 = off. */
  statusSize: number;
}

export function cfgDefaults(): CfgSettings {
  return {
    nameCheck: true,
    mountCallout: null,
    unmountCallout: null,
    askOperator: true,
    fileMode: false,
    autoQuery: true,
    tapeBlocks: 1,
    bufferSize: BUTM_BLOCKSIZE,
    maxPass: 2,
    groupId: 0,
    lastLog: false,
    centralLog: null,
    statusSize: 0,
  };
}

/** The CFG file butc reads and the log files it then names. */
export interface CfgChoice {
  /** The CFG file that was opened, or null when neither exists (defaults apply). */
  cfgPath: string | null;
  /** true when CFG_<port> was used. */
  byPort: boolean;
  /** TL_<x>, TE_<x> and TL_<x>.lp. */
  tapeLog: string;
  errorLog: string;
  lastLog: string;
  /** The CFG file's content as fgets would see it ('' for a directory, which fopen() accepts). */
  content: string | null;
}

function tryOpen(path: string): string | null {
  try {
    return readBinaryFile(path);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EISDIR' ? '' : null;
  }
}

/**
 * Picks the CFG file and the log names, as butc does: CFG_<port> first, then CFG<mangled device>.
 * `device` is the tapeconfig device ('' when butc has none).
 */
export function chooseCfg(paths: ButcPaths, portOffset: number, device: string): CfgChoice {
  const byPortPath = `${paths.cfgPrefix}_${portOffset}`;
  const byPort = tryOpen(byPortPath);
  if (byPort !== null) {
    return {
      cfgPath: byPortPath,
      byPort: true,
      tapeLog: `${paths.tlPrefix}_${portOffset}`,
      errorLog: `${paths.tePrefix}_${portOffset}`,
      lastLog: `${paths.tlPrefix}_${portOffset}.lp`,
      content: byPort,
    };
  }
  const m = mangleDeviceName(device);
  const byDevicePath = paths.cfgPrefix + m;
  const byDevice = tryOpen(byDevicePath);
  return {
    cfgPath: byDevice === null ? null : byDevicePath,
    byPort: false,
    tapeLog: paths.tlPrefix + m,
    errorLog: paths.tePrefix + m,
    lastLog: `${paths.tlPrefix}${m}.lp`,
    content: byDevice,
  };
}

export interface CfgParse {
  settings: CfgSettings;
  /** butc's console output while parsing, in order. */
  output: ConsoleChunk[];
  /** Set when butc would exit here (GROUPID out of range, an XBSA keyword); output includes its message. */
  error?: ButcError;
}

/** XBSA keywords: fatal in the Debian build (§0.1, §1.4). */
const XBSA_KEYWORDS = new Set(['TYPE', 'NODE', 'SERVER', 'PASSWORD', 'PASSFILE', 'MGMTCLASS']);

/** Parses CFG file text; `path` is the file's name as butc prints it. */
export function parseCfg(content: string, path: string): CfgParse {
  const s = cfgDefaults();
  const output: ConsoleChunk[] = [];
  const out = (text: string) => output.push({ stream: 'stdout', text });
  const err = (text: string) => output.push({ stream: 'stderr', text });
  const fatal = (line: number, field: string, message: string, text: string): CfgParse => {
    out(text);
    return { settings: s, output, error: new ButcError('cfg', message, { file: path, line, field, butcStdout: text, exitCode: 1 }) };
  };

  for (const piece of fgetsLines(content)) {
    const line = cString(piece.text);
    const r = cScan(line, ['s', ' ', 's']);
    if (r.count !== 2) {
      if (r.count > 0) out(`Bad line in ${path}: ${line}\n`);
      continue;
    }
    const keyword = cUpper(r.values[0] as string);
    const value = r.values[1] as string;
    const upper = cUpper(value);
    switch (keyword) {
      case 'NAME_CHECK':
        s.nameCheck = upper !== 'NO';
        out(`Dump tape name check is ${s.nameCheck ? 'enabled' : 'disabled'}\n`);
        break;
      case 'MOUNT':
        s.mountCallout = value;
        out(`Tape mount callout routine is ${value}\n`);
        break;
      case 'UNMOUNT':
        s.unmountCallout = value;
        out(`Tape unmount callout routine is ${value}\n`);
        break;
      case 'ASK':
        s.askOperator = upper !== 'NO';
        out(`Operator queries are ${s.askOperator ? 'enabled' : 'disabled'}\n`);
        break;
      case 'FILE':
        s.fileMode = upper === 'YES';
        out(s.fileMode ? 'Will dump to a file\n' : 'Will not dump to a file\n');
        break;
      case 'AUTOQUERY':
        s.autoQuery = upper !== 'NO';
        out(`Auto query is ${s.autoQuery ? 'enabled' : 'disabled'}\n`);
        break;
      case 'BUFFERSIZE': {
        let size = atocl(value, 'K');
        if (size === null) {
          err('BUFFERSIZE parse error\n');
          size = 0;
        }
        s.tapeBlocks = Math.trunc(size / 16) <= 0 ? 1 : Math.trunc(size / 16);
        out(`BUFFERSIZE is ${(s.tapeBlocks * 16) >>> 0} KBytes\n`);
        s.bufferSize = int32(Math.imul(s.tapeBlocks, BUTM_BLOCKSIZE));
        break;
      }
      case 'MAXPASS':
        s.maxPass = Math.min(10, Math.max(1, safeAtol(value)));
        out(`MAXPASS is ${s.maxPass}\n`);
        break;
      case 'GROUPID': {
        const id = safeAtol(value);
        if (id < 1) return fatal(piece.line, 'GROUPID', `GROUPID ${value} is invalid`, `Configuration file error, ${keyword} ${value} is invalid\n`);
        s.groupId = id;
        out(`Group Id is ${id}\n`);
        break;
      }
      case 'LASTLOG':
        s.lastLog = upper === 'YES';
        out(`Will ${s.lastLog ? '' : 'not '}generate a last log\n`);
        break;
      case 'CENTRALLOG':
        s.centralLog = value;
        out(`Central log file is ${value}\n`);
        break;
      case 'STATUS': {
        let size = atocl(value, 'B');
        if (size === null) {
          err('STATUS parse error\n');
          size = 0;
        }
        s.statusSize = Math.max(1, size);
        break;
      }
      default:
        if (XBSA_KEYWORDS.has(keyword)) {
          return fatal(piece.line, keyword, `${keyword}: this binary does not have XBSA support`, 'This binary does not have XBSA support\n');
        }
        out(`Warning: Unrecognized configuration parameter: ${line}`);
    }
  }
  if (s.statusSize) {
    s.statusSize = int32(Math.imul(s.statusSize, s.bufferSize));
    if (s.statusSize < 0) s.statusSize = 0x7fffffff;
    out(`Status every ${s.statusSize} Bytes\n`);
  }
  return { settings: s, output };
}
