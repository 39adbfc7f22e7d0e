// The daemon's observers: the afserver-style status file, the Prometheus endpoint and the JSON-lines log,
// driven by a real TaskTable and a fixed drive list.
process.env['TZ'] = 'UTC'; // the status file's ctime() stamps are local time, as afserver's
import { existsSync, readdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import t from 'tap';
import type { ApiEvent } from '../../lib/api/events.js';
import type { ControlBackend, DaemonInfo, DriveSnapshot, TaskEvent } from '../../lib/daemon/backend.js';
import { isDaemonError } from '../../lib/daemon/errors.js';
import { JsonLog } from '../../lib/daemon/observe/log.js';
import { escapeLabelValue, isLoopback, MetricsCounters, MetricsServer, renderMetrics, CONTENT_TYPE } from '../../lib/daemon/observe/metrics.js';
import { formatStatusFile, siSymbolic, StatusFile, streaming } from '../../lib/daemon/observe/status-file.js';
import { TaskTable } from '../../lib/daemon/tasks.js';
import { TASK_STATUS } from '../../lib/rx/interfaces/butc.js';
import { tempDir } from '../helpers/tmp.js';

// 2026-03-14 15:09:26 UTC, a Saturday
const T0 = Date.UTC(2026, 2, 14, 15, 9, 26);

function drive(index: number, o: Partial<DriveSnapshot> = {}): DriveSnapshot {
  return { index, device: `/dev/nst${index}`, state: 'idle', task: null, queued: 0, cartridge: null, barcode: null, file: null, bytes: 0, errors: 0, ...o };
}

/** A ControlBackend of a real TaskTable and a drive list the test sets; events go to subscribers. */
class FakeBackend implements ControlBackend {
  clock = T0;
  readonly tasks = new TaskTable({ portOffset: 1, now: () => this.clock });
  drives: DriveSnapshot[] = [drive(0), drive(1)];
  private readonly listeners = new Set<(e: ApiEvent | TaskEvent) => void>();

  constructor() {
    this.tasks.on('change', (task) => this.publish({ kind: 'task', time: this.clock, task }));
  }
  publish(e: ApiEvent | TaskEvent): void {
    for (const l of this.listeners) l(e);
  }
  start(): never {
    throw new Error('not used here');
  }
  wait(): never {
    throw new Error('not used here');
  }
  reply(): void {}
  abort(): void {}
  info(): DaemonInfo {
    return { version: '0.1.0', pid: 4242, started: T0 - 60_000, portOffset: 1, changer: 'sim', catalog: 'cat.db', varDir: '/var', drives: this.drives.map((d) => ({ ...d })) };
  }
  subscribe(listener: (e: ApiEvent | TaskEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  get subscribers(): number {
    return this.listeners.size;
  }
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Backend with a dump writing on drive 0 at 12.3 MB/s, a label waiting for an operator, a queued restore, a finished scan. */
function busyBackend(): FakeBackend {
  const b = new FakeBackend();
  const dump = b.tasks.create('dump', 'home.daily');
  dump.start();
  dump.setPlace({ drive: 0, cartridge: 7, file: 3 });
  dump.progress(0);
  b.clock += 2000;
  dump.progress(24_600_000);
  dump.setRingFill(() => 0.75);
  const label = b.tasks.create('label', 'C00012');
  label.start();
  label.setPrompt({ kind: 'mount', message: 'insert cartridge C00012\ninto the I/E slot', choices: ['done', 'abort'], default: 'abort', asked: b.clock });
  b.tasks.create('restore', 'home.daily');
  const scan = b.tasks.create('scan', '');
  scan.start();
  scan.finish('done');
  b.drives = [
    drive(0, { state: 'writing', task: dump.id, cartridge: 7, barcode: 'C00007', file: 3, bytes: 24_600_000 }),
    drive(1, { state: 'loading', cartridge: 12, errors: 2 }),
  ];
  return b;
}

t.test('si_symvalstr-style rates', async (t) => {
  t.equal(siSymbolic(12_300_000), '12.3 M');
  t.equal(siSymbolic(123_456_789), '123 M');
  t.equal(siSymbolic(1_000_000), '1 M');
  t.equal(siSymbolic(500), '500 ');
  t.equal(siSymbolic(999.7), '1 k', 'rounds up into the next prefix instead of 1e+03');
  t.equal(siSymbolic(0.2), '0 ');
  t.equal(siSymbolic(Number.NaN), '0 ');
  t.equal(siSymbolic(4.5e12), '4.5 T');
});

t.test('formatStatusFile: one line per drive, then the tasks on no drive (golden)', async (t) => {
  const b = busyBackend();
  const text = formatStatusFile(b.info(), b.tasks.snapshots(), T0, 4242);
  const stamp = 'Sat Mar 14 15:09:26 2026 [4242], ';
  t.equal(
    text,
    `${stamp}Device /dev/nst0 is writing with 12.3 MB/s to cartridge 7, file 3.\n` +
      `${stamp}Device /dev/nst1 is loading cartridge 12.\n` +
      `${stamp}Task 1002 (Labeltape C00012) is waiting for an operator: insert cartridge C00012 into the I/E slot.\n` +
      `${stamp}Task 1003 (Restore home.daily) is queued.\n`,
  );
  const d = (o: Partial<DriveSnapshot>) => formatStatusFile({ drives: [drive(0, o)] }, [], Date.UTC(2026, 0, 5, 3, 4, 5), 7);
  t.equal(d({}), 'Mon Jan  5 03:04:05 2026 [7], Device /dev/nst0 is idle.\n', 'ctime pads the day with a space');
  t.equal(d({ state: 'reading', cartridge: 2, file: 1 }), 'Mon Jan  5 03:04:05 2026 [7], Device /dev/nst0 is reading with 0 B/s from cartridge 2, file 1.\n');
  t.equal(d({ state: 'waiting', device: null }), 'Mon Jan  5 03:04:05 2026 [7], Waiting for device drive 0 to become available.\n');
  t.equal(d({ state: 'unloading', cartridge: 4 }), 'Mon Jan  5 03:04:05 2026 [7], Device /dev/nst0 is unloading cartridge 4.\n');
  t.equal(formatStatusFile({ drives: [] }, [], T0, 1), 'Sat Mar 14 15:09:26 2026 [1], Tape coordinator is idle.\n');
  const waiting = { ...b.tasks.snapshots()[2]!, flags: TASK_STATUS.DRIVE_WAIT };
  t.match(formatStatusFile({ drives: [] }, [waiting], T0, 1), /Task 1003 \(Restore home\.daily\) is waiting for a drive\.\n$/);
  t.ok(streaming(b.info(), []), 'a writing drive streams');
  t.notOk(streaming({ drives: [drive(0)] }, [waiting]), 'a task waiting for a drive does not');
});

t.test('StatusFile: written at start and on changes, one rewrite per burst; stop leaves it idle', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'status');
  const b = new FakeBackend();
  const sf = new StatusFile(path, b, { now: () => T0, intervalMs: 60_000, pid: 99 });
  await sf.start();
  t.equal(sf.writes, 1);
  t.equal(readFileSync(path, 'utf8'), 'Sat Mar 14 15:09:26 2026 [99], Device /dev/nst0 is idle.\nSat Mar 14 15:09:26 2026 [99], Device /dev/nst1 is idle.\n');
  t.notOk(sf.ticking, 'nothing streams: no timer');
  t.equal(b.subscribers, 1);

  const task = b.tasks.create('dump', 'etc');
  task.start();
  task.setPlace({ drive: 0, cartridge: 3, file: 1 });
  task.setVolume('etc.0');
  b.drives = [drive(0, { state: 'writing', task: task.id, cartridge: 3, file: 1 }), drive(1)];
  await sf.settled();
  t.equal(sf.writes, 2, 'four changes in one tick, one rewrite');
  t.match(readFileSync(path, 'utf8'), /Device \/dev\/nst0 is writing with 0 B\/s to cartridge 3, file 1\./);
  t.ok(sf.ticking, 'a writing drive starts the periodic rewrite');

  b.drives = [drive(0, { state: 'loading', cartridge: 5 }), drive(1)];
  sf.changed(); // the drive pool's hook
  await sf.settled();
  t.equal(sf.writes, 3, 'changed() rewrites');
  t.match(readFileSync(path, 'utf8'), /Device \/dev\/nst0 is loading cartridge 5\./);

  b.publish({ kind: 'op-phase', task: task.id, time: b.clock, phase: 'position', message: 'positioning' });
  await sf.settled();
  t.equal(sf.writes, 4, 'an op-phase event rewrites');
  b.publish({ kind: 'user-message', task: task.id, time: b.clock, message: 'hello' });
  await sf.settled();
  t.equal(sf.writes, 4, 'a user message does not');

  await sf.stop();
  t.equal(readFileSync(path, 'utf8'), 'Sat Mar 14 15:09:26 2026 [99], Device /dev/nst0 is idle.\nSat Mar 14 15:09:26 2026 [99], Device /dev/nst1 is idle.\n', 'stop: every drive idle, no task');
  t.equal(sf.writes, 5);
  t.equal(b.subscribers, 0, 'stop unsubscribes');
  t.equal(b.tasks.listenerCount('change'), 1, "only the fake backend's own table listener is left");
  t.notOk(sf.ticking, 'stop ends the timer');
  task.setVolume('late');
  sf.changed();
  await sleep(20);
  t.equal(sf.writes, 5, 'no writes after stop');
  t.same(readdirSync(dir), ['status'], 'no temporary file left behind');
});

t.test('StatusFile: the periodic rewrite follows the rate while streaming, and stops when nothing streams', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'status');
  const b = new FakeBackend();
  let now = T0;
  const sf = new StatusFile(path, b, { now: () => now, intervalMs: 20, pid: 99 });
  const task = b.tasks.create('restore', 'etc');
  task.start();
  task.setPlace({ drive: 1, cartridge: 4, file: 2 });
  b.drives = [drive(0), drive(1, { state: 'reading', task: task.id, cartridge: 4, file: 2 })];
  await sf.start();
  t.ok(sf.ticking);
  const before = sf.writes;
  // progress makes no change event, yet the file follows the rate
  task.progress(0);
  b.clock += 1000;
  task.progress(5_000_000);
  now += 5000;
  await sleep(120);
  await sf.settled();
  t.ok(sf.writes >= before + 2, `the tick rewrote it (${sf.writes - before} times in 120 ms)`);
  t.match(readFileSync(path, 'utf8'), /^Sat Mar 14 15:09:31 2026 \[99\], Device \/dev\/nst1 is reading with 5 MB\/s from cartridge 4, file 2\.$/m);

  b.drives = [drive(0), drive(1)];
  task.finish('done');
  await sf.settled();
  t.notOk(sf.ticking, 'nothing streams any more: the timer is gone');
  const settled = sf.writes;
  await sleep(60);
  t.equal(sf.writes, settled, 'no rewrites while idle');
  await sf.stop();
});

t.test('StatusFile: readers never see an empty or partial file while it is rewritten', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'status');
  const b = busyBackend();
  // many tasks make the file long enough that a torn write would show
  for (let i = 0; i < 60; i++) b.tasks.create('restore', `volume.${i}.with.a.long.name`);
  const sf = new StatusFile(path, b, { intervalMs: 1 });
  await sf.start();
  const expectedLines = 2 + 2 + 60;
  let reads = 0;
  let bad = 0;
  const deadline = Date.now() + 400;
  while (Date.now() < deadline) {
    b.tasks.get(1001)!.setVolume(`v${reads}`); // a change: a rewrite per tick
    const text = readFileSync(path, 'utf8');
    const lines = text.split('\n');
    if (lines.length !== expectedLines + 1 || lines[expectedLines] !== '' || !lines.slice(0, -1).every((l) => /^\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4} \[\d+\], \S.*\.$/.test(l))) bad++;
    reads++;
    await tick();
  }
  await sf.stop();
  t.ok(reads > 50, `read it ${reads} times`);
  t.ok(sf.writes > 20, `while it was rewritten ${sf.writes} times`);
  t.equal(bad, 0, 'every read saw a whole file');
});

t.test('StatusFile: a directory that does not exist is reported, not thrown', async (t) => {
  const dir = tempDir(t);
  const errors: Error[] = [];
  const sf = new StatusFile(join(dir, 'missing', 'status'), new FakeBackend(), { onError: (e) => errors.push(e) });
  await sf.start();
  await sf.stop();
  t.equal(errors.length, 2);
  t.match(errors[0]!.message, /^status file .*missing\/status: cannot replace it: ENOENT/);
});

/** Parses an exposition body back: families with their TYPE and HELP, and samples with their labels. */
function parseExposition(text: string): { types: Map<string, string>; helps: Map<string, string>; samples: { name: string; labels: Record<string, string>; value: number }[] } {
  const types = new Map<string, string>();
  const helps = new Map<string, string>();
  const samples: { name: string; labels: Record<string, string>; value: number }[] = [];
  if (!text.endsWith('\n')) throw new Error('no final newline');
  for (const line of text.slice(0, -1).split('\n')) {
    let m: RegExpMatchArray | null;
    if ((m = line.match(/^# HELP (\w+) (.*)$/))) helps.set(m[1]!, m[2]!);
    else if ((m = line.match(/^# TYPE (\w+) (counter|gauge)$/))) types.set(m[1]!, m[2]!);
    else if ((m = line.match(/^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/))) {
      const [, name, body, value] = m;
      if (!types.has(name!)) throw new Error(`sample before TYPE: ${line}`);
      const labels: Record<string, string> = {};
      const re = /(\w+)="((?:[^"\\]|\\.)*)"(,|$)/gy;
      let lm: RegExpExecArray | null;
      let end = 0;
      while (body !== undefined && (lm = re.exec(body))) {
        labels[lm[1]!] = lm[2]!.replace(/\\(.)/g, (_s, c: string) => (c === 'n' ? '\n' : c));
        end = re.lastIndex;
      }
      if (body !== undefined && end !== body.length) throw new Error(`bad labels: ${line}`);
      samples.push({ name: name!, labels, value: Number(value) });
    } else throw new Error(`unparsable line: ${JSON.stringify(line)}`);
  }
  return { types, helps, samples };
}

t.test('renderMetrics: exposition format 0.0.4, parsed back', async (t) => {
  const b = busyBackend();
  const counters = new MetricsCounters(b);
  const { types, helps, samples } = parseExposition(renderMetrics(b.info(), b.tasks.snapshots(), counters));
  const get = (name: string, labels: Record<string, string> = {}) =>
    samples.filter((s) => s.name === `tapecoord_${name}` && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).map((s) => s.value);
  t.equal(types.get('tapecoord_drive_bytes_total'), 'counter');
  t.equal(types.get('tapecoord_drive_state'), 'gauge');
  t.equal(types.get('tapecoord_tasks_finished_total'), 'counter');
  t.same(
    [...types.keys()],
    ['up', 'start_time_seconds', 'drive_bytes_total', 'drive_errors_total', 'drive_state', 'drive_ring_fill_ratio', 'task_bytes', 'task_rate_bytes_per_second', 'tasks', 'tasks_started_total', 'tasks_finished_total', 'operator_waits'].map((n) => `tapecoord_${n}`),
    'the families, in order',
  );
  t.same([...helps.keys()], [...types.keys()], 'each with HELP');
  t.same(get('up'), [1]);
  t.same(get('start_time_seconds'), [(T0 - 60_000) / 1000]);
  t.same(get('drive_bytes_total', { drive: '0' }), [24_600_000]);
  t.same(get('drive_errors_total', { drive: '1' }), [2]);
  t.same(get('drive_state', { drive: '0', state: 'writing' }), [1]);
  t.same(get('drive_state', { drive: '1', state: 'loading' }), [1]);
  t.equal(get('drive_state', { drive: '0' }).reduce((a, v) => a + v, 0), 1, 'one state per drive is 1');
  t.equal(get('drive_state').length, 14, 'seven states for each of two drives');
  t.same(get('drive_ring_fill_ratio', { drive: '0' }), [0.75]);
  t.same(get('drive_ring_fill_ratio', { drive: '1' }), [0]);
  t.same(get('task_bytes', { task: '1001', kind: 'dump' }), [24_600_000]);
  t.same(get('task_rate_bytes_per_second', { task: '1001' }), [12_300_000]);
  t.equal(get('task_bytes').length, 4, 'every listed task');
  t.same(get('tasks', { state: 'running' }), [2]);
  t.same(get('tasks', { state: 'queued' }), [1]);
  t.same(get('tasks', { state: 'done' }), [1]);
  t.same(get('operator_waits'), [1]);
  t.same(get('tasks_started_total', { kind: 'dump' }), [1], 'counted from the table as it was');
  t.same(get('tasks_finished_total', { kind: 'scan', outcome: 'done' }), [1]);

  // counting from the backend's task events from here on
  const r = b.tasks.get(1003)!;
  r.start();
  r.finish('failed', 'volume home.daily: no cartridge');
  r.finish('done'); // no second count
  r.setVolume('x');
  const q = b.tasks.create('label', 'C1');
  q.requestAbort();
  q.finish('aborted');
  t.equal(counters.startedTotal('restore'), 1);
  t.equal(counters.finishedTotal('restore', 'failed'), 1);
  t.equal(counters.finishedTotal('restore', 'done'), 0);
  t.equal(counters.startedTotal('label'), 1, 'a task aborted while queued never started');
  t.equal(counters.finishedTotal('label', 'aborted'), 1);
  counters.close();
  t.equal(b.subscribers, 0, 'close unsubscribes');

  t.equal(escapeLabelValue('a"b\\c\nd'), 'a\\"b\\\\c\\nd');
});

t.test('MetricsServer: GET /metrics on loopback, 404 otherwise, refuses other addresses', async (t) => {
  const b = busyBackend();
  const counters = new MetricsCounters(b);
  const server = new MetricsServer(b, counters, { host: '127.0.0.1', port: 0 });
  const { host, port } = await server.listen();
  t.teardown(() => server.close());
  t.equal(host, '127.0.0.1');
  const get = (path: string, method = 'GET') =>
    new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
      const req = request({ host, port, path, method }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
      });
      req.on('error', reject).end();
    });
  const ok = await get('/metrics');
  t.equal(ok.status, 200);
  t.equal(ok.type, CONTENT_TYPE);
  t.match(ok.type, /^text\/plain; version=0\.0\.4/);
  t.same(parseExposition(ok.body).samples.find((s) => s.name === 'tapecoord_task_bytes')?.value, 24_600_000);
  t.equal((await get('/metrics?x=1')).status, 200, 'a query string is ignored');
  t.equal((await get('/')).status, 404);
  t.equal((await get('/metricsx')).status, 404);
  t.equal((await get('/metrics', 'POST')).status, 404);

  for (const host of ['0.0.0.0', '::', '192.168.1.10', 'example.org']) {
    t.throws(() => new MetricsServer(b, counters, { host }), { name: 'DaemonError', code: 'invalid' }, `refuses ${host}`);
  }
  try {
    new MetricsServer(b, counters, { host: '0.0.0.0' });
  } catch (e) {
    t.ok(isDaemonError(e, 'invalid') && /metrics address 0\.0\.0\.0: not a loopback address/.test(e.message));
  }
  t.ok(isLoopback('127.0.0.2') && isLoopback('::1') && isLoopback('::ffff:127.0.0.1') && isLoopback('localhost'));
  t.notOk(isLoopback('::ffff:10.0.0.1'));
  t.throws(() => new MetricsServer(b, counters, { port: 70000 }), { code: 'invalid' });
  await server.close();
  counters.close();
});

t.test('JsonLog: events and task changes as JSON lines; per-block and periodic events left out', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'tapecoord.log');
  const b = new FakeBackend();
  const log = new JsonLog(path, { now: () => T0 });
  log.attach(b);
  const task = b.tasks.create('dump', 'home');
  task.start();
  b.publish({ kind: 'op-phase', task: task.id, time: T0 + 1, phase: 'write', message: 'writing home to cartridge 7' });
  b.publish({ kind: 'saveset-write', task: task.id, time: T0 + 2, cartridge: 7, file: 1, blocks: 16, bytes: 1 << 20 });
  b.publish({ kind: 'statistics', task: task.id, time: T0 + 3, bytes: 1 << 20, seconds: 1, rate: 1 << 20, averageRate: 1 << 20, ringFill: 0.5, final: false });
  task.progress(5000); // progress: no line
  b.publish({ kind: 'error-message', task: task.id, time: T0 + 4, message: 'volume home.1: read error', code: 'EIO' });
  b.publish({ kind: 'control', task: task.id, time: T0 + 5, subtype: 'operator-assist', message: 'insert cartridge 8', responseRequired: true, prompt: null });
  b.publish({ kind: 'statistics', task: task.id, time: T0 + 6, bytes: 2 << 20, seconds: 2, rate: 0, averageRate: 1 << 20, ringFill: null, final: true });
  task.finish('failed', 'no cartridge');
  log.info('daemon stopping', { msg: 'cannot replace msg', signal: 'SIGTERM' });
  await log.close();
  log.info('after close'); // dropped

  const lines = readFileSync(path, 'utf8').split('\n');
  t.equal(lines.pop(), '', 'newline-terminated');
  const recs = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  t.same(
    recs.map((r) => [r['event'], r['level']]),
    [
      ['task', 'info'],
      ['task', 'info'],
      ['op-phase', 'info'],
      ['error-message', 'error'],
      ['control', 'warn'],
      ['statistics', 'info'],
      ['task', 'error'],
      [undefined, 'info'],
    ],
  );
  t.same(Object.keys(recs[0]!).slice(0, 3), ['time', 'level', 'msg'], 'time, level and msg first');
  t.equal(recs[0]!['time'], new Date(T0).toISOString());
  t.equal(recs[0]!['msg'], 'task 1001 Dump: queued');
  t.equal(recs[1]!['state'], 'running');
  t.equal(recs[2]!['time'], new Date(T0 + 1).toISOString(), "an event's own time");
  t.equal(recs[2]!['msg'], 'writing home to cartridge 7');
  t.equal(recs[2]!['phase'], 'write');
  t.equal(recs[3]!['code'], 'EIO');
  t.equal(recs[3]!['task'], 1001);
  t.equal(recs[5]!['final'], true);
  t.equal(recs[6]!['msg'], 'task 1001 Dump: failed: no cartridge');
  t.equal(recs[6]!['flags'], TASK_STATUS.TASK_DONE | TASK_STATUS.TASK_ERROR);
  t.equal(recs[7]!['msg'], 'daemon stopping', 'fields cannot replace msg');
  t.equal(recs[7]!['signal'], 'SIGTERM');
  t.equal(statSync(path).mode & 0o777 & ~0o640, 0, 'created no wider than 0640');
  t.equal(b.subscribers, 0, 'close detaches');
});

t.test('JsonLog: reopen after logrotate; a stream target is flushed, not ended', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'tapecoord.log');
  const log = new JsonLog(path, { now: () => T0 });
  log.warn('before rotation', { n: 1 });
  await new Promise((r) => setTimeout(r, 20));
  renameSync(path, `${path}.1`);
  log.warn('still the old file until reopen', { n: 2 });
  await log.reopen();
  log.error('after rotation', { n: 3, err: Object.assign(new Error('EIO on /dev/nst0'), { code: 'EIO' }), big: 10n });
  await log.close();
  const old = readFileSync(`${path}.1`, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const now = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  t.same(old.map((r) => r.n), [1, 2]);
  t.same(now.map((r) => r.n), [3]);
  t.same(now[0].err, { name: 'Error', message: 'EIO on /dev/nst0', code: 'EIO' });
  t.equal(now[0].big, '10');

  const chunks: string[] = [];
  let ended = false;
  const sink = new Writable({
    write(c: Buffer, _e, cb) {
      chunks.push(c.toString());
      setTimeout(cb, 2);
    },
    final(cb) {
      ended = true;
      cb();
    },
  });
  const slog = new JsonLog(sink, { now: () => T0 });
  slog.info('one');
  slog.info('two');
  await slog.close();
  t.same(chunks.join('').trim().split('\n').map((l) => JSON.parse(l).msg), ['one', 'two'], 'flushed by close');
  t.notOk(ended, 'a stream given is not ended');
  t.ok(existsSync(path));
});
