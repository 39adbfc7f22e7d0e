// Option lists for start() (seed 004, BACKUP$START): every condition with its message, every option
// type's accepted and refused forms, each operation's request, and the conflict warnings.
import { resolve } from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import t from 'tap';
import { DEFAULT_BUFFER_SIZE, OPTION_TYPES, validateOptions, type ApiOption } from '../../lib/api/options.js';
import type { Condition } from '../../lib/api/conditions.js';
import type { OperationRequest } from '../../lib/daemon/requests.js';

const source = new PassThrough();
const sink = new PassThrough();

function accepted(options: unknown): { request: OperationRequest; warnings: string[] } {
  const r = validateOptions(options);
  if (!r.ok) throw new Error(`refused: ${r.condition.message}`);
  return r;
}
function refused(options: unknown): Condition {
  const r = validateOptions(options);
  if (r.ok) throw new Error(`accepted: ${JSON.stringify(r.request)}`);
  return r.condition;
}
const dump = (...more: unknown[]) => [{ type: 'operation', value: 'dump' }, { type: 'name', value: 'home.full' }, { type: 'input', value: source }, ...more];
const restore = (...more: unknown[]) => [{ type: 'operation', value: 'restore' }, { type: 'name', value: 'home.full' }, { type: 'output', value: sink }, ...more];
/** The value a dump gets from one option of a type (index 3 in the list). */
const dumpWith = (type: string, value: unknown) => accepted(dump({ type, value })).request;
const dumpRefusing = (type: string, value: unknown) => refused(dump({ type, value }));

t.test('NOAPIARGS: not a list, an empty list, an element without a type, a missing operation or requirement', async (t) => {
  const c = refused(undefined);
  t.equal(c.code, 'NOAPIARGS');
  t.equal(c.severity, 'severe');
  t.equal(c.task, null);
  t.equal(c.message, 'callable interface required parameter not specified or invalid: the options must be an array of { type, value }, not undefined');
  t.equal(refused({ type: 'operation', value: 'dump' }).message, 'callable interface required parameter not specified or invalid: the options must be an array of { type, value }, not an object');
  t.equal(refused([]).message, 'callable interface required parameter not specified or invalid: the option list is empty (an operation is required)');
  t.equal(refused([{ type: 'operation', value: 'scan' }, null]).message, "callable interface required parameter not specified or invalid: option 1 is null, not an object with a string 'type'");
  t.equal(refused([{ type: 7, value: 'scan' }]).message, "callable interface required parameter not specified or invalid: option 0 is an object, not an object with a string 'type'");
  t.equal(refused([{ type: 'drive', value: 0 }]).message, "callable interface required parameter not specified or invalid: no 'operation' option (one of dump, restore, scan, label, inventory, move)");
  t.equal(refused([{ type: 'operation', value: 'dump' }]).message, "callable interface required parameter not specified or invalid: dump requires 'name' and 'input'");
  t.equal(refused([{ type: 'operation', value: 'dump' }, { type: 'name', value: 'x' }]).message, "callable interface required parameter not specified or invalid: dump requires 'input'");
  t.equal(refused([{ type: 'operation', value: 'restore' }, { type: 'name', value: 'x' }]).message, "callable interface required parameter not specified or invalid: restore requires 'output'");
  t.equal(refused([{ type: 'operation', value: 'scan' }]).message, "callable interface required parameter not specified or invalid: scan requires 'cartridge'");
  t.equal(refused([{ type: 'operation', value: 'move' }, { type: 'cartridge', value: 2 }]).message, "callable interface required parameter not specified or invalid: move requires 'target'");
  t.equal(refused([{ type: 'operation', value: 'move' }]).message, "callable interface required parameter not specified or invalid: move requires 'cartridge' and 'target'");
  t.equal(refused([{ type: 'operation', value: 'label' }, { type: 'comment', value: 'x' }]).message, "callable interface required parameter not specified or invalid: label requires 'cartridge' or 'slot'");
});

t.test('BADOPTTYP: an unknown type, named with its index', async (t) => {
  const c = refused(dump({ type: 'verify', value: true }));
  t.equal(c.code, 'BADOPTTYP');
  t.equal(c.severity, 'severe');
  t.equal(c.message, `invalid callable interface option type: option 3 has type "verify" (types: ${OPTION_TYPES.join(', ')})`);
  t.equal(OPTION_TYPES.length, 21);
  // Before any value check: the unknown type at 2 wins over the bad value at 1.
  t.equal(refused([{ type: 'operation', value: 'dump' }, { type: 'drive', value: -1 }, { type: 'Drive', value: 0 }]).code, 'BADOPTTYP');
});

t.test('BADOPTVAL: index, type, value and what was expected', async (t) => {
  const c = dumpRefusing('block-size', 1000);
  t.equal(c.code, 'BADOPTVAL');
  t.equal(c.severity, 'severe');
  t.equal(c.message, "invalid callable interface option value: option 3 'block-size' is 1000; expected a multiple of 512 from 512 to 16777216 bytes (a number or a size such as '256k')");
  t.equal(refused([{ type: 'operation', value: 'backup' }]).message, "invalid callable interface option value: option 0 'operation' is \"backup\"; expected one of dump, restore, scan, label, inventory, move");
  // A bad value is found before a missing requirement or a duplicate.
  t.equal(refused([{ type: 'operation', value: 'dump' }, { type: 'drive', value: 0 }, { type: 'drive', value: 'x' }]).code, 'BADOPTVAL');
});

t.test('DUPOPT: a type given twice where it is not a list', async (t) => {
  const c = refused(dump({ type: 'drive', value: 0 }, { type: 'drive', value: 1 }));
  t.equal(c.code, 'DUPOPT');
  t.equal(c.severity, 'severe');
  t.equal(c.message, "previously specified callable interface option type invalid: 'drive' is given as option 3 and option 4");
  t.equal(refused(dump({ type: 'operation', value: 'dump' })).message, "previously specified callable interface option type invalid: 'operation' is given as option 0 and option 3");
  t.equal(refused(dump({ type: 'name', value: 'other' })).message, "previously specified callable interface option type invalid: 'name' is given as option 1 and option 3 (dump takes one name)");
  // The first type whose second occurrence comes first.
  t.equal(refused(dump({ type: 'ask', value: true }, { type: 'drive', value: 0 }, { type: 'drive', value: 1 }, { type: 'ask', value: false })).message, "previously specified callable interface option type invalid: 'drive' is given as option 4 and option 5");
  // An option that does not apply is still not allowed twice.
  t.equal(refused(dump({ type: 'at', value: 1 }, { type: 'at', value: 2 })).code, 'DUPOPT');
  // Lists repeat: restore names, cartridges, slots.
  t.same((accepted(restore({ type: 'name', value: 'home.incr' })).request as { names: string[] }).names, ['home.full', 'home.incr']);
});

t.test('operation', async (t) => {
  t.equal(accepted([{ type: 'operation', value: 'inventory' }]).request.operation, 'inventory');
  t.equal(refused([{ type: 'operation', value: 'DUMP' }]).code, 'BADOPTVAL');
});

t.test('name: 1 to 255 characters on one line', async (t) => {
  t.equal((accepted([{ type: 'operation', value: 'dump' }, { type: 'name', value: 'n'.repeat(255) }, { type: 'input', value: source }]).request as { name: string }).name, 'n'.repeat(255));
  const base = (name: unknown) => refused([{ type: 'operation', value: 'dump' }, { type: 'name', value: name }, { type: 'input', value: source }]);
  t.equal(base('').message, "invalid callable interface option value: option 1 'name' is \"\"; expected a dump name: a string of 1 to 255 characters on one line");
  t.equal(base('n'.repeat(256)).code, 'BADOPTVAL');
  t.equal(base('a\nb').code, 'BADOPTVAL');
  t.equal(base('a\0b').code, 'BADOPTVAL');
  t.equal(base(5).message, "invalid callable interface option value: option 1 'name' is 5; expected a dump name: a string of 1 to 255 characters on one line");
});

t.test('cartridge-set: a name or a positive integer, kept as text', async (t) => {
  t.equal((dumpWith('cartridge-set', 3) as { cartridgeSet: string }).cartridgeSet, '3');
  t.equal((dumpWith('cartridge-set', 'offsite') as { cartridgeSet: string }).cartridgeSet, 'offsite');
  t.equal(dumpRefusing('cartridge-set', 0).message, "invalid callable interface option value: option 3 'cartridge-set' is 0; expected a positive integer or a set name");
  t.equal(dumpRefusing('cartridge-set', 1.5).code, 'BADOPTVAL');
  t.equal(dumpRefusing('cartridge-set', '').code, 'BADOPTVAL');
});

t.test('input: a Readable, a stream-like object or a path', async (t) => {
  const readable = Readable.from(['x']);
  t.equal((accepted([{ type: 'operation', value: 'dump' }, { type: 'name', value: 'x' }, { type: 'input', value: readable }]).request as { input: { stream: unknown } }).input.stream, readable);
  const like = { pipe() {}, on() {} };
  t.same((accepted([{ type: 'operation', value: 'dump' }, { type: 'name', value: 'x' }, { type: 'input', value: like }]).request as { input: unknown }).input, { kind: 'stream', stream: like, name: 'stream' });
  t.same((accepted([{ type: 'operation', value: 'dump' }, { type: 'name', value: 'x' }, { type: 'input', value: 'data/home.tar' }]).request as { input: unknown }).input, { kind: 'file', path: resolve('data/home.tar') });
  const refuse = (v: unknown) => refused([{ type: 'operation', value: 'dump' }, { type: 'name', value: 'x' }, { type: 'input', value: v }]);
  t.equal(refuse(new Writable()).message, "invalid callable interface option value: option 2 'input' is a Writable; expected a Readable stream or a file path");
  t.equal(refuse('').code, 'BADOPTVAL');
  t.equal(refuse(Buffer.from('x')).code, 'BADOPTVAL');
});

t.test('output: a Writable, a stream-like object or a path', async (t) => {
  const w = new Writable({ write: (_c, _e, cb) => cb() });
  const out = (v: unknown) => (accepted([{ type: 'operation', value: 'restore' }, { type: 'name', value: 'x' }, { type: 'output', value: v }]).request as { output: unknown }).output;
  t.same(out(w), { kind: 'stream', stream: w, name: 'stream' });
  t.equal((out(w) as { stream: unknown }).stream, w);
  const like = { write() {}, end() {} };
  t.equal((out(like) as { stream: unknown }).stream, like);
  t.same(out('/tmp/restored.tar'), { kind: 'file', path: '/tmp/restored.tar' });
  const refuse = (v: unknown) => refused([{ type: 'operation', value: 'restore' }, { type: 'name', value: 'x' }, { type: 'output', value: v }]);
  t.equal(refuse(Readable.from([])).message, "invalid callable interface option value: option 2 'output' is a Readable; expected a Writable stream or a file path");
  t.equal(refuse(42).code, 'BADOPTVAL');
});

t.test('total-bytes: a non-negative integer', async (t) => {
  t.equal((dumpWith('total-bytes', 0) as { totalBytes: number }).totalBytes, 0);
  t.equal((dumpWith('total-bytes', 2 ** 40) as { totalBytes: number }).totalBytes, 2 ** 40);
  t.equal(dumpRefusing('total-bytes', -1).message, "invalid callable interface option value: option 3 'total-bytes' is -1; expected a non-negative integer");
  t.equal(dumpRefusing('total-bytes', '100').code, 'BADOPTVAL');
});

t.test('block-size: 512 bytes to 16 MiB in steps of 512, a number or a size', async (t) => {
  t.equal((dumpWith('block-size', 512) as { blockSize: number }).blockSize, 512);
  t.equal((dumpWith('block-size', '256k') as { blockSize: number }).blockSize, 262144);
  t.equal((dumpWith('block-size', '1M') as { blockSize: number }).blockSize, 1048576);
  t.equal((dumpWith('block-size', '16M') as { blockSize: number }).blockSize, 16777216);
  t.equal(dumpRefusing('block-size', 256).code, 'BADOPTVAL');
  t.equal(dumpRefusing('block-size', '32M').code, 'BADOPTVAL');
  t.equal(dumpRefusing('block-size', '1.1k').code, 'BADOPTVAL');
  t.equal(dumpRefusing('block-size', 'big').message, "invalid callable interface option value: option 3 'block-size' is \"big\"; expected a multiple of 512 from 512 to 16777216 bytes (a number or a size such as '256k')");
});

t.test('buffer-size: two blocks to 4 GiB', async (t) => {
  t.equal((dumpWith('buffer-size', '4g') as { bufferSize: number }).bufferSize, 4 * 1024 ** 3);
  t.equal((dumpWith('buffer-size', 524288) as { bufferSize: number }).bufferSize, 524288);
  t.equal(dumpRefusing('buffer-size', '5g').message, "invalid callable interface option value: option 3 'buffer-size' is \"5g\"; expected 1024 to 4294967296 bytes, at least two blocks (a number or a size such as '64M')");
  t.equal(dumpRefusing('buffer-size', true).code, 'BADOPTVAL');
  // Beside the block size: 1 MiB blocks need 2 MiB.
  t.equal(refused(dump({ type: 'block-size', value: '1M' }, { type: 'buffer-size', value: '1M' })).message, "invalid callable interface option value: option 4 'buffer-size' is 1048576; expected at least two blocks of 1048576 bytes (2097152)");
  // The default block size is 256 KiB.
  t.equal(dumpRefusing('buffer-size', '256k').message, "invalid callable interface option value: option 3 'buffer-size' is 262144; expected at least two blocks of 262144 bytes (524288)");
  // A restore's blocks are the medium's: only the absolute minimum.
  t.equal((accepted(restore({ type: 'buffer-size', value: 1024 })).request as { bufferSize: number }).bufferSize, 1024);
  t.equal(refused(restore({ type: 'buffer-size', value: 1023 })).code, 'BADOPTVAL');
});

t.test('expires and at: Unix seconds, a Date, a date string, or null', async (t) => {
  t.equal((dumpWith('expires', 1795000000) as { expires: number }).expires, 1795000000);
  t.equal((dumpWith('expires', new Date('2026-11-20T18:00:00.999Z')) as { expires: number }).expires, 1795197600);
  t.equal((dumpWith('expires', '2026-11-20T18:00:00Z') as { expires: number }).expires, 1795197600);
  t.equal((dumpWith('expires', '1795197600') as { expires: number }).expires, 1795197600);
  t.equal((dumpWith('expires', null) as { expires: null }).expires, null);
  t.equal(dumpRefusing('expires', 'next tuesday').message, "invalid callable interface option value: option 3 'expires' is \"next tuesday\"; expected null, Unix seconds, a valid Date, or a date string such as '2026-11-20T18:00:00Z'");
  t.equal(dumpRefusing('expires', new Date(NaN)).message, "invalid callable interface option value: option 3 'expires' is an invalid Date; expected null, Unix seconds, a valid Date, or a date string such as '2026-11-20T18:00:00Z'");
  t.equal(dumpRefusing('expires', -5).code, 'BADOPTVAL');
  t.equal(dumpRefusing('expires', 1.5).code, 'BADOPTVAL');
  const at = (v: unknown) => (accepted(restore({ type: 'at', value: v })).request as { at: number | null }).at;
  t.equal(at('2026-11-20'), 1795132800);
  t.equal(at(null), null);
  t.equal(refused(restore({ type: 'at', value: {} })).code, 'BADOPTVAL');
});

t.test('booleans: overwrite, append, ask, force, overwritable, read-labels', async (t) => {
  t.equal((dumpWith('overwrite', true) as { overwrite: boolean }).overwrite, true);
  t.equal((dumpWith('append', false) as { overwrite: boolean }).overwrite, true);
  t.equal((dumpWith('append', true) as { overwrite: boolean }).overwrite, false);
  t.equal(dumpWith('ask', false).ask, false);
  for (const type of ['overwrite', 'append', 'ask']) t.equal(dumpRefusing(type, 'yes').message, `invalid callable interface option value: option 3 '${type}' is "yes"; expected true or false`);
  for (const type of ['force', 'overwritable']) t.equal(refused([{ type: 'operation', value: 'label' }, { type: 'slot', value: 1 }, { type, value: 1 }]).code, 'BADOPTVAL');
  t.equal(refused([{ type: 'operation', value: 'inventory' }, { type: 'read-labels', value: null }]).code, 'BADOPTVAL');
});

t.test('drive: a drive number from 0', async (t) => {
  t.equal(dumpWith('drive', 0).drive, 0);
  t.equal(dumpWith('drive', 3).drive, 3);
  t.equal(dumpRefusing('drive', -1).message, "invalid callable interface option value: option 3 'drive' is -1; expected a drive number from 0");
  t.equal(dumpRefusing('drive', '1').code, 'BADOPTVAL');
});

t.test('cartridge: numbers and lists, checked before the run', async (t) => {
  const scan = (...values: unknown[]) => [{ type: 'operation', value: 'scan' }, ...values.map((value) => ({ type: 'cartridge', value }))];
  t.same((accepted(scan(4)).request as { cartridges: number[] }).cartridges, [4]);
  t.same((accepted(scan('2-3,1', '7 - 5', 9)).request as { cartridges: number[] }).cartridges, [2, 3, 1, 7, 6, 5, 9]);
  t.equal(refused(scan('8-')).message, "invalid callable interface option value: option 1 'cartridge' is \"8-\"; expected cartridge numbers without an open end for scan ('8-')");
  t.equal(refused(scan('2-x')).message, "invalid callable interface option value: option 1 'cartridge' is \"2-x\"; expected a positive integer or a list of cartridges such as '2-3,5' ('2-x' is not a number or a range like 3-5)");
  t.equal(refused(scan('3,1-4')).message, "invalid callable interface option value: option 1 'cartridge' is \"3,1-4\"; expected a positive integer or a list of cartridges such as '2-3,5' (3 is listed twice)");
  t.equal(refused(scan('2-4', 3)).message, "invalid callable interface option value: option 2 'cartridge' is 3; expected numbers not listed before (3 is also in option 1)");
  t.equal(refused(scan(0)).code, 'BADOPTVAL');
  t.equal(refused(scan('')).code, 'BADOPTVAL');
  t.equal(refused(scan([1, 2])).code, 'BADOPTVAL');
  // An open end stays text for label and move (the run knows the last cartridge); its start is checked.
  t.same(accepted([{ type: 'operation', value: 'move' }, { type: 'cartridge', value: '8-' }, { type: 'target', value: { kind: 'loadport' } }]).request, {
    operation: 'move', action: { op: 'move', cartridges: '8-', target: { kind: 'loadport' } }, drive: null, ask: true,
  });
  t.equal(refused([{ type: 'operation', value: 'move' }, { type: 'cartridge', value: '8-,8' }, { type: 'target', value: { kind: 'place' } }]).code, 'BADOPTVAL');
});

t.test('slot: numbers and lists', async (t) => {
  const inv = (...values: unknown[]) => [{ type: 'operation', value: 'inventory' }, ...values.map((value) => ({ type: 'slot', value }))];
  t.same(accepted(inv(3, '5-')).request, { operation: 'inventory', action: { op: 'inventory', slots: '3,5-', forceRead: false }, drive: null, ask: true });
  t.equal(refused(inv('-')).message, "invalid callable interface option value: option 1 'slot' is \"-\"; expected a positive integer or a list of slots such as '2-3,5' (a '-' needs a number on at least one side)");
  t.equal(refused(inv(2.5)).code, 'BADOPTVAL');
});

t.test('target: an element kind with numbers, or a place', async (t) => {
  const move = (target: unknown) => [{ type: 'operation', value: 'move' }, { type: 'cartridge', value: '2-3,1' }, { type: 'target', value: target }];
  const targetOf = (v: unknown) => (accepted(move(v)).request as { action: { target: unknown } }).action.target;
  t.same(targetOf({ kind: 'slot', numbers: '5,4,3' }), { kind: 'slot', numbers: '5,4,3' });
  t.same(targetOf({ kind: 'drive' }), { kind: 'drive' });
  t.same(targetOf({ kind: 'place', text: 'safe, room 2' }), { kind: 'place', text: 'safe, room 2' });
  t.same(targetOf({ kind: 'place' }), { kind: 'place' });
  const what = "{ kind: 'slot' | 'drive' | 'loadport', numbers?: list } or { kind: 'place', text?: string }";
  t.equal(refused(move({ kind: 'shelf' })).message, `invalid callable interface option value: option 2 'target' is an object; expected ${what}`);
  t.equal(refused(move({ kind: 'slot', number: '5' })).code, 'BADOPTVAL');
  t.equal(refused(move({ kind: 'slot', numbers: 5 })).message, `invalid callable interface option value: option 2 'target' is an object; expected ${what}; numbers as text such as '2-3,5'`);
  t.equal(refused(move({ kind: 'slot', numbers: '5,x' })).code, 'BADOPTVAL');
  t.equal(refused(move({ kind: 'place', text: 'a\nb' })).code, 'BADOPTVAL');
  t.equal(refused(move('slot')).code, 'BADOPTVAL');
});

t.test('comment: one line of printable ASCII, at most 256 characters', async (t) => {
  const label = (comment: unknown) => [{ type: 'operation', value: 'label' }, { type: 'slot', value: 1 }, { type: 'comment', value: comment }];
  t.equal((accepted(label('c'.repeat(256))).request as { action: { comment: string } }).action.comment, 'c'.repeat(256));
  t.equal(refused(label('c'.repeat(257))).message, `invalid callable interface option value: option 2 'comment' is "${'c'.repeat(60)}..."; expected one line of printable ASCII, at most 256 characters`);
  t.equal(refused(label('two\nlines')).code, 'BADOPTVAL');
  t.equal(refused(label('café')).code, 'BADOPTVAL');
});

t.test('dump builds a DumpRequest, with the defaults', async (t) => {
  const r = accepted(dump());
  t.same(r.request, {
    operation: 'dump', name: 'home.full', cartridgeSet: '1', input: { kind: 'stream', stream: source, name: 'stream' },
    totalBytes: null, blockSize: 262144, bufferSize: DEFAULT_BUFFER_SIZE, expires: null, overwrite: false, drive: null, ask: true,
  });
  t.equal((r.request as { input: { stream: unknown } }).input.stream, source);
  t.same(r.warnings, []);
  const options: ApiOption[] = [
    { type: 'ask', value: false }, { type: 'operation', value: 'dump' }, { type: 'input', value: '/srv/home.tar' }, { type: 'name', value: 'home.full' },
    { type: 'cartridge-set', value: 2 }, { type: 'total-bytes', value: 10 ** 9 }, { type: 'block-size', value: '1M' }, { type: 'buffer-size', value: '128M' },
    { type: 'expires', value: 1800000000 }, { type: 'overwrite', value: true }, { type: 'drive', value: 1 },
  ];
  t.same(accepted(options), {
    ok: true,
    request: {
      operation: 'dump', name: 'home.full', cartridgeSet: '2', input: { kind: 'file', path: '/srv/home.tar' }, totalBytes: 10 ** 9,
      blockSize: 1048576, bufferSize: 128 * 1024 * 1024, expires: 1800000000, overwrite: true, drive: 1, ask: false,
    },
    warnings: [],
  });
});

t.test('restore builds a RestoreRequest', async (t) => {
  const r = accepted(restore({ type: 'name', value: 'home.incr' }, { type: 'at', value: 1790000000 }, { type: 'drive', value: 0 }, { type: 'buffer-size', value: '8M' }));
  t.same(r.request, { operation: 'restore', names: ['home.full', 'home.incr'], at: 1790000000, output: { kind: 'stream', stream: sink, name: 'stream' }, bufferSize: 8 * 1024 * 1024, drive: 0, ask: true });
  t.equal((r.request as { output: { stream: unknown } }).output.stream, sink);
  t.same(accepted(restore()).request, { operation: 'restore', names: ['home.full'], at: null, output: { kind: 'stream', stream: sink, name: 'stream' }, bufferSize: DEFAULT_BUFFER_SIZE, drive: null, ask: true });
});

t.test('scan builds a ScanRequest', async (t) => {
  t.same(accepted([{ type: 'operation', value: 'scan' }, { type: 'cartridge', value: '1-2' }, { type: 'drive', value: 2 }, { type: 'ask', value: false }]), {
    ok: true, request: { operation: 'scan', cartridges: [1, 2], drive: 2, ask: false }, warnings: [],
  });
});

t.test('label builds a CartRequest; repeated lists join', async (t) => {
  t.same(accepted([{ type: 'operation', value: 'label' }, { type: 'cartridge', value: '2-3' }, { type: 'slot', value: '5,4' }, { type: 'cartridge', value: 9 }, { type: 'slot', value: 1 }]).request, {
    operation: 'label', action: { op: 'label', cartridges: '2-3,9', slots: '5,4,1', overwritable: false, force: false }, drive: null, ask: true,
  });
  t.same(accepted([{ type: 'operation', value: 'label' }, { type: 'slot', value: 7 }, { type: 'comment', value: 'offsite set' }, { type: 'block-size', value: '32k' }, { type: 'force', value: true }, { type: 'overwritable', value: true }, { type: 'drive', value: 0 }]).request, {
    operation: 'label', action: { op: 'label', slots: '7', comment: 'offsite set', blockSize: 32768, overwritable: true, force: true }, drive: 0, ask: true,
  });
});

t.test('inventory and move build CartRequests', async (t) => {
  t.same(accepted([{ type: 'operation', value: 'inventory' }, { type: 'read-labels', value: true }]).request, { operation: 'inventory', action: { op: 'inventory', forceRead: true }, drive: null, ask: true });
  t.same(accepted([{ type: 'operation', value: 'move' }, { type: 'cartridge', value: '2-3' }, { type: 'cartridge', value: '1' }, { type: 'target', value: { kind: 'slot', numbers: '5,4,3' } }, { type: 'ask', value: false }]).request, {
    operation: 'move', action: { op: 'move', cartridges: '2-3,1', target: { kind: 'slot', numbers: '5,4,3' } }, drive: null, ask: false,
  });
});

t.test('conflicts: inapplicable options are ignored with a warning; overwrite and append', async (t) => {
  const d = accepted(dump({ type: 'at', value: 5 }, { type: 'comment', value: 'x' }, { type: 'cartridge', value: 1 }, { type: 'cartridge', value: 2 }));
  t.same(d.warnings, [
    "option 3 'at' does not apply to dump: ignored",
    "option 4 'comment' does not apply to dump: ignored",
    "option 5 'cartridge' does not apply to dump: ignored",
    "option 6 'cartridge' does not apply to dump: ignored",
  ]);
  t.notOk('at' in d.request);
  const r = accepted(restore({ type: 'input', value: source }, { type: 'block-size', value: '1M' }));
  t.same(r.warnings, ["option 3 'input' does not apply to restore: ignored", "option 4 'block-size' does not apply to restore: ignored"]);
  t.same(accepted([{ type: 'operation', value: 'scan' }, { type: 'cartridge', value: 1 }, { type: 'comment', value: 'x' }]).warnings, ["option 2 'comment' does not apply to scan: ignored"]);
  // An open end on an ignored cartridge list is no error.
  t.same(accepted(dump({ type: 'cartridge', value: '8-' })).warnings, ["option 3 'cartridge' does not apply to dump: ignored"]);

  const both = accepted(dump({ type: 'overwrite', value: true }, { type: 'append', value: true }));
  t.equal((both.request as { overwrite: boolean }).overwrite, false);
  t.same(both.warnings, ["option 3 'overwrite' and option 4 'append' are both true: appending (overwrite ignored)"]);
  const neither = accepted(dump({ type: 'append', value: false }, { type: 'overwrite', value: false }));
  t.equal((neither.request as { overwrite: boolean }).overwrite, false);
  t.same(neither.warnings, ["option 4 'overwrite' and option 3 'append' are both false: appending (append ignored)"]);
  const agree = accepted(dump({ type: 'overwrite', value: true }, { type: 'append', value: false }));
  t.equal((agree.request as { overwrite: boolean }).overwrite, true);
  t.same(agree.warnings, []);
});
