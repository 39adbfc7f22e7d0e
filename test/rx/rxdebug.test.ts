import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import t, { type Test } from 'tap';
import { RX_CLIENT_INITIATED, RX_PACKET_TYPE_DEBUG, RX_PACKET_TYPE_VERSION } from '../../lib/rx/constants.js';
import { rxnull } from '../../lib/rx/security.js';
import { RxServer } from '../../lib/rx/server.js';
import { RxOpcodeService } from '../../lib/rx/service.js';
import { RawPeer } from './helpers/raw.js';

const run = promisify(execFile);
const RXDEBUG = '/usr/bin/rxdebug';
const VERSION = 'tapecoord test 1.2.3';

async function server(t: Test): Promise<number> {
  const svc = new RxOpcodeService({ serviceId: 1, name: 'TC', securityClasses: [rxnull] });
  const s = await RxServer.listen({ address: '127.0.0.1', services: [svc], options: { version: VERSION } });
  t.teardown(() => s.close());
  return s.address().port;
}

t.test('VERSION and DEBUG packets by hand (BUTC-SPEC §5.8)', async (t) => {
  const port = await server(t);
  const raw = await RawPeer.open();
  t.teardown(() => raw.close());
  raw.send(port, { type: RX_PACKET_TYPE_VERSION, epoch: 999, cid: 0, callNumber: 42, serviceId: 0, flags: RX_CLIENT_INITIATED | 4 }, Buffer.alloc(1));
  const v = await raw.next((p) => p.header.type === RX_PACKET_TYPE_VERSION);
  t.equal(v.header.callNumber, 42, 'the header comes back');
  t.equal(v.header.flags, 4, 'with CLIENT_INITIATED cleared');
  t.equal(v.payload.length, 65);
  t.equal(v.payload.toString('latin1').replace(/\0+$/, ''), VERSION);
  // not client-initiated: no answer (and a later query still is answered)
  raw.send(port, { type: RX_PACKET_TYPE_VERSION, epoch: 999, cid: 0, callNumber: 43, flags: 0 }, Buffer.alloc(1));
  const stats = Buffer.alloc(8);
  stats.writeInt32BE(1, 0);
  raw.send(port, { type: RX_PACKET_TYPE_DEBUG, epoch: 999, cid: 0, callNumber: 44, flags: RX_CLIENT_INITIATED }, stats);
  const d = await raw.next((p) => p.header.type === RX_PACKET_TYPE_DEBUG);
  t.equal(d.header.callNumber, 44);
  t.equal(d.payload.length, 56, 'sizeof(struct rx_debugStats)');
  t.equal(d.payload[14], 0x4c, "version 'L'");
  const bad = Buffer.alloc(8);
  bad.writeInt32BE(99, 0);
  raw.send(port, { type: RX_PACKET_TYPE_DEBUG, epoch: 999, cid: 0, callNumber: 45, flags: RX_CLIENT_INITIATED }, bad);
  const b = await raw.next((p) => p.header.type === RX_PACKET_TYPE_DEBUG);
  t.equal(b.payload.readInt32BE(0), -8, 'RX_DEBUGI_BADTYPE');
  t.equal(raw.received.filter((p) => p.header.callNumber === 43).length, 0);
});

t.test('the real rxdebug answers against our server', { skip: existsSync(RXDEBUG) ? false : `${RXDEBUG} is not installed (OpenAFS client tools)` }, async (t) => {
  const port = await server(t);
  const version = await run(RXDEBUG, ['127.0.0.1', String(port), '-version'], { timeout: 20_000 });
  t.equal(version.stdout, `Trying 127.0.0.1 (port ${port}):\nAFS version: ${VERSION}\n`);
  const plain = await run(RXDEBUG, ['127.0.0.1', String(port)], { timeout: 20_000 });
  t.match(plain.stdout, /Free packets: 0, packet reclaims: 0, calls: 0, used FDs: 0\nnot waiting for packets.\n/);
  t.match(plain.stdout, /Done.\n$/);
});
