import { majority, mean } from './stats.js';

/** Evaluation metrics over n samples per problem. */

function checkCounts(n: number, c: number, k: number): void {
  if (!Number.isInteger(n) || n < 1) throw new Error(`pass@k: n must be a positive integer, got ${n}`);
  if (!Number.isInteger(c) || c < 0 || c > n)
    throw new Error(`pass@k: c must be an integer in [0, n=${n}], got ${c}`);
  if (!Number.isInteger(k) || k < 1 || k > n)
    throw new Error(`pass@k: k must be an integer in [1, n=${n}], got ${k}`);
}

/**
 * Unbiased pass@k = 1 − C(n−c, k) / C(n, k), as the product 1 − Π_{i=n−c+1..n} (1 − k/i)
 * (Chen et al. 2021) so large n never overflows the binomials.
 */
export function passAtK(n: number, c: number, k: number): number {
  checkCounts(n, c, k);
  if (n - c < k) return 1;
  let fail = 1;
  for (let i = n - c + 1; i <= n; i++) fail *= 1 - k / i;
  return 1 - fail;
}

/** avg@k: the mean correctness of the k samples (avg@1 = pass@1). */
export function avgAtK(corrects: readonly boolean[]): number {
  if (corrects.length === 0) throw new Error('avg@k: no samples');
  return mean(corrects.map((c) => (c ? 1 : 0)));
}

export interface GradedSample {
  /** equivalence-class key of the extracted answer (from the verifier), null when none was extracted */
  key: string | number | null;
  /** whether this sample matches the reference answer */
  correct: boolean;
}

/**
 * maj@k: is the majority answer correct? The majority is taken over class keys (ties to the class
 * seen first, see `majority`); its correctness is that of its first sample. No answer at all → false.
 */
export function majAtK(samples: readonly GradedSample[]): boolean {
  const top = majority(samples.map((s) => s.key));
  if (top === null) return false;
  return samples.find((s) => s.key === top.key)?.correct ?? false;
}

export interface ProblemOutcome {
  /** groups this problem counts towards, e.g. ['MATH-500', 'MATH-500/Algebra'] */
  groups: readonly string[];
  n: number;
  c: number;
  majCorrect?: boolean;
}

export interface GroupSummary {
  problems: number;
  /** mean over problems of c/n */
  avg: number;
  /** mean pass@k per requested k */
  passAtK: Record<string, number>;
  /** mean maj@n over the problems that carry `majCorrect`; absent when none do */
  maj?: number;
}

/** Per-group means of avg@n, pass@k and maj@n. Every problem must have n ≥ max(ks). */
export function summarise(
  outcomes: readonly ProblemOutcome[],
  ks: readonly number[],
): Record<string, GroupSummary> {
  const byGroup = new Map<string, ProblemOutcome[]>();
  outcomes.forEach((o, i) => {
    if (o.groups.length === 0) throw new Error(`summarise: outcome ${i} belongs to no group`);
    for (const g of o.groups) {
      const rows = byGroup.get(g);
      if (rows) rows.push(o);
      else byGroup.set(g, [o]);
    }
  });
  const out: Record<string, GroupSummary> = {};
  for (const [group, rows] of byGroup) {
    const withMaj = rows.filter((r) => r.majCorrect !== undefined);
    out[group] = {
      problems: rows.length,
      avg: mean(rows.map((r) => r.c / r.n)),
      passAtK: Object.fromEntries(ks.map((k) => [String(k), mean(rows.map((r) => passAtK(r.n, r.c, k)))])),
      ...(withMaj.length > 0 ? { maj: mean(withMaj.map((r) => (r.majCorrect ? 1 : 0))) } : {}),
    };
  }
  return out;
}
