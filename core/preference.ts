/**
 * WarriorMath stage 8's pairs for one problem the checkpoint still gets wrong: rejected = distinct
 * incorrect rollouts, chosen = the gold solution or a verified-correct rollout. Several pairs per
 * problem take different rejected rollouts, and their chosen side cycles over the gold solution
 * and then the correct rollouts, so the model sees more than one right way when it has one.
 */
export interface PairChoice {
  chosen: string;
  rejected: string;
}

export function preferencePairs(
  gold: string,
  rollouts: readonly string[],
  correct: readonly boolean[],
  maxPairs: number,
): PairChoice[] {
  if (rollouts.length !== correct.length) {
    throw new Error(`preferencePairs: ${rollouts.length} rollouts but ${correct.length} grades`);
  }
  if (!Number.isInteger(maxPairs) || maxPairs < 1) {
    throw new Error(`preferencePairs: maxPairs must be a positive integer, got ${maxPairs}`);
  }
  const distinct = (xs: string[]) => [...new Set(xs)];
  const wrong = distinct(rollouts.filter((_, i) => !correct[i]));
  const right = distinct([gold, ...rollouts.filter((_, i) => correct[i])]);
  return wrong.slice(0, maxPairs).map((rejected, i) => ({ chosen: right[i % right.length]!, rejected }));
}
