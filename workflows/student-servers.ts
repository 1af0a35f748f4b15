import { askedAgain, studentUse, type LoopShape } from '../core/serving-plan.js';
import type { RunConfig } from '../schemas/config.js';
import type { Checkpoint } from '../schemas/records.js';
import { startServer, stopServer } from './serving.js';
import type { HeldServer, LentServer } from './stage-context.js';

/**
 * The loop's student server (jobs.serve "per-checkpoint"): at most one, for the current
 * checkpoint, started by the first stage that asks it and lent to every following stage that asks
 * it, so each checkpoint's weights are loaded once. Stopped when a stage asks another checkpoint,
 * before a stage trains (core/serving-plan.ts says why), by the checkpoint's last stage itself,
 * at the end of the run, and when the run fails or is cancelled. Carried across continue-as-new
 * when the next round asks the same checkpoint.
 */
export function studentServers(config: RunConfig, runId: string, carried: HeldServer | undefined) {
  let up = carried;
  const s = config.stages;
  const shape: LoopShape = {
    rounds: config.rounds,
    synthesis: s.synthesis.enabled,
    exam: s.exam.enabled,
    gold: s.gold.enabled,
    dpoRounds: s.dpo.rounds,
    augmentedRl: s.augmentedRl.enabled,
  };

  async function stop(): Promise<void> {
    if (!up) return;
    const { jobName } = up;
    up = undefined;
    await stopServer(config, jobName);
  }

  return {
    /** Before `stage` of `round` runs with `checkpoint` current: the server it may use, if it asks the student. */
    async lend(round: number, stage: string, checkpoint: Checkpoint): Promise<LentServer | undefined> {
      const use = studentUse(stage);
      if (use === 'none') return undefined; // e.g. weakness between evaluation and synthesis
      if (use === 'trains' || up?.checkpoint !== checkpoint.name) await stop();
      if (use === 'trains') return undefined;
      if (!up) {
        const served = await startServer({ config, runId, round }, stage, checkpoint);
        up = {
          checkpoint: checkpoint.name,
          jobName: served.jobName,
          baseURL: served.baseURL,
          model: served.model,
          simulated: served.simulated,
        };
      }
      // Never again for DPO: it trains after sampling, and stops the server before its job starts.
      return { ...up, last: !askedAgain(shape, round, stage) };
    },
    /** After a stage ran: a server lent for its last use was stopped by the stage. */
    returned(lent: LentServer | undefined): void {
      if (lent?.last) up = undefined;
    },
    stop,
    /** The server to carry into the next round's workflow run. */
    held: (): HeldServer | undefined => up,
  };
}
export type StudentServers = ReturnType<typeof studentServers>;
