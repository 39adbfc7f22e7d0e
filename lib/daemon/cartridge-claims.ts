/**
 * Which task has which cartridge. A cartridge is read or written by one task at a time, and a task
 * works on one cartridge at a time (it has one drive): claiming another lets the previous one go,
 * and a task's claim ends with the task. A dump claims the cartridge it chooses in the same turn
 * as it chooses it, so two dumps to one set never choose the same one; a job that needs a
 * cartridge another task holds waits for it, holding none meanwhile (so two jobs cannot wait on
 * each other). Jobs open a medium only on a cartridge they hold, so one that no task holds may be
 * taken out of any drive. cart_ctl's operations (label, move, inventory) may touch any cartridge:
 * they run with the library to themselves (exclusive), once no task holds one.
 */
export class CartridgeClaims {
  private readonly holders = new Map<number, number>();
  private readonly held = new Map<number, number>();
  private readonly waiting = new Set<() => void>();
  private exclusiveTask: number | null = null;

  /** The task holding a cartridge, or null. */
  holder(cartridge: number): number | null {
    return this.holders.get(cartridge) ?? null;
  }

  /** The cartridges tasks other than `task` hold (the candidates a dump of `task` must pass over). */
  heldByOthers(task: number): ReadonlySet<number> {
    return new Set([...this.holders].filter(([, t]) => t !== task).map(([c]) => c));
  }

  /** Claims the cartridge for the task unless another task holds it; the task's previous claim goes. */
  tryClaim(task: number, cartridge: number): boolean {
    if (this.exclusiveTask !== null && this.exclusiveTask !== task) return false;
    const h = this.holders.get(cartridge);
    if (h !== undefined && h !== task) return false;
    if (this.held.get(task) !== cartridge) this.release(task);
    this.holders.set(cartridge, task);
    this.held.set(task, cartridge);
    return true;
  }

  /**
   * Claims the cartridge, first waiting while another task holds it; `onWait` is told who that is.
   * Rejects with the abort reason when `signal` aborts.
   */
  async claim(task: number, cartridge: number, signal: AbortSignal, onWait: (holder: number) => void = () => undefined): Promise<void> {
    if (this.tryClaim(task, cartridge)) return;
    this.release(task);
    onWait(this.holders.get(cartridge) ?? this.exclusiveTask!);
    while (!this.tryClaim(task, cartridge)) await this.released(signal);
  }

  /** Waits until no other task holds a cartridge, then keeps every cartridge from the others until release(task). */
  async exclusive(task: number, signal: AbortSignal): Promise<void> {
    this.release(task);
    while (this.holders.size > 0 || this.exclusiveTask !== null) await this.released(signal);
    this.exclusiveTask = task;
  }

  /** Lets the task's cartridge (or the whole library) go: a job that ends, or moves on. */
  release(task: number): void {
    const c = this.held.get(task);
    if (c !== undefined) {
      this.held.delete(task);
      this.holders.delete(c);
    } else if (this.exclusiveTask === task) this.exclusiveTask = null;
    else return;
    for (const wake of [...this.waiting]) wake();
  }

  /** Resolves at the next release. */
  released(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    return new Promise((resolve, reject) => {
      const done = () => {
        this.waiting.delete(done);
        signal.removeEventListener('abort', aborted);
        resolve();
      };
      const aborted = () => {
        this.waiting.delete(done);
        reject(signal.reason);
      };
      this.waiting.add(done);
      signal.addEventListener('abort', aborted, { once: true });
    });
  }
}
