// Jobs side by side in one daemon: two dumps to one set write on different cartridges, a third
// waits for a drive, a restore waits for a cartridge another dump is appending to, and a cart_ctl
// job waits until no job has a cartridge. Inputs are held open, so every state is reached on purpose.
import t, { type Test } from 'tap';
import { createHash } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ApiEvent } from '../../lib/api/events.js';
import { loadConfig } from '../../lib/daemon/config.js';
import { Coordinator } from '../../lib/daemon/coordinator.js';
import { TASK_STATUS } from '../../lib/rx/interfaces/butc.js';
import { restoreToBuffer } from '../helpers/daemon.js';
import { pseudoRandom, tempDir } from '../helpers/tmp.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
type Result = { pieces: { cartridge: number; file: number; bytes: number }[] };

async function open(t: Test) {
  const config = loadConfig(null, { varDir: tempDir(t), log: null, statusFile: null, blockSize: '64k', bufferSize: '1M', simulation: { capacity: '8M', earlyWarning: '2M' } });
  const c = await Coordinator.open(config);
  t.teardown(() => c.close());
  return c;
}

/** A dump whose input the test feeds and ends. */
function dump(c: Coordinator, name: string, events: ApiEvent[] = []) {
  const input = new PassThrough();
  const done = c.start(
    [
      { type: 'operation', value: 'dump' },
      { type: 'name', value: name },
      { type: 'input', value: input },
    ],
    { all: (e) => events.push(e) },
  );
  return { input, done };
}

async function until(what: string, test: () => boolean): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (test()) return;
    await sleep(10);
  }
  throw new Error(`timed out waiting until ${what}`);
}

const task = (c: Coordinator, subject: string) => c.tasks.list().find((x) => x.snapshot().subject === subject)!.snapshot();

t.test('two dumps to one set take different cartridges; a third waits for a drive', async (t) => {
  const c = await open(t);
  const a = dump(c, 'alpha');
  const b = dump(c, 'beta');
  const x = dump(c, 'gamma');
  const data = { alpha: pseudoRandom(3 << 20, 1), beta: pseudoRandom(3 << 20, 2), gamma: pseudoRandom(1 << 20, 3) };
  a.input.write(data.alpha);
  b.input.write(data.beta);
  await until('both dumps write', () => task(c, 'alpha').bytes === 3 << 20 && task(c, 'beta').bytes === 3 << 20);
  t.not(task(c, 'alpha').cartridge, task(c, 'beta').cartridge, `alpha on cartridge ${task(c, 'alpha').cartridge}, beta on ${task(c, 'beta').cartridge}`);
  t.ok(task(c, 'gamma').flags & TASK_STATUS.DRIVE_WAIT, 'gamma waits for a drive');
  a.input.end();
  b.input.end();
  x.input.end(data.gamma);
  const [ra, rb, rx] = await Promise.all([a.done, b.done, x.done]);
  for (const r of [ra, rb, rx]) t.equal(r.code, 'NORMAL', r.message ?? undefined);
  const on = (r: typeof ra) => (r.result as Result).pieces.map((p) => `${p.cartridge}:${p.file}`);
  const used = [...on(ra), ...on(rb), ...on(rx)];
  t.equal(new Set(used).size, used.length, `no tape file written twice (${used.join(' ')})`);
  for (const name of ['alpha', 'beta', 'gamma'] as const) {
    const r = await restoreToBuffer(c, name);
    t.equal(r.cond.code, 'NORMAL', `${name} restores`);
    t.equal(sha(r.data), sha(data[name]), `${name}: byte-identical`);
  }
});

t.test('a restore waits for a cartridge another dump is appending to', async (t) => {
  const c = await open(t);
  const first = pseudoRandom(1 << 20, 4);
  const one = dump(c, 'first');
  one.input.end(first);
  const r1 = await one.done;
  t.equal(r1.code, 'NORMAL');
  const cartridge = (r1.result as Result).pieces[0]!.cartridge;

  const events: ApiEvent[] = [];
  const two = dump(c, 'second', events);
  two.input.write(pseudoRandom(1 << 20, 5));
  await until('the second dump writes', () => task(c, 'second').bytes === 1 << 20);
  t.equal(task(c, 'second').cartridge, cartridge, 'the second dump appends to the same cartridge');
  const restoreEvents: ApiEvent[] = [];
  const sink = new PassThrough();
  const parts: Buffer[] = [];
  sink.on('data', (d: Buffer) => parts.push(d));
  const restoring = c.start([{ type: 'operation', value: 'restore' }, { type: 'name', value: 'first' }, { type: 'output', value: sink }], { all: (e) => restoreEvents.push(e) });
  const secondTask = task(c, 'second').id;
  await until('the restore waits', () => restoreEvents.some((e) => e.kind === 'user-message' && e.message === `cartridge ${cartridge} is in use by task ${secondTask}: waiting for it`));
  const restoreTask = c.tasks.list().at(-1)!.snapshot();
  t.equal(restoreTask.name, 'Restore');
  t.equal(c.drives.snapshots().find((d) => d.task === restoreTask.id)?.state, 'waiting', 'its drive shows it waiting');
  two.input.end();
  t.equal((await two.done).code, 'NORMAL');
  const restored = await restoring;
  t.equal(restored.code, 'NORMAL', restored.message ?? undefined);
  t.equal(sha(Buffer.concat(parts)), sha(first), 'then restores byte-identical');
});

t.test('a cart_ctl move waits until no job has a cartridge', async (t) => {
  const c = await open(t);
  const one = dump(c, 'busy');
  one.input.write(pseudoRandom(1 << 20, 6));
  await until('the dump writes', () => task(c, 'busy').bytes === 1 << 20);
  const cartEvents: ApiEvent[] = [];
  const cartridge = task(c, 'busy').cartridge!;
  const barcode = c.drives.snapshots().find((d) => d.cartridge === cartridge)!.barcode;
  const moving = c.start(
    [
      { type: 'operation', value: 'move' },
      { type: 'cartridge', value: cartridge },
      { type: 'target', value: { kind: 'slot' } },
    ],
    { all: (e) => cartEvents.push(e) },
  );
  await until('the move waits', () => cartEvents.some((e) => e.kind === 'user-message' && e.message === 'waiting until no other task has a cartridge'));
  one.input.end();
  t.equal((await one.done).code, 'NORMAL', 'the dump ends normally');
  const moved = await moving;
  t.equal(moved.code, 'NORMAL', `then the move runs: ${moved.message ?? ''}`);
  const status = await c.changer.status();
  t.ok(barcode && status.slots.some((s) => s.barcode === barcode) && !status.drives.some((d) => d.barcode === barcode), `cartridge ${cartridge} (${barcode}) went to a slot`);
  const r = await restoreToBuffer(c, 'busy');
  t.equal(r.cond.code, 'NORMAL', 'the dump restores after the move');
});
