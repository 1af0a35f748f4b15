import { setCurrentDetails } from '@temporalio/workflow';
import type { ArtifactRef } from '../../schemas/artifact.js';
import type { StageRecord } from '../../contract/records.js';
import { orchestration } from '../proxies.js';
import { runLlmStep, stageRecord, type StageContext } from '../stage-context.js';

export interface IngestResult {
  trainSet: ArtifactRef;
  benchmarks: { name: string; problems: ArtifactRef }[];
  record: StageRecord;
}

/** Reads the training set and benchmarks by URI; unlabelled training problems get a category. */
export async function ingestStage(ctx: StageContext): Promise<IngestResult> {
  const { config } = ctx;
  const store = config.store;
  const train = await orchestration().ingest({ store, uri: config.data.trainSet, name: 'train' });
  const benchmarks = await Promise.all(
    config.data.benchmarks.map(async (b) => ({
      name: b.name,
      problems: (await orchestration().ingest({ store, uri: b.uri, name: b.name })).problems,
    })),
  );
  const counts: Record<string, number> = { train: train.problems.count, unlabelled: train.unlabelled };
  for (const b of benchmarks) counts[`benchmark ${b.name}`] = b.problems.count;
  let trainSet = train.problems;
  let usage;
  if (train.unlabelled > 0) {
    setCurrentDetails(`classifying ${train.unlabelled} unlabelled problems`);
    const classified = await runLlmStep(ctx, 'classify', trainSet, {}, [
      { role: 'classifier', endpointName: config.roles.classifier },
    ]);
    trainSet = classified.output;
    usage = classified.usage;
    Object.assign(counts, classified.counts);
  }
  return { trainSet, benchmarks, record: stageRecord(ctx, { cached: train.cached, counts, llm: usage }) };
}
