/**
 * `tapecoord butc ARGS...`: butc's own command line, verbatim (single-dash options, OpenAFS `cmd`
 * rules), routed here before commander sees it. Leading tapecoord options, which butc does not
 * have, come first:
 *
 *   --root DIR            prefix for every compiled-in path (else $TAPECOORD_BUTC_ROOT, else /)
 *   --no-capacity-clamp   lift tapeconfig's 2^31-1 KB capacity clamp to 2^32-1 KB (BUTC-SPEC §7 #1)
 *   --                    end of tapecoord options
 *
 * It runs butc's startup steps 1-7 (lib/butc/startup.ts) with butc's output and exit statuses,
 * then serves the TC interface (lib/butc/tc-service.ts) on UDP 7025 + port offset with rxnull and
 * butc's Rx dead time of 150 s, prints butc's `Starting Tape Coordinator` lines (BUTC-SPEC §1.1
 * step 17) and runs until SIGINT or SIGTERM, then closes its logs and exits 0.
 *
 * rxkad is not implemented: without -allow_unauthenticated every RPC is refused with
 * TC_NOTPERMITTED, as butc refuses rxnull callers, and a warning on stderr says so. There are no
 * VLDB/budb clients, so the startup steps that need them (11, 14-16) are not done.
 */
import { binaryOf } from '../butc/c-string.js';
import { processConsole, type ButcConsole } from '../butc/console.js';
import { butcPaths, butcRoot } from '../butc/paths.js';
import { TtyOperatorChannel, UnattendedOperatorChannel, type OperatorChannel } from '../butc/operator.js';
import { butcStartup } from '../butc/startup.js';
import { BUTC_DEAD_TIME_MS, TcService } from '../butc/tc-service.js';
import { TaskTable } from '../daemon/tasks.js';
import { RX_ADDRINUSE } from '../rx/constants.js';
import { RxServer } from '../rx/server.js';

export interface ButcIo {
  console?: ButcConsole;
  env?: NodeJS.ProcessEnv;
  /** What butc's argv[0] would be, for cmd's messages and the usage ('butc'). */
  a0name?: string;
  /** The clock for log timestamps (tests). */
  now?: () => Date;
  /** Stops the service when it aborts (default: SIGINT or SIGTERM). */
  signal?: AbortSignal;
  /** UDP port instead of 7025 + port offset (tests: 0 for any free port). */
  udpPort?: number;
  /** Called once the service listens, with its UDP port and the service (tests). */
  onListening?: (port: number, service: TcService) => void;
  /** The operator channel (default: the terminal on stdin, else unattended prompts on stdout). */
  operator?: OperatorChannel;
  /** One wait of the operator prompt, ms (butc: 5000; tests shorten it). */
  keyWaitMs?: number;
}

interface TapecoordOptions {
  root?: string;
  liftCapacityClamp: boolean;
  rest: string[];
}

/** Splits the leading tapecoord options off butc's arguments. */
export function splitTapecoordOptions(args: readonly string[]): TapecoordOptions | { error: string } {
  const out: TapecoordOptions = { liftCapacityClamp: false, rest: [] };
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (a === '--root') {
      if (i + 1 >= args.length) return { error: 'tapecoord butc: --root needs a directory' };
      out.root = args[++i]!;
    } else if (a.startsWith('--root=')) out.root = a.slice('--root='.length);
    else if (a === '--no-capacity-clamp') out.liftCapacityClamp = true;
    else break;
  }
  if (out.root === '') return { error: 'tapecoord butc: --root needs a directory' };
  out.rest = args.slice(i);
  return out;
}

/** `tapecoord butc ...`: `args` are the words after `butc`. Resolves with the exit status. */
export async function butcMain(args: string[], io: ButcIo = {}): Promise<number> {
  const console = io.console ?? processConsole();
  const opts = splitTapecoordOptions(args);
  if ('error' in opts) {
    console.err(`${opts.error}\n`);
    return 2;
  }
  const paths = butcPaths(butcRoot(opts.root, io.env ?? process.env));
  const outcome = butcStartup(opts.rest.map(binaryOf), {
    paths,
    console,
    a0name: io.a0name ?? 'butc',
    liftCapacityClamp: opts.liftCapacityClamp,
    ...(io.now ? { now: io.now } : {}),
  });
  if (outcome.kind === 'exit') return outcome.exitCode;
  const { state } = outcome;
  const closeLogs = () => {
    state.logs.close();
    state.audit?.close();
  };
  if (!state.allowUnauthenticated) {
    console.err('tapecoord butc: rxkad is not implemented: without -allow_unauthenticated every TC request is refused (TC_NOTPERMITTED)\n');
  }
  const table = new TaskTable({ portOffset: state.portOffset, retainMs: 0 });
  const operator = io.operator ?? TtyOperatorChannel.open() ?? new UnattendedOperatorChannel((text) => console.out(text));
  const service = new TcService({
    table,
    allowUnauthenticated: state.allowUnauthenticated,
    tape: {
      device: state.tapeConfig.device,
      capacityKB: state.tapeConfig.capacityKB,
      fileMarkSize: state.tapeConfig.fileMarkSize,
      cfg: state.cfg,
      logs: state.logs,
      console,
      operator,
      ...(io.keyWaitMs !== undefined ? { keyWaitMs: io.keyWaitMs } : {}),
    },
  });
  const port = io.udpPort ?? state.udpPort;
  let server: RxServer;
  try {
    server = await RxServer.listen({ port, services: [service.rx], options: { deadTime: BUTC_DEAD_TIME_MS } });
  } catch (e) {
    // butc: `rx init failed on port <p>` and the com_err line (step 9)
    const inUse = ((e as Error).cause as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE';
    state.logs.errorLog(0, 0, `rx init failed on port ${port}\n`, { code: RX_ADDRINUSE, text: inUse ? 'port address already in use' : (e as Error).message });
    closeLogs();
    operator.close();
    return 1;
  }
  server.endpoint.onError = (err) => console.err(`tapecoord butc: ${err.message}\n`);
  state.logs.tLog(0, `Starting Tape Coordinator: Port offset ${state.portOffset}   Debug level ${state.logs.debugLevel}\n`);
  // -localauth: cTIME of NEVERDATE, "NEVER" padded to ctime's width (§1.1 step 17)
  if (state.localauth) state.logs.tLog(0, 'Token expires: NEVER                   \n\n');
  io.onListening?.(server.address().port, service);
  await new Promise<void>((resolve) => {
    if (io.signal) {
      if (io.signal.aborted) return resolve();
      io.signal.addEventListener('abort', () => resolve(), { once: true });
      return;
    }
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await server.close();
  for (const t of table.list()) t.requestAbort('tape coordinator shutting down');
  await service.idle();
  operator.close();
  closeLogs();
  return 0;
}
