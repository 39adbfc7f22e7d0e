import t from 'tap';
import {
  RX_INVALID_OPERATION, RXGEN_CC_UNMARSHAL, RXGEN_DECODE, RXGEN_OPCODE, RXGEN_SS_UNMARSHAL,
} from '../../lib/rx/constants.js';
import { RxAbort, RxCallError } from '../../lib/rx/errors.js';
import {
  CUR_BUTC_VERSION, TC, TC_SERVICE_ID, TSK_STAT, tc_dumpDesc, tc_dumpInterface, tc_restoreDesc, tc_tapeLabel, tc_tapeSet,
  tciStatusS, type TciStatusS,
} from '../../lib/rx/interfaces/butc.js';
import { callProc, proc, serveProc } from '../../lib/rx/rpc.js';
import { rxnull } from '../../lib/rx/security.js';
import { RxOpcodeService } from '../../lib/rx/service.js';
import { xdrDecode, xdrEncode, int32 } from '../../lib/rx/xdr-types.js';
import { startPair } from './helpers/pair.js';

const TC_NODENOTFOUND = 156566280;

const dumpInterface = {
  dumpPath: '/full/incr', volumeSetName: 'vs2', dumpName: 'vs2.full',
  tapeSet: { id: 0, tapeServer: '', format: 'vs2.full.%d', maxTapes: 1_000_000_000, a: 1, b: 1, expDate: 0, expType: 0 },
  parentDumpId: 0, dumpLevel: 0, doAppend: 1,
};
const dumpDesc = { vid: 536870912, vtype: 2, name: 'vol1.backup', partition: 0, date: 0, cloneDate: 0, hostAddr: 0x0a630001 };

t.test('XDR sizes of the TC structures (BUTC-SPEC §3.5)', async (t) => {
  t.equal(tc_dumpInterface.size, 2100);
  t.equal(tc_tapeSet.size, 552);
  t.equal(tc_dumpDesc.size, 280);
  t.equal(tc_restoreDesc.size, 484);
  // §3.5 says 268, but its own fields (and butc.xg) add up to 264; 268 is ReadLabel's whole reply
  t.equal(tc_tapeLabel.size, 264);
  t.equal(tciStatusS.size, 536);
  const b = xdrEncode(tc_dumpInterface, dumpInterface);
  t.equal(b.length, 2100);
  // offsets from the §3.5 table
  t.equal(b.readUInt32BE(0), '/'.charCodeAt(0));
  t.equal(b.readUInt32BE(1024), 'v'.charCodeAt(0));
  t.equal(b.readUInt32BE(1280 + 4 * 3), '.'.charCodeAt(0), 'dumpName "vs2.full"');
  t.equal(b.readUInt32BE(1536), 0, 'tapeSet.id');
  t.equal(b.readUInt32BE(1668 + 4 * 8), '.'.charCodeAt(0), 'tapeSet.format "vs2.full.%d"');
  t.equal(b.readUInt32BE(2068), 1_000_000_000, 'tapeSet.maxTapes');
  t.equal(b.readUInt32BE(2072), 1);
  t.equal(b.readUInt32BE(2096), 1, 'doAppend');
  t.same(xdrDecode(tc_dumpInterface, b), dumpInterface);
  const d = xdrEncode(tc_dumpDesc, dumpDesc);
  t.equal(d.subarray(276, 280).toString('hex'), '0a630001', 'hostAddr 10.99.0.1 as a host-order integer');
  const r = xdrEncode(tc_restoreDesc, {
    flags: 5, tapeName: 'vs2.full.1', dbDumpId: 1, initialDumpId: 1, position: 2, origVid: 3, vid: 0, partition: 0, dumpLevel: 0,
    hostAddr: 0, oldName: 'vol1', newName: Buffer.from('.restored'),
  });
  t.equal(r.length, 484);
  t.equal(r.subarray(420, 429).toString(), '.restored', 'newName: 64 raw bytes at the end');
});

t.test('requests and replies as on the wire (§3.4 lab traces)', async (t) => {
  t.equal(TC.PerformDump.opcode, 0);
  t.equal(TC.DeleteDump.opcode, 12);
  // PerformDump with one volume: 2388 bytes with the opcode word
  t.equal(4 + xdrEncode(TC.PerformDump.request, { tcdiPtr: dumpInterface, dumps: [dumpDesc] }).length, 2388);
  // ScanStatus request: 0000000b 00000000 00000001
  t.equal(xdrEncode(TC.ScanStatus.request, { taskId: 0, flags: TSK_STAT.FIRST }).toString('hex'), '0000000000000001');
  const idle: TciStatusS = { taskName: '', taskId: 0, flags: 0, dbDumpId: 0, nKBytes: 0, volumeName: '', volsFailed: 0, lastPolled: 0 };
  const reply = xdrEncode(TC.ScanStatus.reply, { taskId: 0, statusPtr: idle, flags: 7 });
  t.equal(reply.length, 4 + 536 + 4);
  t.equal(reply.readUInt32BE(540), 7);
  t.equal(xdrEncode(TC.TCInfo.reply, { tciptr: { tcVersion: 3 } }).toString('hex'), '00000003');
  t.equal(xdrEncode(TC.EndStatus.reply, {}).length, 0);
  t.equal(xdrEncode(TC.PerformRestore.request, { dumpSetName: 'DumpSetName', restores: [] }).length, 4 + 12 + 4);
  t.equal(xdrEncode(TC.ReadLabel.reply, { label: { size: 102400, afsname: 'lbl.test.1', pname: '', tapeId: 0 }, taskId: 0 }).length, 268);
});

t.test('TC procedures over Rx: results, application aborts, rxgen codes (§3.3, §3.4)', async (t) => {
  const svc = new RxOpcodeService({ serviceId: TC_SERVICE_ID, name: 'TC', securityClasses: [rxnull] });
  serveProc(svc, TC.TCInfo, async () => ({ tciptr: { tcVersion: CUR_BUTC_VERSION } }));
  serveProc(svc, TC.GetStatus, async ({ taskId }) => {
    if (taskId !== 7007) throw new RxAbort(TC_NODENOTFOUND);
    return { statusPtr: { taskName: 'Dump', taskId, flags: 0x20, dbDumpId: 0, nKBytes: 400, volumeName: 'vol1', volsFailed: 0, lastPolled: 0 } };
  });
  serveProc(svc, TC.ScanStatus, async ({ taskId, flags }) => ({
    taskId, flags: flags | TSK_STAT.END | TSK_STAT.NOTFOUND,
    statusPtr: { taskName: '', taskId: 0, flags: 0, dbDumpId: 0, nKBytes: 0, volumeName: '', volsFailed: 0, lastPolled: 0 },
  }));
  serveProc(svc, TC.PerformDump, async ({ tcdiPtr, dumps }) => ({ dumpID: dumps.length * 1000 + tcdiPtr.doAppend }));
  // a server that answers ReadLabel's opcode with a short reply, to see the client's unmarshal error
  serveProc(svc, proc('short', TC.ReadLabel.opcode, {}, { x: int32 }), async () => ({ x: 1 }));
  const { client } = await startPair(t, [svc]);

  t.same(await callProc(client, TC.TCInfo, {}), { tciptr: { tcVersion: 3 } });
  const st = await callProc(client, TC.GetStatus, { taskId: 7007 });
  t.equal(st.statusPtr.volumeName, 'vol1');
  t.equal(st.statusPtr.nKBytes, 400);
  const scan = await callProc(client, TC.ScanStatus, { taskId: 0, flags: TSK_STAT.FIRST });
  t.equal(scan.flags, 7, 'the idle ScanStatus reply of the lab');
  t.same(await callProc(client, TC.PerformDump, { tcdiPtr: dumpInterface, dumps: [dumpDesc, dumpDesc] }), { dumpID: 2001 });

  const code = async (p: Promise<unknown>): Promise<[number, boolean]> => {
    const e = await p.then(() => undefined, (err: unknown) => err);
    if (!(e instanceof RxCallError)) throw new Error(`expected RxCallError, got ${String(e)}`);
    return [e.code, e.remote];
  };
  t.same(await code(callProc(client, TC.GetStatus, { taskId: 1 })), [TC_NODENOTFOUND, true], 'application code in the ABORT');
  t.same(await code(client.call(99)), [RXGEN_OPCODE, true], 'unknown opcode');
  t.same(await code(client.call(TC.GetStatus.opcode, Buffer.from([0, 1]))), [RXGEN_SS_UNMARSHAL, true], 'truncated arguments');
  t.same(await code((async () => {
    const call = await client.newCall();
    await call.write(Buffer.from([0, 0]));
    return call.readAll();
  })()), [RXGEN_DECODE, true], 'no opcode at all');
  t.same(await code(callProc(client, TC.ReadLabel, {})), [RXGEN_CC_UNMARSHAL, false], 'reply too short for tc_tapeLabel');
  t.same(await code(callProc(client, TC.LabelTape, { label: { size: 0, afsname: 'x'.repeat(40), pname: '', tapeId: 0 } })),
    [-450, false], 'client marshal error');
  t.equal(RX_INVALID_OPERATION, -2);
});
