import { ApplicationFailure } from '@temporalio/common';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JobKind } from '../../schemas/job.js';
import type { TrainerConfig } from '../../schemas/jobs-config.js';
import { FAILURE_TYPES } from '../../contract/failures.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The TRL recipe (trainers/*.py) that runs each job kind; verl replaces only GRPO. */
const TRL_RECIPES: Record<JobKind, string> = {
  rl: 'grpo.py',
  sft: 'sft.py',
  dpo: 'dpo.py',
  serve: 'serve.py',
};

export type RecipeTrainer = Extract<TrainerConfig, { kind: 'trl' | 'verl' }>;

/**
 * The pinned trainers venv (infra/python-env.sh trainers), built by CI and `npm run demo -- --real`
 * outside the clone. A worker never builds it (minutes, ~6 GB): a missing venv is a config error.
 */
function trainersPython(): string {
  try {
    return execFileSync('bash', [join(REPO_ROOT, 'infra/python-env.sh'), 'trainers', '--no-build'], {
      encoding: 'utf8',
    }).trim();
  } catch {
    throw ApplicationFailure.nonRetryable(
      'jobs.trainer.python is not set and the trainers venv is not built: run `bash infra/python-env.sh trainers`',
      FAILURE_TYPES.invalidConfig,
    );
  }
}

/** The command a TRL or verl job runs (the backend appends the spec path). */
export function recipeCommand(trainer: RecipeTrainer, kind: JobKind): string[] {
  if (trainer.kind === 'verl' && kind === 'rl')
    return [trainer.python, join(REPO_ROOT, 'trainers/verl_grpo.py')];
  const python = (trainer.kind === 'trl' ? trainer.python : trainer.trlPython) ?? trainersPython();
  return [python, join(REPO_ROOT, 'trainers', TRL_RECIPES[kind])];
}

/** The job's recipe: the stage's settings, overridden by the trainer config's per-kind settings. */
export function recipeSettings(
  trainer: TrainerConfig,
  kind: JobKind,
  stageSettings: Record<string, unknown>,
): Record<string, unknown> {
  return trainer.kind === 'trl' || trainer.kind === 'verl'
    ? { ...stageSettings, ...trainer.recipes[kind] }
    : stageSettings;
}
