/**
 * start(options, handlers): one operation, resolved to a condition value, as BACKUP$START runs one
 * BACKUP command (seed 004). The options are validated here first, so a bad list gets the same
 * condition in process and over the socket. Then the operation runs either in this process, on a
 * coordinator (`{ coordinator }`), or in the daemon (`{ socket }` / `{ host, port, token }`): a
 * Readable input or a Writable output travels over the control connection (docs/CONTROL.md).
 */
import { Readable, Writable } from 'node:stream';
import type { ControlBackend } from '../daemon/backend.js';
import { ControlClient, type ControlTarget } from '../daemon/control/client.js';
import { CONNECTION_STREAM, type WireOption } from '../daemon/control/protocol.js';
import { isDaemonError } from '../daemon/errors.js';
import { condition, type Condition } from './conditions.js';
import { deliver, type ApiEvent, type EventHandlers } from './events.js';
import { validateOptions, type ApiOption } from './options.js';

export type StartTarget = { coordinator: ControlBackend } | ControlTarget;

export async function start(options: readonly ApiOption[], handlers: EventHandlers = {}, target: StartTarget): Promise<Condition> {
  const v = validateOptions(options);
  if (!v.ok) return v.condition;
  if ('coordinator' in target) return target.coordinator.start(options, handlers);
  let client: ControlClient;
  try {
    client = await ControlClient.connect(target);
  } catch (e) {
    return condition('NOCOORDINATOR', (e as Error).message);
  }
  try {
    const input = options.find((o) => o.type === 'input' && o.value instanceof Readable)?.value as Readable | undefined;
    const output = options.find((o) => o.type === 'output' && o.value instanceof Writable)?.value as Writable | undefined;
    const wire: WireOption[] = options.map((o) => (o.value === input || o.value === output ? { type: o.type, value: CONNECTION_STREAM } : { type: o.type, value: wireValue(o.value) }));
    if (input) return await client.startWithInput(wire, input, handlers);
    if (output) return await client.startWithOutput(wire, output, handlers);
    return (await client.stream('start', { options: wire }, (e) => deliver(handlers, e as ApiEvent))) as Condition;
  } catch (e) {
    return condition('NOCOORDINATOR', isDaemonError(e) ? e.message : `the daemon connection failed: ${(e as Error).message}`);
  } finally {
    await client.close();
  }
}

/** Dates travel as Unix seconds; everything else is JSON already. */
function wireValue(v: unknown): unknown {
  return v instanceof Date ? Math.floor(v.getTime() / 1000) : v;
}
