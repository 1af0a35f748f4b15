import { z } from 'zod';
import { ArtifactRef } from './artifact.js';
import { StoreConfig } from './config.js';
import { JobResources } from './jobs-config.js';
import { Checkpoint } from './records.js';

/**
 * The job-spec contract shared by the job backends and the trainers (JSON, its path the last argv
 * element of the trainer command). A job never sees worker-local paths: it reads its inputs by
 * ArtifactRef (verifying sha256) from the store the spec names and writes its outputs under
 * `outputUri`: `checkpoint.json` (a Checkpoint), `metrics.json` (a JobMetrics), `accuracy_log.json`
 * for RL, `weights/` for real trainers; a `serve` job writes `endpoint.json` (a ServeEndpoint).
 * Store credentials reach the job through its environment, under the variable names the store
 * config gives; the spec holds no secrets.
 */
export const TrainingKind = z.enum(['rl', 'sft', 'dpo']);
export type TrainingKind = z.infer<typeof TrainingKind>;
export const JobKind = z.enum([...TrainingKind.options, 'serve']);
export type JobKind = z.infer<typeof JobKind>;

export const JOB_NAME = /^[A-Za-z0-9._-]+$/;

export const JobSpec = z
  .object({
    name: z
      .string()
      .max(120)
      .regex(JOB_NAME, 'job names are file-safe: letters, digits, . _ -')
      .describe("deterministic; the backend's idempotency key"),
    kind: JobKind,
    base: Checkpoint.describe('the checkpoint the job starts from'),
    inputs: z
      .record(z.string().regex(/^[A-Za-z0-9_-]+$/), ArtifactRef)
      .describe('input name → artifact; `train` is the training set, `parquet` the same set as verl Parquet'),
    outputUri: z
      .string()
      .regex(/^(file|s3):\/\/.+\/$/, 'must be a file:// or s3:// folder URI ending in "/"')
      .describe('where the job writes its outputs (inside the store below)'),
    store: StoreConfig.describe('the store holding inputs and outputs; credentials by env var name only'),
    recipe: z.record(z.string(), z.unknown()).describe('method settings, validated by the recipe'),
    resources: JobResources,
    seed: z.number().int(),
  })
  .strict();
export type JobSpec = z.infer<typeof JobSpec>;

export const JobMetrics = z.object({
  gpuHours: z.number().nonnegative(),
  steps: z.number().int().nonnegative(),
  examples: z.number().int().nonnegative(),
  finalLoss: z.number().optional(),
  simulated: z.boolean().describe('true when the numbers come from the in-repo simulated trainer'),
});
export type JobMetrics = z.infer<typeof JobMetrics>;

/** What a `serve` job writes to `endpoint.json` once its server answers. */
export const ServeEndpoint = z.object({
  baseURL: z.url(),
  model: z.string().min(1),
  /** The server stands in for the checkpoint (the simulator's serve job): its answers are SIMULATED. */
  simulated: z.boolean().optional(),
});
export type ServeEndpoint = z.infer<typeof ServeEndpoint>;

export const JobState = z.enum(['pending', 'running', 'succeeded', 'failed', 'cancelled']);
export type JobState = z.infer<typeof JobState>;

/**
 * Why a job failed, from a `DRILL_ERROR kind=<kind> <message>` line on its stderr or from the
 * backend (node failure, preemption). invalid-* will fail the same way again: not retried.
 */
export const DRILL_ERROR = /^DRILL_ERROR kind=([a-z-]+) (.*)$/m;
export const RETRYABLE_FAILURES = ['oom', 'node-failure', 'preempted', 'lost'] as const;
