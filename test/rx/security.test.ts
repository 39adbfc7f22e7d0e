import t from 'tap';
import { RX_PACKET_TYPE_CHALLENGE, RX_PACKET_TYPE_DATA, RX_PACKET_TYPE_RESPONSE } from '../../lib/rx/constants.js';
import { RxAbort, RxCallError } from '../../lib/rx/errors.js';
import { decodePacket } from '../../lib/rx/packet.js';
import type { RxConnectionSecurity, RxPacketContext, RxSecurityClass } from '../../lib/rx/security.js';
import { RxOpcodeService } from '../../lib/rx/service.js';
import { startPair } from './helpers/pair.js';
import { FaultRelay } from './helpers/relay.js';

const TOY_INDEX = 5;
const TOY_BADRESPONSE = 19270409;

/**
 * A toy security class, only for exercising the hooks rxkad will use: a 4-byte challenge nonce, a
 * response of nonce+1 XOR a shared secret, a 4-byte security header holding the data length, the data
 * XORed with 0x5a, and a header checksum derived from call number and seq.
 */
class ToySecurity implements RxSecurityClass {
  readonly index = TOY_INDEX;
  readonly name = 'toy';
  readonly log: string[] = [];
  constructor(private readonly secret: number) {}

  newConnection(): RxConnectionSecurity {
    const log = this.log;
    const secret = this.secret;
    let nonce = 0;
    let authenticated = false;
    const sum = (ctx: RxPacketContext) => ((ctx.callNumber * 31 + ctx.seq * 7 + ctx.channel) & 0xffff) || 1;
    return {
      get authenticated() { return authenticated; },
      maxUserData: (wire) => wire - 4,
      preparePacket(ctx, data) {
        const out = Buffer.alloc(4 + data.length);
        out.writeUInt32BE(data.length, 0);
        for (let i = 0; i < data.length; i++) out[4 + i] = data[i]! ^ 0x5a;
        return { payload: out, checksum: sum(ctx) };
      },
      checkPacket(ctx, payload, checksum) {
        if (checksum !== sum(ctx)) throw new RxAbort(-5, 'bad checksum');
        const len = payload.readUInt32BE(0);
        const out = Buffer.alloc(len);
        for (let i = 0; i < len; i++) out[i] = payload[4 + i]! ^ 0x5a;
        return out;
      },
      createChallenge() {
        nonce = 0x1000 + log.length;
        log.push(`challenge ${nonce}`);
        const b = Buffer.alloc(4);
        b.writeUInt32BE(nonce);
        return b;
      },
      checkResponse(response) {
        const got = response.readUInt32BE(0);
        log.push(`response ${got === ((nonce + 1) ^ secret) ? 'good' : 'bad'}`);
        if (got !== ((nonce + 1) ^ secret)) throw new RxAbort(TOY_BADRESPONSE);
        authenticated = true;
      },
      respond(challenge, callNumbers) {
        log.push(`respond ${callNumbers.join(',')}`);
        const b = Buffer.alloc(4);
        b.writeUInt32BE(((challenge.readUInt32BE(0) + 1) ^ secret) >>> 0);
        return b;
      },
    };
  }
}

function echoService(security: RxSecurityClass) {
  const svc = new RxOpcodeService({ serviceId: 1, name: 'ECHO', securityClasses: [security] });
  svc.on(1, async (call) => { await call.write(await call.readAll()); });
  return svc;
}

t.test('a security class gets challenge, response and per-packet hooks (BUTC-SPEC §5.10)', async (t) => {
  const serverToy = new ToySecurity(0x1234);
  const clientToy = new ToySecurity(0x1234);
  const { server } = await startPair(t, [echoService(serverToy)]);
  const relay = await FaultRelay.open({ target: server.address().port });
  t.teardown(() => relay.close());
  const seen: Array<{ type: number; toServer: boolean; checksum: number; payload: Buffer }> = [];
  relay.tap = (msg, toServer) => {
    const p = decodePacket(msg);
    seen.push({ type: p.header.type, toServer, checksum: p.header.checksum, payload: Buffer.from(p.payload) });
  };
  const { client } = await startPair(t, [], { serviceId: 1, security: clientToy, port: () => relay.port });
  const secret = Buffer.from('secret words for the toy class to hide');
  const reply = await client.call(1, secret);
  t.ok(reply.equals(secret), 'the call ran once authenticated');
  t.same(serverToy.log, ['challenge 4096', 'response good']);
  t.same(clientToy.log, ['respond 1,1,1,1'], 'call numbers per channel as rxkad reports them');
  t.ok(seen.some((s) => s.type === RX_PACKET_TYPE_CHALLENGE && !s.toServer));
  t.ok(seen.some((s) => s.type === RX_PACKET_TYPE_RESPONSE && s.toServer));
  const data = seen.filter((s) => s.type === RX_PACKET_TYPE_DATA);
  t.ok(data.length >= 2);
  t.ok(data.every((s) => s.checksum !== 0), 'every DATA packet carries a header checksum');
  t.ok(data.every((s) => !s.payload.includes(Buffer.from('secret'))), 'the payload went through preparePacket');
  // a second call on the authenticated connection needs no new challenge
  t.ok((await client.call(1, Buffer.from('again'))).equals(Buffer.from('again')));
  t.equal(serverToy.log.length, 2);
});

t.test('a bad response aborts the connection with the class code', async (t) => {
  const { client } = await startPair(t, [echoService(new ToySecurity(1))], { security: new ToySecurity(2) });
  const e = await client.call(1, Buffer.from('x')).then(() => undefined, (err: unknown) => err);
  t.ok(e instanceof RxCallError);
  t.equal((e as RxCallError).code, TOY_BADRESPONSE);
  t.equal((e as RxCallError).remote, true);
  t.equal(client.connection.error, TOY_BADRESPONSE, 'the whole connection is in error');
});
