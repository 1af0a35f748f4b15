import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FAILURE_TYPES } from '../../contract/failures.js';
import type { ArtifactRef } from '../../schemas/artifact.js';
import type { JobsConfig, StoreConfig } from '../../schemas/config.js';
import { JobMetrics, type JobKind, type JobSpec } from '../../schemas/job.js';
import { Checkpoint } from '../../schemas/records.js';
import { cachedStep } from '../cache.js';
import { storeFor } from '../stores.js';
import type { JobBackend } from './backend.js';
import { createLocalBackend } from './local.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface TrainingJobInput {
  runId: string;
  /** Where in the run this job belongs, e.g. `r0-sft`; part of the job name. */
  stage: string;
  kind: JobKind;
  base: Checkpoint;
  inputs: Record<string, ArtifactRef>;
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
  cached: boolean;
}

export function backendFor(jobs: JobsConfig): JobBackend {
  return createLocalBackend({ workdir: jobs.backend.workdir, cwd: REPO_ROOT });
}

/** `["simulated"]` names the in-repo simulated trainer; anything else is run as given. */
export function trainerCommand(jobs: JobsConfig): string[] {
  if (jobs.trainer.length === 1 && jobs.trainer[0] === 'simulated') {
    return [
      process.execPath,
      '--import',
      import.meta.resolve('tsx'),
      join(REPO_ROOT, 'infra/simulator/trainer.ts'),
    ];
  }
  return jobs.trainer;
}

async function readOutput(dir: string, file: string): Promise<unknown | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, 'outputs', file), 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export function createTrainingActivities() {
  return {
    /**
     * Submits (or re-attaches to) the training job and waits for it, heartbeating. A new worker
     * picking up a retried attempt finds the job by its deterministic name and keeps waiting on it.
     */
    async runTrainingJob(input: TrainingJobInput): Promise<TrainingJobOutput> {
      const store = storeFor(input.store);
      const backend = backendFor(input.jobs);
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
          const dir = backend.jobDir(jobName);
          let handle = await backend.find(jobName);
          if (!handle) {
            const staged: Record<string, string> = {};
            for (const [name, ref] of Object.entries(input.inputs)) {
              const ext = ref.schema === 'ParquetTable' ? 'parquet' : 'jsonl';
              staged[name] = join(dir, 'inputs', `${name}.${ext}`);
              await store.getFile(ref, staged[name]);
            }
            const spec: JobSpec = {
              name: jobName,
              kind: input.kind,
              base: input.base,
              inputs: staged,
              outputDir: join(dir, 'outputs'),
              hyperparams: input.hyperparams,
              seed: input.seed,
              gpus: input.jobs.gpusPerJob,
            };
            ({ handle } = await backend.submit(spec, trainerCommand(input.jobs)));
            ctx.log.info('training job submitted', { jobName, backend: backend.kind });
          } else {
            ctx.log.info('re-attached to training job', { jobName });
          }

          for (;;) {
            const status = await backend.status(handle);
            ctx.heartbeat({ jobName, state: status.state });
            if (status.state === 'succeeded') break;
            if (status.state === 'failed' || status.state === 'cancelled') {
              throw ApplicationFailure.nonRetryable(
                `training job ${jobName} ${status.state}${status.exitCode !== undefined ? ` (exit ${status.exitCode})` : ''}${status.message ? `: ${status.message}` : ''}\n${await backend.logs(handle)}`,
                FAILURE_TYPES.trainingJobFailed,
              );
            }
            try {
              await ctx.sleep(input.jobs.pollSeconds * 1000);
            } catch (err) {
              await backend.cancel(handle);
              throw err;
            }
          }

          const checkpoint = Checkpoint.parse(await readOutput(dir, 'checkpoint.json'));
          const metrics = JobMetrics.parse(await readOutput(dir, 'metrics.json'));
          const log = await readOutput(dir, 'accuracy_log.json');
          if (input.kind === 'rl' && log === undefined) {
            throw ApplicationFailure.nonRetryable(
              `RL job ${jobName} wrote no outputs/accuracy_log.json`,
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
          };
        },
      );
      return { ...result.output, cached: result.cached };
    },
  };
}
