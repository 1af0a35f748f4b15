import { z } from 'zod';

/**
 * The real trainers (trainers/*.py) as members of `jobs.trainer`, and how the student is served.
 * Each recipe's settings are the stage's config (stages.rl/sft/dpo) overridden by `recipes.<kind>`;
 * the recipe refuses unknown keys and names the field (its defaults and their sources:
 * `python3 trainers/<recipe>.py --dry-run spec.json`).
 */

const RecipeOverrides = z
  .object({
    rl: z.record(z.string(), z.unknown()).default({}),
    sft: z.record(z.string(), z.unknown()).default({}),
    dpo: z.record(z.string(), z.unknown()).default({}),
    serve: z.record(z.string(), z.unknown()).default({}),
  })
  .strict()
  .describe(
    'per job kind, recipe settings over the stage config (e.g. rl.maxSteps, sft.perDeviceBatchSize) (ours)',
  );

const Python = z.string().min(1);

export const TrlTrainer = z
  .object({
    kind: z.literal('trl'),
    python: Python.optional().describe(
      'python of an environment with trainers/requirements.txt; default: the venv infra/python-env.sh trainers builds',
    ),
    recipes: RecipeOverrides.prefault({}),
  })
  .strict()
  .describe('TRL recipes: sft.py (SFTTrainer), dpo.py (DPOTrainer, sigmoid + α·NLL), grpo.py (GRPOTrainer)');

export const VerlTrainer = z
  .object({
    kind: z.literal('verl'),
    python: Python.describe(
      'python of an environment with verl 0.9.1 (it pins transformers < 5.11: not the TRL venv)',
    ),
    trlPython: Python.optional().describe('python for the SFT, DPO and serve recipes; default: the TRL venv'),
    recipes: RecipeOverrides.prefault({}),
  })
  .strict()
  .describe('RL on verl (verl_grpo.py, SwS settings); SFT, DPO and serving on the TRL recipes');

export const ServeConfig = z
  .discriminatedUnion('mode', [
    z
      .object({ mode: z.literal('fixed') })
      .strict()
      .describe('the student endpoint already serves every checkpoint by name (e.g. vLLM with dynamic LoRA)'),
    z
      .object({
        mode: z.literal('per-checkpoint'),
        recipe: z
          .record(z.string(), z.unknown())
          .default({})
          .describe('serve.py settings (engine, host, port, readySeconds)'),
        gpus: z.number().int().nonnegative().default(1).describe('GPUs per server (ours)'),
      })
      .strict()
      .describe(
        'a serve job (trainers/serve.py: vLLM on GPUs, transformers serve on CPU) brings up each checkpoint for the stages that ask the student',
      ),
  ])
  .default({ mode: 'fixed' });
export type ServeConfig = z.infer<typeof ServeConfig>;
