import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, before, it } from 'node:test';
import { startRun } from '../../cli/run.js';
import type { RunConfig } from '../../schemas/config.js';
import type { JobBackendConfig } from '../../schemas/jobs-config.js';
import type { RunStatus } from '../../workflows/contract.js';
import { createHarness, type Harness } from './harness.js';
import { killWorker, spawnWorker, until } from './processes.js';

/** What a cluster's end-to-end test file provides: its backend settings and views of the real cluster. */
export interface ClusterProbe {
  backend(dir: string): Promise<JobBackendConfig>;
  /** Names the cluster was asked to start, one entry per actual submission (sbatch call, Ray submission). */
  submitted(): Promise<string[]>;
  /** The cluster's own state of the job of this name, e.g. RUNNING, CANCELLED (undefined if unknown). */
  clusterState(name: string): Promise<string | undefined>;
  running: string;
  cancelled: string;
}

/**
 * The whole loop with every training job on a real cluster backend: a worker SIGKILLed while a
 * job runs there and a new worker re-attaches (exactly one submission per job), and cancelling a
 * run cancels its running cluster job.
 */
export function clusterLoopTests(name: string, probe: ClusterProbe): void {
  let h: Harness;
  const workers: ChildProcess[] = [];
  before(async () => {
    h = await createHarness(name);
  });
  after(async () => {
    for (const w of workers) await killWorker(w);
    await h?.close();
  });

  /** Each run has its own seed, so no stage output of another run is reused from the cache. */
  async function config(runSuffix: string, seed: number): Promise<RunConfig> {
    const base = await h.config({
      stages: { sampler: { budget: 30 }, dpo: { rounds: 1, rollouts: 8 }, evaluation: { samples: 2 } },
    });
    return {
      ...base,
      runId: `${base.runId}-${runSuffix}`,
      seed,
      jobs: { ...base.jobs, backend: await probe.backend(h.dir), pollSeconds: 1 },
    };
  }

  /** The first job of this run that the cluster reports in the given state. */
  const jobIn = (runId: string, state: string) =>
    until(
      `a ${name} job of ${runId} to be ${state}`,
      async () => {
        for (const job of new Set(await probe.submitted())) {
          if (job.startsWith(runId) && (await probe.clusterState(job)) === state) return job;
        }
        return undefined;
      },
      180_000,
      250,
    );

  void it(`runs the whole loop on ${name}; a killed worker's successor re-attaches: one submission per job`, async () => {
    const cfg = await config('loop', 1);
    const t0 = Date.now();
    workers.push(spawnWorker(h, 6));
    const handle = await startRun(h.client, cfg, h.settings.queuePrefix);
    const rl = await jobIn(cfg.runId, probe.running);
    assert.match(rl, /-r0-rl-/);
    await killWorker(workers[0]!);
    workers.push(spawnWorker(h, 6));
    const status = (await handle.result()) as RunStatus;
    assert.equal(status.phase, 'completed');
    const names = (await probe.submitted()).filter((n) => n.startsWith(cfg.runId));
    console.log(
      `[e2e] ${name}: loop finished in ${((Date.now() - t0) / 1000).toFixed(1)} s, submissions ${JSON.stringify(names)}`,
    );
    assert.equal(new Set(names).size, names.length, 'no job was submitted twice');
    for (const stage of ['-r0-rl-', '-r0-sft-', '-r0-dpo-1-']) {
      assert.equal(names.filter((n) => n.includes(stage)).length, 1, `one ${stage} job on ${name}`);
    }
    const trained = status.stages.filter((s) => s.checkpoint && s.gpuHours !== undefined);
    assert.ok(trained.length >= 3, `${trained.length} training stages reported`);
  });

  void it(`cancelling the run cancels its running ${name} job within 10 s`, async () => {
    const cfg = await config('cancel', 2);
    for (const w of workers) await killWorker(w);
    workers.push(spawnWorker(h, 60));
    const handle = await startRun(h.client, cfg, h.settings.queuePrefix);
    const job = await jobIn(cfg.runId, probe.running);
    const t0 = Date.now();
    await handle.cancel();
    await until(`${job} to be cancelled on ${name}`, async () =>
      (await probe.clusterState(job)) === probe.cancelled ? true : undefined,
    );
    const ms = Date.now() - t0;
    console.log(`[e2e] ${name}: run cancel → job ${probe.cancelled} in ${ms} ms`);
    assert.ok(ms < 10_000, `the ${name} job was cancelled ${ms} ms after the run`);
  });
}
