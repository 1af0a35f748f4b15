import type { AccuracyLog, FailedProblem } from '../schemas/records.js';

/** SwS stage B: a training problem is a weakness when it never got good and was not improving. */

export interface WeaknessOptions {
  bestAccuracyBelow: number;
  slopeBelow: number;
  /** true: best < thr and slope < thr (the paper); false: ≤ both (the released data, keeps never-solved problems). */
  strict: boolean;
}

export interface WeaknessAssessment {
  best: number;
  slope: number;
  failed: boolean;
}

/**
 * Least-squares slope of ys against x = 0..n-1 (what SwS fits with np.linalg). Written as
 * Σ over symmetric pairs (x_hi − x̄)(y_hi − y_lo) / Σ(x − x̄)² so a flat history gives exactly 0,
 * not a rounding residue that would flip the `slope ≤ 0` test. A single point has slope 0.
 */
export function leastSquaresSlope(ys: readonly number[]): number {
  const n = ys.length;
  if (n < 2) return 0;
  let num = 0;
  for (let i = 0; i < Math.floor(n / 2); i++) {
    num += ((n - 1 - 2 * i) / 2) * ((ys[n - 1 - i] as number) - (ys[i] as number));
  }
  return num / ((n * (n * n - 1)) / 12);
}

export function assessWeakness(accs: readonly number[], opts: WeaknessOptions): WeaknessAssessment {
  if (accs.length === 0) throw new Error('accuracy history is empty: a problem needs at least one rollout');
  accs.forEach((a, t) => {
    if (!Number.isFinite(a) || a < 0 || a > 1)
      throw new Error(`accuracy at epoch ${t} is ${a}, expected [0, 1]`);
  });
  const best = Math.max(...accs);
  const slope = leastSquaresSlope(accs);
  const below = opts.strict ? (v: number, thr: number) => v < thr : (v: number, thr: number) => v <= thr;
  return { best, slope, failed: below(best, opts.bestAccuracyBelow) && below(slope, opts.slopeBelow) };
}

/**
 * Assess every problem of the log's train split, sorted by index. Returns all problems (the
 * `failed` flag marks the weaknesses) so callers can both report and filter. With `knownIndices`,
 * an index the training set does not have is an error naming it.
 */
export function detectWeaknesses(
  log: AccuracyLog,
  opts: WeaknessOptions,
  knownIndices?: ReadonlySet<number>,
): FailedProblem[] {
  const seen = new Map<number, string>();
  const out: FailedProblem[] = [];
  for (const [key, accs] of Object.entries(log.train)) {
    const index = Number(key);
    if (!/^\d+$/.test(key) || !Number.isSafeInteger(index)) {
      throw new Error(`accuracy log: train key "${key}" is not a non-negative integer problem index`);
    }
    const clash = seen.get(index);
    if (clash !== undefined)
      throw new Error(`accuracy log: keys "${clash}" and "${key}" are the same index ${index}`);
    seen.set(index, key);
    if (knownIndices && !knownIndices.has(index)) {
      throw new Error(`accuracy log: index ${index} is not in the training set`);
    }
    try {
      out.push({ index, ...assessWeakness(accs, opts) });
    } catch (err) {
      throw new Error(`accuracy log: index ${index}: ${(err as Error).message}`);
    }
  }
  return out.sort((a, b) => a.index - b.index);
}
