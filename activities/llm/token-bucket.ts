/**
 * A token bucket for requests- or tokens-per-minute limits. Pure: the caller passes the clock.
 * The bucket holds one second's worth, so a fresh batch does not fire a minute's quota at once.
 * A single cost larger than the bucket is let through when the bucket is full (else it would
 * never pass), leaving the balance negative so the debt is paid before anything else goes.
 */
export class TokenBucket {
  private readonly perMs: number;
  private readonly capacity: number;
  private balance: number;
  private last: number;

  constructor(perMinute: number, now: number) {
    this.perMs = perMinute / 60_000;
    this.capacity = Math.max(1, perMinute / 60);
    this.balance = this.capacity;
    this.last = now;
  }

  /** Takes `cost` and returns 0, or takes nothing and returns how long to wait before asking again. */
  take(cost: number, now: number): number {
    this.refill(now);
    const needed = Math.min(cost, this.capacity);
    if (this.balance >= needed) {
      this.balance -= cost;
      return 0;
    }
    return Math.ceil((needed - this.balance) / this.perMs);
  }

  /** Corrects an estimate once the real cost is known (a refund when positive). */
  adjust(delta: number, now: number): void {
    this.refill(now);
    this.balance = Math.min(this.capacity, this.balance + delta);
  }

  private refill(now: number): void {
    this.balance = Math.min(this.capacity, this.balance + (now - this.last) * this.perMs);
    this.last = now;
  }
}
