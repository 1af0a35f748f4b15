import type { StagesConfig } from '../schemas/config.js';

/**
 * The kinds of stage a round runs: the one-line summary the Temporal UI shows on each child
 * workflow, and the config sections (`stages.*`) the stage reads. The child workflow of each kind
 * is in workflows/stage-table.ts, keyed by the same kinds. A stage's name in a run may add a
 * suffix to its kind: `dpo-2` is the second DPO round, `evaluation.sft` evaluates the SFT model.
 */
export const STAGE_KINDS = {
  ingest: {
    summary: 'Read the training set and benchmarks; classify unlabelled problems',
    config: [],
  },
  rl: { summary: 'Initial RL (GRPO) with the per-problem accuracy log', config: ['rl'] },
  assess: { summary: "Student rollouts on the training set: this round's accuracy log", config: ['rl'] },
  weakness: { summary: 'Weakness detection: best accuracy < 0.5 and non-rising trend', config: ['weakness'] },
  synthesis: {
    summary: 'SwS synthesis: concepts → problems → judges → answers → difficulty band → dedup',
    config: [
      'concepts',
      'sampler',
      'synthesis',
      'generation',
      'judging',
      'referenceAnswer',
      'difficulty',
      'rl',
    ],
  },
  exam: {
    summary: 'WarriorMath exam: examiners → answers → student defects → critique & refine → k-center',
    config: ['exam', 'generation', 'judging', 'referenceAnswer', 'rl'],
  },
  gold: {
    summary: 'Committee answers, pairwise battles, Elo + votes → gold solutions',
    config: ['gold', 'generation', 'judging'],
  },
  sft: { summary: 'SFT on gold solutions', config: ['sft'] },
  dpo: { summary: 'DPO + NLL on the checkpoint’s remaining failures', config: ['dpo', 'rl'] },
  'augmented-rl': { summary: 'Augmented RL on original ∪ synthetic problems', config: ['augmentedRl', 'rl'] },
  evaluation: {
    summary: 'Benchmark evaluation: Avg@k, Pass@k, maj@k per benchmark and category',
    config: ['evaluation'],
  },
} as const satisfies Record<string, { summary: string; config: readonly (keyof StagesConfig)[] }>;

export type StageKind = keyof typeof STAGE_KINDS;

/** The kind of a stage name: `dpo-2` → `dpo`, `evaluation.sft` → `evaluation`. */
export function stageKind(name: string): string {
  return name.startsWith('evaluation') ? 'evaluation' : name.replace(/-\d+$/, '');
}
