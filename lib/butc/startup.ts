/**
 * butc's startup, steps 1-8 of BUTC-SPEC §1.1, in butc's order and with its output
 * (`main()` and `WorkerBee()` in `src/butc/tcmain.c`):
 *
 *   0. parse the command line (cmd rules; `-help`, errors) and check -port (stderr, exit 1);
 *   1. the tapeconfig entry (or `-device`); `-restoretofile` is echoed;
 *   2. the CFG file, with its console messages;
 *   3. open TL, TE, TL.lp (LASTLOG only) and CENTRALLOG, append mode;
 *   4. open the server configuration directory (`Failed to open server configuration directory`);
 *   5. no keys: `WARNING: No encryption keys found! ...` (TL and stdout);
 *   6. auditing: -auditlog is opened (rotated), -audit-interface checked, start records written;
 *      then -debuglevel is checked (`Illegal debug level` goes to TL only: butc has already set the
 *      level to -1 when it logs it) and -noautoquery applied;
 *   7. the security flags: one of -localauth / -allow_unauthenticated (TL and stdout, exit 1).
 *
 * Deliberate deviation (BUTC-SPEC §1.3): with no tapeconfig entry for the port offset (and no
 * `-device`) butc starts without a device, names its logs `TL`/`TE` and fails every tape operation;
 * we refuse to start instead (stderr, exit 1). Step 8, the -rxbind address choice from
 * NetInfo/NetRestrict, belongs with the Rx transport and is not done here.
 */
import { AUDIT_INTERFACES, AuditLog } from './audit-log.js';
import { safeAtol } from './c-scan.js';
import { cfgDefaults, chooseCfg, parseCfg, type CfgChoice, type CfgSettings } from './cfg.js';
import { parseButcArgs, type ButcArgs } from './cmd-args.js';
import { emit, type ButcConsole } from './console.js';
import { isButcError } from './errors.js';
import { ButcLogs } from './logs.js';
import type { ButcPaths } from './paths.js';
import { openServerConfig, type ServerConfig } from './server-config.js';
import { BC_TAPEPORT, MAX_PORT_OFFSET } from '../rx/interfaces/butc.js';
import { deviceOptionEntry, readTapeconfig, type TapeConfigEntry } from './tapeconfig.js';

export const NO_KEYS_WARNING =
  'WARNING: No encryption keys found! All authenticated accesses will fail. Run akeyconvert or asetkey to import encryption keys.\n';
export const INSECURE_REFUSAL =
  'Neither -localauth nor -allow_unauthenticated was provided; refusing to start in unintended insecure configuration\n';

export interface ButcStartupOptions {
  paths: ButcPaths;
  console: ButcConsole;
  /** argv[0] as butc would print it in cmd messages and the usage ('butc'). */
  a0name?: string;
  /** Lift the 2 TB tapeconfig capacity clamp (`--no-capacity-clamp`). */
  liftCapacityClamp?: boolean;
  /** The clock for log timestamps (tests). */
  now?: () => Date;
}

/** Everything butc knows once steps 1-7 have passed: what the TC service will run with. */
export interface ButcState {
  args: ButcArgs;
  portOffset: number;
  /** 7025 + port offset. */
  udpPort: number;
  tapeConfig: TapeConfigEntry;
  cfgChoice: CfgChoice;
  /** CFG settings, with -noautoquery applied (the flag wins over AUTOQUERY). */
  cfg: CfgSettings;
  logs: ButcLogs;
  serverConfig: ServerConfig;
  audit: AuditLog | null;
  /** -cell, cut to 63 bytes, or '' for the local cell. */
  cell: string;
  localauth: boolean;
  allowUnauthenticated: boolean;
  rxbind: boolean;
}

export type StartupOutcome = { kind: 'ready'; state: ButcState } | { kind: 'exit'; exitCode: number };

/** Runs startup steps 0-7 on butc's argv (binary strings, without argv[0]). */
export function butcStartup(argv: readonly string[], options: ButcStartupOptions): StartupOutcome {
  const { paths, console } = options;
  const exit = (exitCode: number): StartupOutcome => ({ kind: 'exit', exitCode });

  const parsed = parseButcArgs(argv, options.a0name ?? 'butc');
  if (parsed.kind === 'exit') {
    if (parsed.stdout) console.out(parsed.stdout);
    if (parsed.stderr) console.err(parsed.stderr);
    return exit(parsed.exitCode);
  }
  if (parsed.stderr) console.err(parsed.stderr);
  const args = parsed.args;

  let portOffset = 0;
  if (args.port !== undefined) {
    portOffset = safeAtol(args.port);
    if (portOffset === -1) {
      console.err(`Illegal port offset '${args.port}'\n`);
      return exit(1);
    }
    if (portOffset > MAX_PORT_OFFSET) {
      console.err(`${portOffset} exceeds max port offset ${MAX_PORT_OFFSET}\n`);
      return exit(1);
    }
  }

  let tapeConfig: TapeConfigEntry | null;
  if (args.device !== undefined) tapeConfig = deviceOptionEntry(args.device, portOffset);
  else {
    try {
      tapeConfig = readTapeconfig(paths.tapeconfig, portOffset, { liftCapacityClamp: options.liftCapacityClamp ?? false });
    } catch (e) {
      if (!isButcError(e)) throw e;
      console.err(e.butcStderr);
      return exit(e.exitCode);
    }
    if (tapeConfig === null) {
      console.err(`tapecoord butc: no entry for port offset ${portOffset} in ${paths.tapeconfig}: refusing to start without a device (butc would start and fail every tape operation)\n`);
      return exit(1);
    }
  }

  if (args.restoretofile !== undefined) console.out(`Restore to file '${args.restoretofile}'\n`);

  const cfgChoice = chooseCfg(paths, portOffset, tapeConfig.device);
  const cfgParse = cfgChoice.content === null ? null : parseCfg(cfgChoice.content, cfgChoice.cfgPath!);
  for (const chunk of cfgParse?.output ?? []) emit(console, chunk);
  if (cfgParse?.error) return exit(cfgParse.error.exitCode);
  const cfg = cfgParse ? cfgParse.settings : cfgDefaults();

  let logs: ButcLogs;
  try {
    logs = ButcLogs.open(
      { tapeLog: cfgChoice.tapeLog, errorLog: cfgChoice.errorLog, lastLog: cfgChoice.lastLog, openLastLog: cfg.lastLog, centralLog: cfg.centralLog },
      console,
      options.now ? { now: options.now } : {},
    );
  } catch (e) {
    if (!isButcError(e)) throw e;
    console.err(e.butcStderr);
    return exit(e.exitCode);
  }
  let audit: AuditLog | null = null;
  const fail = (message: string): StartupOutcome => {
    logs.tLog(0, message);
    logs.close();
    audit?.close();
    return exit(1);
  };

  const serverConfig = openServerConfig(paths.serverEtcDir);
  if (!serverConfig) return fail('Failed to open server configuration directory');
  if (serverConfig.keyCount === 0) logs.tLog(0, NO_KEYS_WARNING);

  if (args.auditlog !== undefined) audit = AuditLog.open(args.auditlog, console);
  if (args.auditInterface !== undefined && !(AUDIT_INTERFACES as readonly string[]).includes(args.auditInterface)) {
    return fail(`Invalid audit interface '${args.auditInterface}'\n`);
  }
  audit?.startup(paths.localDir, options.now?.() ?? new Date());

  if (args.debuglevel !== undefined) {
    logs.debugLevel = safeAtol(args.debuglevel);
    if (logs.debugLevel === -1) return fail(`Illegal debug level '${args.debuglevel}'\n`);
  }

  const cell = (args.cell ?? '').slice(0, 63);
  if (args.noautoquery) cfg.autoQuery = false;

  if (!args.localauth && !args.allowUnauthenticated) return fail(INSECURE_REFUSAL);

  return {
    kind: 'ready',
    state: {
      args,
      portOffset,
      udpPort: BC_TAPEPORT + portOffset,
      tapeConfig,
      cfgChoice,
      cfg,
      logs,
      serverConfig,
      audit,
      cell,
      localauth: args.localauth,
      allowUnauthenticated: args.allowUnauthenticated,
      rxbind: args.rxbind,
    },
  };
}
