// Shared test data for the butm tests: volume header fields like the lab's vol2, a deterministic
// stream, and a packer that lays a byte string into 16360-byte payloads as butc does.
import { BUTM_BLKSIZE, type VolumeHeaderFields } from '../../../lib/format/butm/index.js';

export const vol2: VolumeHeaderFields = {
  volumeName: 'vol2',
  volumeId: 536870921,
  server: 0x0a630001, // 10.99.0.1
  part: 0,
  from: 0,
  cloneDate: 1700000100,
  dumpSetName: 'vs2.full',
  dumpId: 1700000000,
  level: 0,
  parentId: 0,
};

export function volume(name: string, id: number): VolumeHeaderFields {
  return { ...vol2, volumeName: name, volumeId: id };
}

/** Payload areas (16360 bytes, zero-padded) and counts of `bytes` cut as butc cuts them. */
export function payloads(bytes: Buffer): { payload: Buffer; count: number }[] {
  const out: { payload: Buffer; count: number }[] = [];
  for (let off = 0; off < bytes.length; off += BUTM_BLKSIZE) {
    const payload = Buffer.alloc(BUTM_BLKSIZE);
    const count = bytes.copy(payload, 0, off, Math.min(bytes.length, off + BUTM_BLKSIZE));
    out.push({ payload, count });
  }
  return out;
}
