import { setCurrentDetails } from '@temporalio/workflow';
import type { ArtifactRef } from '../../schemas/artifact.js';
import type { Checkpoint } from '../../schemas/records.js';
import type { EvalSummary, StageRecord } from '../../contract/records.js';
import { orchestration } from '../proxies.js';
import { addAccount, emptyAccount, runLlmStep, stageRecord, type StageContext } from '../stage-context.js';
import { studentSimulated, withStudent } from '../serving.js';

/** k samples per benchmark problem from the checkpoint: Avg@k, Pass@k, maj@k per benchmark and category. */
export async function evaluationStage(input: {
  ctx: StageContext;
  checkpoint: Checkpoint;
  benchmarks: { name: string; problems: ArtifactRef }[];
}): Promise<{ eval: EvalSummary; record: StageRecord }> {
  const { ctx, checkpoint } = input;
  const { evaluation } = ctx.config.stages;
  const usage = emptyAccount();
  const records: ArtifactRef[] = [];
  // Each benchmark's own sampling settings (e.g. Avg@32 on AIME), the stage's defaults otherwise.
  // (A config recorded before per-benchmark settings existed has no `benchmarks`.)
  const perBenchmark: Partial<typeof evaluation.benchmarks> = evaluation.benchmarks ?? {};
  const settings = input.benchmarks.map((b) => ({ ...evaluation, ...perBenchmark[b.name] }));
  let servedSimulated = false;
  await withStudent(ctx, checkpoint, async (student) => {
    servedSimulated = student.simulated ?? false;
    for (const [i, b] of input.benchmarks.entries()) {
      const e = settings[i]!;
      setCurrentDetails(
        `${checkpoint.name} on ${b.name}: ${b.problems.count} problems × ${e.samples} samples`,
      );
      const r = await runLlmStep(
        ctx,
        'evaluate',
        b.problems,
        {
          n: e.samples,
          temperature: e.temperature,
          top_p: e.topP,
          max_tokens: e.maxTokens,
          benchmark: b.name,
        },
        [student],
      );
      addAccount(usage, r.usage);
      records.push(r.output);
    }
  });
  const { summary, report, cached } = await orchestration().summariseEvaluation({
    store: ctx.config.store,
    records,
    checkpoint: checkpoint.name,
    // Pass@k at the smallest k every benchmark sampled; Avg@k is per problem over its own samples.
    samples: Math.min(...settings.map((e) => e.samples)),
    simulated: checkpoint.simulated || studentSimulated(ctx.config) || servedSimulated,
  });
  return {
    eval: summary,
    record: stageRecord(ctx, {
      cached,
      counts: { problems: summary.overall.problems },
      artifacts: { report },
      checkpoint: checkpoint.name,
      eval: summary,
      llm: usage,
      simulated: summary.simulated,
    }),
  };
}
