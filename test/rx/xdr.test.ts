import t from 'tap';
import { XdrError } from '../../lib/rx/errors.js';
import {
  bool, charArray, fixedArray, fixedOpaque, int32, int64, struct, uint32, union, varArray, varOpaque, xdrDecode, xdrEncode,
  xdrString,
} from '../../lib/rx/xdr-types.js';

t.test('char[N]: one word per character, sign-extended like x86 (BUTC-SPEC §3.3)', async (t) => {
  const c4 = charArray(4);
  t.equal(c4.size, 16);
  t.equal(xdrEncode(c4, 'a\u00e9').toString('hex'), '00000061' + 'ffffffe9' + '00000000' + '00000000');
  // decoders keep the low byte: both the x86 and the unsigned-char form decode the same
  t.equal(xdrDecode(c4, Buffer.from('00000061ffffffe90000000000000000', 'hex')), 'a\u00e9');
  t.equal(xdrDecode(c4, Buffer.from('00000061000000e90000000000000000', 'hex')), 'a\u00e9');
  // the C string stops at the first NUL even if bytes follow
  t.equal(xdrDecode(c4, Buffer.from('000000620000000000000063' + '00000064', 'hex')), 'b');
  t.equal(xdrDecode(c4, xdrEncode(c4, 'wxyz')), 'wxyz');
  t.throws(() => xdrEncode(c4, 'toolong'), /do not fit char\[4\]/);
  t.throws(() => xdrEncode(c4, '\u4e00'), /not a byte/);
  t.throws(() => xdrDecode(c4, Buffer.alloc(15)), XdrError);
});

t.test('string<N> and opaque: length word, bytes, zero padding', async (t) => {
  const s = xdrString(64);
  t.equal(xdrEncode(s, 'DumpSetName').toString('hex'), '0000000b' + Buffer.from('DumpSetName').toString('hex') + '00');
  t.equal(xdrDecode(s, xdrEncode(s, 'DumpSetName')), 'DumpSetName');
  t.throws(() => xdrDecode(xdrString(4), Buffer.from('0000000561626364650000', 'hex')), /length 5 exceeds string<4>/);
  t.throws(() => xdrEncode(xdrString(2), 'abc'), XdrError);
  t.equal(xdrEncode(varOpaque(10), Buffer.from([1, 2, 3, 4, 5])).toString('hex'), '00000005' + '0102030405000000');
  t.same([...xdrDecode(varOpaque(10), Buffer.from('0000000201020000', 'hex'))], [1, 2]);
  const o = fixedOpaque(6);
  t.equal(o.size, 8);
  t.equal(xdrEncode(o, Buffer.from([9, 8])).toString('hex'), '0908000000000000');
  t.throws(() => xdrDecode(varOpaque(10), Buffer.from('000000050102', 'hex')), /needs 8 bytes, 2 left/);
});

t.test('integers, bool and int64', async (t) => {
  t.equal(xdrEncode(int32, -1).toString('hex'), 'ffffffff');
  t.equal(xdrEncode(uint32, 0x0a630001).toString('hex'), '0a630001');
  t.equal(xdrDecode(uint32, Buffer.from('ffffffff', 'hex')), 0xffffffff);
  t.throws(() => xdrEncode(int32, 0x80000000), /not a 32-bit signed/);
  t.throws(() => xdrEncode(uint32, -1), /not a 32-bit unsigned/);
  t.throws(() => xdrEncode(int32, 1.5), XdrError);
  t.equal(xdrEncode(int64, -2n).toString('hex'), 'fffffffffffffffe');
  t.equal(xdrDecode(bool, Buffer.from('00000001', 'hex')), true);
  t.throws(() => xdrDecode(bool, Buffer.from('00000002', 'hex')), /bool is 2/);
});

t.test('arrays: bounded count, fixed vectors, no allocation for impossible counts', async (t) => {
  const a = varArray(int32, 3);
  t.equal(xdrEncode(a, [1, -2]).toString('hex'), '00000002' + '00000001' + 'fffffffe');
  t.same(xdrDecode(a, Buffer.from('0000000200000001fffffffe', 'hex')), [1, -2]);
  t.throws(() => xdrDecode(a, Buffer.from('00000004', 'hex')), /count 4 exceeds <3>/);
  t.throws(() => xdrEncode(a, [1, 2, 3, 4]), XdrError);
  const big = varArray(int32, 2_000_000_000);
  t.throws(() => xdrDecode(big, Buffer.from('7000000000000000', 'hex')), /count 1879048192 needs at least 7516192768 bytes, 4 left/);
  const f = fixedArray(uint32, 2);
  t.equal(f.size, 8);
  t.throws(() => xdrEncode(f, [1]), /needs exactly 2/);
});

t.test('structs name the failing field and offset; unions pick their arm', async (t) => {
  const inner = struct('inner', { x: int32, name: charArray(2) });
  const outer = struct('outer', { a: uint32, list: varArray(inner, 5) });
  t.equal(inner.size, 12);
  t.equal(outer.size, undefined);
  const v = { a: 7, list: [{ x: 1, name: 'ab' }, { x: 2, name: '' }] };
  const b = xdrEncode(outer, v);
  t.equal(b.length, 4 + 4 + 24);
  t.same(xdrDecode(outer, b), v);
  const err = t.throws(() => xdrDecode(outer, b.subarray(0, 30))) as XdrError;
  t.equal(err.path, 'outer.list');
  t.equal(err.offset, 4);
  t.match(err.message, /count 2 needs at least 24 bytes, 22 left/);
  const pair = struct('pair', { first: inner, second: inner });
  const nested = t.throws(() => xdrDecode(pair, Buffer.alloc(22))) as XdrError;
  t.equal(nested.path, 'pair.second.name');
  t.equal(nested.offset, 20);
  t.throws(() => xdrEncode(outer, { a: 1 } as never), /outer.list at offset 4: missing field/);
  t.throws(() => xdrDecode(outer, Buffer.concat([b, Buffer.alloc(4)]), true), /4 bytes left over/);

  const u = union('u', { 1: int32, 2: charArray(1) } as never);
  t.equal(xdrEncode(u, { tag: 1, value: -1 }).toString('hex'), '00000001ffffffff');
  t.same(xdrDecode(u, Buffer.from('0000000200000041', 'hex')), { tag: 2, value: 'A' });
  t.throws(() => xdrDecode(u, Buffer.from('0000000300000000', 'hex')), /no arm for discriminant 3/);
});
