/**
 * ever_used_blocksizes (seed 001): "a list of all the tape blocksizes, that have ever been used on
 * the server. The list is used to quickly find the correct blocksize for reading, when the tape
 * cannot be read with the configured one."
 */
import type { Catalog } from './database.js';

export function everUsedBlocksizes(cat: Catalog): number[] {
  return cat
    .statement<{ size: number }>('SELECT block_size AS size FROM ever_used_blocksizes ORDER BY block_size')
    .all()
    .map((r) => r.size);
}

/** Remembers a block size (one already known is left as it is). */
export function addBlocksize(cat: Catalog, size: number): void {
  cat.statement('INSERT INTO ever_used_blocksizes (block_size) VALUES (?) ON CONFLICT DO NOTHING').run(size);
}
