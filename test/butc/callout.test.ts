// MOUNT/UNMOUNT callouts with real scripts (BUTC-SPEC §1.6): argv, empty environment, exit codes,
// no shell, abort, and the mount-loop guard against a callout that "succeeds" without changing the medium.
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import {
  callOutExitCode,
  callOutFailedMessage,
  mountArgs,
  mountDecision,
  runCallOut,
  unmountArgs,
  willPromptMessage,
  type CallOutExit,
} from '../../lib/butc/callout.js';
import { isButcError } from '../../lib/butc/errors.js';
import { MountLoopGuard } from '../../lib/butc/mount-guard.js';
import { tempDir } from '../helpers/tmp.js';

type T = Parameters<typeof tempDir>[0];

/** A /bin/sh script in a temp dir that records its argv (one per line) and environment (NUL-separated), then runs `tail`. */
function script(t: T, tail: string): { path: string; dir: string } {
  const dir = tempDir(t);
  const path = join(dir, 'callout.sh');
  writeFileSync(path, `#!/bin/sh\nfor a in "$0" "$@"; do printf '%s\\n' "$a"; done > ${dir}/argv\n/usr/bin/env -0 > ${dir}/env\n${tail}\n`);
  chmodSync(path, 0o755);
  return { path, dir };
}
const quiet = { stdio: 'ignore' as const };

/** The callout's environment, minus what tap's coverage hook (@tapjs/processinfo) adds to every child. */
function childEnv(dir: string): string[] {
  return readFileSync(join(dir, 'env'), 'utf8')
    .split('\0')
    .filter((l) => l !== '' && !l.startsWith('_TAPJS_PROCESSINFO_') && !(l.startsWith('NODE_OPTIONS=') && l.includes('@tapjs/processinfo')));
}

t.test('argv: MOUNT and UNMOUNT', async (t) => {
  t.same(mountArgs('/dev/nst0', 'dump', 1, 'vs2.full.1', 1795243745), ['/dev/nst0', 'dump', '1', 'vs2.full.1', '1795243745']);
  t.same(mountArgs('/srv/t', 'readlabel', 301, '', 0), ['/srv/t', 'readlabel', '301', 'none', 'none']);
  t.same(mountArgs('/srv/t', 'restore', 2, 'vs2.full.1', 3000000000), ['/srv/t', 'restore', '2', 'vs2.full.1', '3000000000'], 'dump id unsigned');
  t.same(unmountArgs('/dev/nst0'), ['/dev/nst0', 'unmount']);

  const { path, dir } = script(t, 'exit 0');
  const exit = await runCallOut(path, mountArgs('/dev/nst0', 'savedb', 3, 'Ubik_db_dump.1', 0), quiet);
  t.same(exit, { kind: 'exited', status: 0 });
  t.equal(readFileSync(join(dir, 'argv'), 'utf8'), `${path}\n/dev/nst0\nsavedb\n3\nUbik_db_dump.1\nnone\n`, 'argv[0] is the path as configured');
  t.same(childEnv(dir), [`PWD=${process.cwd()}`], 'empty environment: only the PWD /bin/sh adds');
});

t.test('an environment can be given (tapecoord extension)', async (t) => {
  const { path, dir } = script(t, 'exit 0');
  await runCallOut(path, unmountArgs('/dev/nst0'), { ...quiet, env: { PATH: '/usr/bin:/bin', TAPE: 'x' } });
  t.same(childEnv(dir).sort(), [`PWD=${process.cwd()}`, 'PATH=/usr/bin:/bin', 'TAPE=x'].sort());
  t.equal(readFileSync(join(dir, 'argv'), 'utf8'), `${path}\n/dev/nst0\nunmount\n`);
});

t.test('no shell: tape names are passed verbatim', async (t) => {
  const { path, dir } = script(t, 'exit 0');
  const evil = `x; touch ${dir}/pwned $(touch ${dir}/pwned2)`;
  await runCallOut(path, mountArgs('/dev/nst0', 'labeltape', 1, evil, 0), quiet);
  t.equal(readFileSync(join(dir, 'argv'), 'utf8').split('\n')[4], evil);
  t.notOk(existsSync(join(dir, 'pwned')) || existsSync(join(dir, 'pwned2')));
});

t.test('exit statuses and what butc does with them', async (t) => {
  const cases: [string, CallOutExit, 'proceed' | 'abort' | 'skip' | 'prompt', 'proceed' | 'abort' | 'skip' | 'prompt', number][] = [
    ['exit 0', { kind: 'exited', status: 0 }, 'proceed', 'proceed', 0],
    ['exit 1', { kind: 'exited', status: 1 }, 'abort', 'abort', 1],
    ['exit 3', { kind: 'exited', status: 3 }, 'skip', 'prompt', 3],
    ['exit 2', { kind: 'exited', status: 2 }, 'prompt', 'prompt', 2],
    ['exit 7', { kind: 'exited', status: 7 }, 'prompt', 'prompt', 7],
    ['kill -9 $$', { kind: 'signaled', signal: 'SIGKILL' }, 'prompt', 'prompt', -1],
  ];
  for (const [tail, expected, restore, dump, code] of cases) {
    const { path } = script(t, tail);
    const exit = await runCallOut(path, mountArgs('/dev/nst0', 'restore', 1, 't', 5), quiet);
    t.same(exit, expected, tail);
    t.equal(mountDecision('restore', exit), restore, `${tail} on a restore`);
    t.equal(mountDecision('dump', exit), dump, `${tail} on a dump (3 skips only restores)`);
    t.equal(callOutExitCode(exit), code);
  }
  t.equal(willPromptMessage({ kind: 'exited', status: 7 }), 'Callout routine has exited with code 7: will prompt\n');
  t.equal(callOutFailedMessage('dump', '/srv/m.sh'), 'Call to dump outside routine /srv/m.sh failed\n');
});

t.test('exec failures count as exit 2 (prompt); no PATH search', async (t) => {
  const dir = tempDir(t);
  const missing = await runCallOut(join(dir, 'nope.sh'), [], quiet);
  t.same(missing, { kind: 'exec-failed', errno: 'ENOENT' });
  t.equal(callOutExitCode(missing), 2);
  t.equal(mountDecision('dump', missing), 'prompt');
  const plain = join(dir, 'plain.sh');
  writeFileSync(plain, '#!/bin/sh\nexit 0\n');
  chmodSync(plain, 0o644);
  t.match(await runCallOut(plain, [], quiet), { kind: 'exec-failed' }, 'not executable');
  const noShebang = join(dir, 'noshebang');
  writeFileSync(noShebang, 'exit 0\n');
  chmodSync(noShebang, 0o755);
  t.same(await runCallOut(noShebang, [], quiet), { kind: 'exec-failed', errno: 'ENOEXEC' }, 'execve, not execvp: no /bin/sh fallback');
  t.same(await runCallOut('true', [], quiet), { kind: 'exec-failed', errno: 'ENOENT' }, '"true" is ./true, not /usr/bin/true');
});

t.test('abort while the callout runs: SIGKILL', async (t) => {
  const { path } = script(t, 'exec /bin/sleep 30');
  const ac = new AbortController();
  const started = Date.now();
  setTimeout(() => ac.abort(), 100);
  const exit = await runCallOut(path, mountArgs('/dev/nst0', 'dump', 1, 'a.b.1', 0), { ...quiet, signal: ac.signal });
  t.match(exit, { kind: 'aborted', killed: true });
  t.ok(Date.now() - started < 10000, 'did not wait for the script');
  t.equal(mountDecision('dump', exit), 'abort');
});

t.test('mount loop guard: a callout that succeeds without changing the medium', async (t) => {
  const dir = tempDir(t);
  const medium = join(dir, 'tape0.file');
  writeFileSync(medium, 'LABEL vs2.full.1 (the dump in progress)');
  const lazy = join(dir, 'lazy.sh');
  writeFileSync(lazy, '#!/bin/sh\nexit 0\n');
  chmodSync(lazy, 0o755);
  const guard = new MountLoopGuard(medium, 3);
  guard.before({ label: readFileSync(medium) });
  let tries = 1;
  let error: unknown;
  for (; tries < 50; tries++) {
    const exit = await runCallOut(lazy, mountArgs(medium, 'dump', tries, 'vs2.full.1', 1795243745), quiet);
    t.equal(mountDecision('dump', exit), 'proceed');
    try {
      guard.mounted({ label: readFileSync(medium) }, tries);
    } catch (e) {
      error = e;
      break;
    }
    // butc refuses the tape ("Can't overwrite tape containing the dump in progress") and asks again
  }
  t.equal(tries, 3, 'stopped at the third unchanged mount');
  t.ok(isButcError(error, 'mount-loop'));
  t.match((error as Error).message, `${medium}: the MOUNT callout reported success 3 times in a row (attempt 3) but the drive still holds the same label`);

  const changer = join(dir, 'changer.sh');
  writeFileSync(changer, `#!/bin/sh\nprintf 'LABEL fresh %s' "$3" > ${medium}\nexit 0\n`);
  chmodSync(changer, 0o755);
  const guard2 = new MountLoopGuard(medium, 2);
  guard2.before({ label: readFileSync(medium) });
  for (let n = 1; n <= 6; n++) {
    await runCallOut(changer, mountArgs(medium, 'dump', n, 'vs2.full.1', 0), quiet);
    guard2.mounted({ label: readFileSync(medium) }, n);
  }
  t.pass('a callout that changes the medium every time is never stopped');
});

t.test('mount loop guard: identities and reset', async (t) => {
  const g = new MountLoopGuard('/dev/nst0', 2);
  g.mounted({ tapeName: 'a.b.1', dumpId: 5 }, 1);
  g.mounted({ tapeName: 'a.b.1', dumpId: 5 }, 2);
  t.throws(() => g.mounted({ tapeName: 'a.b.1', dumpId: 5 }, 3), { code: 'mount-loop', device: '/dev/nst0', message: /tape a\.b\.1 \(5\)/ });
  g.reset();
  g.mounted(null, 1);
  g.mounted({ tapeName: 'a.b.1', dumpId: 6 }, 2);
  g.mounted(null, 3);
  g.mounted(null, 4);
  t.throws(() => g.mounted(null, 5), { message: /a blank medium/ });
  t.throws(() => new MountLoopGuard('/dev/nst0', 0), RangeError);
});
