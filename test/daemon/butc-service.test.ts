// butc's TC interface in front of the daemon (config `butc`): a dump running in `tapecoord serve`
// seen over Rx as `backup status` sees it (ScanStatus, GetStatus), stopped by RequestAbort as
// `backup kill` stops it, and the refusals: rxnull without allowUnauthenticated, and ReadLabel /
// ScanDumps with no tapeconfig device.
import t, { type Test } from 'tap';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { TC_BADTASK, TC_NOTPERMITTED } from '../../lib/butc/tc-errors.js';
import { dump as catalogDump } from '../../lib/catalog/dumps.js';
import { loadConfig } from '../../lib/daemon/config.js';
import { Daemon } from '../../lib/daemon/serve.js';
import { formatStatus } from '../../lib/daemon/status-format.js';
import { RxClient } from '../../lib/rx/client.js';
import { RxCallError } from '../../lib/rx/errors.js';
import { TASK_STATUS, TC, TSK_STAT, type TciStatusS } from '../../lib/rx/interfaces/butc.js';
import { callProc } from '../../lib/rx/rpc.js';
import { pseudoRandom, tempDir } from '../helpers/tmp.js';

const K = 1024;

async function start(t: Test, butc: Record<string, unknown>) {
  const config = loadConfig(null, {
    varDir: tempDir(t),
    portOffset: 4,
    butc: { address: '127.0.0.1', port: 0, ...butc },
    log: null,
    statusFile: null,
    blockSize: '64k',
    bufferSize: '1M',
    simulation: { capacity: '8M', earlyWarning: '2M' },
  });
  const daemon = await Daemon.start(config);
  t.teardown(() => daemon.close());
  const client = await RxClient.open({ host: '127.0.0.1', port: daemon.butc!.address().port, serviceId: 1 });
  t.teardown(() => client.close());
  return { daemon, client };
}

/** `backup status`'s loop (bucoord's ScanStatus walk, BUTC-SPEC §3.8), the status of each task. */
async function backupStatus(client: RxClient): Promise<TciStatusS[]> {
  const out: TciStatusS[] = [];
  let taskId = 0;
  let flags: number = TSK_STAT.FIRST;
  for (;;) {
    const r = await callProc(client, TC.ScanStatus, { taskId, flags });
    if (r.flags & TSK_STAT.NOTFOUND) break;
    out.push(r.statusPtr);
    if (r.flags & TSK_STAT.END) break;
    taskId = r.taskId;
    flags = 0;
  }
  return out;
}

async function rejects(t: Test, p: Promise<unknown>, code: number, what: string) {
  const e = await p.then(() => null, (err: unknown) => err);
  t.ok(e instanceof RxCallError && e.remote, `${what}: aborted by the server`);
  t.equal((e as RxCallError).code, code, `${what}: code ${code}`);
}

t.test('a daemon dump in backup status, and backup kill stops it', async (t) => {
  const { daemon, client } = await start(t, { allowUnauthenticated: true });
  const c = daemon.coordinator;
  t.same(await backupStatus(client), [], 'idle: no task (backup prints "Tape coordinator is idle")');

  const input = new PassThrough();
  const ended = c.start([
    { type: 'operation', value: 'dump' },
    { type: 'name', value: 'home.backup' },
    { type: 'input', value: input },
  ]);
  input.write(pseudoRandom(3 << 20, 5));
  let task = c.tasks.list()[0];
  for (let i = 0; i < 400 && (task?.snapshot().bytes ?? 0) < 3 << 20; i++, task = c.tasks.list()[0]) await sleep(10);
  t.equal(task?.snapshot().bytes, 3 << 20, 'the dump took the first 3 MiB and waits for more');

  const seen = await backupStatus(client);
  t.equal(seen.length, 1, 'one task over Rx');
  t.match(seen[0], { taskName: 'Dump', taskId: 4001, volumeName: 'home.backup', nKBytes: 3 * K, flags: 0 });
  t.equal(formatStatus(seen.map((s) => ({ id: s.taskId, name: s.taskName, nKBytes: s.nKBytes, volumeName: s.volumeName, flags: s.flags }))), 'Task 4001: Dump: 3072 Kbytes transferred, volume home.backup\n');
  t.equal(formatStatus(c.tasks.list().map((x) => x.snapshot())), 'Task 4001: Dump: 3072 Kbytes transferred, volume home.backup\n', 'tapecoord status prints the same line');
  const got = await callProc(client, TC.GetStatus, { taskId: 4001 });
  t.match(got.statusPtr, { taskName: 'Dump', taskId: 4001, nKBytes: 3 * K, volumeName: 'home.backup' });

  await callProc(client, TC.RequestAbort, { taskId: 4001 });
  const cond = await ended;
  t.equal(cond.code, 'ABORTED', `the dump ends aborted: ${cond.message}`);
  const [after] = await backupStatus(client);
  t.ok(after && after.flags & TASK_STATUS.ABORT_DONE && after.flags & TASK_STATUS.TASK_DONE, 'backup status shows it [abort complete] [done]');
  const dumpId = c.catalog.statement<{ id: number }>('SELECT id FROM dumps').get()?.id;
  t.ok(dumpId !== undefined, 'the dump was started in the catalog');
  t.equal(catalogDump(c.catalog, dumpId!)?.completed, null, 'and is not complete');

  await callProc(client, TC.EndStatus, { taskId: 4001 });
  t.same(await backupStatus(client), [], 'EndStatus takes it off the list');
  t.equal(c.tasks.get(4001), undefined, 'and out of the daemon');
});

t.test('EndStatus of a running dump takes it off the list, as butc does; tapecoord abort still reaches it', async (t) => {
  const { daemon, client } = await start(t, { allowUnauthenticated: true });
  const c = daemon.coordinator;
  const input = new PassThrough();
  const ended = c.start([
    { type: 'operation', value: 'dump' },
    { type: 'name', value: 'etc' },
    { type: 'input', value: input },
  ]);
  input.write(pseudoRandom(K * K, 6));
  for (let i = 0; i < 400 && (c.tasks.get(4001)?.snapshot().bytes ?? 0) < K * K; i++) await sleep(10);
  await callProc(client, TC.EndStatus, { taskId: 4001 });
  t.same(await backupStatus(client), [], 'off the list');
  c.abort(4001);
  t.equal((await ended).code, 'ABORTED', 'the abort reached the running job');
});

t.test('refusals: rxnull without allowUnauthenticated; no tapeconfig device for ReadLabel / ScanDumps', async (t) => {
  const strict = await start(t, {});
  await rejects(t, callProc(strict.client, TC.ScanStatus, { taskId: 0, flags: TSK_STAT.FIRST }), TC_NOTPERMITTED, 'ScanStatus from an rxnull caller');
  t.equal(strict.daemon.coordinator.config.butc?.allowUnauthenticated, false, 'allowUnauthenticated is off unless asked for');

  const open = await start(t, { allowUnauthenticated: true });
  t.same(await callProc(open.client, TC.TCInfo, {}), { tciptr: { tcVersion: 3 } });
  await rejects(t, callProc(open.client, TC.ReadLabel, {}), TC_BADTASK, 'ReadLabel');
  await rejects(t, callProc(open.client, TC.ScanDumps, { addDbFlag: 0 }), TC_BADTASK, 'ScanDumps');
  t.same(open.daemon.coordinator.tasks.list(), [], 'no task is left behind');
});

t.test('the butc section of the configuration', async (t) => {
  const load = (butc: unknown, portOffset = 2) => loadConfig(null, { varDir: tempDir(t), portOffset, butc });
  t.same(load({ allowUnauthenticated: true }).butc, { allowUnauthenticated: true, address: '0.0.0.0', port: 7027 }, 'UDP 7025 + port offset on every address, as butc');
  t.equal(load(null).butc, null, 'null: no TC interface');
  t.equal(load(undefined).butc, null, 'absent: none');
  t.throws(() => load({ allowUnauthenticated: 'yes' }), /field "butc.allowUnauthenticated" is "yes": expected true or false/);
  t.throws(() => load({ address: 'somewhere' }), /field "butc.address" is "somewhere": expected an IP address/);
  t.throws(() => load({ port: 70000 }), /field "butc.port" is 70000: expected a UDP port/);
  t.throws(() => load({ portOffset: 1 }), /field "butc.portOffset".*no such field/);
  t.throws(() => load(true), /field "butc" is true: expected/);
});
