import { setCurrentDetails } from '@temporalio/workflow';
import type { ArtifactRef } from '../../schemas/artifact.js';
import type { StageRecord } from '../../contract/records.js';
import { orchestration } from '../proxies.js';
import { addAccount, emptyAccount, runLlmStep, stageRecord, type StageContext } from '../stage-context.js';

export interface GoldResult {
  gold: ArtifactRef;
  sft: ArtifactRef;
  ratings: Record<string, number>;
  record: StageRecord;
}

/**
 * WarriorMath stages 5–6: every committee member answers each problem, members judge each other's
 * answers pairwise, and Elo + local votes pick the gold solution.
 */
export async function goldStage(input: { ctx: StageContext; problems: ArtifactRef }): Promise<GoldResult> {
  const { ctx } = input;
  const { config } = ctx;
  const members = config.roles.committee;
  const lanes = members.map((endpointName, i) => ({ role: `committee.${i}`, endpointName }));
  const params = {
    members,
    temperature: config.stages.generation.temperature,
    max_tokens: config.stages.gold.maxTokens,
  };
  setCurrentDetails(`${members.length} members answering ${input.problems.count} problems`);
  const answered = await runLlmStep(ctx, 'committee-answers', input.problems, params, lanes);
  setCurrentDetails(`members judging each pair of answers to ${answered.output.count} problems`);
  const judged = await runLlmStep(
    ctx,
    'battles',
    answered.output,
    { ...params, temperature: config.stages.judging.temperature },
    lanes,
  );
  setCurrentDetails('choosing gold answers by Elo and local votes');
  const gold = await orchestration().selectGoldAnswers({
    store: config.store,
    judged: judged.output,
    members,
    eloK: config.stages.gold.eloK,
    eloWeight: config.stages.gold.eloWeight,
  });
  const usage = addAccount(addAccount(emptyAccount(), answered.usage), judged.usage);
  const counts: Record<string, number> = { ...gold.counts };
  for (const [m, r] of Object.entries(gold.ratings)) counts[`elo ${m}`] = Math.round(r);
  return {
    gold: gold.gold,
    sft: gold.sft,
    ratings: gold.ratings,
    record: stageRecord(ctx, { cached: gold.cached, counts, llm: usage }),
  };
}
