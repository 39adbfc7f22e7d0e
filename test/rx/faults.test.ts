import { createHash } from 'node:crypto';
import t from 'tap';
import { rxnull } from '../../lib/rx/security.js';
import { RxOpcodeService } from '../../lib/rx/service.js';
import { pseudoRandom } from '../helpers/tmp.js';
import { startPair } from './helpers/pair.js';
import { FaultRelay } from './helpers/relay.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const SIZE = 3 * 1024 * 1024;

/** Upload: the server hashes the request stream. Download: the server streams SIZE pseudo-random bytes. */
function hashService() {
  const svc = new RxOpcodeService({ serviceId: 1, name: 'HASH', securityClasses: [rxnull] });
  svc.on(1, async (call) => {
    const h = createHash('sha256');
    let n = 0;
    for await (const c of call) {
      h.update(c);
      n += c.length;
    }
    await call.write(Buffer.from(`${n} ${h.digest('hex')}`));
  });
  svc.on(2, async (call) => {
    const seed = (await call.readBytes(4)).readUInt32BE(0);
    const data = pseudoRandom(SIZE, seed);
    for (let i = 0; i < data.length; i += 60_000) await call.write(data.subarray(i, i + 60_000));
  });
  return svc;
}

const faults = { loss: 0.1, duplicate: 0.05, reorder: 0.05 };

for (const seed of [11, 23]) {
  t.test(`3 MB each way through 10 % loss, 5 % duplication, 5 % reordering each way (seed ${seed})`, async (t) => {
    const { server } = await startPair(t, [hashService()]);
    const relay = await FaultRelay.open({ target: server.address().port, toServer: faults, toClient: faults, seed });
    t.teardown(() => relay.close());
    const { client } = await startPair(t, [], { serviceId: 1, port: () => relay.port });

    const up = pseudoRandom(SIZE, seed);
    const call = await client.newCall(1);
    for (let i = 0; i < up.length; i += 65_536) await call.write(up.subarray(i, i + 65_536));
    t.equal((await call.readAll()).toString(), `${SIZE} ${sha(up)}`, 'upload arrived intact');
    t.ok(call.stats.retransmits > 0, `client retransmitted ${call.stats.retransmits} packets`);

    const seedWord = Buffer.alloc(4);
    seedWord.writeUInt32BE(seed + 1);
    const down = await client.call(2, seedWord);
    t.equal(down.length, SIZE);
    t.equal(sha(down), sha(pseudoRandom(SIZE, seed + 1)), 'download arrived intact');

    t.ok(relay.counts.lost > 200, `relay dropped ${relay.counts.lost} datagrams`);
    t.ok(relay.counts.duplicated > 50, `relay duplicated ${relay.counts.duplicated}`);
    t.ok(relay.counts.reordered > 50, `relay reordered ${relay.counts.reordered}`);
  });
}
