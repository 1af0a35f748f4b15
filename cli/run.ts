import type { Client, WorkflowHandle } from '@temporalio/client';
import type { RunConfig } from '../schemas/config.js';
import { taskQueues } from '../contract/queues.js';
import type { StageRecord } from '../contract/records.js';
import { statusQuery, trainingLoopWorkflowId, type RunStatus } from '../workflows/contract.js';
import type { trainingLoop } from '../workflows/training-loop.js';

/** Starts a validated run; the config carries environment-variable names only, never secrets. */
export async function startRun(
  client: Client,
  config: RunConfig,
  queuePrefix = '',
): Promise<WorkflowHandle<typeof trainingLoop>> {
  return client.workflow.start<typeof trainingLoop>('trainingLoop', {
    taskQueue: taskQueues(queuePrefix).orchestration,
    workflowId: trainingLoopWorkflowId(config.runId),
    args: [{ config }],
  });
}

/**
 * Follows a run until it closes, reporting each stage once as it finishes. The handle follows the
 * continue-as-new chain because it is bound to the workflow ID, not a run.
 */
export async function watchRun(
  client: Client,
  runId: string,
  onStage: (s: StageRecord, status: RunStatus) => void,
  intervalMs = 1000,
): Promise<RunStatus> {
  const handle = client.workflow.getHandle(trainingLoopWorkflowId(runId));
  let seen = 0;
  for (;;) {
    const desc = await handle.describe();
    let status: RunStatus | undefined;
    if (desc.status.name === 'RUNNING') {
      try {
        status = await handle.query(statusQuery);
      } catch {
        // a query can race continue-as-new; the next poll asks the new run
      }
    } else if (desc.status.name === 'COMPLETED') {
      status = (await handle.result()) as RunStatus;
    } else if (desc.status.name !== 'CONTINUED_AS_NEW') {
      await handle.result(); // throws the failure with its cause
      throw new Error(`run ${runId} ended ${desc.status.name}`);
    }
    if (status) {
      for (const s of status.stages.slice(seen)) onStage(s, status);
      seen = Math.max(seen, status.stages.length);
      if (status.phase === 'completed') return status;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
