import { CancellationScope } from '@temporalio/workflow';
import type { RunConfig } from '../schemas/config.js';
import type { Checkpoint } from '../schemas/records.js';
import { gpu } from './proxies.js';
import { studentLane, type Lane, type StageContext } from './stage-context.js';

/**
 * Runs `use` with the student lane for `checkpoint`. With `jobs.serve.mode: "fixed"` the student
 * endpoint of the config already serves every checkpoint by name. With "per-checkpoint" a serve
 * job brings the checkpoint up for this stage and is stopped when the stage's work ends — also
 * when it fails or the stage is cancelled.
 */
export async function withStudent<T>(
  ctx: StageContext,
  checkpoint: Checkpoint,
  use: (lane: Lane) => Promise<T>,
): Promise<T> {
  const { config } = ctx;
  if (!servesPerCheckpoint(config)) return use(studentLane(config, checkpoint.name));
  const served = await gpu(config).startServing({
    runId: ctx.runId,
    stage: `r${ctx.round}-${ctx.stage}`,
    checkpoint,
    store: config.store,
    jobs: config.jobs,
  });
  try {
    return await use({ ...studentLane(config, served.model), baseURL: served.baseURL });
  } finally {
    await CancellationScope.nonCancellable(() =>
      gpu(config).stopServing({ jobName: served.jobName, jobs: config.jobs }),
    );
  }
}

/** Whether the student's answers come from the simulator (a fixed, simulated student endpoint). */
export function studentSimulated(config: RunConfig): boolean {
  return !servesPerCheckpoint(config) && (config.endpoints[config.roles.student]!.simulated ?? false);
}

/** Configs recorded in workflow histories before `jobs.serve` existed lack it: they mean "fixed". */
function servesPerCheckpoint(config: RunConfig): boolean {
  return (config.jobs.serve as RunConfig['jobs']['serve'] | undefined)?.mode === 'per-checkpoint';
}
