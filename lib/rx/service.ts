import { RXGEN_DECODE, RXGEN_OPCODE } from './constants.js';
import { RxAbort } from './errors.js';
import type { RxCall } from './call.js';
import type { RxSecurityClass } from './security.js';

/**
 * An Rx service (BUTC-SPEC §5.4): a serviceId, the security classes it offers by index, and a call
 * handler. A packet for a service we do not have, or with a security index the service does not offer,
 * gets a raw ABORT RX_INVALID_OPERATION and creates no state (§5.4).
 *
 * The handler reads the request from the call as a stream and writes the reply as a stream; when it
 * returns, the reply is ended. Throwing RxAbort aborts the call with its code; any other error aborts
 * with RX_USER_ABORT and is reported to the endpoint's onError.
 */
export interface RxService {
  readonly serviceId: number;
  readonly name: string;
  securityClass(index: number): RxSecurityClass | undefined;
  handleCall(call: RxCall): Promise<void>;
}

/** Handles one opcode; the opcode word has already been read from the call. */
export type RxOpcodeHandler = (call: RxCall, opcode: number) => Promise<void>;

/**
 * A service whose requests start with a 4-byte opcode, as every rxgen interface's do (§3.3):
 * a request too short to hold one aborts with RXGEN_DECODE (-454), an unknown opcode with
 * RXGEN_OPCODE (-455).
 */
export class RxOpcodeService implements RxService {
  readonly serviceId: number;
  readonly name: string;
  private readonly classes = new Map<number, RxSecurityClass>();
  private readonly handlers = new Map<number, RxOpcodeHandler>();

  constructor(init: { serviceId: number; name: string; securityClasses: readonly RxSecurityClass[] }) {
    this.serviceId = init.serviceId;
    this.name = init.name;
    for (const c of init.securityClasses) this.classes.set(c.index, c);
  }

  securityClass(index: number): RxSecurityClass | undefined {
    return this.classes.get(index);
  }

  /** Registers the handler for `opcode` (replacing any earlier one). */
  on(opcode: number, handler: RxOpcodeHandler): this {
    this.handlers.set(opcode, handler);
    return this;
  }

  async handleCall(call: RxCall): Promise<void> {
    const word = await call.readBytes(4);
    if (word.length < 4) throw new RxAbort(RXGEN_DECODE, `${this.name}: request of ${word.length} bytes has no opcode`);
    const opcode = word.readInt32BE(0);
    const handler = this.handlers.get(opcode);
    if (!handler) throw new RxAbort(RXGEN_OPCODE, `${this.name}: no procedure with opcode ${opcode}`);
    await handler(call, opcode);
  }
}
