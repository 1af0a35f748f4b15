import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunConfigInput } from '../schemas/config.js';

const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));

/**
 * Turns a run config into one whose student is real: a randomly initialised ~100K-parameter Qwen2
 * with a byte-level BPE tokenizer trained on the run's training set (trainers/make_tiny_model.py,
 * nothing downloaded), trained by the TRL recipes and served per checkpoint by `transformers
 * serve` on the CPU. Teacher roles keep their endpoints. Builds the trainers venv on first use
 * (infra/python-env.sh trainers: ~6 GB, minutes). Sizes are small so a round runs in minutes on
 * two cores: these are CPU smoke-run settings (ours), not the papers'.
 */
export function withRealTinyStudent(input: RunConfigInput, dir: string): RunConfigInput {
  const python = execFileSync('bash', [join(REPO_ROOT, 'infra/python-env.sh'), 'trainers'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  const tiny = join(resolve(dir), 'tiny-student');
  execFileSync(
    python,
    [
      join(REPO_ROOT, 'trainers/make_tiny_model.py'),
      '--train',
      fileURLToPath(input.data.trainSet),
      '--out',
      tiny,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const stages = input.stages ?? {};
  return {
    ...input,
    model: tiny,
    jobs: {
      ...input.jobs,
      resources: { nodes: 1, gpusPerNode: 0 },
      trainer: {
        kind: 'trl',
        python,
        recipes: {
          rl: { problemsPerStep: 7, maxSteps: 2 },
          sft: { perDeviceBatchSize: 4, maxSteps: 4 },
          dpo: { perDeviceBatchSize: 2, maxSteps: 2, maxLength: 256 },
        },
      },
      serve: { mode: 'per-checkpoint', gpus: 0 },
    },
    stages: {
      ...stages,
      rl: { rollouts: 2, epochs: 1, maxResponseTokens: 16, ...stages.rl },
      sft: { epochs: 1, maxLength: 256, ...stages.sft },
      difficulty: { samples: 2, ...stages.difficulty },
      exam: { rollouts: 2, refineRounds: 0, ...stages.exam },
      dpo: { rounds: 1, rollouts: 2, ...stages.dpo },
      // The tiny model rarely stops on its own: without this cap every evaluation answer would run to
      // the published 8,192 tokens on the CPU (minutes per stage).
      evaluation: { samples: 2, maxTokens: 48, ...stages.evaluation },
    },
  };
}
