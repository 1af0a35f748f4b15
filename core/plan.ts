import { PlanFigures, type RunConfig } from '../schemas/config.js';

/**
 * `drill plan`: what a run will cost before it starts, stage by stage, following the stage order of
 * workflows/training-loop.ts. Counts that depend on what a filter keeps (failed problems, judged,
 * labelled, in band, defects, gold) are unknown before the run: the plan takes the largest the
 * funnel allows and marks them "at most". Completion tokens are bounded by each role's max tokens
 * (n choices × max tokens), so they are upper bounds too; prompt tokens are a typical length times
 * the requests.
 */

export type Bound = 'exact' | 'at most';

/** Sizes of the datasets the config names (lines of each JSONL). */
export interface DatasetSizes {
  train: number;
  /** Per benchmark name. */
  benchmarks: Record<string, number>;
  pool?: number;
}

export interface PlannedCalls {
  round: number;
  stage: string;
  /** The role as usage lanes name it (`judges.0`); the whole committee is one line, `committee`. */
  role: string;
  /** Endpoint name(s): the committee's members share the load evenly. */
  endpoint: string;
  requests: number;
  /** Choices per request (the request's `n`); for the embedder a request is one text. */
  n: number;
  promptTokens: number;
  completionTokens: number;
  /** Undefined when no endpoint of the line carries a price. */
  costUsd?: number;
  bound: Bound;
}

export interface PlannedJob {
  round: number;
  stage: string;
  kind: 'rl' | 'sft' | 'dpo';
  examples: number;
  tokens: number;
  gpuHours: number;
  bound: Bound;
}

export interface RunPlan {
  calls: PlannedCalls[];
  jobs: PlannedJob[];
  totals: {
    requests: number;
    promptTokens: number;
    completionTokens: number;
    costUsd: number;
    gpuHours: number;
  };
  figures: PlanFigures;
  /** True when some role's endpoint carries no price: its cost is missing from the total. */
  unpriced: boolean;
}

export function planRun(config: RunConfig, sizes: DatasetSizes): RunPlan {
  const f = config.throughput ?? PlanFigures.parse({});
  const s = config.stages;
  const r = config.roles;
  const members = r.committee;
  const calls: PlannedCalls[] = [];
  const jobs: PlannedJob[] = [];
  const studentMax = s.rl.maxResponseTokens;

  /** Mean price per token of some endpoints (the committee spreads its calls evenly). */
  const price = (names: readonly string[]) => {
    const eps = names.map((n) => config.endpoints[n]!);
    if (eps.every((e) => e.pricePerMillionInputTokens === 0 && e.pricePerMillionOutputTokens === 0))
      return undefined;
    const mean = (k: 'pricePerMillionInputTokens' | 'pricePerMillionOutputTokens') =>
      eps.reduce((a, e) => a + e[k], 0) / eps.length / 1e6;
    return { input: mean('pricePerMillionInputTokens'), output: mean('pricePerMillionOutputTokens') };
  };

  let round = 0;
  const call = (
    stage: string,
    role: string,
    endpoints: readonly string[],
    requests: number,
    n: number,
    bound: Bound,
    opts: { maxTokens?: number; embed?: boolean } = {},
  ) => {
    if (requests === 0) return;
    const promptTokens = requests * f.promptTokensPerRequest;
    const completionTokens = opts.embed ? 0 : requests * n * (opts.maxTokens ?? f.maxCompletionTokens);
    const p = price(endpoints);
    calls.push({
      round,
      stage,
      role,
      endpoint: endpoints.join(', '),
      requests,
      n,
      promptTokens,
      completionTokens,
      costUsd: p && promptTokens * p.input + completionTokens * p.output,
      bound,
    });
  };
  const student = (stage: string, requests: number, n: number, bound: Bound) =>
    call(stage, 'student', [r.student], requests, n, bound, { maxTokens: studentMax });
  const committee = (stage: string, requests: number, bound: Bound, opts: { maxTokens?: number } = {}) =>
    call(stage, 'committee', members, requests, 1, bound, opts);
  const gen = { maxTokens: s.generation.maxTokens };
  const label = { maxTokens: s.referenceAnswer.maxTokens };
  const evaluate = (after: string, bound: Bound) => {
    for (const b of config.data.benchmarks) {
      const own = s.evaluation.benchmarks[b.name];
      call(
        `evaluation.${after}`,
        'student',
        [r.student],
        sizes.benchmarks[b.name] ?? 0,
        own?.samples ?? s.evaluation.samples,
        bound,
        { maxTokens: own?.maxTokens ?? s.evaluation.maxTokens },
      );
    }
  };
  const train = (stage: string, kind: PlannedJob['kind'], examples: number, tokens: number, bound: Bound) =>
    jobs.push({
      round,
      stage,
      kind,
      examples,
      tokens,
      gpuHours: tokens / f.trainingTokensPerGpuSecond / 3600,
      bound,
    });
  // GRPO: every problem gets `rollouts` responses of at most maxResponseTokens, each epoch.
  const rlTokens = (problems: number) =>
    problems * s.rl.rollouts * (f.promptTokensPerRequest + studentMax) * s.rl.epochs;

  let trainSet = sizes.train;
  let trainBound: Bound = 'exact';
  // Unlabelled problems are unknown before ingest: at most the whole training set is classified.
  call('ingest', 'classifier', [r.classifier], trainSet, 1, 'at most');
  evaluate('base', 'exact');
  train('rl', 'rl', trainSet, rlTokens(trainSet), 'exact');
  evaluate('rl', 'exact');

  for (round = 0; round < config.rounds; round++) {
    if (round > 0 && !s.augmentedRl.enabled) student('assess', trainSet, s.rl.rollouts, trainBound);

    // Synthesis: the failed problems are at most the training set.
    const failed = trainSet;
    call('synthesis', 'conceptExtractor', [r.conceptExtractor], failed, 1, 'at most');
    call('synthesis', 'embedder', [r.embedder], failed * s.concepts.perProblem, 1, 'at most', {
      embed: true,
    });
    let candidates = 0;
    let candidatesBound: Bound = 'at most';
    if (!s.synthesis.enabled) {
      // WarriorMath only: no SwS synthesis.
    } else if (s.synthesis.mode === 'select') {
      call('synthesis', 'embedder', [r.embedder], sizes.pool ?? 0, 1, 'exact', { embed: true });
      candidates = s.sampler.budget * s.synthesis.perList;
      candidatesBound = 'at most';
    } else {
      const lists = s.sampler.budget;
      call('synthesis', 'generator', [r.generator], lists, 1, 'exact', gen);
      r.judges.forEach((j, i) => call('synthesis', `judges.${i}`, [j], lists, 1, 'at most'));
      call('synthesis', 'labeller', [r.labeller], lists, s.referenceAnswer.samples, 'at most', label);
      candidates = lists;
      candidatesBound = 'at most';
    }
    if (s.synthesis.enabled) student('synthesis', candidates, s.difficulty.samples, candidatesBound);
    let problems = candidates;

    if (s.exam.enabled) {
      const tasks = members.length * s.exam.candidatesPerMember;
      committee('exam', tasks, 'exact', gen);
      for (let k = 0; k <= s.exam.refineRounds; k++) {
        if (k > 0) {
          // The other members critique each defect; its author revises it.
          committee('exam', tasks * (members.length - 1), 'at most');
          committee('exam', tasks, 'at most', gen);
        }
        call('exam', 'labeller', [r.labeller], tasks, s.referenceAnswer.samples, 'at most', label);
        student('exam', tasks, s.exam.rollouts, 'at most');
      }
      // keep ≤ 1 is a fraction of the defects, above 1 a count (as in workflows/stages/exam.ts).
      const keep = s.exam.keep <= 1 ? Math.ceil(s.exam.keep * tasks) : s.exam.keep;
      if (tasks > keep) call('exam', 'embedder', [r.embedder], tasks, 1, 'at most', { embed: true });
      problems += Math.min(tasks, keep);
    }

    // Gold: every member answers each problem; every pair of members meets once.
    const pairs = (members.length * (members.length - 1)) / 2;
    const gold = s.gold.enabled ? problems : 0;
    committee('gold', gold * members.length, 'at most', { maxTokens: s.gold.maxTokens });
    committee('gold', gold * pairs, 'at most');
    if (gold > 0) {
      train('sft', 'sft', gold, gold * s.sft.maxLength * s.sft.epochs, 'at most');
      evaluate('sft', 'at most');
    }
    for (let i = 1; gold > 0 && i <= s.dpo.rounds; i++) {
      student(`dpo-${i}`, gold, s.dpo.rollouts, 'at most');
      // A pair is a chosen and a rejected answer, each at most sft.maxLength, seen once.
      train(`dpo-${i}`, 'dpo', gold, gold * 2 * s.sft.maxLength, 'at most');
      evaluate(`dpo-${i}`, 'at most');
    }
    if (s.augmentedRl.enabled && problems > 0) {
      trainSet += problems;
      trainBound = 'at most';
      train('augmented-rl', 'rl', trainSet, rlTokens(trainSet), trainBound);
      evaluate('augmented-rl', 'at most');
    }
  }

  const sum = (xs: number[]) => xs.reduce((a, x) => a + x, 0);
  return {
    calls,
    jobs,
    totals: {
      requests: sum(calls.map((c) => c.requests)),
      promptTokens: sum(calls.map((c) => c.promptTokens)),
      completionTokens: sum(calls.map((c) => c.completionTokens)),
      costUsd: sum(calls.map((c) => c.costUsd ?? 0)),
      gpuHours: sum(jobs.map((j) => j.gpuHours)),
    },
    figures: f,
    unpriced: calls.some((c) => c.costUsd === undefined),
  };
}
