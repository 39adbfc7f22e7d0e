// The daemon's commands as a person runs them: `tapecoord serve --butc`, then dump (stdin and
// --command), status, abort and restore from other processes, over the socket.
import t from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { RxClient } from '../../lib/rx/client.js';
import { TC, TSK_STAT } from '../../lib/rx/interfaces/butc.js';
import { callProc } from '../../lib/rx/rpc.js';
import { tempDir } from '../helpers/tmp.js';

const bin = fileURLToPath(new URL('../../bin/tapecoord', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000 });

async function until(what: string, test: () => boolean): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (test()) return;
    await sleep(25);
  }
  throw new Error(`timed out waiting until ${what}`);
}

t.test('serve --butc; dump, status, abort and restore from the command line', async (t) => {
  const dir = tempDir(t);
  const config = join(dir, 'tapecoord.json');
  const socket = join(dir, 'tapecoord.sock');
  // UDP 7025 + 31 is what --butc would take; the config binds any free loopback port instead
  writeFileSync(config, JSON.stringify({ varDir: dir, log: null, portOffset: 31, butc: { allowUnauthenticated: true, address: '127.0.0.1', port: 0 }, blockSize: '64k', bufferSize: '1M', simulation: { capacity: '8M', earlyWarning: '2M' } }));
  const daemon = spawn(process.execPath, [bin, 'serve', '--config', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let printed = '';
  daemon.stdout.setEncoding('utf8').on('data', (d: string) => (printed += d));
  daemon.stderr.setEncoding('utf8').on('data', (d: string) => (printed += d));
  t.teardown(() => daemon.kill('SIGKILL'));
  await until('the daemon serves', () => printed.includes('butc      UDP'));
  const port = Number(/butc {6}UDP 127\.0\.0\.1:(\d+) \(TC interface, port offset 31, rxnull allowed\)/.exec(printed)?.[1]);
  t.ok(port > 0, `serve prints the TC interface's address (${port})`);

  const held = spawn(process.execPath, [bin, 'dump', '--name', 'held', '--socket', socket, '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let heldOut = '';
  held.stdout.setEncoding('utf8').on('data', (d: string) => (heldOut += d));
  held.stderr.setEncoding('utf8').on('data', (d: string) => (heldOut += d));
  // 'close', not 'exit': the output is all read by then
  const heldExit = new Promise<number | null>((r) => held.once('close', r));
  held.stdin.write(Buffer.alloc(1 << 20, 7));
  await until('the dump has its 1 MiB', () => run('status', '--socket', socket).stdout === 'Task 31001: Dump: 1024 Kbytes transferred, volume held\n');
  t.pass('tapecoord status prints the butc line');

  const client = await RxClient.open({ host: '127.0.0.1', port, serviceId: 1 });
  t.teardown(() => client.close());
  const r = await callProc(client, TC.ScanStatus, { taskId: 0, flags: TSK_STAT.FIRST });
  t.match(r.statusPtr, { taskId: 31001, taskName: 'Dump', nKBytes: 1024, volumeName: 'held' }, 'and the TC interface has it');

  const abort = run('abort', '31001', '--socket', socket);
  t.equal(abort.status, 0, `tapecoord abort: ${abort.stderr}`);
  t.equal(await heldExit, 2, 'the aborted dump exits 2 though its stdin is still open');
  t.match(heldOut, /ABORTED/, `and says so: ${heldOut.trim()}`);

  const dumped = run('dump', '--name', 'zeros', '--socket', socket, '--command', 'head -c 3145728 /dev/zero');
  t.equal(dumped.status, 0, dumped.stderr);
  t.match(dumped.stdout, /^dump \d+ "zeros": 3145728 bytes on cartridge \d+ file \d+(, cartridge \d+ file \d+)* \(task 31002\)\n$/);
  const out = join(dir, 'zeros.out');
  const restored = run('restore', '--name', 'zeros', '--socket', socket, '-o', out);
  t.equal(restored.status, 0, restored.stderr);
  t.ok(readFileSync(out).equals(Buffer.alloc(3 << 20)), 'restore gives the bytes back');

  const refused = run('serve', '--var', dir, '--allow_unauthenticated');
  t.equal(refused.status, 1);
  t.equal(refused.stderr, 'tapecoord: serve: --allow_unauthenticated needs --butc\n');
});
