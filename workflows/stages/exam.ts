import { patched, setCurrentDetails } from '@temporalio/workflow';
import type { ArtifactRef } from '../../schemas/artifact.js';
import { orchestration } from '../proxies.js';
import { studentRollouts, withStudent } from '../serving.js';
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
 * the problems it solves at most `maxAccuracy` of the time (its defects) → each defect is critiqued
 * by the other members, revised by its author, answered and assessed again, up to R times →
 * near-duplicate removal and decontamination → KCenterGreedy keeps a fraction, on embeddings.
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
    { members, temperature: s.generation.temperature, max_tokens: s.generation.maxTokens },
    lanes,
  );
  track('examine', examined);
  funnel.examined = examined.output.count;

  // Histories recorded before this patch refined the problems solved too often and kept an
  // absolute k-center size; they replay on the old branch.
  const faithful = patched('exam-refines-defects');
  const assess = async (pending: ArtifactRef, at: string) => {
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
        max_tokens: s.referenceAnswer.maxTokens,
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
        { ...studentRollouts(ctx.config, e.rollouts), band: [0, 1] },
        [student],
      ),
    );
    track(step('defect assessment'), assessed);
    const split = await orchestration().splitDefects({
      store,
      assessed: assessed.output,
      maxAccuracy: e.maxAccuracy,
    });
    funnel[step('answer-verified')] = answered.output.count;
    funnel[step('assessed')] = assessed.output.count;
    funnel[step('defects')] = split.defects.count;
    funnel[step('solved too often')] = split.solvedTooOften.count;
    return split;
  };
  const critiqueAndRefine = async (problems: ArtifactRef, round: number) => {
    setCurrentDetails(`critiquing and refining ${problems.count} problems (round ${round})`);
    const params = { members, temperature: s.judging.temperature };
    const critiqued = await runLlmStep(ctx, 'critique', problems, params, lanes);
    track(`critique ${round}`, critiqued);
    const refined = await runLlmStep(
      ctx,
      'refine',
      critiqued.output,
      faithful
        ? {
            members,
            temperature: s.generation.temperature,
            max_tokens: s.generation.maxTokens,
            byAuthor: true,
          }
        : { members, temperature: s.generation.temperature },
      lanes,
    );
    track(`refine ${round}`, refined);
    funnel[`refined (refinement ${round})`] = refined.output.count;
    return refined.output;
  };

  const defects: ArtifactRef[] = [];
  if (faithful) {
    // WarriorMath refines the defects: the other members critique each problem the student
    // fails, its author revises it, and the revision is answered and assessed again. A revision
    // the student now solves too often leaves its earlier (failed, verified) version in the set.
    // Problems solved too often from the start are dropped, not refined: they show no defect,
    // and making them harder is the difficulty-raising the method sets itself apart from.
    let split = await assess(examined.output, '');
    counts['dropped: solved too often (no defect)'] = split.solvedTooOften.count;
    defects.push(split.defects);
    for (let r = 1; r <= e.refineRounds && split.defects.count > 0; r++) {
      split = await assess(await critiqueAndRefine(split.defects, r), ` (refinement ${r})`);
      counts[`refinement ${r}: solved too often, earlier version kept`] = split.solvedTooOften.count;
      defects.push(split.defects);
    }
  } else {
    let pending = examined.output;
    for (let r = 0; ; r++) {
      const split = await assess(pending, r === 0 ? '' : ` (refinement ${r})`);
      defects.push(split.defects);
      if (split.solvedTooOften.count === 0) break;
      if (r === e.refineRounds) {
        counts[`dropped: solved too often after ${r} refinements`] = split.solvedTooOften.count;
        break;
      }
      pending = await critiqueAndRefine(split.solvedTooOften, r + 1);
    }
  }

  const all = await orchestration().concatProblems({ store, sets: defects, latestRevision: faithful });
  funnel['defects, all rounds'] = all.problems.count;
  const deduped = await dedupInto(ctx, all.problems, input.against, counts);
  funnel['after dedup/decontamination'] = deduped.synthetic.count;

  // k-center keeps a fraction (rounded up) of the defects; when that is all of them, nothing is embedded.
  const keep = faithful && e.keep <= 1 ? Math.ceil(e.keep * deduped.synthetic.count) : e.keep;
  let kept: { problems: ArtifactRef; cached: boolean } = {
    problems: deduped.synthetic,
    cached: deduped.cached,
  };
  if (deduped.synthetic.count > keep) {
    setCurrentDetails(`choosing ${keep} diverse problems of ${deduped.synthetic.count}`);
    const texts = await orchestration().problemTexts({ store, problems: deduped.synthetic });
    const vectors = await embed(ctx, 'embed', texts.texts, usage);
    kept = await orchestration().selectDiverse({
      store,
      problems: deduped.synthetic,
      vectors,
      keep,
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
