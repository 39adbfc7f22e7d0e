#!/usr/bin/env node
// `npm run test:vtl`: the test-vtl/ suite against the REAL Linux st/sg/ch drivers.
//
// On the host: build (npm run compile; --no-build only checks dist/ and the addon exist), boot the
// labs/vtl QEMU guest ONCE (stock Debian 12 kernel, tgt as the tape library, this checkout shared
// at the same path), run every test-vtl/*.test.mjs inside it with tap (all files in one process,
// in order), and exit with the result. Anything that keeps the tests from running is a failure,
// never a pass.
//
//   npm run test:vtl                                    build, boot, run everything
//   npm run test:vtl -- --no-build                      use the existing build
//   npm run test:vtl -- test-vtl/30-data.test.mjs      some files only
//   VTL_VM_SH=/path/to/vtl-vm.sh npm run test:vtl       another copy of the lab
//
// In the guest this script runs itself again with --inside.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const suiteDir = join(root, 'test-vtl');
const resultsDir = join(suiteDir, '.results');

// The lab's settings: small cartridges keep the early-warning test fast (it writes past capacity).
const VM = {
  tapeSizeMb: Number(process.env.VTL_TEST_TAPE_MB ?? 32),
  drives: 2,
  slots: 12,
  tapes: 12,
  timeoutSec: Number(process.env.VTL_TEST_TIMEOUT ?? 1200),
};
const TAP_TIMEOUT_SEC = 300; // per test file, summed for the whole run (TCG: each node start costs seconds)

function die(message, code = 2) {
  process.stderr.write(`\ntest:vtl: ${message}\n`);
  process.exit(code);
}

function testFiles(args) {
  const named = args.filter((a) => !a.startsWith('-'));
  const files = named.length
    ? named.map((f) => relative(root, resolve(f)))
    : readdirSync(suiteDir)
        .filter((f) => f.endsWith('.test.mjs'))
        .sort()
        .map((f) => join('test-vtl', f));
  for (const f of files) if (!existsSync(join(root, f))) die(`no such test file: ${f}`);
  if (files.length === 0) die('no test-vtl/*.test.mjs files found');
  return files;
}

// ------------------------------------------------------------------------- in the guest

async function inside(args) {
  const runId = process.env.VTL_TEST_RUN_ID ?? 'manual';
  const files = testFiles(args);
  const problems = [];
  for (const v of ['TAPE0', 'TAPE0_SG', 'TAPE1', 'CHANGER']) if (!process.env[v]) problems.push(`$${v} is not set`);
  if (process.env.TAPE0 && !existsSync(process.env.TAPE0)) problems.push(`${process.env.TAPE0} does not exist`);
  if (problems.length) {
    process.stderr.write(`test:vtl (guest): not a usable VTL guest: ${problems.join('; ')}\n`);
    return 3;
  }
  const kernel = spawnSync('uname', ['-r'], { encoding: 'utf8' }).stdout.trim();
  process.stderr.write(`test:vtl (guest): ${process.env.TAPE0} ${process.env.TAPE1} changer ${process.env.CHANGER}, kernel ${kernel}; loading tap\n`);
  const started = Date.now();
  // All files in ONE process, in order: under TCG every node process that imports tap pays ~40 s
  // of compiling (the tap runner's loaders ~100 s more per file), which alone would blow the time
  // budget. Each file is a tap test file (one top-level t.test), so `npx tap test-vtl/x.test.mjs`
  // still works on a fast guest.
  process.env.TAP_TIMEOUT ??= String(TAP_TIMEOUT_SEC * files.length);
  const { t } = await import('tap');
  process.stderr.write(`test:vtl (guest): tap loaded in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  process.on('exit', (code) => {
    const c = t.counts;
    const summary = { runId, files, exitCode: code, counts: { total: c.total, pass: c.pass, fail: c.fail, todo: c.todo, skip: c.skip }, seconds: (Date.now() - started) / 1000 };
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(join(resultsDir, 'last-run.json'), JSON.stringify(summary, null, 2) + '\n');
    process.stdout.write(`# test:vtl: ${c.pass} pass, ${c.fail} fail, ${c.todo} todo, ${c.skip} skip in ${summary.seconds.toFixed(0)} s\n`);
  });
  for (const f of files) await import(pathToFileURL(join(root, f)).href);
  return undefined; // tap sets the exit code when the tests finish
}

// ------------------------------------------------------------------------- on the host

function host(args) {
  const files = testFiles(args);
  const vm = process.env.VTL_VM_SH ?? '/work/shared/labs/vtl/vtl-vm.sh';
  if (!existsSync(vm)) die(`the VTL lab is not here: ${vm} does not exist (set VTL_VM_SH). The drive tests need it; nothing was run.`);
  if (process.platform !== 'linux') die('the VTL lab needs Linux (QEMU with KVM or TCG)');

  // The lab boots with KVM when it can, else under TCG (software emulation: slower, still real
  // st/sg/ch drivers). Neither available means no VM: fail loudly.
  const info = spawnSync(vm, ['info'], { encoding: 'utf8' });
  const accel = /accel:\s*(.*)/.exec(info.stdout ?? '')?.[1]?.trim() ?? 'unknown';
  const hasQemu = spawnSync('bash', ['-c', 'command -v qemu-system-x86_64'], { encoding: 'utf8' }).status === 0;
  if (info.status !== 0 || !hasQemu) {
    die(`the VTL VM is unavailable (${vm} info: exit ${info.status}${hasQemu ? '' : ', qemu-system-x86_64 not installed'}):\n${(info.stdout ?? '') + (info.stderr ?? '')}`);
  }
  const kvm = existsSync('/dev/kvm') ? (/^kvm/.test(accel) && !/NOT usable/.test(accel) ? 'usable' : 'present but not usable') : 'absent';
  process.stderr.write(`test:vtl: /dev/kvm ${kvm}; accelerator: ${accel}\n`);

  if (args.includes('--no-build')) {
    for (const f of ['dist/lib/index.js', 'build/Release/tapecoord.node'])
      if (!existsSync(join(root, f))) die(`--no-build, but ${f} is missing: run npm run build`);
  } else {
    // the package's build script: "compile" (native addon + tsc; "build" would also trigger npm's
    // "prebuild" lifecycle = prebuildify), or "build" in older checkouts
    const scripts = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts ?? {};
    const name = ['compile', 'build'].find((n) => scripts[n]);
    const cmd = name ? ['npm', ['run', name]] : ['bash', ['-c', 'node scripts/build-native.mjs && npx tsc -p tsconfig.json']];
    process.stderr.write(`test:vtl: ${cmd[0]} ${cmd[1].join(' ')}\n`);
    const b = spawnSync(cmd[0], cmd[1], { cwd: root, stdio: 'inherit' });
    if (b.status !== 0) die(`the build failed (${cmd[0]} ${cmd[1].join(' ')}: exit ${b.status}); the drive tests were not run`);
    for (const f of ['dist/lib/index.js', 'build/Release/tapecoord.node'])
      if (!existsSync(join(root, f))) die(`the build did not produce ${f}`);
  }

  const runId = randomUUID();
  rmSync(join(resultsDir, 'last-run.json'), { force: true });
  const vmArgs = [
    'run',
    '--share', root,
    '--cwd', root,
    '--tape-size', String(VM.tapeSizeMb),
    '--drives', String(VM.drives),
    '--slots', String(VM.slots),
    '--tapes', String(VM.tapes),
    '--timeout', String(VM.timeoutSec),
    '--env-file', '', // the variables are exported to the command; no .vtl-env in the checkout
    '--env', `VTL_TEST_RUN_ID=${runId}`,
    '--',
    'node',
    'scripts/test-vtl.mjs',
    '--inside',
    ...files,
  ];
  process.stderr.write(`test:vtl: booting the VTL guest once for ${files.length} test files (${VM.drives} drives, ${VM.tapeSizeMb} MiB cartridges)\n`);
  const started = Date.now();
  const r = spawnSync(vm, vmArgs, { cwd: root, stdio: 'inherit' });
  const status = r.status ?? 1;
  const seconds = ((Date.now() - started) / 1000).toFixed(0);

  if (status === 125) die(`the VTL VM or its library set-up failed (vtl-vm.sh exit 125, after ${seconds} s); the drive tests did not run. See the log above.`, 125);
  if (status === 124) die(`the VTL VM run timed out after ${VM.timeoutSec} s (vtl-vm.sh exit 124)`, 124);
  let summary = null;
  try {
    summary = JSON.parse(readFileSync(join(resultsDir, 'last-run.json'), 'utf8'));
  } catch {
    // below
  }
  if (!summary || summary.runId !== runId) {
    die(`the tests did not run in the guest (exit ${status}, no result from this run in ${relative(root, resultsDir)}/)`, status || 1);
  }
  const c = summary.counts;
  if (status !== 0 || c.fail > 0) die(`FAILED: ${c.fail} of ${c.total} assertions failed in the guest (exit ${status}, ${seconds} s in all)`, status || 1);
  if (c.total === 0) die('no assertions ran in the guest', 1);
  process.stderr.write(`\ntest:vtl: passed: ${c.pass} assertions (${c.todo} todo) in ${summary.files.length} files against the real st driver, ${seconds} s in all (tests ${summary.seconds.toFixed(0)} s)\n`);
  return 0;
}

const args = process.argv.slice(2);
if (args.includes('--inside')) {
  const code = await inside(args.filter((a) => a !== '--inside'));
  if (code !== undefined) process.exitCode = code;
} else {
  process.exitCode = host(args);
}
