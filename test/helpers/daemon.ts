import { PassThrough } from 'node:stream';
import type { Condition } from '../../lib/api/conditions.js';
import type { Coordinator } from '../../lib/daemon/coordinator.js';

/** Restores a dump by name (as of `at`, when given) into memory. */
export async function restoreToBuffer(c: Coordinator, name: string, at: number | null = null): Promise<{ cond: Condition; data: Buffer }> {
  const sink = new PassThrough();
  const parts: Buffer[] = [];
  sink.on('data', (b: Buffer) => parts.push(b));
  const cond = await c.start([
    { type: 'operation', value: 'restore' },
    { type: 'name', value: name },
    { type: 'output', value: sink },
    ...(at !== null ? [{ type: 'at' as const, value: at }] : []),
  ]);
  return { cond, data: Buffer.concat(parts) };
}
