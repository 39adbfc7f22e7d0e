/**
 * The drives and who may use them: one task per drive at a time (butc's device latch, §3.6
 * DRIVE_WAIT), a wait queue in arrival order, and a task that names a drive waits for that one
 * while a task that names none takes the first drive that frees. A task waiting here carries
 * DRIVE_WAIT; an abort while waiting takes it out of the queue.
 */
import { TASK_STATUS } from '../rx/interfaces/butc.js';
import type { DriveSnapshot, DriveState } from './backend.js';
import { DaemonError } from './errors.js';
import type { Task } from './tasks.js';

export interface DriveLease {
  readonly index: number;
  /** What the job does with the drive now (drive state in status, metrics and the status file). */
  setState(state: DriveState): void;
  /** The cartridge the drive holds, as far as the job knows. */
  setLoaded(l: { cartridge: number | null; barcode: string | null; device: string | null }): void;
  setFile(file: number | null): void;
  /** Bytes moved through the drive (added). */
  addBytes(n: number): void;
  addError(): void;
  release(): void;
}

interface Waiter {
  task: Task;
  drive: number | null;
  grant: (lease: DriveLease) => void;
  fail: (e: unknown) => void;
}

export class DrivePool {
  private readonly drives: DriveSnapshot[];
  private readonly waiters: Waiter[] = [];

  constructor(count: number, private readonly onChange: () => void = () => undefined) {
    this.drives = Array.from({ length: count }, (_, index) => ({
      index,
      device: null,
      state: 'idle',
      task: null,
      queued: 0,
      cartridge: null,
      barcode: null,
      file: null,
      bytes: 0,
      errors: 0,
    }));
  }

  get count(): number {
    return this.drives.length;
  }

  snapshots(): DriveSnapshot[] {
    return this.drives.map((d) => ({ ...d, queued: this.waiters.filter((w) => w.drive === d.index || w.drive === null).length }));
  }

  /** What a drive holds when no task has it (the daemon learns it from the changer at start). */
  setLoaded(index: number, l: { cartridge: number | null; barcode: string | null; device: string | null }): void {
    Object.assign(this.drive(index), l);
    this.onChange();
  }

  /** Waits for a drive (the one named, or any) and leases it to the task. */
  acquire(task: Task, drive: number | null): Promise<DriveLease> {
    if (drive !== null) this.drive(drive);
    const free = this.drives.find((d) => d.task === null && (drive === null || d.index === drive));
    if (free && this.waiters.length === 0) return Promise.resolve(this.lease(free, task));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { task, drive, grant: resolve, fail: reject };
      this.waiters.push(waiter);
      task.setFlags(TASK_STATUS.DRIVE_WAIT, true);
      const onAbort = () => {
        const at = this.waiters.indexOf(waiter);
        if (at < 0) return;
        this.waiters.splice(at, 1);
        task.setFlags(TASK_STATUS.DRIVE_WAIT, false);
        reject(task.signal.reason);
        this.onChange();
      };
      task.signal.addEventListener('abort', onAbort, { once: true });
      waiter.grant = (lease) => {
        task.signal.removeEventListener('abort', onAbort);
        resolve(lease);
      };
      this.onChange();
      this.dispatch();
    });
  }

  private drive(index: number): DriveSnapshot {
    const d = this.drives[index];
    if (!Number.isSafeInteger(index) || !d) throw new DaemonError('not-found', `no drive ${index}: the drives are 0-${this.drives.length - 1}`);
    return d;
  }

  private lease(d: DriveSnapshot, task: Task): DriveLease {
    d.task = task.id;
    task.setPlace({ drive: d.index });
    this.onChange();
    let released = false;
    const live = () => {
      if (released) throw new DaemonError('invalid', `drive ${d.index}: used after its release by task ${task.id}`);
    };
    return {
      index: d.index,
      setState: (state) => {
        live();
        if (d.state !== state) {
          d.state = state;
          this.onChange();
        }
      },
      setLoaded: (l) => {
        live();
        Object.assign(d, l);
        task.setPlace({ cartridge: l.cartridge });
        this.onChange();
      },
      setFile: (file) => {
        live();
        d.file = file;
        task.setPlace({ file });
      },
      addBytes: (n) => {
        d.bytes += n;
      },
      addError: () => {
        d.errors++;
      },
      release: () => {
        if (released) return;
        released = true;
        d.task = null;
        d.state = 'idle';
        task.setPlace({ drive: null, cartridge: null, file: null });
        this.onChange();
        this.dispatch();
      },
    };
  }

  /** Gives freed drives to the waiters, first come first served. */
  private dispatch(): void {
    for (let i = 0; i < this.waiters.length; ) {
      const w = this.waiters[i]!;
      const free = this.drives.find((d) => d.task === null && (w.drive === null || d.index === w.drive));
      if (!free) {
        i++;
        continue;
      }
      this.waiters.splice(i, 1);
      w.task.setFlags(TASK_STATUS.DRIVE_WAIT, false);
      w.grant(this.lease(free, w.task));
    }
  }
}
