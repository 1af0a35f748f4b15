import type { Client, WorkflowHandle } from '@temporalio/client';
import type { RunConfig } from '../schemas/config.js';
import { configDigest } from '../activities/report/write.js';
import { taskQueues } from '../contract/queues.js';
import type { StageRecord } from '../contract/records.js';
import { trainingLoopWorkflowId, type RunStatus } from '../workflows/contract.js';
import type { trainingLoop } from '../workflows/training-loop.js';
import { CliError, ExitCode } from './errors.js';
import { readRun, type RunView } from './run-status.js';

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
    memo: { configDigest: configDigest(config) },
  });
}

/**
 * Follows a run until it closes, reporting each stage once as it finishes and calling onTick on
 * every poll while it runs. The status is read as `drill status` reads it, so a run whose worker
 * is gone is still followed from its stage workflows. A run that ends other than completed throws
 * with its failure.
 */
export async function watchRun(
  client: Client,
  runId: string,
  onStage: (s: StageRecord, status: RunStatus) => void,
  opts: { intervalMs?: number; onTick?: (view: RunView) => Promise<void> | void } = {},
): Promise<RunStatus> {
  let seen = 0;
  for (;;) {
    const view = await readRun(client, runId);
    for (const s of view.status.stages.slice(seen)) onStage(s, view.status);
    seen = Math.max(seen, view.status.stages.length);
    if (view.state === 'COMPLETED') return view.status;
    if (view.state !== 'RUNNING')
      throw new CliError(
        `run ${runId} ended ${view.state}: ${view.failure ?? 'no failure recorded'}`,
        ExitCode.Failure,
      );
    await opts.onTick?.(view);
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 1000));
  }
}
