/** The calls of a batch in flight and when each started, for its progress: how many, and the oldest's age. */
export class InFlight {
  // A Map iterates in insertion order and calls start in dispatch order, so the first entry is the oldest.
  private readonly started = new Map<number, number>();

  get size(): number {
    return this.started.size;
  }

  start(line: number, now: number): void {
    this.started.set(line, now);
  }

  end(line: number): void {
    this.started.delete(line);
  }

  oldestAgeMs(now: number): number {
    for (const at of this.started.values()) return now - at;
    return 0;
  }
}
