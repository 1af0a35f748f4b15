import type { ActivityDeps } from './deps.js';
import { createServingActivities } from './jobs/serving.js';
import { createTrainingActivities } from './jobs/training.js';
import { createLlmQueueActivities } from './llm-queue.js';
import { createReportActivities } from './report/write.js';
import { createStageActivities } from './stages/index.js';

/**
 * Activities by task queue: one process may serve all three queues, or each its own. The worker
 * passes what they use (stores, job backends, clock, logger); see deps.ts.
 */
export function createActivities(deps: ActivityDeps) {
  return {
    orchestration: { ...createStageActivities(deps), ...createReportActivities(deps) },
    llm: createLlmQueueActivities(deps),
    gpuJobs: { ...createTrainingActivities(deps), ...createServingActivities(deps) },
  };
}

export type OrchestrationActivities = ReturnType<typeof createStageActivities> &
  ReturnType<typeof createReportActivities>;
export type LlmActivities = ReturnType<typeof createLlmQueueActivities>;
export type GpuActivities = ReturnType<typeof createTrainingActivities> &
  ReturnType<typeof createServingActivities>;
