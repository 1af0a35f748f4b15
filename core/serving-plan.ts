/**
 * Which upcoming stages ask the student checkpoint that is current now — the decision behind
 * keeping a student server up across stages (jobs.serve "per-checkpoint", workflows/student-servers.ts)
 * instead of loading the same weights once per stage.
 *
 * Every stage that asks the student asks the checkpoint current when it runs, and every training
 * stage makes a new one current. So a server for the current checkpoint is worth keeping after a
 * stage iff the next stage that asks the student comes before the next stage that trains. A
 * server is never kept through a training stage: a GPU server idle for the hours a job trains
 * costs more than loading the weights again (minutes).
 */

/** What a stage does with the student. DPO samples the current checkpoint, then trains from it. */
export type StudentUse = 'asks' | 'trains' | 'asks-then-trains' | 'none';

const USE: Record<string, StudentUse> = {
  ingest: 'none',
  evaluation: 'asks',
  rl: 'trains',
  assess: 'asks',
  weakness: 'none',
  synthesis: 'asks',
  exam: 'asks',
  gold: 'none',
  sft: 'trains',
  dpo: 'asks-then-trains',
  'augmented-rl': 'trains',
};

/** A stage's use of the student from its name in the run (`evaluation.sft`, `dpo-2`, …). */
export function studentUse(stage: string): StudentUse {
  const kind = /^(evaluation)\.|^(dpo)-\d+$/.exec(stage)?.slice(1).find(Boolean) ?? stage;
  const use = USE[kind];
  if (use === undefined) throw new Error(`no student use known for stage "${stage}"`);
  return use;
}

/** The loop's shape, from the config: which optional stages run and how many rounds. */
export interface LoopShape {
  rounds: number;
  synthesis: boolean;
  exam: boolean;
  gold: boolean;
  dpoRounds: number;
  augmentedRl: boolean;
}

/**
 * The stages of round `round` in the order workflows/training-loop.ts runs them when every stage
 * has work (a stage skipped at run time, e.g. gold with no problems, only shortens this).
 */
export function roundStages(shape: LoopShape, round: number): string[] {
  const first = round === 0 ? ['ingest', 'evaluation.base', 'rl', 'evaluation.rl'] : [];
  // A round after one without augmented RL has no accuracy log: it assesses the checkpoint first.
  const assess = round > 0 && !shape.augmentedRl ? ['assess'] : [];
  const dpo = Array.from({ length: shape.dpoRounds }, (_, i) => [`dpo-${i + 1}`, `evaluation.dpo-${i + 1}`]);
  return [
    ...first,
    ...assess,
    'weakness',
    ...(shape.synthesis ? ['synthesis'] : []),
    ...(shape.exam ? ['exam'] : []),
    ...(shape.gold ? ['gold', 'sft', 'evaluation.sft', ...dpo.flat()] : []),
    ...(shape.augmentedRl ? ['augmented-rl', 'evaluation.augmented-rl'] : []),
  ];
}

/**
 * Whether the checkpoint that `stage` of `round` asks is asked again by a later stage (this round
 * or the next) before anything trains. A stage the plan does not know answers false: stopping a
 * server early costs one reload, keeping it by mistake could cost idle GPU-hours.
 */
export function askedAgain(shape: LoopShape, round: number, stage: string): boolean {
  if (studentUse(stage) !== 'asks') return false;
  const here = roundStages(shape, round);
  const at = here.indexOf(stage);
  if (at < 0) return false;
  const next = round + 1 < shape.rounds ? roundStages(shape, round + 1) : [];
  for (const later of [...here.slice(at + 1), ...next]) {
    const use = studentUse(later);
    if (use === 'asks' || use === 'asks-then-trains') return true;
    if (use === 'trains') return false;
  }
  return false;
}
