/**
 * An exclusive lock between processes, as a file created with O_EXCL holding the owner's pid.
 * Node has no flock(); this is the lock-file convention of /run/lock (FHS 5.9): a lock whose pid is
 * no longer alive is stale and is broken, so a kill -9 never leaves a device locked for good.
 *
 * Within one process, callers queue on the same path before they touch the file, so the file only
 * arbitrates between processes.
 */
import { mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface LockOptions {
  /** Give up after this long (default 10 minutes: a changer inventory can take that). */
  timeoutMs?: number;
  /** What the lock protects, for the timeout message: 'changer /dev/sg3'. */
  what?: string;
}

export class LockTimeoutError extends Error {
  override name = 'LockTimeoutError';
  constructor(
    readonly path: string,
    readonly holder: number | null,
    message: string,
  ) {
    super(message);
  }
}

const queues = new Map<string, Promise<unknown>>();

/** Runs `fn` holding the lock at `path`; the lock is released however `fn` ends. */
export function withLockFile<T>(path: string, fn: () => Promise<T>, o: LockOptions = {}): Promise<T> {
  const previous = queues.get(path) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(async () => {
    await acquire(path, o);
    try {
      return await fn();
    } finally {
      await rm(path, { force: true });
    }
  });
  const tail = run.catch(() => undefined);
  queues.set(path, tail);
  void tail.then(() => {
    if (queues.get(path) === tail) queues.delete(path);
  });
  return run;
}

async function acquire(path: string, o: LockOptions): Promise<void> {
  const deadline = Date.now() + (o.timeoutMs ?? 10 * 60_000);
  await mkdir(dirname(path), { recursive: true });
  for (let wait = 10; ; wait = Math.min(wait * 2, 500)) {
    try {
      const fh = await open(path, 'wx', 0o644);
      try {
        await fh.writeFile(`${process.pid}\n`);
      } finally {
        await fh.close();
      }
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = await holderOf(path);
    if (holder === null ? await isOrphan(path) : !isAlive(holder)) {
      await rm(path, { force: true }); // stale: its owner died holding it
      continue;
    }
    if (Date.now() >= deadline) {
      const who = holder === null ? 'another process' : `process ${holder}`;
      throw new LockTimeoutError(path, holder, `${o.what ?? path}: still locked by ${who} (${path}) after ${o.timeoutMs ?? 600_000} ms`);
    }
    await sleep(wait);
  }
}

/** The pid in a lock file; null while its owner has created but not yet written it. */
async function holderOf(path: string): Promise<number | null> {
  try {
    const pid = Number.parseInt(await readFile(path, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** A lock file still empty long after its creation: its owner died between open and write. */
async function isOrphan(path: string): Promise<boolean> {
  try {
    return Date.now() - (await stat(path)).mtimeMs > 5_000;
  } catch {
    return false;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
