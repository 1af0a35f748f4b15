/**
 * The kinds of stage a round runs, each with the one-line summary the Temporal UI shows on its
 * child workflow. A stage's name in the run adds a suffix to its kind: `dpo-2` is the second DPO
 * round, `evaluation.sft` evaluates the SFT checkpoint.
 */
export const STAGE_KINDS = {
  ingest: 'Read the training set and benchmarks; classify unlabelled problems',
  rl: 'Initial RL (GRPO) with the per-problem accuracy log',
  assess: "Student rollouts on the training set: this round's accuracy log",
  weakness: 'Weakness detection: best accuracy < 0.5 and non-rising trend',
  synthesis: 'SwS synthesis: concepts → problems → judges → answers → difficulty band → dedup',
  exam: 'WarriorMath exam: examiners → answers → student defects → critique & refine → k-center',
  gold: 'Committee answers, pairwise battles, Elo + votes → gold solutions',
  sft: 'SFT on gold solutions',
  dpo: 'DPO + NLL on the checkpoint’s remaining failures',
  'augmented-rl': 'Augmented RL on original ∪ synthetic problems',
  evaluation: 'Benchmark evaluation: Avg@k, Pass@k, maj@k per benchmark and category',
} as const;

export type StageKind = keyof typeof STAGE_KINDS;

/** The kind of a stage name: `dpo-2` → `dpo`, `evaluation.sft` → `evaluation`. */
export function stageKind(name: string): string {
  return name.startsWith('evaluation') ? 'evaluation' : name.replace(/-\d+$/, '');
}
