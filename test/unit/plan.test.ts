import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planRun } from '../../core/plan.js';
import { RunConfig, type RunConfigInput } from '../../schemas/config.js';

const ep = (model: string, price: [number, number] = [0, 0]) => ({
  baseURLs: ['http://127.0.0.1:1/v1'],
  model,
  pricePerMillionInputTokens: price[0],
  pricePerMillionOutputTokens: price[1],
});

/** Small enough to add up by hand; the sums are written out beside each assertion. */
const input = (over: Partial<RunConfigInput> = {}): RunConfigInput => ({
  runId: 'plan-test',
  model: 'base',
  data: { trainSet: 'file:///t.jsonl', benchmarks: [{ name: 'b', uri: 'file:///b.jsonl' }] },
  endpoints: { student: ep('base', [1, 2]), a: ep('a'), b: ep('b'), c: ep('c') },
  roles: {
    student: 'student',
    classifier: 'a',
    conceptExtractor: 'a',
    generator: 'a',
    judges: ['b', 'c'],
    labeller: 'b',
    embedder: 'c',
    committee: ['a', 'b', 'c'],
  },
  store: { kind: 'file', root: '/tmp/x' },
  stages: {
    rl: { rollouts: 2, maxResponseTokens: 100, epochs: 1 },
    evaluation: { samples: 2, maxTokens: 100 },
    sampler: { budget: 4 },
    referenceAnswer: { samples: 3, maxTokens: 20 },
    difficulty: { samples: 2 },
    exam: { candidatesPerMember: 1, refineRounds: 1, rollouts: 4, keep: 2 },
    sft: { maxLength: 50, epochs: 2 },
    dpo: { rounds: 1, rollouts: 2 },
    augmentedRl: { enabled: false },
  },
  throughput: { trainingTokensPerGpuSecond: 1, promptTokensPerRequest: 10, maxCompletionTokens: 20 },
  ...over,
});

const sizes = { train: 10, benchmarks: { b: 5 } };

test('plan: requests, tokens, GPU-hours and price of one round, added up by hand', () => {
  const plan = planRun(RunConfig.parse(input()), sizes);
  // ingest 10 + evaluation.base 5 + evaluation.rl 5
  // + synthesis: concepts 10, embed 10×5, generate 4, judges 4+4, labeller 4, difficulty 4
  // + exam: examine 3, labeller 3, student 3, critique 3×2, refine 3, labeller 3, student 3, embed 3
  // + gold: answers (4+2)×3, battles 6×3 + evaluation.sft 5 + dpo-1 rollouts 6 + evaluation.dpo-1 5
  assert.equal(plan.totals.requests, 20 + 80 + 27 + 36 + 5 + 6 + 5);
  assert.deepEqual(
    plan.jobs.map((j) => [j.stage, j.examples, j.tokens, j.bound]),
    [
      ['rl', 10, 10 * 2 * (10 + 100) * 1, 'exact'],
      ['sft', 6, 6 * 50 * 2, 'at most'],
      ['dpo-1', 6, 6 * 2 * 50, 'at most'],
    ],
  );
  assert.ok(Math.abs(plan.totals.gpuHours - 3400 / 3600) < 1e-12);
  // Only the student is priced ($1 in, $2 out per million): 36 requests × 10 prompt tokens, and
  // completions 4 evaluations × 5×2×100 + difficulty 4×2×100 + exam 2 × 3×4×100 + dpo 6×2×100.
  assert.ok(Math.abs(plan.totals.costUsd - (360 * 1 + 8400 * 2) / 1e6) < 1e-12);
  assert.equal(plan.unpriced, true);
  const classify = plan.calls.find((c) => c.role === 'classifier')!;
  assert.deepEqual(
    [classify.requests, classify.promptTokens, classify.completionTokens, classify.costUsd, classify.bound],
    [10, 100, 200, undefined, 'at most'],
  );
  const labeller = plan.calls.find((c) => c.stage === 'synthesis' && c.role === 'labeller')!;
  assert.deepEqual([labeller.n, labeller.completionTokens], [3, 4 * 3 * 20]);
});

test('plan: the committee is priced at its members’ mean; later rounds train on the grown set', () => {
  const cfg = input({
    rounds: 2,
    endpoints: {
      student: ep('base'),
      a: ep('a', [3, 0]),
      b: ep('b'),
      c: ep('c'),
    },
  });
  cfg.stages = { ...cfg.stages, augmentedRl: { enabled: true }, exam: { enabled: false } };
  const plan = planRun(RunConfig.parse(cfg), sizes);
  const examine = plan.calls.find((c) => c.stage === 'gold' && c.role === 'committee')!;
  // 4 problems × 3 members, 10 prompt tokens each, at $1 per million on average over a, b, c.
  assert.deepEqual([examine.requests, examine.promptTokens], [12, 120]);
  assert.ok(Math.abs(examine.costUsd! - 120 / 1e6) < 1e-12);
  // Round 0 adds at most 4 synthetic problems, round 1 another 4: 14, then 18 problems.
  assert.deepEqual(
    plan.jobs.filter((j) => j.stage === 'augmented-rl').map((j) => [j.round, j.examples, j.bound]),
    [
      [0, 14, 'at most'],
      [1, 18, 'at most'],
    ],
  );
  assert.equal(plan.calls.filter((c) => c.stage === 'assess').length, 0);
});
