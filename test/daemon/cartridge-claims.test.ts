// Cartridge claims: one task per cartridge and one cartridge per task, waits that hold nothing, and
// cart_ctl's exclusive use of the library.
import t from 'tap';
import { CartridgeClaims } from '../../lib/daemon/cartridge-claims.js';

const never = new AbortController().signal;
const settled = async (p: Promise<unknown>) => {
  let done = false;
  void p.then(() => (done = true), () => (done = true));
  await new Promise((r) => setImmediate(r));
  return done;
};

t.test('tryClaim, heldByOthers and release', async (t) => {
  const c = new CartridgeClaims();
  t.ok(c.tryClaim(1, 5), 'task 1 takes cartridge 5');
  t.ok(c.tryClaim(1, 5), 'and may claim it again');
  t.notOk(c.tryClaim(2, 5), 'task 2 may not');
  t.same([...c.heldByOthers(2)], [5]);
  t.same([...c.heldByOthers(1)], [], "a task's own cartridge is not another's");
  t.ok(c.tryClaim(1, 6), 'claiming another lets the first go');
  t.equal(c.holder(5), null);
  t.equal(c.holder(6), 1);
  c.release(1);
  t.equal(c.holder(6), null, 'release lets it go');
  c.release(1);
  t.equal(c.holder(6), null, 'releasing twice is harmless');
});

t.test('claim waits for the holder, holding nothing meanwhile', async (t) => {
  const c = new CartridgeClaims();
  c.tryClaim(1, 5);
  c.tryClaim(2, 6);
  const holders: number[] = [];
  const waiting = c.claim(2, 5, never, (h) => holders.push(h));
  t.notOk(await settled(waiting), 'task 2 waits for cartridge 5');
  t.same(holders, [1], 'told who has it');
  t.equal(c.holder(6), null, 'and has let cartridge 6 go (no two tasks wait on each other)');
  t.ok(c.tryClaim(1, 6), 'so task 1 can move on to it');
  await waiting;
  t.equal(c.holder(5), 2, 'task 2 has cartridge 5 once task 1 moved on');
});

t.test('an abort ends the wait', async (t) => {
  const c = new CartridgeClaims();
  c.tryClaim(1, 5);
  const ac = new AbortController();
  const waiting = c.claim(2, 5, ac.signal);
  ac.abort(new Error('stop'));
  await t.rejects(waiting, /stop/);
  c.release(1);
  t.equal(c.holder(5), null, 'the aborted task did not take it later');
});

t.test('exclusive: waits for every holder, then keeps the others out', async (t) => {
  const c = new CartridgeClaims();
  c.tryClaim(1, 5);
  const excl = c.exclusive(9, never);
  t.notOk(await settled(excl), 'waits while task 1 has a cartridge');
  c.release(1);
  await excl;
  t.notOk(c.tryClaim(1, 5), 'no claims while the library is taken');
  const waiting = c.claim(2, 7, never);
  t.notOk(await settled(waiting), 'a claim waits');
  t.notOk(await settled(c.exclusive(3, never)), 'and so does another exclusive job');
  c.release(9);
  await waiting;
  t.equal(c.holder(7), 2, 'after the release the claim goes through');
});
