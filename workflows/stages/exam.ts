import { setCurrentDetails } from '@temporalio/workflow';
import type { ArtifactRef } from '../../schemas/artifact.js';
import { orchestration } from '../proxies.js';
import { withStudent } from '../serving.js';
import { embed, runLlmStep, stageRecord, stageTally } from '../stage-context.js';
import { dedupInto } from './dedup.js';
import type { SynthesisInput, SynthesisResult } from './synthesis.js';

/** The exam reads what SwS synthesis reads: the failed set, its categories, the policy, the sets to avoid. */
export type ExamInput = Pick<
  SynthesisInput,
  'ctx' | 'failed' | 'failuresByCategory' | 'sizeByCategory' | 'checkpoint' | 'against'
>;

/**
 * WarriorMath stages 1–4: each committee member in turn examines the student on its weakest
 * categories → the labeller's self-consistent reference answer → the student's N rollouts, keeping
 * the problems it solves at most `maxAccuracy` of the time (its defects) → the problems it solved
 * too often are critiqued by the other members, rewritten by one of them and assessed again, up to
 * R times → near-duplicate removal and decontamination → KCenterGreedy on embeddings.
 */
export async function examStage(input: ExamInput): Promise<SynthesisResult> {
  const { ctx } = input;
  const { config } = ctx;
  const s = config.stages;
  const e = s.exam;
  const store = config.store;
  const members = config.roles.committee;
  const lanes = members.map((endpointName, i) => ({ role: `committee.${i}`, endpointName }));
  const { usage, counts, track } = stageTally();
  const funnel: Record<string, number> = {};

  setCurrentDetails('planning the exam over the weakest categories');
  const plan = await orchestration().planExam({
    store,
    failed: input.failed,
    failuresByCategory: input.failuresByCategory,
    sizeByCategory: input.sizeByCategory,
    members: members.length,
    perMember: e.candidatesPerMember,
    seed: config.seed + ctx.round,
    idPrefix: `r${ctx.round}-exam-`,
  });
  // Each weak category with its rank, weakest = 1.
  plan.weakCategories.forEach((c, i) => (counts[`weak: ${c}`] = i + 1));
  funnel['exam tasks'] = plan.tasks.count;

  setCurrentDetails(`${members.length} examiners writing ${plan.tasks.count} problems`);
  const examined = await runLlmStep(
    ctx,
    'examine',
    plan.tasks,
    { members, temperature: s.generation.temperature },
    lanes,
  );
  track('examine', examined);
  funnel.examined = examined.output.count;

  const defects: ArtifactRef[] = [];
  let pending = examined.output;
  for (let r = 0; ; r++) {
    const at = r === 0 ? '' : ` (refinement ${r})`;
    const step = (name: string) => `${name}${at}`;
    setCurrentDetails(`assessing ${pending.count} exam problems${at}`);
    const answered = await runLlmStep(
      ctx,
      'reference-answer',
      pending,
      {
        n: s.referenceAnswer.samples,
        temperature: s.referenceAnswer.temperature,
        top_p: s.referenceAnswer.topP,
        minAgreement: s.referenceAnswer.minAgreement,
      },
      [{ role: 'labeller', endpointName: config.roles.labeller }],
    );
    track(step('reference-answer'), answered);
    // The whole accuracy range is kept here; the defect decision is the split below.
    const assessed = await withStudent(ctx, input.checkpoint, (student) =>
      runLlmStep(
        ctx,
        'difficulty',
        answered.output,
        { n: e.rollouts, temperature: s.rl.temperature, band: [0, 1] },
        [student],
      ),
    );
    track(step('defect assessment'), assessed);
    const split = await orchestration().splitDefects({
      store,
      assessed: assessed.output,
      maxAccuracy: e.maxAccuracy,
    });
    defects.push(split.defects);
    funnel[step('answer-verified')] = answered.output.count;
    funnel[step('assessed')] = assessed.output.count;
    funnel[step('defects')] = split.defects.count;
    funnel[step('solved too often')] = split.solvedTooOften.count;
    if (split.solvedTooOften.count === 0) break;
    if (r === e.refineRounds) {
      counts[`dropped: solved too often after ${r} refinements`] = split.solvedTooOften.count;
      break;
    }

    setCurrentDetails(`critiquing and refining ${split.solvedTooOften.count} problems (round ${r + 1})`);
    const params = { members, temperature: s.judging.temperature };
    const critiqued = await runLlmStep(ctx, 'critique', split.solvedTooOften, params, lanes);
    track(`critique ${r + 1}`, critiqued);
    const refined = await runLlmStep(
      ctx,
      'refine',
      critiqued.output,
      { members, temperature: s.generation.temperature },
      lanes,
    );
    track(`refine ${r + 1}`, refined);
    funnel[`refined (refinement ${r + 1})`] = refined.output.count;
    pending = refined.output;
  }

  const all = await orchestration().concatProblems({ store, sets: defects });
  funnel['defects, all rounds'] = all.problems.count;
  const deduped = await dedupInto(ctx, all.problems, input.against, counts);
  funnel['after dedup/decontamination'] = deduped.synthetic.count;

  // k-center keeps every problem when there are no more than `keep`: nothing to embed then.
  let kept: { problems: ArtifactRef; cached: boolean } = {
    problems: deduped.synthetic,
    cached: deduped.cached,
  };
  if (deduped.synthetic.count > e.keep) {
    setCurrentDetails(`choosing ${e.keep} diverse problems of ${deduped.synthetic.count}`);
    const texts = await orchestration().problemTexts({ store, problems: deduped.synthetic });
    const vectors = await embed(ctx, 'embed', texts.texts, usage);
    kept = await orchestration().selectDiverse({
      store,
      problems: deduped.synthetic,
      vectors,
      keep: e.keep,
      seed: config.seed + ctx.round,
    });
  }
  funnel['kept (k-center)'] = kept.problems.count;

  return {
    synthetic: kept.problems,
    funnel,
    record: stageRecord(ctx, { cached: kept.cached, counts: { ...funnel, ...counts }, llm: usage }),
  };
}
