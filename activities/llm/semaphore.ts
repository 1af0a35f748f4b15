/** Counts free slots; waiters are served first-come first-served. */
export class Semaphore {
  private free: number;
  private readonly waiters: (() => void)[] = [];

  constructor(slots: number) {
    this.free = slots;
  }

  /** Resolves once a slot is held; the caller must release() it exactly once. */
  acquire(): Promise<void> | undefined {
    if (this.free > 0) {
      this.free -= 1;
      return undefined;
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.free += 1;
  }
}
