import { z } from 'zod';
import { Checkpoint } from './records.js';

/**
 * What a training job is given. The job backend stages every input artifact into
 * `<jobDir>/inputs/<name>.jsonl` (`parquet.parquet` for verl Parquet) and the recipe writes its outputs into `<jobDir>/outputs/`:
 * `checkpoint.json` (a Checkpoint), `metrics.json` (a JobMetrics) and, for RL, `accuracy_log.json`
 * (the SwS AccuracyLog written at each checkpoint).
 */
export const JobKind = z.enum(['rl', 'sft', 'dpo']);
export type JobKind = z.infer<typeof JobKind>;

export const JobSpec = z.object({
  name: z.string().regex(/^[A-Za-z0-9._-]+$/, 'job names are file-safe: letters, digits, . _ -'),
  kind: JobKind,
  base: Checkpoint.describe('the checkpoint training starts from'),
  inputs: z
    .record(z.string(), z.string())
    .describe('input name → local file path: JSONL, or verl Parquet for the input named `parquet`'),
  outputDir: z.string(),
  hyperparams: z.record(z.string(), z.unknown()),
  seed: z.number().int(),
  gpus: z.number().int().positive(),
});
export type JobSpec = z.infer<typeof JobSpec>;

export const JobMetrics = z.object({
  gpuHours: z.number().nonnegative(),
  steps: z.number().int().nonnegative(),
  examples: z.number().int().nonnegative(),
  finalLoss: z.number().optional(),
  simulated: z.boolean().describe('true when the numbers come from the in-repo simulated trainer'),
});
export type JobMetrics = z.infer<typeof JobMetrics>;

export const JobState = z.enum(['pending', 'running', 'succeeded', 'failed', 'cancelled']);
export type JobState = z.infer<typeof JobState>;
