/**
 * The coordinator's tasks end to end on the simulated library: abort in every state (waiting for
 * a drive, waiting for the operator, writing), butc's flags as `backup status` prints them
 * (golden lines, BUTC-SPEC §3.8), ids from portOffset × 1000 + 1 across kinds, collection after
 * the retention time, two drives at once, operator prompts answered by reply(), by a control
 * handler and by ASK NO, and the jobs journal (outcomes, interrupted jobs after a restart).
 */
import t, { type Test } from 'tap';
import { createHash } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import type { Condition } from '../../lib/api/conditions.js';
import type { ApiEvent, EventHandlers, EventOf } from '../../lib/api/events.js';
import type { ApiOption } from '../../lib/api/options.js';
import { putCartridge } from '../../lib/catalog/cartridges.js';
import { dump as dumpRow, volumeFragments } from '../../lib/catalog/dumps.js';
import { writePositions } from '../../lib/catalog/positions.js';
import { setReadonlyTapes } from '../../lib/catalog/protection.js';
import { cartridgeBytes } from '../../lib/catalog/tape-usage.js';
import { loadConfig } from '../../lib/daemon/config.js';
import { Coordinator } from '../../lib/daemon/coordinator.js';
import { DaemonError, isDaemonError } from '../../lib/daemon/errors.js';
import type { DumpResult } from '../../lib/daemon/jobs/dump.js';
import type { ScanResult } from '../../lib/daemon/jobs/scan.js';
import { INTERRUPTED, recentJobs } from '../../lib/daemon/jobs-journal.js';
import { formatStatus, formatStatusLine } from '../../lib/daemon/status-format.js';
import { TaskTable } from '../../lib/daemon/tasks.js';
import { TASK_STATUS } from '../../lib/rx/interfaces/butc.js';
import { restoreToBuffer } from '../helpers/daemon.js';
import { pseudoRandom, tempDir } from '../helpers/tmp.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const K = 1024;

interface Opened {
  c: Coordinator;
  /** The fake clock, Unix milliseconds; advance() moves it. */
  advance: (ms: number) => void;
  config: ReturnType<typeof loadConfig>;
}

async function open(t: Test, extra: Record<string, unknown> = {}): Promise<Opened> {
  const varDir = tempDir(t);
  const config = loadConfig(null, { varDir, blockSize: '64k', bufferSize: '256k', simulation: { capacity: '8M', earlyWarning: '2M' }, ...extra });
  let ms = 1_800_000_000_000;
  const c = await Coordinator.open(config, { now: () => ms });
  t.teardown(() => c.close());
  return { c, config, advance: (n) => (ms += n) };
}

/** Polls until `pred` holds (the coordinator works on its own; state changes are not awaited here). */
async function until(pred: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

const line = (c: Coordinator, id: number) => formatStatusLine(c.tasks.get(id)!.snapshot());
const snap = (c: Coordinator, id: number) => c.tasks.get(id)!.snapshot();

function dumpOptions(name: string, input: Readable, ...more: ApiOption[]): ApiOption[] {
  return [{ type: 'operation', value: 'dump' }, { type: 'name', value: name }, { type: 'input', value: input }, ...more];
}

const restore = (c: Coordinator, name: string) => restoreToBuffer(c, name);

/** A dump whose input stays open until the test ends it. */
function heldDump(c: Coordinator, name: string, ...more: ApiOption[]): { input: PassThrough; done: Promise<Condition>; events: ApiEvent[] } {
  const input = new PassThrough();
  const events: ApiEvent[] = [];
  const done = c.start(dumpOptions(name, input, ...more), { all: (e) => events.push(e) });
  return { input, done, events };
}

function throwsDaemon(t: Test, fn: () => unknown, code: DaemonError['code'], match: RegExp, what: string): void {
  try {
    fn();
    t.fail(`${what}: no error`);
  } catch (e) {
    t.ok(isDaemonError(e, code), `${what}: DaemonError '${code}'`, { found: e });
    t.match((e as Error).message, match, `${what}: the message`);
  }
}

t.test('ids count from portOffset × 1000 + 1 across kinds; golden status lines', async (t) => {
  const { c } = await open(t, { portOffset: 5 });
  t.equal(formatStatus(c.tasks.snapshots()), 'Tape coordinator is idle\n', 'idle before any task');

  // A label task that waits for the operator: cartridge 1 is read-only, cart_ctl asks first.
  setReadonlyTapes(c.catalog, [{ first: 1, last: 1 }]);
  const controls: EventOf<'control'>[] = [];
  const labelled = c.start(
    [
      { type: 'operation', value: 'label' },
      { type: 'cartridge', value: 1 },
    ],
    { control: (e) => void controls.push(e) },
  );
  await until(() => (c.tasks.get(5001)?.snapshot().prompt ?? null) !== null, 'the label task asks');
  t.equal(line(c, 5001), 'Task 5001: Labeltape:  [operator wait]', 'the two-space case: no bytes, no volume');
  t.equal(snap(c, 5001).flags, TASK_STATUS.OPR_WAIT, 'OPR_WAIT alone');
  t.equal(controls.length, 1, 'one control event');
  t.equal(controls[0]?.subtype, 'confirm', 'an overwrite question is a confirm');
  t.equal(controls[0]?.responseRequired, true, 'it needs an answer');
  t.same(controls[0]?.prompt?.choices, ['yes', 'no'], 'yes or no');
  t.match(controls[0]?.message, /cartridge 1 is read-only/, 'it says why');
  throwsDaemon(t, () => c.reply(5001, 'maybe'), 'invalid', /"maybe" is not an answer .*\(answer yes or no\)/, 'a wrong answer');
  t.equal(snap(c, 5001).flags, TASK_STATUS.OPR_WAIT, 'a wrong answer leaves the question open');
  throwsDaemon(t, () => c.reply(5999, 'yes'), 'not-found', /no task 5999/, 'an unknown task');
  throwsDaemon(t, () => c.abort(5999), 'not-found', /no task 5999/, 'abort of an unknown task');
  c.reply(5001, 'No');
  const label = await labelled;
  t.equal(label.code, 'COMPLETEDWITHERRORS', `declined: ${label.message}`);
  t.equal(label.task, 5001, 'the condition names the task');
  t.equal(line(c, 5001), 'Task 5001: Labeltape:  [done]');
  throwsDaemon(t, () => c.reply(5001, 'yes'), 'invalid', /task 5001 is not waiting for an answer/, 'a finished task');
  setReadonlyTapes(c.catalog, []);

  // Refused options take no id (butc hands one out only for an operation it starts).
  const refused = await c.start([{ type: 'operation', value: 'dump' }]);
  t.equal(refused.code, 'NOAPIARGS', 'a dump without name and input');
  t.equal(refused.task, null, 'no task');

  const data = pseudoRandom(400 * K, 1);
  const d = await c.start(dumpOptions('v1', Readable.from([data])));
  t.equal(d.code, 'NORMAL', d.message);
  t.equal(d.task, 5002, 'the dump is the next id');
  t.equal(line(c, 5002), 'Task 5002: Dump: 400 Kbytes transferred, volume v1 [done]');

  const r = await restore(c, 'v1');
  t.equal(r.cond.task, 5003, 'the restore is the next id');
  t.equal(sha(r.data), sha(data), 'restored');
  t.equal(line(c, 5003), 'Task 5003: Restore: 400 Kbytes transferred, volume v1 [done]');

  const missing = await restore(c, 'nothing-by-that-name');
  t.equal(missing.cond.code, 'NOTFOUND', missing.cond.message);
  t.equal(line(c, 5004), 'Task 5004: Restore:  [done]', 'failed: TASK_ERROR is not printed, [done] is');
  t.equal(snap(c, 5004).flags, TASK_STATUS.TASK_DONE | TASK_STATUS.TASK_ERROR, 'TASK_DONE | TASK_ERROR');

  const s = await c.start([
    { type: 'operation', value: 'scan' },
    { type: 'cartridge', value: 1 },
  ]);
  t.equal(s.code, 'NORMAL', s.message);
  t.equal(line(c, 5005), 'Task 5005: Scantape: 400 Kbytes transferred [done]', 'a scan has bytes and no volume');
  t.equal(
    formatStatus(c.tasks.snapshots()),
    [
      'Task 5001: Labeltape:  [done]',
      'Task 5002: Dump: 400 Kbytes transferred, volume v1 [done]',
      'Task 5003: Restore: 400 Kbytes transferred, volume v1 [done]',
      'Task 5004: Restore:  [done]',
      'Task 5005: Scantape: 400 Kbytes transferred [done]',
      '',
    ].join('\n'),
    'the whole status in creation order',
  );
});

t.test('abort while waiting for a drive (DRIVE_WAIT)', async (t) => {
  const { c } = await open(t);
  const one = heldDump(c, 'd1', { type: 'drive', value: 0 });
  const two = heldDump(c, 'd2', { type: 'drive', value: 0 });
  const three = heldDump(c, 'd3', { type: 'drive', value: 0 });
  const first = pseudoRandom(64 * K, 2);
  one.input.write(first);
  await until(() => snap(c, 1).bytes === 64 * K, 'task 1 has written 64 KiB');
  t.equal(snap(c, 1).state, 'running');
  t.equal(line(c, 1), 'Task 1: Dump: 64 Kbytes transferred, volume d1', 'running: no marker');
  for (const id of [2, 3]) {
    t.equal(snap(c, id).state, 'queued', `task ${id} is queued`);
    t.equal(snap(c, id).flags, TASK_STATUS.DRIVE_WAIT, `task ${id}: DRIVE_WAIT`);
    t.equal(line(c, id), `Task ${id}: Dump:  [drive wait]`);
  }
  const drive0 = c.drives.snapshots()[0]!;
  t.equal(drive0.task, 1, 'drive 0 works for task 1');
  t.equal(drive0.queued, 2, 'two wait for it');
  t.equal(c.drives.snapshots()[1]!.task, null, 'drive 1 is free: the waiters named drive 0');

  c.abort(3);
  t.equal(snap(c, 3).flags, TASK_STATUS.ABORT_REQUEST, 'at once: ABORT_REQUEST, out of the drive queue');
  t.equal(line(c, 3), 'Task 3: Dump:  [abort request rcvd]');
  const aborted = await three.done;
  t.equal(aborted.code, 'ABORTED', aborted.message);
  t.match(aborted.message, /task 3: abort requested/);
  t.equal(snap(c, 3).flags, TASK_STATUS.ABORT_DONE | TASK_STATUS.TASK_DONE, 'ABORT_DONE | TASK_DONE');
  t.equal(snap(c, 3).state, 'aborted');
  t.equal(line(c, 3), 'Task 3: Dump:  [abort complete] [done]');
  t.equal(c.drives.snapshots()[0]!.queued, 1, 'one still waits');
  t.ok(three.events.some((e) => e.kind === 'error-message' && e.code === 'aborted'), 'an error-message event with the abort');
  c.abort(3); // a finished task: nothing happens
  t.equal(snap(c, 3).flags, TASK_STATUS.ABORT_DONE | TASK_STATUS.TASK_DONE, 'aborting a finished task changes nothing');

  one.input.end();
  t.equal((await one.done).code, 'NORMAL');
  await until(() => snap(c, 2).state === 'running', 'task 2 gets the drive');
  t.equal(snap(c, 2).flags, 0, 'DRIVE_WAIT cleared');
  t.equal(snap(c, 2).drive, 0, 'on drive 0');
  const second = pseudoRandom(10 * K + 3, 3);
  two.input.end(second);
  const d2 = await two.done;
  t.equal(d2.code, 'NORMAL', d2.message);
  t.same((d2.result as DumpResult).pieces.map((p) => [p.cartridge, p.file]), [[1, 2]], 'task 2 appended after task 1');
  t.equal(sha((await restore(c, 'd1')).data), sha(first), 'd1 restores');
  t.equal(sha((await restore(c, 'd2')).data), sha(second), 'd2 restores');

  const jobs = recentJobs(c.catalog);
  const byTask = new Map(jobs.map((j) => [j.task, j]));
  t.equal(byTask.get(3)?.state, 'aborted', 'journal: task 3 aborted');
  t.equal(byTask.get(3)?.dump, null, 'task 3 never made a dump');
  t.equal(byTask.get(1)?.state, 'done', 'journal: task 1 done');
  t.equal(byTask.get(2)?.state, 'done', 'journal: task 2 done');
  t.equal(byTask.get(1)?.dump, snap(c, 1).dumpId, 'journal: task 1 has its dump id');
});

t.test('abort while waiting for the operator (OPR_WAIT): no writable cartridge', async (t) => {
  const { c } = await open(t);
  setReadonlyTapes(c.catalog, [{ first: 1, last: null }]);
  const controls: EventOf<'control'>[] = [];
  const input = new PassThrough();
  const done = c.start(dumpOptions('x', input), { control: (e) => void controls.push(e) });
  await until(() => controls.length > 0, 'the prompt');
  t.equal(controls[0]!.subtype, 'operator-assist', 'an operator assist');
  t.same(controls[0]!.prompt?.choices, ['retry', 'abort']);
  t.equal(controls[0]!.prompt?.default, 'abort', 'ASK NO would give up');
  t.match(controls[0]!.message, /no writable cartridge in set 1: 8 read-only/);
  t.equal(line(c, 1), 'Task 1: Dump: volume x [operator wait]');
  t.equal(snap(c, 1).prompt?.kind, 'mount');
  c.abort(1);
  const cond = await done;
  t.equal(cond.code, 'ABORTED', cond.message);
  t.equal(snap(c, 1).flags, TASK_STATUS.ABORT_DONE | TASK_STATUS.TASK_DONE);
  t.equal(snap(c, 1).prompt, null, 'the prompt is gone');
  t.equal(line(c, 1), 'Task 1: Dump: volume x [abort complete] [done]');
  throwsDaemon(t, () => c.reply(1, 'retry'), 'invalid', /not waiting/, 'answering after the abort');
  const id = snap(c, 1).dumpId;
  t.ok(id > 0, 'the dump row was made');
  t.equal(dumpRow(c.catalog, id)?.completed, null, 'and never completed');
  t.same(volumeFragments(c.catalog, id, 'x'), [], 'no fragment');
  t.ok(input.destroyed, 'the input stream was let go');
});

t.test('abort while writing: the medium is left consistent', async (t) => {
  const { c } = await open(t);
  const base = pseudoRandom(200 * K + 11, 4);
  t.equal((await c.start(dumpOptions('base', Readable.from([base])))).code, 'NORMAL');
  t.same(writePositions(c.catalog), [{ cartridgeSet: 1, cartridge: 1, file: 2 }], 'written at file 1');

  const endless = heldDump(c, 'endless');
  for (let i = 0; i < 3; i++) endless.input.write(pseudoRandom(100 * K, 10 + i));
  await until(() => snap(c, 2).bytes === 300 * K, 'task 2 has written 300 KiB');
  t.equal(snap(c, 2).file, 2, 'writing tape file 2');
  t.equal(snap(c, 2).cartridge, 1, 'on cartridge 1');
  t.equal(line(c, 2), 'Task 2: Dump: 300 Kbytes transferred, volume endless');
  c.abort(2);
  t.equal(line(c, 2), 'Task 2: Dump: 300 Kbytes transferred, volume endless [abort request rcvd]');
  const cond = await endless.done;
  t.equal(cond.code, 'ABORTED', cond.message);
  t.equal(line(c, 2), 'Task 2: Dump: 300 Kbytes transferred, volume endless [abort complete] [done]');
  t.equal(c.drives.snapshots()[snap(c, 2).drive ?? 0]!.task, null, 'the drive is free');
  const id = snap(c, 2).dumpId;
  t.same(volumeFragments(c.catalog, id, 'endless'), [], 'the catalog has no fragment of it');
  t.equal(dumpRow(c.catalog, id)?.completed, null, 'the dump is not completed');
  t.same(writePositions(c.catalog), [{ cartridgeSet: 1, cartridge: 1, file: 2 }], 'the write position did not move');
  t.equal(cartridgeBytes(c.catalog, 1)?.files, 1, 'bytes_on_tape still counts one file');
  t.equal((await restore(c, 'endless')).cond.code, 'NOTFOUND', 'an aborted dump is not restorable');

  const next = pseudoRandom(123 * K + 7, 5);
  const n = await c.start(dumpOptions('next', Readable.from([next])));
  t.equal(n.code, 'NORMAL', n.message);
  t.same((n.result as DumpResult).pieces.map((p) => [p.cartridge, p.file]), [[1, 2]], 'the next dump writes at the same tape file');
  t.equal(sha((await restore(c, 'next')).data), sha(next), 'it restores');
  t.equal(sha((await restore(c, 'base')).data), sha(base), 'the dump before is intact');
  const scan = await c.start([
    { type: 'operation', value: 'scan' },
    { type: 'cartridge', value: 1 },
  ]);
  t.same(
    (scan.result as ScanResult).entries.map((e) => [e.file, e.type, e.name, e.bytes]),
    [
      [0, 'label', 'cartridge 1', 0],
      [1, 'data', 'base', base.length],
      [2, 'data', 'next', next.length],
    ],
    'the medium holds the label, base and next, nothing of the aborted dump',
  );
  const jobs = new Map(recentJobs(c.catalog).map((j) => [j.task, j]));
  t.equal(jobs.get(2)?.state, 'aborted', 'journal: aborted');
  t.equal(jobs.get(2)?.dump, id, 'journal: with its dump id');
  t.match(jobs.get(2)?.message, /abort requested/, 'journal: why');
});

t.test('two drives at once', async (t) => {
  const { c } = await open(t, {
    cartridgeSets: [
      { number: 1, name: 'default' },
      { number: 2, name: 'other' },
    ],
  });
  for (const n of [5, 6, 7, 8]) putCartridge(c.catalog, { number: n, cartridgeSet: 2, blockSize: null });
  const a = heldDump(c, 'a', { type: 'drive', value: 0 });
  const b = heldDump(c, 'b', { type: 'drive', value: 1 }, { type: 'cartridge-set', value: 'other' });
  const da = pseudoRandom(128 * K, 6);
  const db = pseudoRandom(128 * K, 7);
  a.input.write(da);
  b.input.write(db);
  await until(() => snap(c, 1).bytes === 128 * K && snap(c, 2).bytes === 128 * K, 'both have written');
  t.same([snap(c, 1).state, snap(c, 2).state], ['running', 'running'], 'both run at the same time');
  t.same(
    c.drives.snapshots().map((d) => [d.index, d.task, d.cartridge, d.state]),
    [
      [0, 1, 1, 'writing'],
      [1, 2, 5, 'writing'],
    ],
    'each drive writes for its task on its set\'s cartridge',
  );
  t.same([snap(c, 1).flags, snap(c, 2).flags], [0, 0], 'neither waits');
  const ea = pseudoRandom(1000, 8);
  const eb = pseudoRandom(2000, 9);
  a.input.end(ea);
  b.input.end(eb);
  const [ca, cb] = await Promise.all([a.done, b.done]);
  t.equal(ca.code, 'NORMAL', ca.message);
  t.equal(cb.code, 'NORMAL', cb.message);
  t.same((ca.result as DumpResult).pieces.map((p) => p.cartridge), [1]);
  t.same((cb.result as DumpResult).pieces.map((p) => p.cartridge), [5]);
  t.equal(sha((await restore(c, 'a')).data), sha(Buffer.concat([da, ea])), 'a restores');
  t.equal(sha((await restore(c, 'b')).data), sha(Buffer.concat([db, eb])), 'b restores');
});

t.test('operator prompts: reply(), a control handler\'s answer, ASK NO', async (t) => {
  const { c } = await open(t);

  t.test('reply: a wrong answer is refused naming the choices, the right one continues', async (t) => {
    setReadonlyTapes(c.catalog, [{ first: 1, last: null }]);
    const data = pseudoRandom(50 * K, 20);
    const events: ApiEvent[] = [];
    const done = c.start(dumpOptions('r1', Readable.from([data])), { all: (e) => events.push(e) });
    await until(() => events.some((e) => e.kind === 'control'), 'the prompt');
    const id = events.find((e) => e.kind === 'control')!.task;
    throwsDaemon(t, () => c.reply(id, 'later'), 'invalid', /\(answer retry or abort\)/, 'a wrong answer');
    t.equal(snap(c, id).flags, TASK_STATUS.OPR_WAIT, 'still waiting');
    setReadonlyTapes(c.catalog, []);
    c.reply(id, ' RETRY ');
    const cond = await done;
    t.equal(cond.code, 'NORMAL', cond.message);
    t.equal(snap(c, id).flags, TASK_STATUS.TASK_DONE, 'done, no wait left');
    t.equal(sha((await restore(c, 'r1')).data), sha(data), 'restored');
  });

  t.test('a control handler answers by returning', async (t) => {
    setReadonlyTapes(c.catalog, [{ first: 1, last: null }]);
    const data = pseudoRandom(30 * K, 21);
    let asked = 0;
    const handlers: EventHandlers = {
      control: (e) => {
        asked++;
        t.equal(e.responseRequired, true);
        setReadonlyTapes(c.catalog, []);
        return Promise.resolve('retry');
      },
    };
    const cond = await c.start(dumpOptions('r2', Readable.from([data])), handlers);
    t.equal(cond.code, 'NORMAL', cond.message);
    t.equal(asked, 1, 'asked once');
    t.equal(sha((await restore(c, 'r2')).data), sha(data), 'restored');
  });

  t.test('a control handler\'s wrong answer is reported; the question stays', async (t) => {
    setReadonlyTapes(c.catalog, [{ first: 1, last: null }]);
    const events: ApiEvent[] = [];
    const done = c.start(dumpOptions('r3', Readable.from([Buffer.alloc(10)])), { control: () => 'perhaps', all: (e) => events.push(e) });
    await until(() => events.some((e) => e.kind === 'error-message'), 'the error message');
    const err = events.find((e): e is EventOf<'error-message'> => e.kind === 'error-message')!;
    t.match(err.message, /the control handler's answer: .*"perhaps" is not an answer/);
    t.equal(err.code, 'invalid');
    t.equal(snap(c, err.task).flags, TASK_STATUS.OPR_WAIT, 'still waiting');
    c.reply(err.task, 'abort');
    const cond = await done;
    t.equal(cond.code, 'NOCARTRIDGE', `the operator gave up: ${cond.message}`);
    t.equal(snap(c, err.task).flags, TASK_STATUS.TASK_DONE | TASK_STATUS.TASK_ERROR, 'failed, not aborted');
    setReadonlyTapes(c.catalog, []);
  });

  t.test('ASK NO: the default answers at once, in a user message', async (t) => {
    setReadonlyTapes(c.catalog, [{ first: 1, last: null }]);
    const events: ApiEvent[] = [];
    const flags: number[] = [];
    const unsubscribe = c.subscribe((e) => {
      if (e.kind === 'task') flags.push(e.task.flags);
    });
    const cond = await c.start(dumpOptions('r4', Readable.from([Buffer.alloc(10)]), { type: 'ask', value: false }), { all: (e) => events.push(e) });
    unsubscribe();
    t.equal(cond.code, 'NOCARTRIDGE', cond.message);
    t.notOk(events.some((e) => e.kind === 'control'), 'no control event');
    const note = events.find((e): e is EventOf<'user-message'> => e.kind === 'user-message');
    t.match(note?.message, /^ASK NO: "no writable cartridge in set 1: .*" answered "abort"$/);
    t.notOk(flags.some((f) => f & TASK_STATUS.OPR_WAIT), 'never in operator wait');
    setReadonlyTapes(c.catalog, []);
  });
});

t.test('finished tasks are collected after retainMinutes', async (t) => {
  const { c, advance } = await open(t, { retainMinutes: 1 });
  const d = await c.start(dumpOptions('gone', Readable.from([Buffer.alloc(5 * K, 1)])));
  t.equal(d.code, 'NORMAL', d.message);
  const running = heldDump(c, 'stays');
  await until(() => snap(c, 2).state === 'running', 'task 2 runs');
  advance(60_000);
  t.same(
    c.tasks.snapshots().map((s) => s.id),
    [1, 2],
    'kept for exactly the retention time',
  );
  t.same(await c.wait(1), d, 'wait() on a finished task gives its condition');
  advance(1);
  t.same(
    c.tasks.snapshots().map((s) => s.id),
    [2],
    'then collected; a running task never is',
  );
  t.throws(() => c.wait(1), { code: 'not-found' }, 'a collected task is unknown');
  advance(3_600_000);
  t.same(
    c.tasks.snapshots().map((s) => s.id),
    [2],
    'however long it runs',
  );
  running.input.end(Buffer.alloc(3));
  t.equal((await running.done).code, 'NORMAL');
  const next = await c.start(dumpOptions('later', Readable.from([Buffer.alloc(1)])));
  t.equal(next.task, 3, 'ids go on counting after a collection');
});

t.test('TaskTable alone', async (t) => {
  let now = 1000;
  const table = new TaskTable({ portOffset: 7, retainMs: 500, now: () => now });
  const a = table.create('label', 'x');
  const b = table.create('dump', 'y');
  t.same([a.id, b.id], [7001, 7002]);
  t.equal(table.allocateId(), 7003, 'an id without a node (ReadLabel)');
  t.equal(table.create('scan', 'z').id, 7004);
  a.finish('done');
  now += 500;
  t.equal(table.list().length, 3, 'at the limit: kept');
  now += 1;
  t.same(
    table.list().map((x) => x.id),
    [7002, 7004],
    'past it: collected',
  );
  const forever = new TaskTable({ retainMs: 0, now: () => now });
  forever.create('dump', 'q').finish('failed', 'x');
  now += 1e9;
  t.equal(forever.list().length, 1, 'retainMs 0 keeps them, as butc');
  t.equal(forever.list()[0]!.id, 1, 'port offset 0: ids from 1');
  t.throws(() => new TaskTable({ portOffset: 58_511 }), { code: 'invalid' }, 'a port offset past 58510');
  t.throws(() => new TaskTable({ portOffset: -1 }), { code: 'invalid' });
});

t.test('the jobs journal and jobs interrupted by a restart', async (t) => {
  const { c, config } = await open(t);
  t.equal((await c.start(dumpOptions('ok', Readable.from([Buffer.alloc(100)])))).code, 'NORMAL');
  t.equal((await restore(c, 'absent')).cond.code, 'NOTFOUND');
  const rows = recentJobs(c.catalog);
  t.same(
    rows.map((r) => [r.task, r.kind, r.subject, r.state]),
    [
      [2, 'restore', 'absent', 'failed'],
      [1, 'dump', 'ok', 'done'],
    ],
    'newest first, with their outcomes',
  );
  t.match(rows[0]!.message, /no completed dump in .*catalog\.db matches --name absent/, 'the failure says why');
  t.equal(rows[1]!.message, null);
  t.ok(rows.every((r) => r.ended !== null && r.ended >= r.started), 'both ended');

  // What a kill -9 leaves: a row still 'running'.
  c.catalog.statement("INSERT INTO jobs (task, kind, subject, state, started) VALUES (7, 'dump', 'killed', 'running', 1800000000)").run();
  await c.close();
  const again = await Coordinator.open(config, { now: () => 1_800_000_100_000 });
  t.teardown(() => again.close());
  t.same(
    again.interrupted.map((j) => [j.task, j.subject, j.state, j.message, j.ended]),
    [[7, 'killed', 'failed', INTERRUPTED, 1_800_000_100]],
    'the new daemon reports the interrupted job, marked failed',
  );
  t.same(
    recentJobs(again.catalog).map((r) => [r.task, r.state]),
    [
      [7, 'failed'],
      [2, 'failed'],
      [1, 'done'],
    ],
    'nothing is left running',
  );
  const restarted = await again.start(dumpOptions('after', Readable.from([Buffer.alloc(10)])));
  t.equal(restarted.task, 1, 'a new daemon counts task ids afresh, as butc');
  t.equal(sha((await restore(again, 'ok')).data), sha(Buffer.alloc(100)), 'what the first daemon wrote restores');
});
