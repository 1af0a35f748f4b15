import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ArtifactRef } from '../../schemas/artifact.js';
import type { JobsConfig, StoreConfig } from '../../schemas/config.js';
import { JobMetrics, type JobKind, type JobSpec } from '../../schemas/job.js';
import { Checkpoint } from '../../schemas/records.js';
import { FAILURE_TYPES } from '../../contract/failures.js';
import { cachedStep } from '../cache.js';
import { folderUri, keyIn } from '../storage/folder-uri.js';
import type { ArtifactStore } from '../storage/store.js';
import type { ActivityDeps } from '../deps.js';
import { recordGpuHours } from '../metrics.js';
import { gpuHours, JobRefused, type JobHandle } from './backend.js';
import { jobFailure } from './failure.js';
import { recipeCommand, recipeSettings } from './recipes.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Log lines carried by each heartbeat (visible in the Temporal UI's pending activity). */
const HEARTBEAT_LOG_LINES = 5;

export interface TrainingJobInput {
  runId: string;
  /** Where in the run this job belongs, e.g. `r0-sft`; part of the job name. */
  stage: string;
  kind: JobKind;
  base: Checkpoint;
  inputs: Record<string, ArtifactRef>;
  /** The recipe's settings (the spec's `recipe`). */
  hyperparams: Record<string, unknown>;
  seed: number;
  store: StoreConfig;
  jobs: JobsConfig;
}

export interface TrainingJobOutput {
  jobName: string;
  checkpoint: Checkpoint;
  checkpointRef: ArtifactRef;
  accuracyLog?: ArtifactRef;
  metrics: JobMetrics;
  /** What the backend accounted: its job id, wall time, and nodes × GPUs × wall time. */
  accounting: { backend: string; jobId: string; elapsedSeconds: number; gpuHours: number };
  cached: boolean;
}

/** The program (and arguments) a job runs; the backend appends the spec file's path. */
export function trainerCommand(jobs: JobsConfig, kind: JobKind): string[] {
  if (jobs.trainer.kind === 'trl' || jobs.trainer.kind === 'verl') return recipeCommand(jobs.trainer, kind);
  if (jobs.trainer.kind === 'simulated') {
    return [
      process.execPath,
      '--import',
      import.meta.resolve('tsx'),
      resolve(REPO_ROOT, 'infra/simulator/trainer.ts'),
    ];
  }
  return jobs.trainer.argv;
}

/** The store as the job must see it: a file store's root made absolute (the job's cwd differs). */
export function jobStore(store: StoreConfig): StoreConfig {
  return store.kind === 'file' ? { ...store, root: resolve(store.root) } : store;
}

async function readOutput(store: ArtifactStore, outputUri: string, file: string): Promise<unknown> {
  const text = await store.getText(keyIn(store, outputUri, file));
  return text === undefined ? undefined : (JSON.parse(text) as unknown);
}

export function createTrainingActivities(deps: ActivityDeps) {
  return {
    /**
     * Submits (or re-attaches to) the training job and waits for it, heartbeating its id, state,
     * wall time and last log lines. A new worker picking up a retried attempt finds the job by
     * its deterministic name and keeps waiting on it; cancelling the activity cancels the job.
     */
    async runTrainingJob(input: TrainingJobInput): Promise<TrainingJobOutput> {
      const store = deps.storeFor(input.store);
      const backend = deps.backendFor(input.jobs);
      const ctx = Context.current();
      const result = await cachedStep(
        store,
        {
          step: `train-${input.kind}`,
          params: {
            hyperparams: input.hyperparams,
            base: input.base.name,
            seed: input.seed,
            trainer: input.jobs.trainer,
          },
          inputs: Object.keys(input.inputs)
            .sort()
            .map((k) => input.inputs[k]),
        },
        async (prefix, key) => {
          const jobName = `${input.runId}-${input.stage}-${key.slice(0, 10)}`;
          const spec: JobSpec = {
            name: jobName,
            kind: input.kind,
            base: input.base,
            inputs: input.inputs,
            outputUri: folderUri(store, `jobs/${jobName}`),
            store: jobStore(input.store),
            recipe: recipeSettings(input.jobs.trainer, input.kind, input.hyperparams),
            resources: input.jobs.resources,
            seed: input.seed,
          };
          let handle: JobHandle;
          try {
            const submitted = await backend.submit(spec, trainerCommand(input.jobs, input.kind));
            handle = submitted.handle;
            deps.logger.info(
              { jobName, backend: backend.kind, id: handle.id },
              submitted.attached ? 're-attached to training job' : 'training job submitted',
            );
          } catch (err) {
            if (err instanceof JobRefused) {
              throw ApplicationFailure.nonRetryable(
                `training job ${jobName} refused by the ${backend.kind} backend: ${err.message}`,
                FAILURE_TYPES.trainingJobFailed,
              );
            }
            throw err;
          }

          let elapsedSeconds = 0;
          for (;;) {
            const status = await backend.status(handle);
            elapsedSeconds = status.elapsedSeconds ?? elapsedSeconds;
            ctx.heartbeat({
              jobName,
              id: handle.id,
              state: status.state,
              elapsedSeconds,
              log: await backend.logs(handle, HEARTBEAT_LOG_LINES),
            });
            if (status.state === 'succeeded') break;
            if (status.state === 'failed' || status.state === 'cancelled') {
              throw jobFailure(
                jobName,
                status,
                await backend.logs(handle),
                ctx.info.attempt,
                input.jobs.maxAttempts,
              );
            }
            try {
              await ctx.sleep(input.jobs.pollSeconds * 1000);
            } catch (err) {
              await backend.cancel(handle);
              throw err;
            }
          }

          // checkpoint.json is a trainer's last write: a job that exited 0 without it did not
          // finish (a trainer that exits 0 when stopped). Retrying would only attach to it again.
          const published = await readOutput(store, spec.outputUri, 'checkpoint.json');
          if (published === undefined) {
            throw ApplicationFailure.nonRetryable(
              `training job ${jobName} exited 0 but published no checkpoint.json under ${spec.outputUri}\n${await backend.logs(handle)}`,
              FAILURE_TYPES.trainingJobFailed,
            );
          }
          const checkpoint = Checkpoint.parse(published);
          const reported = JobMetrics.parse(await readOutput(store, spec.outputUri, 'metrics.json'));
          const accounted = gpuHours(spec, elapsedSeconds);
          // A real trainer's GPU-hours are the backend's; the simulator's are its SIMULATED figure.
          const metrics = reported.simulated ? reported : { ...reported, gpuHours: accounted };
          const log = await readOutput(store, spec.outputUri, 'accuracy_log.json');
          if (input.kind === 'rl' && log === undefined) {
            throw ApplicationFailure.nonRetryable(
              `RL job ${jobName} wrote no accuracy_log.json under ${spec.outputUri}`,
              FAILURE_TYPES.trainingJobFailed,
            );
          }
          return {
            jobName,
            checkpoint,
            checkpointRef: await store.writeJson(`${prefix}/checkpoint.json`, checkpoint, 'Checkpoint'),
            accuracyLog:
              log === undefined
                ? undefined
                : await store.writeJson(`${prefix}/accuracy_log.json`, log, 'AccuracyLog'),
            metrics,
            accounting: { backend: backend.kind, jobId: handle.id, elapsedSeconds, gpuHours: accounted },
          };
        },
        deps.clock,
      );
      if (!result.cached) recordGpuHours(result.output.metrics.gpuHours, result.output.metrics.simulated);
      return { ...result.output, cached: result.cached };
    },
  };
}
