import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { GpuActivities, LlmActivities, OrchestrationActivities } from '../activities/index.js';
import type { RunConfig } from '../schemas/config.js';
import { FAILURE_TYPES } from '../contract/failures.js';
import { queuePrefixOf, taskQueues } from '../contract/queues.js';

/** Activity stubs per task queue, with the timeouts and retry rules each kind of work needs. */

const NON_RETRYABLE = [FAILURE_TYPES.invalidConfig, FAILURE_TYPES.invalidData];

/** The queues of the deployment this workflow runs in (see taskQueues). */
export const queues = () => taskQueues(queuePrefixOf(workflowInfo().taskQueue));

export const orchestration = () =>
  proxyActivities<OrchestrationActivities>({
    taskQueue: queues().orchestration,
    startToCloseTimeout: '30 minutes',
    // The worker heartbeats these from a timer (workers/background-heartbeat.ts): a SIGKILLed
    // worker's step is retried on another within this, not after the start-to-close timeout.
    heartbeatTimeout: '60 seconds',
    retry: { initialInterval: '2s', maximumInterval: '1 minute', nonRetryableErrorTypes: NON_RETRYABLE },
  });

export const llm = () =>
  proxyActivities<LlmActivities>({
    taskQueue: queues().llm,
    startToCloseTimeout: '24 hours',
    // Batches heartbeat their progress every few seconds; a dead worker is noticed within this.
    heartbeatTimeout: '60 seconds',
    retry: {
      initialInterval: '5s',
      maximumInterval: '5 minutes',
      nonRetryableErrorTypes: [...NON_RETRYABLE, FAILURE_TYPES.llmEndpoint],
    },
  });

/** Training jobs heartbeat on every poll, so the timeout follows the configured poll interval. */
export function gpu(config: RunConfig) {
  return proxyActivities<GpuActivities>({
    taskQueue: queues().gpuJobs,
    startToCloseTimeout: '7 days',
    heartbeatTimeout: `${Math.max(10, 5 * config.jobs.pollSeconds)} seconds`,
    retry: {
      initialInterval: '5s',
      maximumInterval: '2 minutes',
      nonRetryableErrorTypes: [...NON_RETRYABLE, FAILURE_TYPES.trainingJobFailed],
    },
  });
}
