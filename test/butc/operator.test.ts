// Operator prompts (BUTC-SPEC §1.7): butc's texts, keys, bells, aborts, ASK NO defaults, over the test double,
// the unattended channel and the TTY channel.
import { PassThrough } from 'node:stream';
import t from 'tap';
import {
  askMoreTapes,
  askOverwriteUnexpired,
  askYesNo,
  BELL,
  failedVolumeAction,
  proceedingText,
  promptForTape,
  ScriptedOperatorChannel,
  tapePromptText,
  TtyOperatorChannel,
  UnattendedOperatorChannel,
  type TapeRequest,
} from '../../lib/butc/operator.js';

const head = (device: string) => `******* OPERATOR ATTENTION *******\nDevice :  ${device} \n`;
const req = (operation: TapeRequest['operation'], tapeName = 'vs2.full.1', dumpId = 0): TapeRequest => ({ operation, device: '/dev/nst0', tapeName, dumpId });
const STARS = `${'*'.repeat(34)}\n`;

t.test('prompt texts for every operation', async (t) => {
  const lines: [TapeRequest, string][] = [
    [req('restore', 'vs2.full.1', 1795243745), 'Please put in tape vs2.full.1 (1795243745) for reading'],
    [req('restore', ''), 'Please put in tape <NULL> for reading'],
    [req('appenddump', 'vs2.incr.1', 1795243999), 'Please put in last tape of dump set for appending dump vs2.incr (DumpID 1795243999)'],
    [req('appenddump', 'vs2.incr.1', 0), 'Please put in last tape of dump set for appending dump'],
    [req('appenddump', 'nodot', 7), 'Please put in last tape of dump set for appending dump'],
    [req('dump'), 'Please put in tape vs2.full.1 for writing'],
    [req('dump', ''), 'Please put in tape for writing'],
    [req('labeltape', 'mytape'), 'Please put in tape to be labelled as mytape'],
    [req('readlabel', ''), 'Please put in tape whose label is to be read'],
    [req('scantape', ''), 'Please put in tape to be scanned'],
    [req('scantape', 'vs2.full.1', 5), 'Please put in tape vs2.full.1 (5) for scanning'],
    [req('restoredb', 'Ubik_db_dump.1', 9), 'Please insert a tape Ubik_db_dump.1 (9) for the database restore'],
    [req('savedb', 'Ubik_db_dump.1'), 'Please insert a writable tape Ubik_db_dump.1 for the database dump'],
  ];
  for (const [r, line] of lines) t.equal(tapePromptText(r), `${head('/dev/nst0')}${line} and hit return when done\n`, line);
  t.equal(proceedingText('appenddump', false), 'Thanks, now proceeding with tape append writing operation.\n', 'after a callout: no stars');
  t.equal(proceedingText('readlabel', true), `Thanks, now proceeding with tape label reading operation.\n${STARS}`);
});

t.test('tape prompt keys: Return proceeds, a aborts, s skips restores only', async (t) => {
  let ch = new ScriptedOperatorChannel(['\n']);
  t.equal(await promptForTape(ch, req('dump'), { now: ch.now }), 'proceed');
  t.equal(ch.shown, `${tapePromptText(req('dump'))}${BELL}Thanks, now proceeding with tape writing operation.\n${STARS}`);
  ch = new ScriptedOperatorChannel(['A']);
  t.equal(await promptForTape(ch, req('dump'), { now: ch.now }), 'abort');
  t.ok(ch.shown.endsWith(`${BELL}This tape operation has been aborted.\n`));
  ch = new ScriptedOperatorChannel(['s']);
  t.equal(await promptForTape(ch, req('restore'), { now: ch.now }), 'skip');
  t.ok(ch.shown.endsWith('This tape will be skipped.\n'));
  ch = new ScriptedOperatorChannel(['s']);
  t.equal(await promptForTape(ch, req('dump'), { now: ch.now }), 'proceed', 's on a dump is any key');
});

t.test('tape prompt: a bell at once and then after more than 60 s; abort checked between waits', async (t) => {
  let ch = new ScriptedOperatorChannel([...new Array(12).fill(null), '\n']);
  await promptForTape(ch, req('dump'), { now: ch.now });
  t.equal(ch.shown.split(BELL).length - 1, 1, '60 s of waiting: one bell');
  ch = new ScriptedOperatorChannel([...new Array(13).fill(null), '\n']);
  await promptForTape(ch, req('dump'), { now: ch.now });
  t.equal(ch.shown.split(BELL).length - 1, 2, '65 s: the second bell');
  t.equal(ch.flushes, 2, 'input flushed before each bell');
  let checks = 0;
  ch = new ScriptedOperatorChannel([null, null, null]);
  t.equal(await promptForTape(ch, req('dump'), { now: ch.now, aborted: () => ++checks === 3 }), 'aborted');
  t.ok(ch.shown.endsWith('This tape operation has been aborted by the coordinator.\n'));
  t.equal(ch.now(), 15000, 'three 5 s waits');
});

t.test('failed-volume prompt', async (t) => {
  const ch = new ScriptedOperatorChannel(['x', 'r']);
  t.equal(await failedVolumeAction(ch, { name: 'vol2', id: 536870920 }, true, { now: ch.now }), 'r');
  const options = 'r - retry, try dumping this volume again\no - omit,  this volume from this dump\na - abort, the entire dump\n';
  t.equal(
    ch.shown,
    `\nDump of volume vol2 (536870920) failed\n\nPlease select action to be taken for this volume\n${options}${BELL}` +
      `Please select one of the 3 options, r, o or a\n${options}${BELL}`,
  );
  const quiet = new ScriptedOperatorChannel([]);
  t.equal(await failedVolumeAction(quiet, { name: 'vol2', id: 1 }, false), 'o', 'ASK NO: omit');
  t.equal(quiet.shown, '', 'without a word');
  t.equal(await failedVolumeAction(new ScriptedOperatorChannel([], false), { name: 'v', id: 1 }, true), 'o', 'no operator: the ASK NO answer');
  const slow = new ScriptedOperatorChannel([...new Array(13).fill(null), 'o']);
  t.equal(await failedVolumeAction(slow, { name: 'v', id: 1 }, true, { now: slow.now }), 'o');
  t.equal(slow.shown.split(BELL).length - 1, 2, 'bell again after 60 s');
  const stop = new ScriptedOperatorChannel([null]);
  t.equal(await failedVolumeAction(stop, { name: 'v', id: 1 }, true, { now: stop.now, aborted: () => true }), 'a');
  t.ok(stop.shown.endsWith('This tape operation has been aborted by the coordinator\n'), 'no full stop here (retryPrompt)');
});

t.test('yes/no questions and the ASK NO answers', async (t) => {
  let ch = new ScriptedOperatorChannel(['y']);
  t.equal(await askOverwriteUnexpired(ch, true), true);
  t.equal(ch.shown, `${BELL}This tape has not expired - proceed? (y/n) `);
  ch = new ScriptedOperatorChannel(['x', 'n']);
  t.equal(await askMoreTapes(ch, true), false);
  t.equal(ch.shown, `${BELL}Are there more tapes? (y/n) please answer y/n\n${BELL}Are there more tapes? (y/n) `);
  t.equal(await askYesNo(new ScriptedOperatorChannel(['eof']), 'Q'), false, 'end of input is no');
  t.equal(await askYesNo(new ScriptedOperatorChannel(['Y', 'y']), 'Q'), true, 'only lower-case y is yes');
  t.equal(await askOverwriteUnexpired(new ScriptedOperatorChannel([]), false), false, 'ASK NO: refuse');
  t.equal(await askMoreTapes(new ScriptedOperatorChannel([]), false), true, 'ASK NO: assume more tapes');
  const unattended = new UnattendedOperatorChannel(() => {});
  t.equal(await askOverwriteUnexpired(unattended, true), false);
  t.equal(await askMoreTapes(unattended, true), true);
});

t.test('unattended channel: the tape prompt is shown and waits for the abort, without spinning', async (t) => {
  let shown = '';
  const ch = new UnattendedOperatorChannel((s) => (shown += s));
  let checks = 0;
  const started = Date.now();
  t.equal(await promptForTape(ch, req('labeltape', 'x'), { keyWaitMs: 20, aborted: () => ++checks === 3 }), 'aborted');
  t.ok(Date.now() - started >= 50, 'it waited between abort checks');
  t.equal(shown, `${tapePromptText(req('labeltape', 'x'))}${BELL}This tape operation has been aborted by the coordinator.\n`);
  t.equal(await ch.key(Infinity), null);
});

t.test('TTY channel: lines as keys, flush, end of input', async (t) => {
  const notTty = new PassThrough() as unknown as NodeJS.ReadStream;
  t.equal(TtyOperatorChannel.open(notTty, new PassThrough()), null, 'only on a terminal');
  const input = Object.assign(new PassThrough(), { isTTY: true }) as unknown as NodeJS.ReadStream & PassThrough;
  const output = new PassThrough();
  const ch = TtyOperatorChannel.open(input, output)!;
  t.ok(ch.interactive);
  t.equal(await ch.key(10), null, 'nothing typed');
  input.write('abc\n\n');
  t.equal(await ch.key(1000), 'a', 'first byte of the line');
  t.equal(await ch.key(1000), '\n', 'Return');
  input.write('stale\n');
  await new Promise((r) => setImmediate(r));
  ch.flush();
  const pending = ch.key(1000);
  input.write('o\n');
  t.equal(await pending, 'o', 'typed-ahead input flushed; the waiting key gets the next line');
  ch.show(`${BELL}Q? (y/n) `);
  t.equal(output.read().toString('latin1'), `${BELL}Q? (y/n) `);
  input.end();
  await new Promise((r) => setImmediate(r));
  t.ok(ch.ended);
  t.equal(await askYesNo(ch, 'Q'), false, 'end of input answers no');
  ch.close();
});
