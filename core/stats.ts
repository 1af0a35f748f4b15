/**
 * Answer agreement, shared by majority voting (maj@k, self-consistency reference answers) and the
 * committee's local vote share. Answers are compared through class keys so the verifier decides
 * equivalence once and every consumer counts the same way.
 */

export function mean(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error('mean of an empty list');
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/**
 * Group answers into equivalence classes: each answer joins the class of the first earlier
 * representative it is `equivalent` to, else starts a new class. Keys are the representative's
 * position, so they are stable for a given order. null (no extractable answer) stays null.
 * O(answers × classes) calls of `equivalent`, which is fine for a committee or n ≤ 64 samples.
 */
export function equivalenceClasses(
  answers: readonly (string | null)[],
  equivalent: (a: string, b: string) => boolean,
): (number | null)[] {
  const reps: { key: number; answer: string }[] = [];
  return answers.map((answer, i) => {
    if (answer === null) return null;
    const rep = reps.find((r) => equivalent(r.answer, answer));
    if (rep) return rep.key;
    reps.push({ key: i, answer });
    return i;
  });
}

export interface Majority<K> {
  key: K;
  count: number;
  /** count / all answers, nulls included: a null is a sample that agreed with nothing. */
  share: number;
}

/**
 * The most common non-null class key. Ties go to the class that appeared first (as Python's
 * Counter.most_common does), so the result is deterministic. null when every key is null.
 */
export function majority<K>(keys: readonly (K | null)[]): Majority<K> | null {
  const counts = new Map<K, number>();
  for (const k of keys) if (k !== null) counts.set(k, (counts.get(k) ?? 0) + 1);
  let best: Majority<K> | null = null;
  for (const [key, count] of counts) {
    if (best === null || count > best.count) best = { key, count, share: count / keys.length };
  }
  return best;
}

/**
 * Whether answer i is in a largest non-null class (the verifier's majority; with a tie for
 * largest, any of the tied classes counts). false for a null answer.
 */
export function inLargestClass<K>(keys: readonly (K | null)[], i: number): boolean {
  const mine = keys[i];
  if (mine === null || mine === undefined) return false;
  const size = (k: K) => keys.filter((x) => x === k).length;
  const top = Math.max(...keys.filter((k): k is K => k !== null).map(size));
  return size(mine) === top;
}
