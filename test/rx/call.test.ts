import t from 'tap';
import { decodeAck, encodeAck } from '../../lib/rx/ack.js';
import {
  RX_ACK_PING, RX_ACK_PING_RESPONSE, RX_ACK_REQUESTED, RX_CALL_DEAD, RX_CALL_TIMEOUT, RX_CLIENT_INITIATED, RX_INVALID_OPERATION,
  RX_JUMBO_PACKET, RX_LAST_PACKET, RX_PACKET_TYPE_ABORT, RX_PACKET_TYPE_ACK, RX_PACKET_TYPE_BUSY, RX_PACKET_TYPE_DATA,
  RX_REQUEST_ACK, RX_SLOW_START_OK, RX_USER_ABORT,
} from '../../lib/rx/constants.js';
import { RxAbort, RxCallError } from '../../lib/rx/errors.js';
import { rxnull } from '../../lib/rx/security.js';
import { RxOpcodeService } from '../../lib/rx/service.js';
import { pseudoRandom } from '../helpers/tmp.js';
import { startPair } from './helpers/pair.js';
import { RawPeer } from './helpers/raw.js';
import { FaultRelay } from './helpers/relay.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const word = (n: number) => { const b = Buffer.alloc(4); b.writeInt32BE(n); return b; };

function testService() {
  const svc = new RxOpcodeService({ serviceId: 1, name: 'TEST', securityClasses: [rxnull] });
  svc.on(1, async (call) => { await call.write(await call.readAll()); }); // echo
  svc.on(2, async () => undefined); // empty reply
  return svc;
}

async function failure(p: Promise<unknown>): Promise<RxCallError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  if (!(e instanceof RxCallError)) throw new Error(`expected RxCallError, got ${String(e)}`);
  return e;
}

t.test('a raw client sees the server side of the protocol (§5.4, §5.7)', async (t) => {
  const { server } = await startPair(t, [testService()]);
  const port = server.address().port;
  const raw = await RawPeer.open();
  t.teardown(() => raw.close());

  // call 1: opcode 2 (empty reply), REQUEST_ACK asks for an immediate ACK
  raw.send(port, { type: RX_PACKET_TYPE_DATA, seq: 1, serial: 1, flags: RX_CLIENT_INITIATED | RX_LAST_PACKET | RX_REQUEST_ACK }, word(2));
  const ack = await raw.next((p) => p.header.type === RX_PACKET_TYPE_ACK);
  t.equal(ack.header.flags, RX_SLOW_START_OK, 'server ACK: SLOW_START_OK, not CLIENT_INITIATED');
  t.equal(ack.header.seq, 0);
  const a = decodeAck(ack.payload);
  t.equal(a.reason, RX_ACK_REQUESTED);
  t.equal(a.serial, 1, 'echoes the serial that asked');
  t.same(a.trailer, { maxMTU: 1444, ifMTU: 1444, rwind: 32, maxDgramPackets: 1 }, 'no jumbograms, window 32 (§5.10.8)');
  const reply = await raw.next((p) => p.header.type === RX_PACKET_TYPE_DATA);
  t.equal(reply.payload.length, 0, 'an empty reply is a 28-byte DATA packet');
  t.equal(reply.header.flags & (RX_LAST_PACKET | RX_CLIENT_INITIATED), RX_LAST_PACKET);
  t.equal(reply.header.callNumber, 1);
  t.equal(reply.header.seq, 1);
  t.equal(reply.header.serviceId, 1);

  // a PING gets a PING_RESPONSE echoing its serial
  const ping = encodeAck({ bufferSpace: 0, maxSkew: 0, firstPacket: 2, previousPacket: 1, serial: 0, reason: RX_ACK_PING, acks: [] });
  raw.send(port, { type: RX_PACKET_TYPE_ACK, serial: 9, flags: RX_CLIENT_INITIATED | RX_REQUEST_ACK }, ping);
  const pong = await raw.next((p) => p.header.type === RX_PACKET_TYPE_ACK && decodeAck(p.payload).reason === RX_ACK_PING_RESPONSE);
  t.equal(decodeAck(pong.payload).serial, 9);

  // unknown service, unknown security index: raw ABORT RX_INVALID_OPERATION echoing the call
  raw.send(port, { type: RX_PACKET_TYPE_DATA, cid: 0x2000, serviceId: 77, seq: 1, callNumber: 5, flags: RX_CLIENT_INITIATED | RX_LAST_PACKET }, word(1));
  const abort = await raw.next((p) => p.header.type === RX_PACKET_TYPE_ABORT);
  t.equal(abort.payload.readInt32BE(0), RX_INVALID_OPERATION);
  t.equal(abort.header.callNumber, 5);
  t.equal(abort.header.flags & RX_CLIENT_INITIATED, 0);
  raw.send(port, { type: RX_PACKET_TYPE_DATA, cid: 0x3000, securityIndex: 2, seq: 1, flags: RX_CLIENT_INITIATED | RX_LAST_PACKET }, word(1));
  t.equal((await raw.next((p) => p.header.type === RX_PACKET_TYPE_ABORT)).payload.readInt32BE(0), RX_INVALID_OPERATION);

  // a jumbogram (which we never invite) is still split and delivered correctly (§5.6)
  const body = Buffer.concat([word(1), pseudoRandom(1408, 3)]);
  const tail = Buffer.from('the second packet');
  const jumbo = Buffer.concat([body, Buffer.from([RX_CLIENT_INITIATED | RX_LAST_PACKET, 0, 0, 0]), tail]);
  raw.send(port, { type: RX_PACKET_TYPE_DATA, cid: 0x4000, seq: 1, serial: 1, flags: RX_CLIENT_INITIATED | RX_JUMBO_PACKET }, jumbo);
  const echoed: Buffer[] = [];
  for (let seq = 1; seq <= 2; seq++) {
    const p = await raw.next((q) => q.header.type === RX_PACKET_TYPE_DATA && q.header.cid === 0x4000 && q.header.seq === seq);
    echoed.push(p.payload);
  }
  t.ok(Buffer.concat(echoed).equals(Buffer.concat([body.subarray(4), tail])), 'echo of both jumbo parts');
});

t.test("a peer's advertised ifMTU bounds the packets we send it (§5.7 trailer)", async (t) => {
  const { server } = await startPair(t, [testService()]);
  const port = server.address().port;
  const raw = await RawPeer.open();
  t.teardown(() => raw.close());
  const cid = 0x5000;
  raw.send(port, { type: RX_PACKET_TYPE_DATA, cid, seq: 1, serial: 1, flags: RX_CLIENT_INITIATED }, Buffer.concat([word(1), Buffer.alloc(96, 1)]));
  const small = encodeAck({ bufferSpace: 0, maxSkew: 0, firstPacket: 1, previousPacket: 0, serial: 0, reason: 8, acks: [],
    trailer: { maxMTU: 1000, ifMTU: 1000, rwind: 32, maxDgramPackets: 1 } });
  raw.send(port, { type: RX_PACKET_TYPE_ACK, cid, serial: 2, flags: RX_CLIENT_INITIATED }, small);
  raw.send(port, { type: RX_PACKET_TYPE_DATA, cid, seq: 2, serial: 3, flags: RX_CLIENT_INITIATED | RX_LAST_PACKET }, Buffer.alloc(3000, 2));
  const first = await raw.next((p) => p.header.type === RX_PACKET_TYPE_DATA && p.header.cid === cid && p.header.seq === 1);
  t.equal(first.payload.length, 1000 - 28);
  t.equal(first.header.flags & RX_LAST_PACKET, 0);
});

t.test('BUSY when a new call number arrives on a busy channel; the old call ends RX_CALL_DEAD (§5.4)', async (t) => {
  const svc = testService();
  let oldCallError: unknown;
  let started!: () => void;
  const running = new Promise<void>((r) => { started = r; });
  svc.on(3, async (call) => {
    started();
    await sleep(300);
    await call.write(Buffer.from('late')).catch((e: unknown) => { oldCallError = e; });
  });
  const { server } = await startPair(t, [svc]);
  const port = server.address().port;
  const raw = await RawPeer.open();
  t.teardown(() => raw.close());
  raw.send(port, { type: RX_PACKET_TYPE_DATA, callNumber: 1, seq: 1, flags: RX_CLIENT_INITIATED | RX_LAST_PACKET }, word(3));
  await running;
  raw.send(port, { type: RX_PACKET_TYPE_DATA, callNumber: 2, seq: 1, serial: 2, flags: RX_CLIENT_INITIATED | RX_LAST_PACKET }, word(2));
  const busy = await raw.next((p) => p.header.type === RX_PACKET_TYPE_BUSY);
  t.equal(busy.header.callNumber, 2);
  t.equal(busy.header.cid & 3, 0);
  await sleep(400);
  t.ok(oldCallError instanceof RxCallError && oldCallError.code === RX_CALL_DEAD, 'the running call was ended with RX_CALL_DEAD');
  // the retransmitted call 2 now runs
  raw.send(port, { type: RX_PACKET_TYPE_DATA, callNumber: 2, seq: 1, serial: 3, flags: RX_CLIENT_INITIATED | RX_LAST_PACKET }, word(2));
  const reply = await raw.next((p) => p.header.type === RX_PACKET_TYPE_DATA && p.header.callNumber === 2);
  t.equal(reply.header.flags & RX_LAST_PACKET, RX_LAST_PACKET);
});

t.test('calls: echo, four channels at once, call numbers continue per channel', async (t) => {
  const svc = testService();
  svc.on(4, async (call) => { await sleep(50); await call.write(await call.readAll()); });
  const { client } = await startPair(t, [svc]);
  t.equal((await client.call(1, Buffer.from('hello'))).toString(), 'hello');
  t.equal((await client.call(2)).length, 0);
  const big = pseudoRandom(100_000, 9);
  t.ok((await client.call(1, big)).equals(big), '100 kB echo');
  const many = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => client.call(4, Buffer.from(`c${i}`))));
  t.same(many.map(String), ['c0', 'c1', 'c2', 'c3', 'c4', 'c5'], 'six calls share four channels');
  const numbers = client.connection.channels.map((c) => c.callNumber);
  t.equal(numbers.reduce((a, b) => a + b, 0), 9, 'nine calls numbered per channel');
  t.ok(numbers.every((n) => n >= 1));
});

t.test('aborts round-trip both ways', async (t) => {
  const svc = testService();
  let serverSaw: unknown;
  svc.on(5, async () => { throw new RxAbort(156566280); });
  svc.on(6, async (call) => { try { await call.readAll(); } catch (e) { serverSaw = e; throw e; } });
  svc.on(7, async () => { throw new Error('handler bug'); });
  const { client, serverErrors } = await startPair(t, [svc]);
  const e1 = await failure(client.call(5));
  t.equal(e1.code, 156566280);
  t.equal(e1.remote, true);
  t.match(e1.message, /aborted by peer with error 156566280/);

  const call = await client.newCall(6);
  await call.write(pseudoRandom(5000, 1));
  await sleep(50);
  call.abort(RX_USER_ABORT);
  await sleep(100);
  t.ok(serverSaw instanceof RxCallError && serverSaw.code === RX_USER_ABORT && serverSaw.remote, 'the server handler sees the client abort');
  const e2 = await failure(call.read());
  t.equal(e2.remote, false);

  t.equal((await failure(client.call(7))).code, RX_USER_ABORT, 'a handler bug aborts with RX_USER_ABORT');
  t.match(serverErrors.map(String), [/handler bug/]);
});

t.test('streaming with back-pressure: a slow reader holds the writer back', async (t) => {
  const svc = testService();
  let release!: () => void;
  const gate = new Promise<void>((r) => { release = r; });
  svc.on(8, async (call) => {
    await gate;
    let n = 0;
    for await (const c of call) n += c.length;
    await call.write(word(n));
  });
  const { client } = await startPair(t, [svc]);
  const call = await client.newCall(8);
  let written = 0;
  const writer = (async () => {
    const chunk = Buffer.alloc(8192);
    for (let i = 0; i < 256; i++) {
      await call.write(chunk);
      written += chunk.length;
    }
  })();
  await sleep(300);
  // window (32) + send queue (64) packets of 1416 bytes, plus one chunk being cut
  t.ok(written < (32 + 64) * 1416 + 8192, `writer held back at ${written} bytes of 2 MB`);
  t.ok(written > 0);
  release();
  await writer;
  t.equal((await call.readAll()).readInt32BE(0), 256 * 8192);
});

t.test('keepalive carries a slow call past the dead time; a silent peer is RX_CALL_DEAD (§5.8)', async (t) => {
  const svc = testService();
  svc.on(9, async (call) => { await sleep(1200); await call.write(Buffer.from('slow')); });
  const opts = { deadTime: 500, keepaliveInterval: 100 };
  const { server } = await startPair(t, [svc], { serverOptions: opts, clientOptions: opts });
  const relay = await FaultRelay.open({ target: server.address().port });
  t.teardown(() => relay.close());
  const { client: viaRelay } = await startPair(t, [], { clientOptions: opts, serviceId: 1, port: () => relay.port });
  const call = await viaRelay.newCall(9);
  t.equal((await call.readAll()).toString(), 'slow', 'answered after 1.2 s with a 0.5 s dead time');
  t.ok(call.stats.pingsSent >= 3, `client pinged ${call.stats.pingsSent} times`);

  const dead = await viaRelay.newCall(9);
  dead.end();
  await sleep(100);
  relay.blackhole = true;
  const started = Date.now();
  const e = await failure(dead.readAll());
  t.equal(e.code, RX_CALL_DEAD);
  t.equal(e.remote, false);
  t.ok(Date.now() - started < 1500, 'within about the dead time');
});

t.test('idle dead time: a reader starved of data times out with RX_CALL_TIMEOUT', async (t) => {
  const svc = testService();
  let serverSaw: unknown;
  svc.on(10, async (call) => { try { await call.readAll(); } catch (e) { serverSaw = e; throw e; } });
  const { client } = await startPair(t, [svc], { serverOptions: { idleDeadTime: 300 } });
  const call = await client.newCall(10);
  await call.write(Buffer.from('partial request, never ended'));
  call.flush();
  await sleep(700); // without reading: read() would end the request
  const e = call.error;
  t.equal(e?.code, RX_CALL_TIMEOUT);
  t.equal(e?.remote, true, 'the server aborted the call');
  t.ok(serverSaw instanceof RxCallError && serverSaw.code === RX_CALL_TIMEOUT);
});
