/**
 * `tapecoord butc ARGS...`: butc's own command line, verbatim (single-dash options, OpenAFS `cmd`
 * rules), routed here before commander sees it. Leading tapecoord options, which butc does not
 * have, come first:
 *
 *   --root DIR            prefix for every compiled-in path (else $TAPECOORD_BUTC_ROOT, else /)
 *   --no-capacity-clamp   lift tapeconfig's 2^31-1 KB capacity clamp to 2^32-1 KB (BUTC-SPEC §7 #1)
 *   --                    end of tapecoord options
 *
 * It runs butc's startup steps 1-7 (lib/butc/startup.ts) with butc's output and exit statuses.
 * The TC Rx service (steps 9 onwards) does not exist yet: after a successful startup it says so on
 * stderr and exits with EXIT_NO_TC_SERVICE.
 */
import { binaryOf } from '../butc/c-string.js';
import { processConsole, type ButcConsole } from '../butc/console.js';
import { butcPaths, butcRoot } from '../butc/paths.js';
import { butcStartup } from '../butc/startup.js';

/** Exit status after a successful startup while the TC Rx service is not implemented (EX_UNAVAILABLE). */
export const EXIT_NO_TC_SERVICE = 69;

export interface ButcIo {
  console?: ButcConsole;
  env?: NodeJS.ProcessEnv;
  /** What butc's argv[0] would be, for cmd's messages and the usage ('butc'). */
  a0name?: string;
  /** The clock for log timestamps (tests). */
  now?: () => Date;
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
  console.err(
    `tapecoord butc: startup complete (port offset ${state.portOffset}, device ${state.tapeConfig.device}); ` +
      `the TC Rx service on UDP port ${state.udpPort} is not implemented yet, exiting\n`,
  );
  state.logs.close();
  state.audit?.close();
  return EXIT_NO_TC_SERVICE;
}
