// The real `backup` 1.8.9 against `tapecoord serve --butc`: dumps started with tapecoord's own CLI
// show in `backup status` as the real butc would print them (Kbytes, volume, [drive wait], abort
// and done markers), identical to `tapecoord status` at every step; rxdebug answers on the port.
import t from 'tap';
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { env, inCell, tapecoord } from './lib/cell.mjs';

// 6-9 are taken by the other files (10-media leaves the real butc on 8 running)
const PORT = 5;
const varDir = join(env.AFSLAB_MEDIA_DIR, 'daemon-var');
const socket = join(varDir, 'tapecoord.sock');
const nsenter = env.AFSLAB_NSENTER.split(/\s+/);
const backupStatus = () => inCell(['timeout', '60', 'backup', 'status', '-portoffset', String(PORT), '-localauth', '-nobutcauth']);
const ourStatus = (...args) => inCell([tapecoord, 'status', '--socket', socket, ...args]);

/** A process in the cell, its output collected. */
function inCellProcess(t, argv) {
  const child = spawn(nsenter[0], [...nsenter.slice(1), ...argv], { stdio: ['pipe', 'pipe', 'pipe'] });
  const out = { text: '', exit: new Promise((r) => child.once('exit', (code) => r(code))) };
  child.stdout.setEncoding('utf8').on('data', (d) => (out.text += d));
  child.stderr.setEncoding('utf8').on('data', (d) => (out.text += d));
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGTERM');
    return out.exit;
  });
  return { child, out };
}

async function until(what, test, output = null) {
  for (let i = 0; i < 300; i++) {
    if (await test()) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting until ${what}${output ? `; it printed:\n${output()}` : ''}`);
}

const tasks = () => JSON.parse(ourStatus('--json').stdout).tasks;

/** backup status and tapecoord status, taken while nothing moves: they must agree. */
function bothStatus(t, expected, what) {
  const theirs = backupStatus();
  const ours = ourStatus();
  t.equal(theirs.status, 0, `${what}: backup status exits 0`);
  t.equal(theirs.stdout, expected, `${what}: backup status`);
  t.equal(ours.stdout, theirs.stdout, `${what}: tapecoord status prints the same`);
}

t.test('backup status against tapecoord serve --butc', async (t) => {
  rmSync(varDir, { recursive: true, force: true });
  mkdirSync(varDir, { recursive: true });
  const daemon = inCellProcess(t, [tapecoord, 'serve', '--var', varDir, '--portoffset', String(PORT), '--butc', '--allow_unauthenticated']);
  await until('the daemon serves', () => daemon.out.text.includes('butc      UDP'), () => daemon.out.text);
  t.match(daemon.out.text, new RegExp(`butc {6}UDP 0\\.0\\.0\\.0:${7025 + PORT} \\(TC interface, port offset ${PORT}, rxnull allowed\\)`));

  bothStatus(t, 'Tape coordinator is idle\n', 'idle');

  // a and b each take a drive and some data; c waits for a drive. Started one after the other, so
  // that their task ids are in this order.
  const dumps = [];
  for (const name of ['home.a', 'home.b', 'home.c']) {
    dumps.push(inCellProcess(t, [tapecoord, 'dump', '--name', name, '--socket', socket, '-']));
    await until(`${name} has a task`, () => tasks().length === dumps.length);
  }
  const id = PORT * 1000;
  dumps[0].child.stdin.write(Buffer.alloc(3 << 20, 1));
  dumps[1].child.stdin.write(Buffer.alloc(1 << 20, 2));
  await until('home.a has 3 MiB and home.b 1 MiB', () => {
    const ts = tasks();
    return ts.some((x) => x.volumeName === 'home.a' && x.bytes === 3 << 20) && ts.some((x) => x.volumeName === 'home.b' && x.bytes === 1 << 20);
  });
  bothStatus(
    t,
    `Task ${id + 1}: Dump: 3072 Kbytes transferred, volume home.a\n` +
      `Task ${id + 2}: Dump: 1024 Kbytes transferred, volume home.b\n` +
      `Task ${id + 3}: Dump:  [drive wait]\n`,
    'three dumps, one waiting for a drive',
  );

  t.equal(inCell([tapecoord, 'abort', String(id + 1), '--socket', socket]).status, 0, 'tapecoord abort');
  t.equal(await dumps[0].out.exit, 2, 'the aborted dump exits 2');
  dumps[1].child.stdin.end();
  dumps[2].child.stdin.end(Buffer.alloc(2 << 20, 3));
  t.equal(await dumps[1].out.exit, 0, 'home.b ends');
  t.equal(await dumps[2].out.exit, 0, 'home.c got a drive and ends');
  // butc's dumper on abort: clearStatus(ABORT_REQUEST), setStatus(ABORT_DONE) (src/butc/dump.c)
  bothStatus(
    t,
    `Task ${id + 1}: Dump: 3072 Kbytes transferred, volume home.a [abort complete] [done]\n` +
      `Task ${id + 2}: Dump: 1024 Kbytes transferred, volume home.b [done]\n` +
      `Task ${id + 3}: Dump: 2048 Kbytes transferred, volume home.c [done]\n`,
    'after the abort and the ends',
  );

  const v = inCell(['rxdebug', '198.18.0.1', String(7025 + PORT), '-version']);
  t.equal(v.status, 0, 'rxdebug -version');
  t.match(v.stdout, /AFS version: tapecoord/);
});
