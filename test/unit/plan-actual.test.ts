import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ingestedSizes, planBesideActual, type ActualStage } from '../../core/plan-actual.js';
import type { PlannedCalls, PlannedJob, RunPlan } from '../../core/plan.js';
import { PlanFigures } from '../../schemas/config.js';
import { emptyUsage, type LlmAccount } from '../../core/usage.js';

const call = (stage: string, role: string, requests: number, bound: PlannedCalls['bound']): PlannedCalls => ({
  round: 0,
  stage,
  role,
  endpoint: 'e',
  requests,
  n: 1,
  promptTokens: 10 * requests,
  completionTokens: 100 * requests,
  bound,
});
const job = (stage: string, examples: number, gpuHours: number): PlannedJob => ({
  round: 0,
  stage,
  kind: 'sft',
  examples,
  tokens: 0,
  gpuHours,
  bound: 'at most',
});
const plan = (calls: PlannedCalls[], jobs: PlannedJob[]): RunPlan => ({
  calls,
  jobs,
  totals: { requests: 0, promptTokens: 0, completionTokens: 0, costUsd: 0, gpuHours: 0 },
  figures: PlanFigures.parse({}),
  unpriced: false,
});
/** An account with one lane per [role, requests, prompt tokens, completion tokens]. */
const account = (...lanes: [string, number, number, number][]): LlmAccount => ({
  ...emptyUsage(),
  lanes: lanes.map(([role, requests, promptTokens, completionTokens]) => ({
    role,
    endpoint: 'e',
    model: 'm',
    ...emptyUsage(),
    requests,
    promptTokens,
    completionTokens,
  })),
});

test('adds planned and actual LLM figures per role, the committee members under one role', () => {
  const p = plan(
    [
      call('evaluation.base', 'student', 4, 'exact'),
      call('dpo-1', 'student', 3, 'at most'),
      call('gold', 'committee', 6, 'at most'),
      call('synthesis', 'generator', 2, 'exact'),
    ],
    [],
  );
  const stages: ActualStage[] = [
    { round: 0, stage: 'evaluation.base', counts: {}, llm: account(['student', 4, 35, 120]) },
    {
      round: 0,
      stage: 'gold',
      counts: {},
      llm: account(['committee.0', 2, 20, 50], ['committee.2', 1, 9, 30]),
    },
    { round: 0, stage: 'dpo-1', counts: {}, llm: account(['student', 1, 8, 40]) },
  ];
  const { roles } = planBesideActual(p, stages);
  assert.deepEqual(
    roles.map((r) => [r.role, r.planned, r.actual]),
    [
      // planned: 4 + 3 requests, 10 prompt and 100 completion tokens each; actual 4 + 1
      [
        'student',
        { requests: 7, promptTokens: 70, completionTokens: 700, bound: 'at most' },
        { requests: 5, promptTokens: 43, completionTokens: 160 },
      ],
      [
        'committee',
        { requests: 6, promptTokens: 60, completionTokens: 600, bound: 'at most' },
        { requests: 3, promptTokens: 29, completionTokens: 80 },
      ],
      // planned but not run (yet): the actual side is zero
      [
        'generator',
        { requests: 2, promptTokens: 20, completionTokens: 200, bound: 'exact' },
        { requests: 0, promptTokens: 0, completionTokens: 0 },
      ],
    ],
  );
});

test('puts each training job beside its planned line; a DPO round that did not train has no actual', () => {
  const p = plan([], [job('sft', 10, 0.5), job('dpo-1', 10, 0.25), job('dpo-2', 10, 0.25)]);
  const stages: ActualStage[] = [
    { round: 0, stage: 'sft', counts: { examples: 7 }, gpuHours: 0.2 },
    { round: 0, stage: 'dpo-1', counts: { pairs: 0 } },
    // a job the plan did not foresee is still listed
    { round: 1, stage: 'rl', counts: {}, gpuHours: 1.5 },
  ];
  const { jobs } = planBesideActual(p, stages);
  assert.deepEqual(jobs, [
    {
      round: 0,
      stage: 'sft',
      planned: { examples: 10, gpuHours: 0.5, bound: 'at most' },
      actual: { gpuHours: 0.2, examples: 7 },
    },
    { round: 0, stage: 'dpo-1', planned: { examples: 10, gpuHours: 0.25, bound: 'at most' } },
    { round: 0, stage: 'dpo-2', planned: { examples: 10, gpuHours: 0.25, bound: 'at most' } },
    { round: 1, stage: 'rl', actual: { gpuHours: 1.5 } },
  ]);
});

test('reads the ingested dataset sizes off the ingest and synthesis counts', () => {
  assert.equal(ingestedSizes([{ round: 0, stage: 'rl', counts: {} }]), undefined);
  assert.deepEqual(
    ingestedSizes([
      {
        round: 0,
        stage: 'ingest',
        counts: { train: 12, unlabelled: 0, 'benchmark aime': 3, 'benchmark m': 5 },
      },
      { round: 0, stage: 'synthesis', counts: { pool: 40, 'selected from pool': 4 } },
    ]),
    { train: 12, benchmarks: { aime: 3, m: 5 }, pool: 40 },
  );
});
