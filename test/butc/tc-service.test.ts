// The TC service over Rx on loopback (BUTC-SPEC §3): every opcode through a real RxClient, on media the
// real butc 1.8.9 wrote (test/fixtures/openafs), with its printed readlabel/scantape output as the oracle.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { cfgDefaults } from '../../lib/butc/cfg.js';
import { CapturedConsole } from '../../lib/butc/console.js';
import { ButcLogs } from '../../lib/butc/logs.js';
import { UnattendedOperatorChannel } from '../../lib/butc/operator.js';
import { BUTM_NOLABEL, TC_BADTASK, TC_NODENOTFOUND, TC_NOTPERMITTED } from '../../lib/butc/tc-errors.js';
import { TcService } from '../../lib/butc/tc-service.js';
import { formatStatusLine } from '../../lib/daemon/status-format.js';
import { TaskTable } from '../../lib/daemon/tasks.js';
import { RxClient } from '../../lib/rx/client.js';
import { RXGEN_OPCODE } from '../../lib/rx/constants.js';
import { RxCallError } from '../../lib/rx/errors.js';
import { TASK_STATUS, TC, TSK_STAT } from '../../lib/rx/interfaces/butc.js';
import { callProc } from '../../lib/rx/rpc.js';
import { RxServer } from '../../lib/rx/server.js';
import { pseudoRandom, tempDir } from '../helpers/tmp.js';

type T = Parameters<typeof tempDir>[0];
const BUTM_BADBLOCK = BUTM_NOLABEL - 1;
const fixture = (f: string) => join(import.meta.dirname, '..', 'fixtures', 'openafs', f);

async function setup(t: T, medium: string | null, o: { allowUnauthenticated?: boolean } = {}) {
  const dir = tempDir(t);
  const device = join(dir, 'tape');
  if (medium) copyFileSync(fixture(medium), device);
  else writeFileSync(device, '');
  const console = new CapturedConsole();
  const logs = ButcLogs.open({ tapeLog: join(dir, 'TL'), errorLog: join(dir, 'TE'), lastLog: join(dir, 'TL.lp'), openLastLog: false, centralLog: null }, console);
  const cfg = { ...cfgDefaults(), fileMode: true, autoQuery: false, askOperator: false, nameCheck: false };
  const table = new TaskTable({ portOffset: 3, retainMs: 0 });
  const service = new TcService({
    table,
    allowUnauthenticated: o.allowUnauthenticated ?? true,
    tape: { device, capacityKB: 10485760, fileMarkSize: 0, cfg, logs, console, operator: new UnattendedOperatorChannel((s) => console.out(s)), keyWaitMs: 20 },
  });
  const server = await RxServer.listen({ address: '127.0.0.1', port: 0, services: [service.rx] });
  const client = await RxClient.open({ host: '127.0.0.1', port: server.address().port, serviceId: 1 });
  t.teardown(async () => {
    await client.close();
    await server.close();
    await service.idle();
    logs.close();
  });
  return { dir, device, console, table, service, client, tl: () => readFileSync(join(dir, 'TL'), 'latin1'), te: () => readFileSync(join(dir, 'TE'), 'latin1') };
}

async function rejects(t: T, p: Promise<unknown>, code: number, what: string) {
  const e = await p.then(() => null, (err: unknown) => err);
  t.ok(e instanceof RxCallError && e.remote, `${what}: aborted by the server`);
  t.equal((e as RxCallError).code, code, `${what}: code ${code}`);
}

t.test('TCInfo, idle ScanStatus, unknown ids, refused and unknown opcodes', async (t) => {
  const { client } = await setup(t, 'label.butc');
  t.same(await callProc(client, TC.TCInfo, {}), { tciptr: { tcVersion: 3 } });
  const idle = await callProc(client, TC.ScanStatus, { taskId: 0, flags: TSK_STAT.FIRST });
  t.equal(idle.flags, 7, 'FIRST|END|NOTFOUND, as the lab saw');
  t.equal(idle.taskId, 0);
  t.same(idle.statusPtr, { taskName: '', taskId: 0, flags: 0, dbDumpId: 0, nKBytes: 0, volumeName: '', volsFailed: 0, lastPolled: 0 });
  await rejects(t, callProc(client, TC.GetStatus, { taskId: 3001 }), TC_NODENOTFOUND, 'GetStatus of no task');
  await rejects(t, callProc(client, TC.EndStatus, { taskId: 3001 }), TC_NODENOTFOUND, 'EndStatus of no task');
  await rejects(t, callProc(client, TC.RequestAbort, { taskId: 3001 }), TC_NODENOTFOUND, 'RequestAbort of no task');
  await rejects(t, callProc(client, TC.ScanDumps, { addDbFlag: 1 }), TC_BADTASK, 'ScanDumps -dbadd');
  await rejects(t, callProc(client, TC.LabelTape, { label: { size: 0, afsname: 'x.1', pname: '', tapeId: 0 } }), TC_BADTASK, 'LabelTape');
  await rejects(t, callProc(client, TC.SaveDb, { archiveTime: 0 }), TC_BADTASK, 'SaveDb');
  await rejects(t, callProc(client, TC.RestoreDb, {}), TC_BADTASK, 'RestoreDb');
  await rejects(t, callProc(client, TC.DeleteDump, { aDumpId: 5 }), TC_BADTASK, 'DeleteDump');
  await rejects(t, callProc(client, TC.PerformRestore, { dumpSetName: 'DumpSetName', restores: [] }), TC_BADTASK, 'PerformRestore');
  await rejects(t, client.call(13), RXGEN_OPCODE, 'opcode 13');
});

t.test('without -allow_unauthenticated an rxnull caller is refused, as by butc', async (t) => {
  const { client } = await setup(t, 'label.butc', { allowUnauthenticated: false });
  await rejects(t, callProc(client, TC.TCInfo, {}), TC_NOTPERMITTED, 'TCInfo');
  await rejects(t, callProc(client, TC.ScanStatus, { taskId: 0, flags: 1 }), TC_NOTPERMITTED, 'ScanStatus');
});

t.test('ReadLabel: the reply butc fills, its printed label, a task id used for the logs only', async (t) => {
  const { client, console, table, tl } = await setup(t, 'full-append.butc');
  const r = await callProc(client, TC.ReadLabel, {});
  t.same(r, { label: { size: 10485760, afsname: 'fx.full.1', pname: '', tapeId: 1795262891 }, taskId: 0 });
  // the fixture starts with the empty line after butc's "Token expires" line
  t.equal(console.stdout, readFileSync(fixture('full-append.readlabel.txt'), 'latin1').slice(1), "the real butc's readlabel output");
  t.match(tl(), /: Task 3001: Readlabel\n.*: Task 3001: ReadLabel: Finished\n$/s);
  t.same(table.list(), [], 'no status node');
  t.equal(table.allocateId(), 3002, 'id 3001 was consumed');
});

t.test('ReadLabel without a label: an empty file is BUTM_BADBLOCK, a foreign record BUTM_NOLABEL (file_ReadLabel)', async (t) => {
  const empty = await setup(t, null);
  await rejects(t, callProc(empty.client, TC.ReadLabel, {}), BUTM_BADBLOCK, 'ReadLabel of an empty file');
  t.equal(empty.console.stdout, '\n\nReadlabel\nReadLabel: Finished with errors\n     butm: unexpected tape datablock\n');
  t.match(empty.te(), /Task 3001: Can't read tape label\n     butm: unexpected tape datablock\n/);
  const foreign = await setup(t, null);
  writeFileSync(foreign.device, pseudoRandom(16384, 7));
  await rejects(t, callProc(foreign.client, TC.ReadLabel, {}), BUTM_NOLABEL, 'ReadLabel of a foreign record');
  t.equal(foreign.console.stdout, '\n\nReadlabel\nTape is unlabelled\nReadLabel: Finished\n');
  t.equal(foreign.te(), '', 'no error log for an unlabelled tape');
});

t.test('ScanDumps: a Scantape task printing what butc printed; status, iteration, EndStatus', async (t) => {
  const { client, console, service, table } = await setup(t, 'full-append.butc');
  const { taskId } = await callProc(client, TC.ScanDumps, { addDbFlag: 0 });
  t.equal(taskId, 3001);
  await service.idle();
  t.equal(console.stdout, readFileSync(fixture('full-append.scantape.txt'), 'latin1').slice(1), "the real butc's scantape output");
  const s = (await callProc(client, TC.GetStatus, { taskId })).statusPtr;
  t.equal(s.taskName, 'Scantape');
  t.equal(s.taskId, 3001);
  t.equal(s.flags, TASK_STATUS.TASK_DONE, 'TASK_DONE only');
  t.equal(s.nKBytes, 0, 'butc does not count scanned KB');
  t.ok(s.lastPolled > 0, 'lastPolled set at creation');
  const again = (await callProc(client, TC.GetStatus, { taskId })).statusPtr;
  t.ok(again.lastPolled >= s.lastPolled, 'lastPolled is the previous poll');
  t.equal(formatStatusLine({ id: s.taskId, name: s.taskName, nKBytes: s.nKBytes, volumeName: s.volumeName, flags: s.flags }), 'Task 3001: Scantape:  [done]');
  const one = await callProc(client, TC.ScanStatus, { taskId: 0, flags: TSK_STAT.FIRST });
  t.equal(one.flags, TSK_STAT.FIRST | TSK_STAT.END, 'the only node is the last');
  t.equal(one.taskId, 0, 'taskId unchanged on the last node');
  t.equal(one.statusPtr.taskName, 'Scantape');
  t.equal(one.statusPtr.dbDumpId, 0, 'ScanStatus leaves dbDumpId zero');
  t.same(await callProc(client, TC.EndStatus, { taskId }), {});
  t.same(table.list(), []);
  await rejects(t, callProc(client, TC.EndStatus, { taskId }), TC_NODENOTFOUND, 'EndStatus twice');
});

t.test('a scan waiting on the operator: [operator wait], iteration over two nodes, abort', async (t) => {
  const { client, console, service, tl, te } = await setup(t, 'label.butc');
  const first = await callProc(client, TC.ScanDumps, { addDbFlag: 0 });
  const second = await callProc(client, TC.ScanDumps, { addDbFlag: 0 });
  t.same([first.taskId, second.taskId], [3001, 3002]);
  let s = (await callProc(client, TC.GetStatus, { taskId: 3001 })).statusPtr;
  for (let i = 0; i < 200 && !(s.flags & TASK_STATUS.OPR_WAIT); i++) {
    await new Promise((r) => setTimeout(r, 10));
    s = (await callProc(client, TC.GetStatus, { taskId: 3001 })).statusPtr;
  }
  t.equal(s.flags, TASK_STATUS.OPR_WAIT, 'the first waits for the operator');
  const q = (await callProc(client, TC.GetStatus, { taskId: 3002 })).statusPtr;
  t.equal(q.flags, TASK_STATUS.DRIVE_WAIT, 'the second waits for the drive');
  t.equal(formatStatusLine({ id: 3002, name: q.taskName, nKBytes: 0, volumeName: '', flags: q.flags }), 'Task 3002: Scantape:  [drive wait]');
  const a = await callProc(client, TC.ScanStatus, { taskId: 0, flags: TSK_STAT.FIRST });
  t.same([a.statusPtr.taskId, a.taskId, a.flags], [3001, 3002, TSK_STAT.FIRST], 'first node; taskId advanced to the next');
  const b = await callProc(client, TC.ScanStatus, { taskId: a.taskId, flags: 0 });
  t.same([b.statusPtr.taskId, b.taskId, b.flags], [3002, 3002, TSK_STAT.END], 'last node: END');
  const c = await callProc(client, TC.ScanStatus, { taskId: 4711, flags: 0 });
  t.equal(c.flags, TSK_STAT.END | TSK_STAT.NOTFOUND, 'a vanished node ends the walk');

  await callProc(client, TC.RequestAbort, { taskId: 3001 });
  await callProc(client, TC.RequestAbort, { taskId: 3002 });
  await service.idle();
  for (const id of [3001, 3002]) {
    const d = (await callProc(client, TC.GetStatus, { taskId: id })).statusPtr;
    t.equal(d.flags, TASK_STATUS.ABORT_DONE | TASK_STATUS.TASK_DONE, `task ${id}: [abort complete] [done]`);
  }
  t.match(console.stdout, /Scantape\nExpected tape with dump, label seen <NULL>\n\*{7} OPERATOR ATTENTION \*{7}\nDevice :  \S+ \nPlease put in tape to be scanned and hit return when done\n\x07This tape operation has been aborted by the coordinator.\n/);
  t.match(tl(), /Task 3001: Expected tape with dump, label seen <NULL>\n/);
  t.match(te(), /Task 3001: Scantape: Aborted by request\n/);
  t.match(te(), /Task 3002: Scantape: Aborted by request\n/);
});
