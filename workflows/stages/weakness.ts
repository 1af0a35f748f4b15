import type { ArtifactRef } from '../../schemas/artifact.js';
import { orchestration } from '../proxies.js';
import { stageRecord, type StageContext } from '../stage-context.js';

/** SwS stage B: which training problems the policy keeps failing, per category. */
export async function weaknessStage(input: {
  ctx: StageContext;
  accuracyLog: ArtifactRef;
  trainSet: ArtifactRef;
}) {
  const { ctx } = input;
  const w = await orchestration().detectWeakness({
    store: ctx.config.store,
    accuracyLog: input.accuracyLog,
    problems: input.trainSet,
    weakness: ctx.config.stages.weakness,
  });
  const counts: Record<string, number> = { ...w.counts };
  for (const [cat, n] of Object.entries(w.failuresByCategory)) counts[`failed ${cat}`] = n;
  return {
    failed: w.failed,
    failuresByCategory: w.failuresByCategory,
    sizeByCategory: w.sizeByCategory,
    record: stageRecord(ctx, { cached: w.cached, counts }),
  };
}
