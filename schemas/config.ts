import { z } from 'zod';
import { JobBackendConfig, JobResources, legacyTrainer, TrainerConfig } from './jobs-config.js';
import { EnvVarName } from './env-var.js';
import { ServeConfig } from './recipe-trainers.js';

/**
 * RunConfig: one run of the loop. Every threshold of ALGORITHMS.md is a field here with its
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
    model: z
      .string()
      .min(1)
      .describe('model name sent in requests (the student role uses the checkpoint instead)'),
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

export const StagesConfig = z
  .object({
    rl: z
      .object({
        rollouts: z.number().int().positive().default(8),
        temperature: z.number().min(0).default(1.0),
        learningRate: z.number().positive().default(1e-6),
        clipLow: z.number().positive().default(0.2),
        clipHigh: z.number().positive().default(0.28),
        maxResponseTokens: z.number().int().positive().default(7168),
        epochs: z.number().int().positive().default(3),
        groupFilter: Band.default([0.125, 0.875]).describe(
          'online filter: drop groups with accuracy outside',
        ),
      })
      .strict()
      .prefault({}),
    weakness: z
      .object({
        bestAccuracyBelow: Probability.default(0.5),
        slopeBelow: z.number().default(0),
        strict: z
          .boolean()
          .default(false)
          .describe('paper: strict (< 0.5, < 0); released data: non-strict (≤), the default'),
      })
      .strict()
      .prefault({}),
    concepts: z
      .object({
        perProblem: z.number().int().positive().default(5),
        temperature: z.number().min(0).default(0),
        mergeSimilarity: z
          .number()
          .min(-1)
          .max(1)
          .default(0.95)
          .describe(
            'decision: concepts of a category whose embeddings have cosine ≥ this are merged (the more frequent name wins)',
          ),
      })
      .strict()
      .prefault({}),
    sampler: z
      .object({
        budget: z.number().int().positive().default(1000).describe('concept lists (= problems to generate)'),
        conceptsPerList: z.number().int().positive().default(5),
        temperature: z.number().positive().default(0.2).describe('softmax temperature τ'),
        levels: z
          .array(z.enum(DIFFICULTY_LEVELS))
          .min(1)
          .default([...DIFFICULTY_LEVELS]),
      })
      .strict()
      .prefault({}),
    synthesis: z
      .object({
        mode: z
          .enum(['generate', 'select'])
          .default('generate')
          .describe(
            'generate: new problems from concept lists (SwS); select: retrieve data.pool problems nearest each concept list (SwS weakness-driven selection)',
          ),
        perList: z
          .number()
          .int()
          .positive()
          .default(1)
          .describe('select mode: pool problems retrieved per concept list'),
      })
      .strict()
      .prefault({}),
    generation: z
      .object({ temperature: z.number().min(0).default(0.6) })
      .strict()
      .prefault({}),
    judging: z
      .object({
        temperature: z.number().min(0).default(0.6),
        keepRule: z
          .enum(['one-perfect-one-acceptable', 'both-perfect', 'both-acceptable'])
          .default('one-perfect-one-acceptable'),
        maxProblemChars: z.number().int().positive().default(2000),
      })
      .strict()
      .prefault({}),
    referenceAnswer: z
      .object({
        samples: z.number().int().positive().default(8),
        temperature: z.number().min(0).default(0.7),
        topP: Probability.default(0.95),
        minAgreement: Probability.default(0.5),
        studentAgreement: Probability.optional().describe(
          'optional: student must reach the majority this often',
        ),
      })
      .strict()
      .prefault({}),
    difficulty: z
      .object({
        samples: z.number().int().positive().default(8),
        band: Band.default([0.25, 0.75]),
      })
      .strict()
      .prefault({}),
    gold: z
      .object({
        eloK: z.number().positive().default(40),
        eloWeight: Probability.default(0.5).describe('w: weight of normalised Elo vs local vote share'),
      })
      .strict()
      .prefault({}),
    sft: z
      .object({
        learningRate: z.number().positive().default(1e-5),
        scheduler: z.literal('cosine').default('cosine'),
        warmupRatio: Probability.default(0.2),
        epochs: z.number().int().positive().default(3),
        maxLength: z.number().int().positive().default(2048),
        bf16: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    dpo: z
      .object({
        rounds: z.number().int().nonnegative().default(3),
        rollouts: z.number().int().positive().default(32),
        nllWeight: z.number().nonnegative().default(1.0).describe('α in L_DPO + α·L_NLL(chosen)'),
        beta: z.number().positive().default(0.1),
      })
      .strict()
      .prefault({}),
    augmentedRl: z
      .object({ enabled: z.boolean().default(false) })
      .strict()
      .prefault({}),
    evaluation: z
      .object({
        samples: z.number().int().positive().default(4).describe('k samples per benchmark problem'),
        temperature: z.number().min(0).default(0.6),
      })
      .strict()
      .prefault({}),
    exam: z
      .object({
        enabled: z
          .boolean()
          .default(true)
          .describe('run the WarriorMath exam (stages 1–4) after SwS synthesis'),
        candidatesPerMember: z
          .number()
          .int()
          .positive()
          .default(8)
          .describe('problems each committee member writes per round, spread over the weakest categories'),
        rollouts: z.number().int().positive().default(16).describe('N student rollouts per candidate'),
        maxAccuracy: Probability.default(0.25).describe(
          'decision: keep problems the student solves at most this often (4 of 16)',
        ),
        refineRounds: z
          .number()
          .int()
          .nonnegative()
          .default(2)
          .describe('R: critique-and-refine rounds for problems the student solves too often'),
        keep: z.number().int().positive().default(64).describe('KCenterGreedy subset size'),
      })
      .strict()
      .prefault({}),
  })
  .strict();
export type StagesConfig = z.infer<typeof StagesConfig>;

export const RunConfig = z
  .object({
    runId: z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9-]{0,62}$/,
        'lowercase letters, digits and dashes (it names workflows and folders)',
      ),
    model: z.string().min(1).describe('base checkpoint name as the student endpoint serves it'),
    seed: z.number().int().default(0),
    rounds: z.number().int().positive().default(1).describe('outer rounds of the loop'),
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
  })
  .strict()
  .superRefine((cfg, ctx) => {
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
