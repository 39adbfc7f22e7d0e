// The control socket: protocol, server and client over real sockets, against a fake backend.
import t, { type Test } from 'tap';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, statSync, writeFileSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { condition, succeeded, type Condition } from '../../lib/api/conditions.js';
import { deliver, type ApiEvent, type EventHandlers } from '../../lib/api/events.js';
import type { ControlBackend, DaemonInfo, TaskEvent } from '../../lib/daemon/backend.js';
import { DaemonError, isDaemonError } from '../../lib/daemon/errors.js';
import { TaskTable, type Task } from '../../lib/daemon/tasks.js';
import { ControlClient } from '../../lib/daemon/control/client.js';
import { ControlServer } from '../../lib/daemon/control/server.js';
import { CONNECTION_STREAM, FrameReader, frameHeader, LineSplitter, MAX_LINE, PROTOCOL_VERSION } from '../../lib/daemon/control/protocol.js';
import { pseudoRandom, tempDir } from '../helpers/tmp.js';

type Options = { type: string; value: unknown }[];
type Script = (options: Options, emit: (e: ApiEvent) => void, task: Task) => Promise<Condition>;

/** A ControlBackend with a real TaskTable whose start() runs the test's script. */
class FakeBackend implements ControlBackend {
  readonly tasks = new TaskTable({ portOffset: 3 });
  script: Script = async (_o, _e, task) => condition('NORMAL', null, task.id);
  readonly replies: [number, string][] = [];
  private readonly listeners = new Set<(e: ApiEvent | TaskEvent) => void>();
  private readonly ends = new Map<number, Promise<Condition>>();
  private readonly watchers = new Map<number, EventHandlers[]>();

  constructor() {
    this.tasks.on('change', (task) => this.publish({ kind: 'task', time: Date.now(), task }));
  }

  start(options: readonly unknown[], handlers: EventHandlers): Promise<Condition> {
    const task = this.tasks.create('dump', 'fake');
    task.start();
    const emit = (e: ApiEvent) => {
      deliver(handlers, e);
      for (const h of this.watchers.get(task.id) ?? []) deliver(h, e);
      this.publish(e);
    };
    const end = this.script(options as Options, emit, task).then((c) => {
      task.finish(succeeded(c) ? 'done' : 'failed', succeeded(c) ? null : c.message);
      return c;
    });
    this.ends.set(task.id, end);
    return end;
  }
  wait(task: number, handlers: EventHandlers): Promise<Condition> {
    const end = this.ends.get(task);
    if (!end) return Promise.reject(new DaemonError('not-found', `task ${task}: no such task`));
    this.watchers.set(task, [...(this.watchers.get(task) ?? []), handlers]);
    return end;
  }
  reply(task: number, answer: string): void {
    if (!this.tasks.get(task)) throw new DaemonError('not-found', `task ${task}: no such task`);
    if (answer === 'maybe') throw new DaemonError('invalid', `task ${task}: "maybe" is not one of yes, no`);
    this.replies.push([task, answer]);
  }
  abort(task: number): void {
    const t = this.tasks.get(task);
    if (!t) throw new DaemonError('not-found', `task ${task}: no such task`);
    t.requestAbort();
  }
  info(): DaemonInfo {
    return { version: '0.1.0', pid: process.pid, started: 1, portOffset: 3, changer: 'sim', catalog: 'c.db', varDir: '/var', drives: [] };
  }
  subscribe(listener: (e: ApiEvent | TaskEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  get subscribers(): number {
    return this.listeners.size;
  }
  private publish(e: ApiEvent | TaskEvent): void {
    for (const l of this.listeners) l(e);
  }
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const phase = (task: number): ApiEvent => ({ kind: 'op-phase', task, time: Date.now(), phase: 'write', message: 'writing' });

async function serve(t: Test, backend = new FakeBackend(), tcp?: { host: string; port: number; token: string }) {
  const path = join(tempDir(t), 'control.sock');
  const server = new ControlServer(backend, { path, ...(tcp ? { tcp } : {}) });
  const sockets: Socket[] = [];
  server.on('connection', (s) => sockets.push(s));
  await server.listen();
  t.teardown(() => server.close());
  return { path, server, backend, sockets };
}

/** A hand-driven connection: lines written as given, lines read one at a time; after `lineLimit` lines, raw bytes. */
function raw(path: string, lineLimit = Infinity) {
  const socket = createConnection({ path, allowHalfOpen: true });
  const splitter = new LineSplitter();
  const lines: Record<string, unknown>[] = [];
  const bytes: Buffer[] = [];
  let count = 0;
  let wake: (() => void) | null = null;
  let ended = false;
  socket.on('data', (c: Buffer) => {
    if (count >= lineLimit) bytes.push(c);
    else {
      splitter.push(c);
      for (let l = splitter.next(); l; l = count < lineLimit ? splitter.next() : null) {
        lines.push(JSON.parse(l.toString()));
        count++;
      }
      if (count >= lineLimit) bytes.push(splitter.rest());
    }
    wake?.();
  });
  socket.on('end', () => {
    ended = true;
    wake?.();
  });
  socket.on('error', () => {});
  return {
    socket,
    send: (o: unknown) => socket.write(typeof o === 'string' ? o : JSON.stringify(o) + '\n'),
    async next(): Promise<Record<string, unknown> | null> {
      while (lines.length === 0 && !ended) await new Promise<void>((r) => (wake = r));
      return lines.shift() ?? null;
    },
    get ended() {
      return ended;
    },
    bytes: () => Buffer.concat(bytes),
  };
}

async function hashOf(input: Readable): Promise<{ hash: string; bytes: number }> {
  const h = createHash('sha256');
  let bytes = 0;
  for await (const c of input) {
    h.update(c as Buffer);
    bytes += (c as Buffer).length;
  }
  return { hash: h.digest('hex'), bytes };
}

function chunks(data: Buffer, size: number): Readable {
  return Readable.from(
    (function* () {
      for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
    })(),
  );
}

function collector() {
  const parts: Buffer[] = [];
  let finished = false;
  const w = new Writable({
    write(c: Buffer, _e, cb) {
      parts.push(c);
      cb();
    },
  });
  w.on('finish', () => (finished = true));
  return { w, data: () => Buffer.concat(parts), finished: () => finished };
}

/** Writes data to a Writable with back-pressure, in 64 KiB pieces. */
async function writeOut(out: Writable, data: Buffer): Promise<void> {
  for (let i = 0; i < data.length; i += 65536) {
    if (!out.write(data.subarray(i, i + 65536))) await new Promise((r) => out.once('drain', r));
  }
}

t.test('frames: split at every offset read back the same data and the bytes after the end frame', async (t) => {
  const data = pseudoRandom(300, 7);
  const wire = Buffer.concat([frameHeader(100), data.subarray(0, 100), frameHeader(200), data.subarray(100), frameHeader(0), Buffer.from('{"id":9}\n')]);
  let good = 0;
  for (let cut = 0; cut <= wire.length; cut++) {
    const r = new FrameReader();
    const got: Buffer[] = [];
    const a = r.push(wire.subarray(0, cut), (d) => got.push(Buffer.from(d)));
    const rest = a !== null ? Buffer.concat([a, wire.subarray(cut)]) : r.push(wire.subarray(cut), (d) => got.push(Buffer.from(d)));
    if (Buffer.concat(got).equals(data) && rest?.toString() === '{"id":9}\n' && r.bytes === 300) good++;
  }
  t.equal(good, wire.length + 1, 'every split point');
  const r = new FrameReader();
  t.throws(() => r.push(frameHeader(MAX_LINE + 1), () => {}), { code: 'protocol', message: /frame 1 .*exceeds/ });
  const s = new LineSplitter();
  s.push(Buffer.alloc(MAX_LINE + 1, 0x61));
  t.throws(() => s.next(), { code: 'protocol', message: /line 1: more than 1048576 bytes/ });
});

t.test('hello, info, tasks, task, reply, abort and their errors', async (t) => {
  const { path, backend } = await serve(t);
  t.equal(statSync(path).mode & 0o777, 0o660, 'socket mode 0660');
  const c = await ControlClient.connect({ path });
  t.teardown(() => c.close());
  t.same(c.hello, { version: PROTOCOL_VERSION, pid: process.pid, portOffset: 3 });
  t.same(await c.call('info'), backend.info());
  t.same(await c.call('tasks'), []);
  const task = backend.tasks.create('label', 'tape 1');
  t.equal(task.id, 3001, 'butc numbering: port offset × 1000 + 1');
  const list = (await c.call('tasks')) as { id: number; name: string }[];
  t.same(list.map((x) => [x.id, x.name]), [[3001, 'Labeltape']]);
  t.match(await c.call('task', { id: 3001 }), { id: 3001, kind: 'label', state: 'queued', subject: 'tape 1' });
  await t.rejects(c.call('task', { id: 3999 }), { code: 'not-found', message: /task 3999/ });
  t.equal(await c.call('reply', { task: 3001, answer: 'yes' }), null);
  t.same(backend.replies, [[3001, 'yes']]);
  await t.rejects(c.call('reply', { task: 3001, answer: 'maybe' }), { code: 'invalid', message: /maybe/ });
  await t.rejects(c.call('reply', { task: 3001 }), { code: 'protocol', message: /"answer" must be a string/ });
  t.equal(await c.call('abort', { task: 3001 }), null);
  t.ok(task.signal.aborted, 'abort reached the task');
  await t.rejects(c.call('abort', { task: 'x' }), { code: 'protocol', message: /"task" must be an integer/ });
  await t.rejects(c.call('abort', { task: 4000 }), { code: 'not-found' });
  await t.rejects(c.call('hello', { version: 99 }), { code: 'protocol', message: /version 99/ });
  t.same(await c.call('tasks').then((l) => (l as unknown[]).length), 1, 'the connection still works after errors');
});

t.test('bad requests keep the connection; broken framing closes it', async (t) => {
  const { path } = await serve(t);
  const r = raw(path);
  r.send({ id: 1, method: 'frobnicate' });
  t.match(await r.next(), { id: 1, error: { code: 'protocol', message: /unknown method "frobnicate"/ } });
  r.send('this is not json\n');
  t.match(await r.next(), { id: null, error: { code: 'protocol', message: /line 2: not JSON/ } });
  r.send('[1,2]\n');
  t.match(await r.next(), { id: null, error: { code: 'protocol', message: /expected a JSON object, got an array/ } });
  r.send({ id: 'a', method: 'info' });
  t.match(await r.next(), { id: null, error: { code: 'protocol', message: /"id" must be an integer/ } });
  r.send({ id: 2, method: 'info', params: [1] });
  t.match(await r.next(), { id: 2, error: { code: 'protocol', message: /"params" must be an object/ } });
  r.send({ id: 3, method: 'start', params: { options: 'dump' } });
  t.match(await r.next(), { id: 3, error: { code: 'protocol', message: /"options" must be an array/ } });
  r.send({ id: 4, method: 'start', params: { options: [{ type: 'name', value: CONNECTION_STREAM }] } });
  t.match(await r.next(), { id: 4, error: { code: 'protocol', message: /option "name" cannot stream/ } });
  r.send({ id: 5, method: 'info' });
  t.match(await r.next(), { id: 5, result: { pid: process.pid } }, 'still usable');
  r.send(Buffer.alloc(MAX_LINE + 10, 0x20).toString());
  t.match(await r.next(), { id: null, error: { code: 'protocol', message: /more than 1048576 bytes without a newline/ } });
  t.equal(await r.next(), null, 'then the daemon ends the connection');
  t.ok(r.ended);
});

t.test('unreachable daemon', async (t) => {
  const path = join(tempDir(t), 'none.sock');
  await t.rejects(ControlClient.connect({ path }), { code: 'unreachable', message: `no tapecoord daemon at ${path}: start one with \`tapecoord serve\`` });
});

t.test('start with 20 MB of input over the connection, hashed by the backend', async (t) => {
  const { path, backend } = await serve(t);
  const data = pseudoRandom(20 * 1024 * 1024, 11);
  const seen: Options[] = [];
  backend.script = async (options, emit, task) => {
    seen.push(options);
    emit(phase(task.id));
    const input = options.find((o) => o.type === 'input')!.value as Readable;
    const got = await hashOf(input);
    return condition('NORMAL', null, task.id, got);
  };
  const c = await ControlClient.connect({ path });
  t.teardown(() => c.close());
  const events: ApiEvent[] = [];
  const cond = await c.startWithInput([{ type: 'operation', value: 'dump' }, { type: 'name', value: 'home' }], chunks(data, 100_000), { all: (e) => events.push(e) });
  t.equal(cond.code, 'NORMAL');
  t.same(cond.result, { hash: sha(data), bytes: data.length }, 'the backend hashed the bytes sent');
  t.equal(cond.task, 3001);
  t.same(seen[0]!.slice(0, 2), [{ type: 'operation', value: 'dump' }, { type: 'name', value: 'home' }], 'options passed through');
  t.ok(seen[0]![2]!.value instanceof Readable, 'input substituted by a Readable');
  t.same(events.map((e) => [e.kind, e.task]), [['op-phase', 3001]], 'events delivered to the handlers');
  await t.rejects(c.startWithInput([{ type: 'input', value: '/x' }], chunks(data, 1), {}), { code: 'invalid' });
  const again = await c.startWithInput([{ type: 'input', value: CONNECTION_STREAM }], chunks(data.subarray(0, 1000), 300), {});
  t.same(again.result, { hash: sha(data.subarray(0, 1000)), bytes: 1000 }, 'the marker may be given by the caller');
});

t.test('back-pressure: a slow reader pauses the socket instead of buffering the stream', async (t) => {
  const { path, backend, sockets } = await serve(t);
  const data = pseudoRandom(20 * 1024 * 1024, 12);
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let readable!: Readable;
  let firstRead!: () => void;
  const reading = new Promise<void>((r) => (firstRead = r));
  backend.script = async (options, _emit, task) => {
    readable = options.find((o) => o.type === 'input')!.value as Readable;
    const h = createHash('sha256');
    let n = 0;
    for await (const chunk of readable) {
      h.update(chunk as Buffer);
      n += (chunk as Buffer).length;
      if (n > 0) firstRead();
      if (n < 4_000_000) continue;
      await held;
    }
    return condition('NORMAL', null, task.id, { hash: h.digest('hex'), bytes: n });
  };
  const c = await ControlClient.connect({ path });
  t.teardown(() => c.close());
  const result = c.startWithInput([], chunks(data, 256 * 1024), {});
  await reading;
  await sleep(300);
  const server = sockets[sockets.length - 1]!;
  t.ok(server.isPaused(), 'the server stopped reading the socket');
  t.ok(server.bytesRead < 8 * 1024 * 1024, `the server read ${server.bytesRead} bytes of 20 MiB while the backend waits`);
  t.ok(readable.readableLength <= 2 * 1024 * 1024, `the Readable holds ${readable.readableLength} bytes`);
  release();
  const cond = await result;
  t.same(cond.result, { hash: sha(data), bytes: data.length }, 'every byte after the pause');
});

t.test('a client that goes away mid-stream makes the backend Readable fail', async (t) => {
  const { path, backend } = await serve(t);
  let outcome!: (v: unknown) => void;
  const failed = new Promise((r) => (outcome = r));
  backend.script = async (options, _e, task) => {
    try {
      await hashOf(options.find((o) => o.type === 'input')!.value as Readable);
      outcome('completed');
    } catch (e) {
      outcome(e);
    }
    return condition('STREAMERR', null, task.id);
  };
  const r = raw(path);
  r.send({ id: 1, method: 'start', params: { options: [{ type: 'input', value: CONNECTION_STREAM }] } });
  r.socket.write(Buffer.concat([frameHeader(1000), pseudoRandom(1000, 1), frameHeader(500), pseudoRandom(100, 2)]));
  await sleep(50);
  r.socket.destroy();
  const e = await failed;
  t.ok(isDaemonError(e, 'protocol'), 'the Readable errored with a protocol DaemonError');
  t.match((e as Error).message, /the client (ended|closed) the connection after 1100 bytes, inside frame 2 \(400 bytes of it missing\)/);

  // a half-close before the end frame is not the end of the data either
  const r2 = raw(path);
  const failed2 = new Promise((res) => (outcome = res));
  r2.socket.write(JSON.stringify({ id: 1, method: 'start', params: { options: [{ type: 'input', value: CONNECTION_STREAM }] } }) + '\n');
  r2.socket.end(Buffer.concat([frameHeader(10), pseudoRandom(10, 3)]));
  const e2 = await failed2;
  t.match((e2 as Error).message, /ended the connection after 10 bytes, before the end frame/);
  t.match(await r2.next(), { id: 1, result: { code: 'STREAMERR' } }, 'the start still answers');
});

t.test('restore-like output of 20 MB over the connection', async (t) => {
  const { path, backend } = await serve(t);
  const data = pseudoRandom(20 * 1024 * 1024, 13);
  backend.script = async (options, emit, task) => {
    emit(phase(task.id));
    const out = options.find((o) => o.type === 'output')!.value as Writable;
    await writeOut(out, data);
    out.end();
    emit({ kind: 'statistics', task: task.id, time: Date.now(), bytes: data.length, seconds: 1, rate: 1, averageRate: 1, ringFill: null, final: true });
    return condition('NORMAL', null, task.id, { bytes: data.length });
  };
  const c = await ControlClient.connect({ path });
  t.teardown(() => c.close());
  const out = collector();
  const kinds: string[] = [];
  const cond = await c.startWithOutput([{ type: 'operation', value: 'restore' }], out.w, { all: (e) => kinds.push(e.kind) });
  t.equal(cond.code, 'NORMAL');
  t.equal(out.data().length, data.length);
  t.equal(sha(out.data()), sha(data), 'bytes identical');
  t.ok(out.finished(), 'output ended');
  t.equal(kinds[0], 'op-phase', 'the first event comes before the data');
});

t.test('a failed restore destroys the data connection and reports the failure', async (t) => {
  const { path, backend } = await serve(t);
  backend.script = async (options, emit, task) => {
    emit(phase(task.id));
    const out = options.find((o) => o.type === 'output')!.value as Writable;
    await writeOut(out, pseudoRandom(1024 * 1024, 5));
    return condition('DEVICEERR', 'drive 0: medium error', task.id);
  };
  const c = await ControlClient.connect({ path });
  t.teardown(() => c.close());
  const out = collector();
  const cond = await c.startWithOutput([], out.w, {});
  t.equal(cond.code, 'DEVICEERR');
  t.match(cond.message, /drive 0: medium error/);
  t.notOk(out.finished(), 'the output was not ended as if complete');
  t.ok(out.w.destroyed, 'the output was destroyed');

  // on a raw connection: begin line, raw bytes, then the connection closes without a result line
  const r = raw(path, 2);
  r.send({ id: 7, method: 'start', params: { options: [{ type: 'output', value: CONNECTION_STREAM }] } });
  const first = await r.next();
  t.match(first, { id: 7, event: { kind: 'op-phase' } });
  const begin = await r.next();
  t.match(begin, { id: 7, stream: 'begin', task: 3002 });
  t.equal(await r.next(), null, 'the daemon drops the connection');
  r.socket.destroy();
  t.ok(r.bytes().length <= 1024 * 1024, `${r.bytes().length} raw bytes, and no line after them`);
  t.notOk(r.bytes().includes('"result"'), 'no result on the data connection');

  // refused before any event: an ordinary error answer, no begin line
  backend.script = async () => {
    throw new DaemonError('invalid', 'no drive 7');
  };
  await t.rejects(c.startWithOutput([], collector().w, {}), { code: 'invalid', message: 'no drive 7' });
});

t.test('watch and wait see events; reply answers a control event over another connection', async (t) => {
  const { path, backend } = await serve(t);
  let answered!: () => void;
  const answer = new Promise<void>((r) => (answered = r));
  backend.script = async (_o, emit, task) => {
    emit({ kind: 'control', task: task.id, time: Date.now(), subtype: 'operator-assist', message: 'insert cartridge 4', responseRequired: true, prompt: null });
    await answer;
    return condition('NORMAL', null, task.id);
  };
  const watcher = await ControlClient.connect({ path });
  const watched: (ApiEvent | TaskEvent)[] = [];
  const watching = watcher.stream('watch', {}, (e) => watched.push(e));
  watching.catch(() => {});
  const c = await ControlClient.connect({ path });
  t.teardown(() => c.close());
  await sleep(20);
  t.equal(backend.subscribers, 1);
  const prompts: string[] = [];
  const started = c.stream('start', { options: [{ type: 'operation', value: 'label' }] }, (e) => {
    if (e.kind === 'control') {
      prompts.push(e.message);
      void c.call('reply', { task: e.task, answer: 'done' }).then(() => answered());
    }
  });
  const waiter = await ControlClient.connect({ path });
  await sleep(20);
  const cond = (await started) as Condition;
  t.equal(cond.code, 'NORMAL');
  t.same(prompts, ['insert cartridge 4']);
  t.same(backend.replies, [[3001, 'done']]);
  t.same(await waiter.stream('wait', { task: 3001 }, () => {}), cond, 'wait on a finished task answers at once');
  await t.rejects(waiter.stream('wait', { task: 3050 }, () => {}), { code: 'not-found' });
  await waiter.close();
  t.ok(watched.some((e) => e.kind === 'control'), 'the watcher saw the prompt');
  const states = watched.flatMap((e) => (e.kind === 'task' ? [e.task.state] : []));
  t.same(states.slice(0, 2), ['queued', 'running'], 'and the task changes');
  t.equal(states[states.length - 1], 'done');
  await watcher.close();
  backend.tasks.create('scan', 'cartridge 1');
  await sleep(20);
  t.equal(backend.subscribers, 0, 'a closed connection ends the watch (noticed at the next event)');
});

t.test('stale socket replaced, live socket refused, non-socket refused', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'stale.sock');
  const script = `require('net').createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, 'SIGKILL'))`;
  spawnSync(process.execPath, ['-e', script]);
  t.ok(lstatSync(path).isSocket(), 'a killed daemon left its socket behind');
  const a = new ControlServer(new FakeBackend(), { path });
  await a.listen();
  t.teardown(() => a.close());
  const c = await ControlClient.connect({ path });
  t.equal(c.hello.portOffset, 3, 'the new daemon answers on it');
  await c.close();
  const b = new ControlServer(new FakeBackend(), { path });
  await t.rejects(b.listen(), { code: 'invalid', message: `control socket ${path}: another daemon is listening on it` });
  t.ok(existsSync(path), 'the live socket is left alone');
  const c2 = await ControlClient.connect({ path });
  t.ok(c2.hello.pid > 0, 'and still answers');
  await c2.close();
  const file = join(dir, 'file');
  writeFileSync(file, 'x');
  await t.rejects(new ControlServer(new FakeBackend(), { path: file }).listen(), { code: 'invalid', message: /exists and is not a socket/ });
  await a.close();
  t.notOk(existsSync(path), 'close removes the socket file');
});

t.test('TCP on loopback with a token', async (t) => {
  const token = 'a-token-of-some-length';
  t.throws(() => new ControlServer(new FakeBackend(), { path: '/nonexistent', tcp: { host: '0.0.0.0', port: 0, token } }), { code: 'invalid', message: /only 127.0.0.1 or ::1/ });
  t.throws(() => new ControlServer(new FakeBackend(), { path: '/nonexistent', tcp: { host: '127.0.0.1', port: 0, token: 'short' } }), { code: 'invalid', message: /at least 16/ });
  const { server } = await serve(t, new FakeBackend(), { host: '127.0.0.1', port: 0, token });
  const { port } = server.tcpAddress!;
  t.ok(port > 0);
  await t.rejects(ControlClient.connect({ host: '127.0.0.1', port, token: 'wrong-token-wrong-token' }), { code: 'refused', message: /wrong or missing token/ });
  const c = await ControlClient.connect({ host: '127.0.0.1', port, token });
  t.match(await c.call('info'), { portOffset: 3 }, 'the right token works');
  await c.close();
  // a request before hello is refused and the connection closed
  const s = createConnection({ host: '127.0.0.1', port });
  const got = await new Promise<string>((res) => {
    let text = '';
    s.on('data', (b) => (text += b));
    s.on('end', () => res(text));
    s.write(JSON.stringify({ id: 1, method: 'tasks' }) + '\n');
  });
  t.match(JSON.parse(got), { id: 1, error: { code: 'refused', message: /must begin with hello/ } });
  s.destroy();
});
