import { z } from 'zod';
import { JobBackendConfig, JobResources, legacyTrainer, TrainerConfig } from './jobs-config.js';
import { EnvVarName } from './env-var.js';
import { ModelName } from './model-name.js';
import { ServeConfig } from './recipe-trainers.js';

/**
 * RunConfig: one run of the loop. Every threshold of docs/methods.md is a field here with its
 * published default; choices marked "decision" there are fields too. Secrets are referenced by
 * environment-variable name only, so a config (and the workflow history holding it) never
 * carries a key.
 */

const Probability = z.number().min(0).max(1);

export const Endpoint = z
  .object({
    baseURLs: z
      .array(z.url({ protocol: /^https?$/ }))
      .min(1)
      .describe('OpenAI-compatible base URLs (…/v1); several = replicas, load-balanced with failover'),
    model: ModelName.describe('model name sent in requests (the student role uses the checkpoint instead)'),
    apiKeyEnv: EnvVarName.optional().describe('environment variable holding the API key'),
    maxConcurrency: z.number().int().positive().default(64),
    requestsPerMinute: z.number().positive().optional(),
    tokensPerMinute: z.number().positive().optional(),
    timeoutMs: z
      .number()
      .int()
      .positive()
      .default(120_000)
      .describe(
        "per-request timeout before the completion's own time (queueing, prompt, first token); a call past its timeout is cut and retried (ours)",
      ),
    timeoutMsPerToken: z
      .number()
      .nonnegative()
      .default(50)
      .describe(
        'added to timeoutMs per completion token a request may produce (max_tokens × n): 50 ms is a decode of 20 tokens/s per sequence, slower than a loaded vLLM server (ours)',
      ),
    maxRetries: z.number().int().nonnegative().default(8),
    pricePerMillionInputTokens: z.number().nonnegative().default(0),
    pricePerMillionOutputTokens: z.number().nonnegative().default(0),
    simulated: z
      .boolean()
      .optional()
      .describe('true for the in-repo simulator: every figure from this endpoint is labelled simulated'),
  })
  .strict();
export type Endpoint = z.infer<typeof Endpoint>;

const EndpointName = z.string().min(1);

/** Roles map to endpoint names; the SwS variants (self-evolving, weak-to-strong) are role swaps. */
export const Roles = z
  .object({
    student: EndpointName.describe('serves the current checkpoint (rollouts, difficulty filter, evaluation)'),
    classifier: EndpointName.describe('labels unlabelled problems with a category'),
    conceptExtractor: EndpointName,
    generator: EndpointName.describe('SwS problem generation'),
    judges: z.tuple([EndpointName, EndpointName]).describe('the two SwS quality judges'),
    labeller: EndpointName.describe('reference answers by self-consistency'),
    embedder: EndpointName,
    committee: z
      .array(EndpointName)
      .min(3, 'the committee needs at least 3 members so no member judges its own answer')
      .describe('WarriorMath committee members (examiners, answerers, judges)'),
  })
  .strict();
export type Roles = z.infer<typeof Roles>;

export const CATEGORIES = [
  'Prealgebra',
  'Algebra',
  'Number Theory',
  'Counting & Probability',
  'Geometry',
  'Intermediate Algebra',
  'Precalculus',
  'Other',
] as const;
export const Category = z.enum(CATEGORIES);
export type Category = z.infer<typeof Category>;

export const DIFFICULTY_LEVELS = ['AMC12', 'HMMT-Nov', 'HMMT-Feb', 'AIME', 'USAJMO', 'USAMO'] as const;

const DataUri = z.string().regex(/^(file|s3):\/\//, 'must be a file:// or s3:// URI');

const Band = z
  .tuple([Probability, Probability])
  .refine(([lo, hi]) => lo <= hi, 'lower bound must not exceed upper bound');

export const StoreConfig = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('file'),
      root: z.string().min(1).describe('folder for artifacts (absolute, or relative to the worker cwd)'),
    })
    .strict(),
  z
    .object({
      kind: z.literal('s3'),
      bucket: z.string().min(3),
      prefix: z.string().default('drillmaster'),
      endpoint: z.url().optional().describe('S3-compatible endpoint (MinIO, SeaweedFS); omit for AWS'),
      region: z.string().default('us-east-1'),
      forcePathStyle: z.boolean().default(true),
      accessKeyIdEnv: EnvVarName.default('AWS_ACCESS_KEY_ID'),
      secretAccessKeyEnv: EnvVarName.default('AWS_SECRET_ACCESS_KEY'),
      partSizeMiB: z.number().int().min(5).default(8).describe('multipart part size for large objects'),
    })
    .strict(),
]);
export type StoreConfig = z.infer<typeof StoreConfig>;

export const JobsConfig = z
  .object({
    backend: JobBackendConfig.default({ kind: 'local', workdir: '.drill/jobs' }),
    trainer: z
      .union([
        TrainerConfig,
        z
          .array(z.string().min(1))
          .min(1)
          .describe('older form: ["simulated"], or a command')
          .transform(legacyTrainer),
      ])
      .default({ kind: 'simulated' }),
    serve: ServeConfig.describe('how stages that ask the student reach each checkpoint'),
    resources: JobResources.prefault({}),
    gpusPerJob: z.number().int().positive().optional().describe('older form of resources.gpusPerNode'),
    pollSeconds: z.number().positive().default(2),
    maxAttempts: z
      .number()
      .int()
      .positive()
      .default(3)
      .describe('submissions of one job after retryable failures (node failure, preemption, OOM) (ours)'),
  })
  .strict()
  // Configs (and recorded workflow histories) from before `resources` keep their meaning.
  .transform(({ gpusPerJob, ...jobs }) =>
    gpusPerJob === undefined ? jobs : { ...jobs, resources: { ...jobs.resources, gpusPerNode: gpusPerJob } },
  );
export type JobsConfig = z.infer<typeof JobsConfig>;

/**
 * Sampling settings of one benchmark's evaluation; unset fields fall back to stages.evaluation's.
 */
export const BenchmarkEvaluation = z
  .object({
    samples: z.number().int().positive().optional().describe('k samples per problem (Avg@k, Pass@k)'),
    temperature: z.number().min(0).optional(),
    topP: Probability.optional(),
    maxTokens: z.number().int().positive().optional(),
  })
  .strict();
export type BenchmarkEvaluation = z.infer<typeof BenchmarkEvaluation>;

/*
 * Every default below names its source in .describe(): "paper" (the SwS or WarriorMath paper, or
 * its review thread), "released code" (github.com/MasterVito/SwS scripts, or WarriorCoder's rating
 * script for Elo), or "ours" (a decision of this project; see docs/methods.md).
 */
export const StagesConfig = z
  .object({
    rl: z
      .object({
        rollouts: z.number().int().positive().default(8).describe('paper; released code rollout.n=8'),
        temperature: z.number().min(0).default(1.0).describe('paper'),
        learningRate: z.number().positive().default(1e-6).describe('paper; released code optim.lr=1e-6'),
        clipLow: z.number().positive().default(0.2).describe('paper (clip-higher 0.2 / 0.28)'),
        clipHigh: z.number().positive().default(0.28).describe('paper (clip-higher 0.2 / 0.28)'),
        maxResponseTokens: z
          .number()
          .int()
          .positive()
          .default(7168)
          .describe('released code max_response_length=7168'),
        epochs: z
          .number()
          .int()
          .positive()
          .default(30)
          .describe(
            'released code trainer.total_epochs=30 (initial and augmented RL): each epoch adds one point to every problem’s accuracy history',
          ),
        initialGroupFilter: Band.default([0, 1]).describe(
          'initial RL (stage A): released code accuracy bounds 0 / 1, i.e. no filter, so every problem keeps the history the weakness rule reads',
        ),
        groupFilter: Band.default([0.125, 0.875]).describe(
          'augmented RL (stage J): released code drops groups with accuracy outside 0.125 / 0.875',
        ),
      })
      .strict()
      .prefault({}),
    weakness: z
      .object({
        bestAccuracyBelow: Probability.default(0.5).describe('paper (Eq. 1)'),
        slopeBelow: z.number().default(0).describe('paper (Eq. 1)'),
        strict: z
          .boolean()
          .default(false)
          .describe('paper: strict (< 0.5, < 0); released data: non-strict (≤), the default'),
      })
      .strict()
      .prefault({}),
    concepts: z
      .object({
        perProblem: z.number().int().positive().default(5).describe('ours (the paper gives no number)'),
        temperature: z.number().min(0).default(0).describe('ours: extraction is deterministic'),
        mergeSimilarity: z
          .number()
          .min(-1)
          .max(1)
          .default(0.95)
          .describe(
            'ours: concepts of a category whose embeddings have cosine ≥ this are merged (the more frequent name wins)',
          ),
      })
      .strict()
      .prefault({}),
    sampler: z
      .object({
        budget: z
          .number()
          .int()
          .positive()
          .default(1000)
          .describe('ours: concept lists (= problems to generate); the paper generated 1,000,000'),
        conceptsPerList: z.number().int().positive().default(5).describe('paper'),
        temperature: z.number().positive().default(0.2).describe('paper: softmax temperature τ'),
        levels: z
          .array(z.enum(DIFFICULTY_LEVELS))
          .min(1)
          .default([...DIFFICULTY_LEVELS])
          .describe('paper: difficulty levels drawn uniformly'),
      })
      .strict()
      .prefault({}),
    synthesis: z
      .object({
        enabled: z
          .boolean()
          .default(true)
          .describe(
            'ours: run SwS synthesis (C–I); false for a WarriorMath-only run (the exam writes the problems)',
          ),
        mode: z
          .enum(['generate', 'select'])
          .default('generate')
          .describe(
            'paper: generate new problems from concept lists (SwS); select: retrieve data.pool problems nearest each concept list (SwS weakness-driven selection)',
          ),
        perList: z
          .number()
          .int()
          .positive()
          .default(1)
          .describe('ours: select mode: pool problems retrieved per concept list'),
      })
      .strict()
      .prefault({}),
    generation: z
      .object({
        temperature: z.number().min(0).default(0.6).describe('released code (problem generation)'),
        maxTokens: z
          .number()
          .int()
          .positive()
          .default(4096)
          .describe('released code max_len=4096 (problem generation; the exam writes problems with it too)'),
      })
      .strict()
      .prefault({}),
    judging: z
      .object({
        temperature: z.number().min(0).default(0.6).describe('released code'),
        keepRule: z
          .enum(['one-perfect-one-acceptable', 'both-perfect', 'both-acceptable'])
          .default('one-perfect-one-acceptable')
          .describe('ours (the paper names the criteria, not the combination)'),
        maxProblemChars: z.number().int().positive().default(2000).describe('ours: length cap'),
      })
      .strict()
      .prefault({}),
    referenceAnswer: z
      .object({
        samples: z.number().int().positive().default(8).describe('released code n_sampling=8'),
        temperature: z.number().min(0).default(0.7).describe('released code'),
        topP: Probability.default(0.95).describe('released code'),
        maxTokens: z
          .number()
          .int()
          .positive()
          .default(32_768)
          .describe('released code max_tokens=32768 (reasoning model answers)'),
        minAgreement: Probability.default(0.5).describe('paper (rebuttal: majority answer ≥ 50 %)'),
        studentAgreement: Probability.optional().describe(
          'paper (rebuttal, optional): student must reach the majority this often',
        ),
      })
      .strict()
      .prefault({}),
    difficulty: z
      .object({
        samples: z.number().int().positive().default(8).describe('paper'),
        band: Band.default([0.25, 0.75]).describe('paper'),
      })
      .strict()
      .prefault({}),
    gold: z
      .object({
        enabled: z
          .boolean()
          .default(true)
          .describe(
            'ours: committee gold answers → SFT → DPO (WarriorMath 5–8); false for a SwS-only run (synthesis → augmented RL)',
          ),
        eloK: z.number().positive().default(40).describe('released code (WarriorCoder rating script)'),
        eloWeight: Probability.default(0.5).describe(
          'ours: w, weight of normalised Elo vs local vote share (the paper gives none)',
        ),
        maxTokens: z
          .number()
          .int()
          .positive()
          .default(32_768)
          .describe('ours: committee answers get the answer budget of SwS’s released code (32,768)'),
      })
      .strict()
      .prefault({}),
    sft: z
      .object({
        learningRate: z.number().positive().default(1e-5).describe('paper'),
        scheduler: z.literal('cosine').default('cosine').describe('paper'),
        warmupRatio: Probability.default(0.2).describe('paper'),
        epochs: z.number().int().positive().default(3).describe('paper'),
        maxLength: z.number().int().positive().default(2048).describe('paper'),
        bf16: z.boolean().default(true).describe('paper'),
      })
      .strict()
      .prefault({}),
    dpo: z
      .object({
        rounds: z.number().int().nonnegative().default(3).describe('paper: 3 alignment iterations'),
        rollouts: z.number().int().positive().default(32).describe('paper: N = 32'),
        pairsPerProblem: z
          .number()
          .int()
          .positive()
          .default(1)
          .describe(
            'ours: pairs per still-failed problem, each with a different incorrect rollout (chosen: the gold or a verified-correct rollout)',
          ),
        nllWeight: z.number().nonnegative().default(1.0).describe('paper: α in L_DPO + α·L_NLL(chosen)'),
        beta: z.number().positive().default(0.1).describe('ours (TRL default; the paper gives none)'),
      })
      .strict()
      .prefault({}),
    augmentedRl: z
      .object({
        enabled: z
          .boolean()
          .default(true)
          .describe('paper: SwS trains on original ∪ synthetic problems (stage J) after synthesis'),
      })
      .strict()
      .prefault({}),
    evaluation: z
      .object({
        samples: z
          .number()
          .int()
          .positive()
          .default(1)
          .describe('released code n_sampling=1 (Avg@1); per-benchmark overrides below'),
        temperature: z.number().min(0).default(1.0).describe('released code'),
        topP: Probability.default(0.95).describe('released code'),
        maxTokens: z.number().int().positive().default(8192).describe('released code max_tokens=8192'),
        benchmarks: z
          .record(z.string().min(1), BenchmarkEvaluation)
          .default({ aime24: { samples: 32 }, aime25: { samples: 32 } })
          .describe('paper: Avg@32 on AIME; keyed by data.benchmarks[].name, unset fields as above'),
      })
      .strict()
      .prefault({}),
    exam: z
      .object({
        enabled: z
          .boolean()
          .default(true)
          .describe('ours: run the WarriorMath exam (stages 1–4) after SwS synthesis'),
        candidatesPerMember: z
          .number()
          .int()
          .positive()
          .default(8)
          .describe(
            'ours: problems each committee member writes per round, spread over the weakest categories',
          ),
        rollouts: z
          .number()
          .int()
          .positive()
          .default(16)
          .describe('paper: N = 16 student rollouts per candidate'),
        maxAccuracy: Probability.default(0.25).describe(
          'ours: keep problems the student solves at most this often (4 of 16); the paper keeps "failures"',
        ),
        refineRounds: z
          .number()
          .int()
          .nonnegative()
          .default(2)
          .describe(
            'ours: R, critique-and-refine rounds for the kept defects (the paper iterates, without a number)',
          ),
        keep: z
          .number()
          .positive()
          .default(0.5)
          .describe(
            'ours: KCenterGreedy keeps this fraction (≤ 1, rounded up) of the refined defects; a value above 1 is a count, as configs before fractions had',
          ),
      })
      .strict()
      .prefault({}),
  })
  .strict();
export type StagesConfig = z.infer<typeof StagesConfig>;

/** Planning figures: what `drill plan` needs that no other setting says. */
export const PlanFigures = z
  .object({
    trainingTokensPerGpuSecond: z
      .number()
      .positive()
      .default(1000)
      .describe(
        'training throughput, tokens per GPU-second, for GPU-hours per job (ours: a rough figure for a 7B model; measure your trainer)',
      ),
    promptTokensPerRequest: z
      .number()
      .nonnegative()
      .default(512)
      .describe('typical prompt length in tokens, for prompt tokens and their price (ours)'),
    maxCompletionTokens: z
      .number()
      .int()
      .positive()
      .default(2048)
      .describe(
        'completion tokens per choice of roles with no max tokens setting (classifier, concept extractor, judges, critiques, battles) (ours)',
      ),
  })
  .strict();
export type PlanFigures = z.infer<typeof PlanFigures>;

export const RunConfig = z
  .object({
    runId: z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9-]{0,62}$/,
        'lowercase letters, digits and dashes (it names workflows and folders)',
      ),
    model: ModelName.describe('base checkpoint name as the student endpoint serves it'),
    seed: z.number().int().default(0).describe('ours: seeds every random choice of the run'),
    rounds: z
      .number()
      .int()
      .positive()
      .default(1)
      .describe('outer rounds of the loop; ours: 1 (the SwS rebuttal shows a second round adds more)'),
    data: z
      .object({
        trainSet: DataUri.describe('JSONL of Problem records'),
        benchmarks: z
          .array(z.object({ name: z.string().min(1), uri: DataUri }).strict())
          .min(1)
          .describe('evaluation sets; also used for decontamination'),
        pool: DataUri.optional().describe(
          'JSONL problem pool (same row shapes as trainSet) for stages.synthesis.mode "select"',
        ),
      })
      .strict(),
    endpoints: z.record(z.string().min(1), Endpoint),
    roles: Roles,
    store: StoreConfig,
    jobs: JobsConfig.prefault({}),
    stages: StagesConfig.prefault({}),
    throughput: PlanFigures.optional().describe(
      'figures `drill plan` uses to estimate a run before it starts (each defaults as described); they change nothing in the run',
    ),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    if (!cfg.stages.synthesis.enabled && !cfg.stages.exam.enabled) {
      ctx.addIssue({
        code: 'custom',
        path: ['stages', 'synthesis', 'enabled'],
        message: 'stages.synthesis and stages.exam are both disabled: nothing would write problems',
      });
    }
    if (cfg.stages.synthesis.mode === 'select' && cfg.data.pool === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['data', 'pool'],
        message: 'stages.synthesis.mode "select" needs data.pool: the JSONL problem pool to select from',
      });
    }
    const roleEntries: [string, string][] = [
      ['student', cfg.roles.student],
      ['classifier', cfg.roles.classifier],
      ['conceptExtractor', cfg.roles.conceptExtractor],
      ['generator', cfg.roles.generator],
      ['judges.0', cfg.roles.judges[0]],
      ['judges.1', cfg.roles.judges[1]],
      ['labeller', cfg.roles.labeller],
      ['embedder', cfg.roles.embedder],
      ...cfg.roles.committee.map((m, i): [string, string] => [`committee.${i}`, m]),
    ];
    for (const [path, name] of roleEntries) {
      if (!(name in cfg.endpoints)) {
        ctx.addIssue({
          code: 'custom',
          path: ['roles', ...path.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p))],
          message: `no endpoint named "${name}" in endpoints (have: ${Object.keys(cfg.endpoints).join(', ') || 'none'})`,
        });
      }
    }
  });
export type RunConfig = z.infer<typeof RunConfig>;
export type RunConfigInput = z.input<typeof RunConfig>;
