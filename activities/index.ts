import { createServingActivities } from './jobs/serving.js';
import { createTrainingActivities } from './jobs/training.js';
import { createLlmQueueActivities } from './llm-queue.js';
import { createStageActivities } from './stages/index.js';

/** Activities by task queue: one process may serve all three queues, or each its own. */
export function createActivities() {
  return {
    orchestration: createStageActivities(),
    llm: createLlmQueueActivities(),
    gpuJobs: { ...createTrainingActivities(), ...createServingActivities() },
  };
}

export type OrchestrationActivities = ReturnType<typeof createStageActivities>;
export type LlmActivities = ReturnType<typeof createLlmQueueActivities>;
export type GpuActivities = ReturnType<typeof createTrainingActivities> &
  ReturnType<typeof createServingActivities>;
export type { TrainingJobInput, TrainingJobOutput } from './jobs/training.js';
