/**
 * Health and load of an endpoint's replicas. Pure: the caller passes the clock. A replica that
 * refuses connections is taken out at once; one that times out or answers 5xx is taken out after
 * SUSPECT_LIMIT failures in a row. It stays out for a cooldown that doubles each time (up to
 * MAX_COOLDOWN_MS), then gets traffic again; one success clears its record.
 */
const SUSPECT_LIMIT = 3;
const FIRST_COOLDOWN_MS = 2_000;
const MAX_COOLDOWN_MS = 60_000;

interface ReplicaState {
  inFlight: number;
  failuresInARow: number;
  outUntil: number;
  cooldownMs: number;
}

export class ReplicaSet {
  private readonly states: ReplicaState[];
  private cursor = 0;

  constructor(count: number) {
    this.states = Array.from({ length: count }, () => ({
      inFlight: 0,
      failuresInARow: 0,
      outUntil: 0,
      cooldownMs: FIRST_COOLDOWN_MS,
    }));
  }

  /**
   * The live replica with the fewest calls in flight (ties go round-robin); when all are out,
   * the one that comes back first, so a batch keeps probing instead of stalling.
   */
  pick(now: number): number {
    const n = this.states.length;
    if (n === 1) return this.begin(0);
    let best = -1;
    for (let k = 0; k < n; k++) {
      const i = (this.cursor + k) % n;
      const s = this.states[i]!;
      if (s.outUntil > now) continue;
      if (best < 0 || s.inFlight < this.states[best]!.inFlight) best = i;
    }
    if (best < 0) {
      best = 0;
      for (let i = 1; i < n; i++) if (this.states[i]!.outUntil < this.states[best]!.outUntil) best = i;
    }
    this.cursor = (best + 1) % n;
    return this.begin(best);
  }

  succeeded(i: number): void {
    const s = this.states[i]!;
    s.inFlight -= 1;
    s.failuresInARow = 0;
    s.cooldownMs = FIRST_COOLDOWN_MS;
  }

  /** 'healthy': the replica answered sensibly (e.g. 429); 'down': it cannot be reached. */
  failed(i: number, blame: 'healthy' | 'suspect' | 'down', now: number): void {
    const s = this.states[i]!;
    s.inFlight -= 1;
    if (blame === 'healthy') return;
    s.failuresInARow += 1;
    if (blame === 'down' || s.failuresInARow >= SUSPECT_LIMIT) {
      s.outUntil = now + s.cooldownMs;
      s.cooldownMs = Math.min(MAX_COOLDOWN_MS, s.cooldownMs * 2);
      s.failuresInARow = 0;
    }
  }

  /** Whether any replica is currently taking traffic. */
  anyLive(now: number): boolean {
    return this.states.some((s) => s.outUntil <= now);
  }

  private begin(i: number): number {
    this.states[i]!.inFlight += 1;
    return i;
  }
}
