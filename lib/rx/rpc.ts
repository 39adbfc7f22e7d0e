import type { RxCall } from './call.js';
import type { RxClient } from './client.js';
import { RXGEN_CC_MARSHAL, RXGEN_CC_UNMARSHAL, RXGEN_SS_MARSHAL, RXGEN_SS_UNMARSHAL } from './constants.js';
import { RxAbort, RxCallError, XdrError } from './errors.js';
import type { RxOpcodeService } from './service.js';
import { struct, xdrDecode, xdrEncode, type StructValue, type XdrType } from './xdr-types.js';

/**
 * Procedure declarations, as rxgen makes them from `proc Name(IN ..., OUT ...) = opcode;`
 * (BUTC-SPEC §3.3): the request is the opcode word then the IN and INOUT arguments in order, the reply
 * the OUT and INOUT arguments in order; on error there is no reply, only an ABORT with the code.
 * Marshalling failures map to the rxgen codes: client encode RXGEN_CC_MARSHAL (-450), client decode
 * RXGEN_CC_UNMARSHAL (-451), server encode RXGEN_SS_MARSHAL (-452), server decode RXGEN_SS_UNMARSHAL
 * (-453).
 */
export interface RxProc<In, Out> {
  readonly name: string;
  readonly opcode: number;
  /** IN and INOUT arguments, in declaration order. */
  readonly request: XdrType<In>;
  /** OUT and INOUT arguments, in declaration order. */
  readonly reply: XdrType<Out>;
}

type Fields = Record<string, XdrType<any>>;

/** Declares a procedure; list an INOUT argument in both tables. */
export function proc<I extends Fields, O extends Fields>(
  name: string, opcode: number, inArgs: I, outArgs: O,
): RxProc<StructValue<I>, StructValue<O>> {
  return { name, opcode, request: struct(`${name} request`, inArgs), reply: struct(`${name} reply`, outArgs) };
}

export type ProcIn<P> = P extends RxProc<infer I, any> ? I : never;
export type ProcOut<P> = P extends RxProc<any, infer O> ? O : never;

/** The server side of a procedure: gets the decoded arguments and the call; returns the OUT values. */
export type ProcImpl<In, Out> = (args: In, call: RxCall) => Promise<Out>;

/**
 * Serves `p` on `service`: reads the whole request, decodes it (RXGEN_SS_UNMARSHAL on failure), runs
 * `impl`, encodes the reply (RXGEN_SS_MARSHAL on failure). `impl` throws RxAbort for an error code.
 */
export function serveProc<In, Out>(service: RxOpcodeService, p: RxProc<In, Out>, impl: ProcImpl<In, Out>): void {
  service.on(p.opcode, async (call) => {
    const args = decodeOr(p.request, await call.readAll(), RXGEN_SS_UNMARSHAL, p.name);
    const out = await impl(args, call);
    await call.write(encodeOr(p.reply, out, RXGEN_SS_MARSHAL, p.name));
  });
}

/**
 * Serves a split procedure (a streaming call, `split` in rxgen): the fixed-size IN arguments are
 * decoded first, then `impl` reads the rest of the request and writes the reply as streams itself.
 */
export function serveSplitProc<In>(service: RxOpcodeService, p: RxProc<In, unknown>, impl: (args: In, call: RxCall) => Promise<void>): void {
  const size = fixedRequestSize(p);
  service.on(p.opcode, async (call) => {
    const args = decodeOr(p.request, await call.readBytes(size), RXGEN_SS_UNMARSHAL, p.name);
    await impl(args, call);
  });
}

/** Runs `p` over `client`: an ABORT rejects with RxCallError carrying the code. */
export async function callProc<In, Out>(client: RxClient, p: RxProc<In, Out>, args: In): Promise<Out> {
  const body = encodeForCall(client, p, args);
  const reply = await client.call(p.opcode, body);
  return decodeReply(client, p, reply);
}

/** Starts a split call: the opcode and IN arguments are written; stream the rest, then `endSplitCall`. */
export async function startSplitCall<In>(client: RxClient, p: RxProc<In, unknown>, args: In): Promise<RxCall> {
  const body = encodeForCall(client, p, args);
  const call = await client.newCall(p.opcode);
  await call.write(body);
  return call;
}

/** Reads what is left of a split call's reply and decodes its OUT arguments. */
export async function endSplitCall<Out>(client: RxClient, call: RxCall, p: RxProc<unknown, Out>): Promise<Out> {
  return decodeReply(client, p, await call.readAll());
}

function fixedRequestSize(p: RxProc<unknown, unknown>): number {
  if (p.request.size === undefined) throw new TypeError(`split procedure ${p.name}: its IN arguments must have a fixed XDR size`);
  return p.request.size;
}

function encodeForCall<In>(client: RxClient, p: RxProc<In, unknown>, args: In): Buffer {
  try {
    return xdrEncode(p.request, args);
  } catch (err) {
    if (err instanceof XdrError) throw new RxCallError(RXGEN_CC_MARSHAL, false, `${client.connection.where} ${p.name}`, err.message);
    throw err;
  }
}

function decodeReply<Out>(client: RxClient, p: RxProc<unknown, Out>, reply: Buffer): Out {
  try {
    return xdrDecode(p.reply, reply);
  } catch (err) {
    if (err instanceof XdrError) throw new RxCallError(RXGEN_CC_UNMARSHAL, false, `${client.connection.where} ${p.name}`, err.message);
    throw err;
  }
}

function decodeOr<T>(type: XdrType<T>, buf: Buffer, code: number, name: string): T {
  try {
    return xdrDecode(type, buf);
  } catch (err) {
    if (err instanceof XdrError) throw new RxAbort(code, `${name}: ${err.message}`);
    throw err;
  }
}

function encodeOr<T>(type: XdrType<T>, v: T, code: number, name: string): Buffer {
  try {
    return xdrEncode(type, v);
  } catch (err) {
    if (err instanceof XdrError) throw new RxAbort(code, `${name}: ${err.message}`);
    throw err;
  }
}
