/** Task queues: the workers serve them, workflows schedule on them, clients start runs on one. */

export const TASK_QUEUES = { orchestration: 'orchestration', llm: 'llm', gpuJobs: 'gpu-jobs' } as const;
export type TaskQueueName = keyof typeof TASK_QUEUES;

/**
 * Task queue names under a prefix (e.g. `team-a/`), so several deployments or test suites share
 * one Temporal namespace without taking each other's tasks. Workflows derive the prefix from the
 * queue they run on, so activities and children follow their parent's deployment.
 */
export function taskQueues(prefix = ''): Record<TaskQueueName, string> {
  return {
    orchestration: `${prefix}${TASK_QUEUES.orchestration}`,
    llm: `${prefix}${TASK_QUEUES.llm}`,
    gpuJobs: `${prefix}${TASK_QUEUES.gpuJobs}`,
  };
}

export function queuePrefixOf(orchestrationQueue: string): string {
  return orchestrationQueue.endsWith(TASK_QUEUES.orchestration)
    ? orchestrationQueue.slice(0, -TASK_QUEUES.orchestration.length)
    : '';
}
