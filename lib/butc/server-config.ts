/**
 * What butc's startup needs from `afsconf_Open(/etc/openafs/server)` and `afsconf_CountKeys()`
 * (`src/auth/cellconfig.c`, `src/auth/keys.c`; BUTC-SPEC §1.1 steps 4-5, §5.10.5):
 *
 * - ThisCell must exist and its first line must hold a non-blank word (the cell name);
 * - CellServDB must be readable;
 * - KeyFile (`int32 n`, then n x {int32 kvno, 8-byte key}) and KeyFileExt (`int32 n`, then n x
 *   {int32 reclen >= 16, int32 type, int32 kvno, int32 subType, reclen-16 bytes skipped,
 *   int32 keylen, key}) are loaded if present; a truncated or malformed one, or more than 8 rxkad
 *   kvnos, makes the whole open fail. Keys count once per distinct (type, kvno, subType).
 *
 * Any failure is butc's `Failed to open server configuration directory` (exit 1). Not reproduced:
 * the $AFSCONF / ~/.AFSCONF / /.AFSCONF fallback afsconf_Open tries after a failure, and the
 * line-by-line validation of CellServDB.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bytesOf } from './c-string.js';

export interface ServerConfig {
  /** The cell name from ThisCell. */
  cell: string;
  /** What afsconf_CountKeys returns: 0 means butc warns "No encryption keys found". */
  keyCount: number;
}

class KeyFileError extends Error {}

function readOptional(path: string): Buffer | null {
  try {
    return readFileSync(bytesOf(path));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/** The distinct keys of KeyFile + KeyFileExt as "type/kvno/subType"; throws KeyFileError like _afsconf_LoadKeys fails. */
function loadKeys(dir: string): Set<string> {
  const keys = new Set<string>();
  const rxkadKvnos = new Set<number>();
  const add = (type: number, kvno: number, subType: number) => {
    if (type === 0 && !rxkadKvnos.has(kvno)) {
      if (rxkadKvnos.size >= 8) throw new KeyFileError('more than 8 rxkad keys');
      rxkadKvnos.add(kvno);
    }
    keys.add(`${type}/${kvno}/${subType}`);
  };
  const word = (b: Buffer, at: number) => {
    if (at + 4 > b.length) throw new KeyFileError('short file');
    return b.readInt32BE(at);
  };
  const original = readOptional(join(dir, 'KeyFile'));
  if (original) {
    const n = word(original, 0);
    let at = 4;
    for (let i = 0; i < n; i++) {
      const kvno = word(original, at);
      if (at + 12 > original.length) throw new KeyFileError('short key');
      add(0, kvno, 0);
      at += 12;
    }
  }
  const ext = readOptional(join(dir, 'KeyFileExt'));
  if (ext) {
    const n = word(ext, 0);
    let at = 4;
    for (let i = 0; i < n; i++) {
      const reclen = word(ext, at);
      if (reclen < 16) throw new KeyFileError('record shorter than 16 bytes');
      const type = word(ext, at + 4);
      const kvno = word(ext, at + 8);
      const subType = word(ext, at + 12);
      at += reclen;
      const keylen = word(ext, at);
      if (keylen < 0 || at + 4 + keylen > ext.length) throw new KeyFileError('short key');
      at += 4 + keylen;
      add(type, kvno, subType);
    }
  }
  return keys;
}

/** afsconf_Open + afsconf_CountKeys on the server configuration directory; null where butc's open fails. */
export function openServerConfig(dir: string): ServerConfig | null {
  try {
    const thisCell = readFileSync(bytesOf(join(dir, 'ThisCell'))).subarray(0, 255).toString('latin1');
    const cell = (thisCell.split('\n')[0] ?? '').trim().split(/[ \t\v\f\r]+/)[0] ?? '';
    if (!cell) return null;
    readFileSync(bytesOf(join(dir, 'CellServDB')));
    return { cell, keyCount: loadKeys(dir).size };
  } catch {
    return null;
  }
}
