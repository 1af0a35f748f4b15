import { setCurrentDetails } from '@temporalio/workflow';
import type { ArtifactRef } from '../../schemas/artifact.js';
import type { Checkpoint } from '../../schemas/records.js';
import type { StageRecord } from '../../contract/records.js';
import type { LlmAccount } from '../../core/usage.js';
import { orchestration } from '../proxies.js';
import { studentRollouts, withStudent } from '../serving.js';
import { dedupInto } from './dedup.js';
import {
  embed,
  runLlmStep,
  stageRecord,
  stageTally,
  type StageContext,
  type Track,
} from '../stage-context.js';

export interface SynthesisInput {
  ctx: StageContext;
  failed: ArtifactRef;
  failuresByCategory: Record<string, number>;
  sizeByCategory: Record<string, number>;
  checkpoint: Checkpoint;
  /** Everything synthetic problems must not overlap: benchmarks and the training set. */
  against: ArtifactRef[];
}

export interface SynthesisResult {
  synthetic: ArtifactRef;
  funnel: Record<string, number>;
  record: StageRecord;
}

/**
 * SwS stages C–I: concepts of the failed problems → embeddings → concept lists (budget ∝ failure
 * ratio) → problems → two judges → labeller's self-consistent answers → the policy's accuracy
 * band → near-duplicate removal and decontamination. The funnel counts each step's survivors.
 * In `select` mode the pool problems nearest each concept list replace generation and labelling.
 */
export async function synthesisStage(input: SynthesisInput): Promise<SynthesisResult> {
  const { ctx } = input;
  const { config } = ctx;
  const s = config.stages;
  const store = config.store;
  const { usage, counts, track } = stageTally();

  setCurrentDetails('extracting concepts from failed problems');
  const concepts = await runLlmStep(
    ctx,
    'concepts',
    input.failed,
    { k: s.concepts.perProblem, temperature: s.concepts.temperature },
    [{ role: 'conceptExtractor', endpointName: config.roles.conceptExtractor }],
  );
  track('concepts', concepts);

  setCurrentDetails('embedding concepts');
  const texts = await orchestration().conceptTexts({ store, conceptSets: concepts.output });
  const conceptVectors = await embed(ctx, 'embed', texts.texts, usage);

  setCurrentDetails('sampling concept combinations');
  const lists = await orchestration().sampleConcepts({
    store,
    conceptSets: concepts.output,
    vectors: conceptVectors,
    failuresByCategory: input.failuresByCategory,
    sizeByCategory: input.sizeByCategory,
    sampler: s.sampler,
    mergeSimilarity: s.concepts.mergeSimilarity,
    seed: config.seed + ctx.round,
    idPrefix: `r${ctx.round}-`,
  });

  // Both modes end in problems with reference answers; the funnel names each mode's own steps.
  const labelled =
    s.synthesis.mode === 'select'
      ? await selectFromPool(ctx, lists.lists, conceptVectors, usage)
      : await generateAndLabel(ctx, lists.lists, track);

  setCurrentDetails(`filtering ${labelled.output.count} problems by the policy's accuracy`);
  const inBand = await withStudent(ctx, input.checkpoint, (student) =>
    runLlmStep(
      ctx,
      'difficulty',
      labelled.output,
      {
        ...studentRollouts(ctx.config, s.difficulty.samples),
        band: s.difficulty.band,
        studentAgreement: s.referenceAnswer.studentAgreement,
      },
      [student],
    ),
  );
  track('difficulty', inBand);

  const deduped = await dedupInto(ctx, inBand.output, input.against, counts);

  const funnel = {
    'concept lists': lists.lists.count,
    ...labelled.funnel,
    'in band': inBand.output.count,
    'after dedup/decontamination': deduped.synthetic.count,
  };
  return {
    synthetic: deduped.synthetic,
    funnel,
    record: stageRecord(ctx, { cached: deduped.cached, counts: { ...funnel, ...counts }, llm: usage }),
  };
}

interface Labelled {
  output: ArtifactRef;
  funnel: Record<string, number>;
}

/** SwS stages F–H: a problem per concept list, kept by both judges, labelled by self-consistency. */
async function generateAndLabel(ctx: StageContext, lists: ArtifactRef, track: Track): Promise<Labelled> {
  const { config } = ctx;
  const s = config.stages;
  setCurrentDetails(`generating ${lists.count} problems`);
  const generated = await runLlmStep(
    ctx,
    'generate',
    lists,
    { temperature: s.generation.temperature, max_tokens: s.generation.maxTokens },
    [{ role: 'generator', endpointName: config.roles.generator }],
  );
  track('generate', generated);

  setCurrentDetails(`judging ${generated.output.count} problems`);
  const judged = await runLlmStep(
    ctx,
    'judge',
    generated.output,
    {
      temperature: s.judging.temperature,
      keepRule: s.judging.keepRule,
      maxProblemChars: s.judging.maxProblemChars,
    },
    config.roles.judges.map((endpointName, i) => ({ role: `judges.${i}`, endpointName })),
  );
  track('judge', judged);

  setCurrentDetails(`labelling ${judged.output.count} problems by self-consistency`);
  const answered = await runLlmStep(
    ctx,
    'reference-answer',
    judged.output,
    {
      n: s.referenceAnswer.samples,
      temperature: s.referenceAnswer.temperature,
      top_p: s.referenceAnswer.topP,
      max_tokens: s.referenceAnswer.maxTokens,
      minAgreement: s.referenceAnswer.minAgreement,
    },
    [{ role: 'labeller', endpointName: config.roles.labeller }],
  );
  track('reference-answer', answered);

  return {
    output: answered.output,
    funnel: {
      generated: lists.count,
      'RL-suitable': generated.output.count,
      judged: judged.output.count,
      'answer-verified': answered.output.count,
    },
  };
}

/**
 * SwS weakness-driven selection: the pool problems nearest each concept list (embedding cosine).
 * Pool problems carry reference answers, so generation, judging and labelling are skipped; the
 * difficulty band and dedup/decontamination still apply.
 */
async function selectFromPool(
  ctx: StageContext,
  lists: ArtifactRef,
  conceptVectors: ArtifactRef,
  usage: LlmAccount,
): Promise<Labelled> {
  const { config } = ctx;
  const store = config.store;
  setCurrentDetails('reading the problem pool');
  // RunConfig's refinement guarantees data.pool in select mode.
  const pool = await orchestration().ingest({ store, uri: config.data.pool!, name: 'pool' });
  const texts = await orchestration().poolTexts({ store, pool: pool.problems });
  setCurrentDetails(`embedding ${pool.problems.count} pool problems`);
  const poolVectors = await embed(ctx, 'embed-pool', texts.texts, usage);
  setCurrentDetails(`selecting pool problems for ${lists.count} concept lists`);
  const picked = await orchestration().selectFromPool({
    store,
    lists,
    conceptVectors,
    pool: pool.problems,
    poolVectors,
    perList: config.stages.synthesis.perList,
  });
  return {
    output: picked.selected,
    funnel: { pool: pool.problems.count, 'selected from pool': picked.selected.count },
  };
}
