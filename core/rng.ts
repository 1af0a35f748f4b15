/**
 * Seeded randomness. Every random choice in the pipeline goes through here so a run with the same
 * seed draws the same things. Derive one stream per item with `hashSeed(runSeed, itemKey)` so an
 * item's draws do not depend on the order items are processed in.
 */

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Uniform integer in [lo, hi], both ends included: `lo + int(hi - lo + 1)`. */
  between(lo: number, hi: number): number;
  pick<T>(items: readonly T[]): T;
  /** A shuffled copy (Fisher–Yates); the input is left alone. */
  shuffle<T>(items: readonly T[]): T[];
}

/** mulberry32: 32-bit state, passes the usual statistical batteries, fast in JS. */
export function createRng(seed: number): Rng {
  if (!Number.isFinite(seed)) throw new Error(`rng seed must be a finite number, got ${seed}`);
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => {
    if (!Number.isInteger(n) || n <= 0) throw new Error(`rng.int(n) needs a positive integer n, got ${n}`);
    return Math.floor(next() * n);
  };
  return {
    next,
    int,
    between: (lo, hi) => {
      if (hi < lo) throw new Error(`rng.between(lo, hi) needs lo <= hi, got ${lo} > ${hi}`);
      return lo + int(hi - lo + 1);
    },
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new Error('rng.pick: cannot pick from an empty list');
      return items[int(items.length)] as T;
    },
    shuffle<T>(items: readonly T[]): T[] {
      const out = items.slice();
      for (let i = out.length - 1; i > 0; i--) {
        const j = int(i + 1);
        [out[i], out[j]] = [out[j] as T, out[i] as T];
      }
      return out;
    },
  };
}

/**
 * FNV-1a (32-bit) over the parts, with a separator byte between parts so ('ab', 'c') and
 * ('a', 'bc') hash differently. Numbers hash by their decimal string.
 */
export function hashSeed(...parts: (string | number)[]): number {
  let h = 0x811c9dc5;
  parts.forEach((part, i) => {
    if (i > 0) h = Math.imul(h ^ 0x1f, 0x01000193);
    const s = String(part);
    for (let k = 0; k < s.length; k++) {
      h = Math.imul(h ^ s.charCodeAt(k), 0x01000193);
    }
  });
  return h >>> 0;
}
