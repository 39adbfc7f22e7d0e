/**
 * `tapecoord restore`: restores dumps through the daemon, or with --plan shows what a restore
 * would read, from which cartridges, in which order.
 *
 *   tapecoord restore --name NAME... [--at TIME] [-o FILE|-]            (the daemon restores)
 *   tapecoord restore --plan (--name NAME | --pattern GLOB | --regex RE)... [--at TIME] [--json] [--catalog FILE]
 *
 * Selectors add up (their union). TIME is Unix seconds or a date that Date.parse reads
 * (2026-11-20, 2026-11-20T18:00:00Z). The catalog is --catalog, else $TAPECOORD_CATALOG, else
 * ./var/catalog.db. Exit status 1 when a volume cannot be restored (missing) or a selector chose
 * nothing; the plan is printed all the same. Without --plan the named dumps are restored one after
 * the other to -o (default stdout) by the daemon, streamed over its control connection.
 */
import { createWriteStream } from 'node:fs';
import { Command, Option } from 'commander';
import type { ApiOption } from '../api/options.js';
import { start } from '../api/start.js';
import { Catalog, DEFAULT_CATALOG_PATH } from '../catalog/database.js';
import { describeLocation } from '../planner/next-cartridge.js';
import { planRestore, type PlannedMount, type RestorePlan } from '../planner/restore-plan.js';
import type { VolumeSelector } from '../planner/select.js';
import { parseUnixTime } from '../util/unix-time.js';
import { addTargetOptions, consoleHandlers, finish, socketOf, withProgress, type TargetOptions } from './daemon-target.js';

interface RestoreOptions extends TargetOptions {
  plan?: boolean;
  output?: string;
  ask: boolean;
  name: string[];
  pattern: string[];
  regex: string[];
  at?: string;
  json?: boolean;
  catalog: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** TIME as Unix seconds: digits are seconds, anything else goes through Date.parse. */
export function parseTime(text: string): number {
  return parseUnixTime(text, '--at');
}

export function restoreCommand(): Command {
  return addTargetOptions(new Command('restore'))
    .description('restore dumps through the daemon; with --plan, show which cartridges and tape files a restore reads, in order')
    .option('--plan', 'print the restore plan instead of restoring')
    .option('-o, --output <file>', 'where the restored data goes (default: stdout)')
    .addOption(new Option('--no-ask', 'answer operator questions with their defaults (butc ASK NO)'))
    .option('--name <name>', 'a volume by its exact name (repeatable)', collect, [])
    .option('--pattern <glob>', "volumes whose names match a shell pattern: * ? [a-z] (repeatable; quote it)", collect, [])
    .option('--regex <re>', 'volumes whose names match a JavaScript regular expression (repeatable)', collect, [])
    .option('--at <time>', 'restore as of this time: Unix seconds or a date (default: the latest dumps)')
    .option('--json', 'print the plan as JSON')
    .addOption(new Option('--catalog <file>', 'the catalog database').env('TAPECOORD_CATALOG').default(DEFAULT_CATALOG_PATH))
    .action(async (o: RestoreOptions) => {
      const select: VolumeSelector[] = [
        ...o.name.map((name) => ({ name })),
        ...o.pattern.map((pattern) => ({ pattern })),
        ...o.regex.map((regex) => ({ regex })),
      ];
      if (!o.plan) {
        if (o.name.length === 0 || o.pattern.length || o.regex.length) throw new Error('restore: name the dumps with --name (patterns are for --plan)');
        await restoreThroughDaemon(o);
        return;
      }
      if (select.length === 0) throw new Error('restore --plan: choose volumes with --name, --pattern or --regex');
      const at = o.at === undefined ? null : parseTime(o.at);
      const cat = Catalog.open(o.catalog);
      let plan: RestorePlan;
      try {
        plan = planRestore(cat, { select, at });
      } finally {
        cat.close();
      }
      process.stdout.write(o.json ? JSON.stringify(plan) + '\n' : formatPlan(plan));
      if (plan.missing.length > 0 || plan.unmatched.length > 0) process.exitCode = 1;
    });
}

const OUTPUT_HIGH_WATER = 8 << 20;

async function restoreThroughDaemon(o: RestoreOptions): Promise<void> {
  const socket = socketOf(o);
  // A large high-water mark: the data arrives from the socket 64 KiB at a time, and a stream that
  // says "full" after each chunk (the default 16 KiB) stops and restarts the socket every time.
  const output = o.output === undefined || o.output === '-' ? process.stdout : createWriteStream(o.output, { highWaterMark: OUTPUT_HIGH_WATER });
  const options: ApiOption[] = [
    { type: 'operation', value: 'restore' },
    ...o.name.map((name): ApiOption => ({ type: 'name', value: name })),
    { type: 'output', value: output },
    { type: 'ask', value: o.ask },
    ...(o.at !== undefined ? [{ type: 'at' as const, value: parseTime(o.at) }] : []),
  ];
  const shown = consoleHandlers();
  const c = await withProgress(socket, (onTask) => start(options, { all: (e) => (onTask(e.task), shown.all!(e)) }, { path: socket }));
  if (c.code === 'NORMAL') {
    const r = c.result as { bytes: number; restored: { name: string; dump: number; pieces: unknown[] }[] };
    process.stderr.write(`restored ${r.restored.map((d) => `"${d.name}" (dump ${d.dump}, ${d.pieces.length} pieces)`).join(', ')}: ${r.bytes} bytes (task ${c.task})\n`);
  }
  finish(c);
}

const where = (m: PlannedMount): string =>
  m.location !== null ? describeLocation(m.location, m.device) : m.device !== null ? `loaded in ${m.device}` : 'location unknown';

/** The plan as an operator reads it: one block per cartridge in mount order, then what cannot be restored. */
export function formatPlan(plan: RestorePlan): string {
  const out: string[] = [];
  const reads = plan.cartridges.reduce((n, m) => n + m.reads.length, 0);
  const bytes = plan.cartridges.reduce((n, m) => n + m.bytes, 0);
  out.push(
    `restore plan${plan.at === null ? '' : ` as of ${new Date(plan.at * 1000).toISOString()}`}: ${plan.volumes.length} volumes, ` +
      `${reads} fragments, ${bytes} bytes on ${plan.cartridges.length} cartridges`,
  );
  plan.cartridges.forEach((m, i) => {
    out.push('');
    out.push(`${i + 1}. cartridge ${m.cartridge} (${m.placement}: ${where(m)}), ${m.reads.length} fragments, ${m.bytes} bytes`);
    out.push(`   ${'file'.padStart(6)} ${'block'.padStart(10)} ${'bytes'.padStart(14)}  ${'dump'.padStart(10)} ${'frag'.padStart(4)}  volume`);
    for (const r of m.reads) {
      out.push(
        `   ${String(r.position).padStart(6)} ${(r.block === null ? '-' : String(r.block)).padStart(10)} ${String(r.bytes).padStart(14)}  ` +
          `${String(r.dump).padStart(10)} ${String(r.fragment).padStart(4)}  ${r.volume}${r.spool ? '  (spool: follows data read later)' : ''}`,
      );
    }
  });
  const spooled = plan.volumes.filter((v) => !v.inOrder).length;
  if (spooled > 0) out.push('', `${spooled} volumes have data read before what it follows; it is spooled until then`);
  if (plan.missing.length > 0) {
    out.push('', `cannot restore ${plan.missing.length} volumes:`);
    for (const m of plan.missing) out.push(`  ${m.message}`);
  }
  if (plan.unmatched.length > 0) out.push('', `no volume matches: ${plan.unmatched.join(', ')}`);
  return out.join('\n') + '\n';
}
