// The cross-process lock file: mutual exclusion between processes, stale and orphaned locks broken.
import { spawn } from 'node:child_process';
import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import t from 'tap';
import { withLockFile } from '../../lib/util/lock-file.js';
import { tempDir } from '../helpers/tmp.js';

const moduleUrl = new URL('../../lib/util/lock-file.ts', import.meta.url).href;

t.test('four processes incrementing one counter under the lock lose no update', async (t) => {
  const dir = tempDir(t);
  const counter = join(dir, 'counter');
  writeFileSync(counter, '0');
  const script = `
    import { readFileSync, writeFileSync } from 'node:fs';
    const { withLockFile } = await import(${JSON.stringify(moduleUrl)});
    for (let i = 0; i < 25; i++)
      await withLockFile(${JSON.stringify(join(dir, 'x.lock'))}, async () => {
        const n = Number(readFileSync(${JSON.stringify(counter)}, 'utf8'));
        await new Promise((r) => setImmediate(r));
        writeFileSync(${JSON.stringify(counter)}, String(n + 1));
      });`;
  const tsx = resolve(import.meta.dirname, '..', '..', 'node_modules', '@tapjs', 'typescript', 'dist', 'esm', 'import.mjs');
  const runs = Array.from({ length: 4 }, () =>
    new Promise<number | null>((done) => spawn(process.execPath, [`--import=${tsx}`, '--input-type=module', '-e', script], { stdio: 'inherit' }).on('exit', done)),
  );
  t.same(await Promise.all(runs), [0, 0, 0, 0]);
  t.equal(readFileSync(counter, 'utf8'), '100');
});

t.test('a lock whose process is gone is broken; an empty one only once it is old', async (t) => {
  const dir = tempDir(t);
  const lock = join(dir, 'y.lock');
  writeFileSync(lock, '999999999 deadbeef\n');
  t.equal(await withLockFile(lock, async () => readFileSync(lock, 'utf8').split(' ')[0], { timeoutMs: 1000 }), String(process.pid));
  writeFileSync(lock, '');
  await t.rejects(withLockFile(lock, async () => 1, { timeoutMs: 200, what: 'changer /dev/sgX' }), { name: 'LockTimeoutError', message: /changer \/dev\/sgX: still locked by another process/ });
  const old = Date.now() / 1000 - 60;
  utimesSync(lock, old, old);
  t.equal(await withLockFile(lock, async () => 2, { timeoutMs: 1000 }), 2, 'created and never written a minute ago: its owner died');
});

t.test('in one process, callers queue; a failure releases the lock', async (t) => {
  const lock = join(tempDir(t), 'z.lock');
  const order: number[] = [];
  const a = withLockFile(lock, async () => {
    await new Promise((r) => setTimeout(r, 30));
    order.push(1);
    throw new Error('first fails');
  });
  const b = withLockFile(lock, async () => void order.push(2));
  await t.rejects(a, { message: 'first fails' });
  await b;
  t.same(order, [1, 2]);
});
