/**
 * kill -9 of `tapecoord serve` in the middle of a spanning dump: after a restart the catalog holds
 * exactly the tape files that were finished (each one readable on its medium as recorded), the
 * dump is not complete (restores do not use it), the job is reported failed, and the set's next
 * dump writes over the unfinished tape file and restores byte-identical.
 */
import t from 'tap';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { ControlClient } from '../../lib/daemon/control/client.js';
import { loadConfig } from '../../lib/daemon/config.js';
import { Coordinator } from '../../lib/daemon/coordinator.js';
import { INTERRUPTED } from '../../lib/daemon/jobs-journal.js';
import type { TaskSnapshot } from '../../lib/daemon/tasks.js';
import { dump as catalogDump } from '../../lib/catalog/dumps.js';
import type { ListEntry } from '../../lib/api/events.js';
import { pseudoRandom, tempDir } from '../helpers/tmp.js';

const bin = fileURLToPath(new URL('../../bin/tapecoord', import.meta.url));
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

t.test('kill -9 mid-dump leaves a consistent catalog and a failed job', async (t) => {
  const dir = tempDir(t);
  const configFile = join(dir, 'tapecoord.json');
  writeFileSync(configFile, JSON.stringify({ varDir: dir, blockSize: '64k', bufferSize: '1M', log: null, simulation: { capacity: '8M', earlyWarning: '2M', rate: '24M' } }));
  const daemon = spawn(process.execPath, [bin, 'serve', '--config', configFile], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => daemon.kill('SIGKILL'));
  const socket = join(dir, 'tapecoord.sock');
  for (let i = 0; i < 200 && !existsSync(socket); i++) await sleep(50);

  const data = pseudoRandom(40 << 20, 11);
  const client = await ControlClient.connect({ path: socket });
  const dumping = client
    .startWithInput([{ type: 'operation', value: 'dump' }, { type: 'name', value: 'killed' }, { type: 'input', value: { stream: 'connection' } }], Readable.from([data]), {})
    .catch((e: Error) => e);
  const watcher = await ControlClient.connect({ path: socket });
  let seen: TaskSnapshot | undefined;
  for (let i = 0; i < 400; i++) {
    seen = ((await watcher.call('tasks')) as TaskSnapshot[])[0];
    if (seen && seen.bytes > 16 << 20) break;
    await sleep(25);
  }
  t.ok(seen && seen.bytes > 16 << 20 && seen.state === 'running', `the dump runs past its second cartridge (${seen?.bytes} bytes)`);
  daemon.kill('SIGKILL');
  await new Promise((r) => daemon.once('exit', r));
  const outcome = await dumping;
  t.ok(outcome instanceof Error || outcome.code !== 'NORMAL', 'the client does not see a success');
  await Promise.allSettled([client.close(), watcher.close()]);

  const config = loadConfig(configFile);
  const c = await Coordinator.open(config);
  t.teardown(() => c.close());
  t.equal(c.interrupted.length, 1, 'one job was interrupted');
  t.match(c.interrupted[0], { kind: 'dump', subject: 'killed', state: 'failed', message: INTERRUPTED });
  const dumpId = c.interrupted[0]!.dump!;
  t.ok(dumpId > 0, `the job names its dump (${dumpId})`);
  t.equal(catalogDump(c.catalog, dumpId)?.completed, null, 'the dump is not complete');
  const fragments = c.catalog
    .statement<{ fragment: number; cartridge: number; position: number; bytes: number; last: number }>(
      'SELECT f.fragment, f.cartridge, f.position, f.bytes, f.last FROM fragments f JOIN volumes v ON v.id = f.volume WHERE v.dump = ? ORDER BY f.fragment',
    )
    .all(dumpId);
  t.ok(fragments.length >= 2, `${fragments.length} finished tape files recorded`);
  t.ok(fragments.every((f) => f.last === 0), 'none is marked last');
  const recorded = fragments.reduce((n, f) => n + f.bytes, 0);
  t.ok(recorded < data.length, 'less than the whole stream is recorded');

  // Every recorded tape file is on its medium as recorded.
  const listed: ListEntry[] = [];
  const scan = await c.start([{ type: 'operation', value: 'scan' }, ...fragments.map((f) => ({ type: 'cartridge' as const, value: f.cartridge }))], { 'list-write': (e) => listed.push(e.entry) });
  t.equal(scan.code, 'NORMAL', scan.message);
  for (const f of fragments) {
    const on = listed.find((e) => e.cartridge === f.cartridge && e.file === f.position);
    t.match(on, { type: 'data', name: 'killed', fragment: f.fragment, bytes: f.bytes }, `fragment ${f.fragment} is on cartridge ${f.cartridge} file ${f.position} as recorded`);
  }
  // The concatenated recorded fragments are the stream's beginning.
  const restoredNothing = await c.start([{ type: 'operation', value: 'restore' }, { type: 'name', value: 'killed' }, { type: 'output', value: new PassThrough() }]);
  t.equal(restoredNothing.code, 'NOTFOUND', 'an incomplete dump is never restored');

  const again = pseudoRandom(3 << 20, 12);
  const second = await c.start([{ type: 'operation', value: 'dump' }, { type: 'name', value: 'after' }, { type: 'input', value: Readable.from([again]) }]);
  t.equal(second.code, 'NORMAL', second.message);
  const last = fragments[fragments.length - 1]!;
  const piece = (second.result as { pieces: { cartridge: number; file: number }[] }).pieces[0]!;
  t.ok(piece.cartridge !== last.cartridge || piece.file === last.position + 1, `the next dump goes on at the write position (cartridge ${piece.cartridge} file ${piece.file})`);
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (b: Buffer) => chunks.push(b));
  const restored = await c.start([{ type: 'operation', value: 'restore' }, { type: 'name', value: 'after' }, { type: 'output', value: out }]);
  t.equal(restored.code, 'NORMAL', restored.message);
  t.equal(sha(Buffer.concat(chunks)), sha(again), 'and restores byte-identical');
});
