import { setCurrentDetails } from '@temporalio/workflow';
import type { ArtifactRef } from '../../schemas/artifact.js';
import type { Checkpoint } from '../../schemas/records.js';
import type { StageRecord } from '../../contract/records.js';
import { gpu, orchestration } from '../proxies.js';
import { studentRollouts, withStudent } from '../serving.js';
import { runLlmStep, stageRecord, type StageContext } from '../stage-context.js';

/** Stages that run a GPU training job: RL (A and J), SFT (7) and one DPO round (8). */

export interface TrainedModel {
  checkpoint: Checkpoint;
  accuracyLog?: ArtifactRef;
  record: StageRecord;
}

async function train(
  ctx: StageContext,
  kind: 'rl' | 'sft' | 'dpo',
  base: Checkpoint,
  data: ArtifactRef,
  hyperparams: Record<string, unknown>,
  counts: Record<string, number>,
  /** Further inputs staged next to `train` (e.g. the verl Parquet of the same set). */
  extraInputs: Record<string, ArtifactRef> = {},
): Promise<TrainedModel> {
  // The job's own progress (state, elapsed, last log lines) is in the activity's heartbeat details.
  setCurrentDetails(`${kind} job on ${data.count} examples from ${base.name}`);
  const job = await gpu(ctx.config).runTrainingJob({
    runId: ctx.runId,
    stage: `r${ctx.round}-${ctx.stage}`,
    kind,
    base,
    inputs: { ...extraInputs, train: data },
    hyperparams,
    seed: ctx.config.seed,
    store: ctx.config.store,
    jobs: ctx.config.jobs,
  });
  return {
    checkpoint: job.checkpoint,
    accuracyLog: job.accuracyLog,
    record: stageRecord(ctx, {
      cached: job.cached,
      counts: { ...counts, examples: job.metrics.examples, steps: job.metrics.steps },
      checkpoint: job.checkpoint.name,
      gpuHours: job.metrics.gpuHours,
      simulated: job.metrics.simulated,
    }),
  };
}

/**
 * GRPO with the per-problem accuracy log (the initial RL, or augmented RL on original ∪ synthetic).
 * `parquet`, when given, is the same set as verl Parquet, staged as the job's `parquet` input.
 */
export async function rlStage(input: {
  ctx: StageContext;
  trainSet: ArtifactRef;
  base: Checkpoint;
  parquet?: ArtifactRef;
}): Promise<TrainedModel> {
  const { initialGroupFilter, groupFilter, ...rl } = input.ctx.config.stages.rl;
  // SwS: the initial RL keeps every group (bounds 0 / 1) so each problem's accuracy history is
  // complete; only augmented RL (stage J) filters groups to the accuracy band.
  const augmented = input.ctx.stage === 'augmented-rl';
  return train(
    input.ctx,
    'rl',
    input.base,
    input.trainSet,
    { ...rl, groupFilter: augmented ? groupFilter : initialGroupFilter },
    { 'train problems': input.trainSet.count },
    input.parquet ? { parquet: input.parquet } : {},
  );
}

export async function sftStage(input: {
  ctx: StageContext;
  sft: ArtifactRef;
  base: Checkpoint;
}): Promise<TrainedModel> {
  return train(
    input.ctx,
    'sft',
    input.base,
    input.sft,
    { ...input.ctx.config.stages.sft },
    { 'gold examples': input.sft.count },
  );
}

/**
 * One alignment round: the current checkpoint's rollouts on the gold set; what it still gets wrong
 * becomes preference pairs for DPO + NLL. Nothing left to fix → the checkpoint is kept as is.
 */
export async function dpoStage(input: {
  ctx: StageContext;
  gold: ArtifactRef;
  base: Checkpoint;
}): Promise<TrainedModel> {
  const { ctx, base } = input;
  const { dpo } = ctx.config.stages;
  setCurrentDetails(`${dpo.rollouts} rollouts of ${base.name} on ${input.gold.count} gold problems`);
  const pairs = await withStudent(ctx, base, (student) =>
    runLlmStep(ctx, 'preference-pairs', input.gold, studentRollouts(ctx.config, dpo.rollouts), [student]),
  );
  if (pairs.output.count === 0) {
    return {
      checkpoint: base,
      record: stageRecord(ctx, {
        cached: false,
        counts: { ...pairs.counts, pairs: 0 },
        checkpoint: base.name,
        llm: pairs.usage,
      }),
    };
  }
  const trained = await train(
    ctx,
    'dpo',
    base,
    pairs.output,
    { beta: dpo.beta, nllWeight: dpo.nllWeight },
    {
      ...pairs.counts,
      pairs: pairs.output.count,
    },
  );
  return { ...trained, record: { ...trained.record, llm: pairs.usage } };
}

/** For rounds after the first without augmented RL: the student's accuracy on the training set now. */
export async function assessStage(input: {
  ctx: StageContext;
  trainSet: ArtifactRef;
  checkpoint: Checkpoint;
  /** the accuracy log the previous round read: this assessment appends to it */
  history?: ArtifactRef;
}) {
  const { ctx } = input;
  const { rl } = ctx.config.stages;
  setCurrentDetails(
    `${rl.rollouts} rollouts of ${input.checkpoint.name} on ${input.trainSet.count} problems`,
  );
  const assessed = await withStudent(ctx, input.checkpoint, (student) =>
    runLlmStep(ctx, 'assess', input.trainSet, studentRollouts(ctx.config, rl.rollouts), [student]),
  );
  const log = await orchestration().buildAccuracyLog({
    store: ctx.config.store,
    assessed: assessed.output,
    ...(input.history ? { history: input.history } : {}),
  });
  return {
    accuracyLog: log.accuracyLog,
    record: stageRecord(ctx, {
      cached: log.cached,
      counts: assessed.counts,
      checkpoint: input.checkpoint.name,
      llm: assessed.usage,
    }),
  };
}
