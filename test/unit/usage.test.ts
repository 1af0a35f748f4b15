import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addAccount, charge, emptyAccount, emptyUsage, type LlmUsage } from '../../core/usage.js';

const usage = (requests: number, failed: number, promptTokens: number, costUsd: number): LlmUsage => ({
  ...emptyUsage(),
  requests,
  ok: requests - failed,
  failed,
  promptTokens,
  costUsd,
});

test('charge adds a batch to the totals and to its lane; the same lane twice is one line', () => {
  const a = emptyAccount();
  charge(a, { role: 'student', endpoint: 'vllm', model: 'ckpt-r0' }, usage(10, 1, 100, 0.5));
  charge(a, { role: 'judges.0', endpoint: 'gpt', model: 'gpt-4o' }, usage(4, 0, 40, 2));
  charge(a, { role: 'student', endpoint: 'vllm', model: 'ckpt-r0' }, usage(6, 2, 60, 0.25));
  // A new checkpoint on the same endpoint is its own lane.
  charge(a, { role: 'student', endpoint: 'vllm', model: 'ckpt-r1' }, usage(1, 0, 10, 0));
  assert.deepEqual(
    { requests: a.requests, failed: a.failed, promptTokens: a.promptTokens, costUsd: a.costUsd },
    { requests: 21, failed: 3, promptTokens: 210, costUsd: 2.75 },
  );
  assert.deepEqual(
    a.lanes.map((l) => [l.role, l.model, l.requests, l.ok, l.failed, l.promptTokens, l.costUsd]),
    [
      ['student', 'ckpt-r0', 16, 13, 3, 160, 0.75],
      ['judges.0', 'gpt-4o', 4, 4, 0, 40, 2],
      ['student', 'ckpt-r1', 1, 1, 0, 10, 0],
    ],
  );
});

test('addAccount merges lane by lane, and takes the totals of a record that has no lanes', () => {
  const stage1 = charge(emptyAccount(), { role: 'labeller', endpoint: 'l', model: 'm' }, usage(3, 0, 30, 1));
  const stage2 = charge(emptyAccount(), { role: 'labeller', endpoint: 'l', model: 'm' }, usage(2, 1, 20, 1));
  const run = addAccount(addAccount(emptyAccount(), stage1), stage2);
  assert.equal(run.requests, 5);
  assert.deepEqual(
    run.lanes.map((l) => [l.role, l.requests, l.failed, l.promptTokens, l.costUsd]),
    [['labeller', 5, 1, 50, 2]],
  );
  // A stage record written before accounts had lanes.
  const legacy = { ...usage(7, 0, 70, 0) } as unknown as ReturnType<typeof emptyAccount>;
  addAccount(run, legacy);
  assert.equal(run.requests, 12);
  assert.equal(run.lanes.length, 1);
});
