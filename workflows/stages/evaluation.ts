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
  await withStudent(ctx, checkpoint, async (student) => {
    for (const b of input.benchmarks) {
      const r = await runLlmStep(
        ctx,
        'evaluate',
        b.problems,
        { n: evaluation.samples, temperature: evaluation.temperature, benchmark: b.name },
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
    samples: evaluation.samples,
    simulated: checkpoint.simulated || studentSimulated(ctx.config),
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
