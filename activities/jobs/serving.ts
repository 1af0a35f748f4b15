import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { createHash } from 'node:crypto';
import type { JobsConfig, StoreConfig } from '../../schemas/config.js';
import { ServeEndpoint, type JobSpec } from '../../schemas/job.js';
import type { Checkpoint } from '../../schemas/records.js';
import { FAILURE_TYPES } from '../../contract/failures.js';
import { folderUri, keyIn } from '../storage/folder-uri.js';
import type { ActivityDeps } from '../deps.js';
import { recipeCommand } from './recipes.js';
import { jobStore } from './training.js';

export interface ServeInput {
  runId: string;
  /** Where in the run the server is needed, e.g. `r0-evaluation.sft`; part of the job name. */
  stage: string;
  checkpoint: Checkpoint;
  store: StoreConfig;
  jobs: JobsConfig;
}

export interface ServedStudent extends ServeEndpoint {
  jobName: string;
}

/**
 * The endpoint answers AND lists the model its endpoint.json names. An endpoint.json left by an
 * earlier server under this job name points at a port that another server (another checkpoint's,
 * on a fixed `recipe.port`) may hold by now: answering alone would send this checkpoint's stages
 * to the wrong model.
 */
export async function servesModel({ baseURL, model }: ServeEndpoint): Promise<boolean> {
  try {
    const res = await fetch(`${baseURL}/models`, { signal: AbortSignal.timeout(5000) });
    if (!res.ok) return false;
    const listed = (await res.json()) as { data?: { id?: unknown }[] };
    return Array.isArray(listed.data) && listed.data.some((m) => m.id === model);
  } catch {
    return false;
  }
}

/**
 * Serving one checkpoint as a `serve` job through the job backend (trainers/serve.py): started
 * when the first stage asks the checkpoint, stopped after its last (workflows/student-servers.ts).
 * The job name is deterministic, so a retried start re-attaches to the server already running.
 */
export function createServingActivities(deps: ActivityDeps) {
  return {
    async startServing(input: ServeInput): Promise<ServedStudent> {
      const { jobs } = input;
      if (
        jobs.serve.mode !== 'per-checkpoint' ||
        (jobs.trainer.kind !== 'trl' && jobs.trainer.kind !== 'verl')
      ) {
        throw ApplicationFailure.nonRetryable(
          'jobs.serve.mode "per-checkpoint" needs jobs.trainer.kind "trl" or "verl" (a simulated checkpoint has no weights to serve)',
          FAILURE_TYPES.invalidConfig,
        );
      }
      const store = deps.storeFor(input.store);
      const backend = deps.backendFor(jobs);
      const ctx = Context.current();
      const digest = createHash('sha256').update(input.checkpoint.weightsUri).digest('hex').slice(0, 10);
      const jobName = `${input.runId}-${input.stage}-serve-${digest}`;
      const spec: JobSpec = {
        name: jobName,
        kind: 'serve',
        base: input.checkpoint,
        inputs: {},
        outputUri: folderUri(store, `jobs/${jobName}`),
        store: jobStore(input.store),
        recipe: jobs.serve.recipe,
        resources: { nodes: 1, gpusPerNode: jobs.serve.gpus },
        seed: 0,
      };
      const { handle, attached } = await backend.submit(spec, recipeCommand(jobs.trainer, 'serve'));
      ctx.log.info(attached ? 're-attached to student server' : 'student server submitted', { jobName });
      for (;;) {
        const status = await backend.status(handle);
        ctx.heartbeat({ jobName, state: status.state });
        if (status.state !== 'running' && status.state !== 'pending') {
          throw ApplicationFailure.nonRetryable(
            `student server ${jobName} for ${input.checkpoint.name} ${status.state} before answering\n${await backend.logs(handle)}`,
            FAILURE_TYPES.trainingJobFailed,
          );
        }
        // endpoint.json of an earlier server under this name may linger: it counts once it answers.
        const text = await store.getText(keyIn(store, spec.outputUri, 'endpoint.json'));
        if (text !== undefined) {
          const endpoint = ServeEndpoint.parse(JSON.parse(text));
          if (await servesModel(endpoint)) return { ...endpoint, jobName };
        }
        await new Promise((r) => setTimeout(r, jobs.pollSeconds * 1000));
      }
    },

    async stopServing(input: { jobName: string; jobs: JobsConfig }): Promise<void> {
      const backend = deps.backendFor(input.jobs);
      const handle = await backend.find(input.jobName);
      if (!handle) return;
      // The loop and a stage may both stop a server (a failed or cancelled stage): only once here.
      const { state } = await backend.status(handle);
      if (state === 'running' || state === 'pending') await backend.cancel(handle);
    },
  };
}
