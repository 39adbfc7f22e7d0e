/**
 * Checks on the values that go into a CDB. A value that does not fit its field is a programming
 * error, so it is a RangeError (lib/stream/geometry.ts does the same), raised before anything is
 * sent.
 */
export function field(command: string, name: string, value: number, bits: number): number {
  if (!Number.isSafeInteger(value) || value < 0 || value >= 2 ** bits)
    throw new RangeError(`${command}: ${name} ${value} does not fit in ${bits} bits`);
  return value;
}
