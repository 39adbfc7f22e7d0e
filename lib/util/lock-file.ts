/**
 * An exclusive lock between processes, as a file created with O_EXCL holding the owner's pid and
 * a token of its own.
 * Node has no flock(); this is the lock-file convention of /run/lock (FHS 5.9): a lock whose pid is
 * no longer alive is stale and is broken, so a kill -9 never leaves a device locked for good.
 *
 * Within one process, callers queue on the same path before they touch the file, so the file only
 * arbitrates between processes.
 */
import { mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
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
    const mine = await acquire(path, o);
    try {
      return await fn();
    } finally {
      await release(path, mine);
    }
  });
  const tail = run.catch(() => undefined);
  queues.set(path, tail);
  void tail.then(() => {
    if (queues.get(path) === tail) queues.delete(path);
  });
  return run;
}

async function acquire(path: string, o: LockOptions): Promise<string> {
  const deadline = Date.now() + (o.timeoutMs ?? 10 * 60_000);
  const mine = `${process.pid} ${randomBytes(8).toString('hex')}\n`;
  await mkdir(dirname(path), { recursive: true });
  for (let wait = 5; ; wait = Math.min(wait * 2, 100)) {
    try {
      const fh = await open(path, 'wx', 0o644);
      try {
        await fh.writeFile(mine);
      } finally {
        await fh.close();
      }
      return mine;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const seen = await contentOf(path);
    const holder = seen === null ? null : pidOf(seen);
    if (holder === null ? await isOrphan(path) : !isAlive(holder)) {
      await breakStale(path, seen); // its owner died holding it
      continue;
    }
    if (Date.now() >= deadline) {
      const who = holder === null ? 'another process' : `process ${holder}`;
      throw new LockTimeoutError(path, holder, `${o.what ?? path}: still locked by ${who} (${path}) after ${o.timeoutMs ?? 600_000} ms`);
    }
    await sleep(wait);
  }
}

/**
 * Removes a stale lock, but only the one judged stale: two processes may judge it at once, and
 * the second must not remove the fresh lock the first has taken meanwhile. Breakers take turns
 * on `<lock>.break` and re-read the lock under it.
 */
async function breakStale(path: string, seen: string | null): Promise<void> {
  const guard = `${path}.break`;
  try {
    await (await open(guard, 'wx', 0o644)).close();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    if (await isOrphan(guard)) await rm(guard, { force: true }); // a breaker died in here
    return;
  }
  try {
    if ((await contentOf(path)) === seen) await rm(path, { force: true });
  } finally {
    await rm(guard, { force: true });
  }
}

/** Removes the lock if it is still ours (a lock broken as stale by mistake is not removed twice). */
async function release(path: string, mine: string): Promise<void> {
  if ((await contentOf(path)) === mine) await rm(path, { force: true });
}

/** A lock file's content; null when it is gone. */
async function contentOf(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/** The pid in a lock file's content; null while its owner has created but not yet written it. */
function pidOf(content: string): number | null {
  const pid = Number.parseInt(content, 10);
  return Number.isInteger(pid) && pid > 0 ? pid : null;
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
