// The lab cell as the test-openafs files use it (scripts/test-openafs.mjs starts it and exports
// its AFSLAB_* settings): commands inside its namespaces, its tapeconfig and CFG files, the real
// butc on a port offset, and what that butc printed.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const tapecoord = join(repoRoot, 'bin', 'tapecoord');
export const env = process.env;
for (const v of ['AFSLAB_CELL_SH', 'AFSLAB_NSENTER', 'AFSLAB_BACKUP_DIR', 'AFSLAB_TAPECONFIG', 'AFSLAB_MEDIA_DIR', 'AFSLAB_OUT_DIR']) {
  if (!env[v]) throw new Error(`${v} is not set: run these tests with npm run test:openafs`);
}

/** Runs argv inside the cell's namespaces. */
export function inCell(argv, options = {}) {
  const r = spawnSync('nsenter', [...env.AFSLAB_NSENTER.split(/\s+/).slice(1), ...argv], { encoding: 'utf8', timeout: options.timeout ?? 180_000, input: options.input ?? '' });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

export function cellSh(...args) {
  const r = spawnSync(env.AFSLAB_CELL_SH, args, { encoding: 'utf8', timeout: 180_000 });
  if (r.status !== 0) throw new Error(`cell.sh ${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
  return r.stdout;
}

export const backup = (...args) => inCell(['timeout', '170', 'backup', ...args, '-localauth']);

/** Points port N at DEVICE (FILE mode, ASK/AUTOQUERY/NAME_CHECK off) and (re)starts the real butc there. */
export function realButc(port, device, ...options) {
  try {
    cellSh('butc', 'stop', String(port));
  } catch {
    // not running
  }
  cellSh('tapeconfig', String(port), device, '--quiet', ...options);
  cellSh('butc', 'start', String(port));
}

/** What the real butc on `port` prints on its console while `fn` runs. */
export function consoleOf(port, fn) {
  const log = join(env.AFSLAB_OUT_DIR, `butc${port}.out`);
  const before = readFileSync(log).length;
  fn();
  spawnSync('sleep', ['1']);
  return readFileSync(log).subarray(before).toString('utf8');
}

/** Replaces the cell's tapeconfig for a test; returns a function that puts the old one back. */
export function withTapeconfig(text) {
  const old = readFileSync(env.AFSLAB_TAPECONFIG, 'utf8');
  writeFileSync(env.AFSLAB_TAPECONFIG, text);
  return () => writeFileSync(env.AFSLAB_TAPECONFIG, old);
}
