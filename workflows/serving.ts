import { CancellationScope } from '@temporalio/workflow';
import type { RunConfig } from '../schemas/config.js';
import type { Checkpoint } from '../schemas/records.js';
import { gpu } from './proxies.js';
import { studentLane, type Lane, type StageContext } from './stage-context.js';

/**
 * Runs `use` with the student lane for `checkpoint`. With `jobs.serve.mode: "fixed"` the student
 * endpoint of the config already serves every checkpoint by name. With "per-checkpoint" the loop
 * lends the stage a server it keeps across stages (workflows/student-servers.ts); the stage stops
 * it after use when it is the checkpoint's last stage (DPO, before it trains). A stage started by
 * a loop recorded before the loop kept servers is lent none: it brings the checkpoint up itself
 * and stops it when its work ends — also when it fails or is cancelled.
 */
export async function withStudent<T>(
  ctx: StageContext,
  checkpoint: Checkpoint,
  use: (lane: Lane) => Promise<T>,
): Promise<T> {
  const { config } = ctx;
  if (!servesPerCheckpoint(config)) return use(studentLane(config, checkpoint.name));
  const lent = ctx.server?.checkpoint === checkpoint.name ? ctx.server : undefined;
  const served = lent ?? (await startServer(ctx, ctx.stage, checkpoint));
  try {
    return await use({
      ...studentLane(config, served.model),
      baseURL: served.baseURL,
      simulated: served.simulated,
    });
  } finally {
    if (!lent || lent.last) await stopServer(config, served.jobName);
  }
}

/** Brings `checkpoint` up as a serve job named after the run, round and `stage`, once it answers. */
export function startServer(
  ctx: Pick<StageContext, 'config' | 'runId' | 'round'>,
  stage: string,
  checkpoint: Checkpoint,
) {
  return gpu(ctx.config).startServing({
    runId: ctx.runId,
    stage: `r${ctx.round}-${stage}`,
    checkpoint,
    store: ctx.config.store,
    jobs: ctx.config.jobs,
  });
}

/** Stops a serve job; runs to the end even when the workflow is being cancelled. */
export function stopServer(config: RunConfig, jobName: string): Promise<void> {
  return CancellationScope.nonCancellable(() => gpu(config).stopServing({ jobName, jobs: config.jobs }));
}

/**
 * `n` rollouts of the student as RL samples them (stages.rl: temperature and response budget): the
 * one setting for every stage that measures the student by its rollouts.
 */
export function studentRollouts(config: RunConfig, n: number) {
  const { temperature, maxResponseTokens } = config.stages.rl;
  return { n, temperature, max_tokens: maxResponseTokens };
}

/** Whether the student's answers come from the simulator (a fixed, simulated student endpoint). */
export function studentSimulated(config: RunConfig): boolean {
  return !servesPerCheckpoint(config) && (config.endpoints[config.roles.student]!.simulated ?? false);
}

/** Configs recorded in workflow histories before `jobs.serve` existed lack it: they mean "fixed". */
export function servesPerCheckpoint(config: RunConfig): boolean {
  return (config.jobs.serve as RunConfig['jobs']['serve'] | undefined)?.mode === 'per-checkpoint';
}
