#!/usr/bin/env node
// `npm run test:openafs`: the test-openafs/ suite against the REAL OpenAFS 1.8.9 programs.
//
// Builds (npm run compile; --no-build only checks that dist/ and the addon exist), starts the lab
// cell ONCE (../shared/labs/openafs/cell.sh up: a private one-host cell in its own mount, network
// and UTS namespaces, with the real backup, butc, vos and read_tape), runs every
// test-openafs/*.test.mjs with tap, stops the cell, and exits with tap's result. Anything that keeps
// the tests from running is a failure, never a pass.
//
//   npm run test:openafs                                 build, start the cell, run everything
//   npm run test:openafs -- --no-build                   use the existing build
//   npm run test:openafs -- test-openafs/10-x.test.mjs   some files only
//   AFSLAB_CELL_SH=/path/to/cell.sh npm run test:openafs another copy of the lab
//   --keep                                               leave the cell up afterwards
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const cellSh = process.env.AFSLAB_CELL_SH ?? resolve(root, '..', 'shared', 'labs', 'openafs', 'cell.sh');

function die(message) {
  process.stderr.write(`\ntest:openafs: ${message}\n`);
  process.exit(2);
}

if (process.getuid?.() !== 0) die('needs root: the lab cell uses namespaces and bind mounts');
if (!existsSync(cellSh)) die(`no lab cell script at ${cellSh} (set AFSLAB_CELL_SH)`);

const named = args.filter((a) => !a.startsWith('-'));
const files = named.length
  ? named.map((f) => relative(root, resolve(f)))
  : readdirSync(join(root, 'test-openafs'))
      .filter((f) => f.endsWith('.test.mjs'))
      .sort()
      .map((f) => join('test-openafs', f));
for (const f of files) if (!existsSync(join(root, f))) die(`no such test file: ${f}`);
if (files.length === 0) die('no test-openafs/*.test.mjs files');

if (args.includes('--no-build')) {
  for (const f of ['dist/lib/index.js', 'build/Release/tapecoord.node']) if (!existsSync(join(root, f))) die(`--no-build, but ${f} is missing`);
} else if (spawnSync('npm', ['run', 'compile'], { cwd: root, stdio: 'inherit' }).status !== 0) die('npm run compile failed');

const started = Date.now();
const up = spawnSync(cellSh, ['up'], { stdio: ['ignore', 'ignore', 'inherit'] });
if (up.status !== 0) die(`${cellSh} up failed (exit ${up.status})`);
const env = spawnSync(cellSh, ['env'], { encoding: 'utf8' });
if (env.status !== 0) die(`${cellSh} env failed`);
const cellEnv = { AFSLAB_CELL_SH: cellSh };
for (const line of env.stdout.split('\n')) {
  const m = /^(AFSLAB_\w+)='(.*)'$/.exec(line);
  if (m) cellEnv[m[1]] = m[2].replace(/'\\''/g, "'");
}
process.stderr.write(`test:openafs: cell up in ${((Date.now() - started) / 1000).toFixed(1)} s; running ${files.length} files\n`);

const tap = spawnSync('npx', ['tap', '--disable-coverage', '--allow-empty-coverage', '-t', '600', ...files], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, ...cellEnv },
});
if (!args.includes('--keep')) spawnSync(cellSh, ['down'], { stdio: ['ignore', 'ignore', 'inherit'] });
process.exit(tap.status ?? 1);
