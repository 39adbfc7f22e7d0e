// The real `backup` 1.8.9 against `tapecoord butc` (the TC service over Rx, rxnull) and against the real
// butc, on copies of the same media the real butc wrote: status, readlabel, scantape, a scan waiting on
// the operator seen by status/jobs and ended by kill, and rxdebug -version.
import t from 'tap';
import { spawn } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { cellSh, consoleOf, env, inCell, repoRoot, tapecoord } from './lib/cell.mjs';

const REAL = 7;
const OURS = 6;
const fx = (f) => join(repoRoot, 'test', 'fixtures', 'openafs', f);
const device = (port) => join(env.AFSLAB_MEDIA_DIR, `tc-service-${port}`);
const nsenter = env.AFSLAB_NSENTER.split(/\s+/);
/** rxnull to butc (both run with -allow_unauthenticated); -localauth for budb. */
const backup = (...args) => inCell(['timeout', '60', 'backup', ...args, '-localauth', '-nobutcauth']);

function startReal() {
  try {
    cellSh('butc', 'stop', String(REAL));
  } catch {
    // not running
  }
  cellSh('tapeconfig', String(REAL), device(REAL), '--quiet');
  cellSh('butc', 'start', String(REAL), '-allow_unauthenticated');
}

/** tapecoord butc in the cell with a stdin that stays open; resolves once it serves. */
async function startOurs(t) {
  cellSh('tapeconfig', String(OURS), device(OURS), '--quiet');
  const child = spawn(nsenter[0], [...nsenter.slice(1), tapecoord, 'butc', '-port', String(OURS), '-localauth', '-allow_unauthenticated'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const out = { text: '', err: '' };
  child.stdout.setEncoding('latin1').on('data', (d) => (out.text += d));
  child.stderr.setEncoding('latin1').on('data', (d) => (out.err += d));
  t.teardown(() => {
    child.kill('SIGTERM');
    return new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
  });
  for (let i = 0; i < 100 && !out.text.includes('Starting Tape Coordinator'); i++) await sleep(100);
  if (!out.text.includes('Starting Tape Coordinator')) throw new Error(`tapecoord butc did not start: ${out.text}${out.err}`);
  return { child, out, since: (fn) => consoleSince(out, fn) };
}

async function consoleSince(out, fn) {
  const before = out.text.length;
  await fn();
  await sleep(500);
  return out.text.slice(before);
}

/** An interactive backup session: scantape, jobs while it waits on the operator, kill, jobs after the abort. */
async function scanAndKill(port) {
  const child = spawn(nsenter[0], [...nsenter.slice(1), 'timeout', '60', 'backup', '-localauth', '-nobutcauth'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let text = '';
  child.stdout.setEncoding('latin1').on('data', (d) => (text += d));
  child.stderr.setEncoding('latin1').on('data', (d) => (text += d));
  const say = (line) => child.stdin.write(`${line}\n`);
  say(`scantape -portoffset ${port}`);
  await sleep(6500);
  const status = backup('status', '-portoffset', String(port)).stdout;
  say('jobs');
  await sleep(300);
  say('kill 1');
  await sleep(11000);
  const after = backup('status', '-portoffset', String(port)).stdout;
  say('jobs');
  say('quit');
  await new Promise((r) => child.once('exit', r));
  return { status, after, session: text };
}

const ids = (s) => s.replace(/\b(Task|Job) \d+/g, '$1 N').replace(/TOKEN.*$/gm, 'TOKEN');

t.test('backup against tapecoord butc and the real butc', async (t) => {
  copyFileSync(fx('full-append.butc'), device(REAL));
  copyFileSync(fx('full-append.butc'), device(OURS));
  startReal();
  const ours = await startOurs(t);

  t.equal(backup('status', '-portoffset', String(OURS)).stdout, 'Tape coordinator is idle\n', 'status: idle');

  const rlReal = consoleOf(REAL, () => t.equal(backup('readlabel', '-portoffset', String(REAL)).status, 0, 'readlabel (real)'));
  let rlCmd;
  const rlOurs = await ours.since(() => (rlCmd = backup('readlabel', '-portoffset', String(OURS))));
  t.equal(rlCmd.status, 0, 'readlabel (tapecoord)');
  t.equal(rlOurs, rlReal, 'readlabel: the same console output');
  t.equal(rlOurs, readFileSync(fx('full-append.readlabel.txt'), 'latin1').slice(1), 'and the fixture');

  const scReal = consoleOf(REAL, () => t.equal(backup('scantape', '-portoffset', String(REAL)).status, 0, 'scantape (real)'));
  let scCmd;
  const scOurs = await ours.since(() => (scCmd = backup('scantape', '-portoffset', String(OURS))));
  t.equal(scCmd.status, 0, 'scantape (tapecoord)');
  t.equal(scOurs, scReal, 'scantape: the same console output');
  t.equal(backup('status', '-portoffset', String(OURS)).stdout, 'Tape coordinator is idle\n', 'EndStatus removed the task');

  // a label without a dump name: both wait on the operator for another tape
  copyFileSync(fx('label.butc'), device(REAL));
  copyFileSync(fx('label.butc'), device(OURS));
  const [real, mine] = await Promise.all([scanAndKill(REAL), scanAndKill(OURS)]);
  t.match(mine.status, /^Task \d+: Scantape: {2}\[operator wait\]\n$/, 'status while waiting');
  t.equal(ids(mine.status), ids(real.status), 'status while waiting: as the real butc');
  t.equal(ids(mine.after), ids(real.after), 'status after kill: as the real butc');
  t.equal(ids(mine.session).replaceAll(`port ${OURS}`, 'port P'), ids(real.session).replaceAll(`port ${REAL}`, 'port P'), 'jobs / kill session: as with the real butc');
  // bucoord's watcher polls every 5 s: the session ends with the abort requested, on both coordinators
  t.match(mine.session, /Job 1: Scantape \[abort request\]/, 'the job shows the abort requested');

  const v = inCell(['rxdebug', '198.18.0.1', String(7025 + OURS), '-version']);
  t.equal(v.status, 0, 'rxdebug -version');
  t.match(v.stdout, /AFS version: tapecoord/);
  cellSh('butc', 'stop', String(REAL));
});
