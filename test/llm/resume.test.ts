import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createLlmActivities, type LlmBatchOutput } from '../../activities/llm/index.js';
import { linesOf, PartIndex } from '../../activities/llm/part-layout.js';
import { chatRequests, endpoint, FAST, readAll, simulatorFixture } from './helpers.js';

const fx = simulatorFixture({ seed: 3, latencyMs: 5, faults: { rate429: 0.05, retryAfterSeconds: 0 } });

const PART = 50;
const N = 600;

test('cancelled mid-batch and retried from the heartbeat, no written request is sent again', async () => {
  const requests = await fx.store.writeJsonl('resume/req.jsonl', chatRequests(N), 'LlmRequest');
  const acts = createLlmActivities({ store: fx.store, tuning: { ...FAST, partSize: PART } });
  const input = {
    stage: 'test/resume',
    role: 'student',
    endpointName: 'sim',
    endpoint: endpoint([fx.sim.url], { model: 'sim-base', maxConcurrency: 8 }),
    requests,
    outKey: 'resume/out',
  };

  // First attempt: cancelled (as a worker losing the activity would be) once 4 parts are durable.
  const first = new MockActivityEnvironment();
  let last: { done: number; total: number } | undefined;
  first.on('heartbeat', (details: { done: number; total: number }) => {
    last = details;
    if (details.done >= 4 * PART) first.cancel();
  });
  await assert.rejects(first.run(acts.llmBatch, input), CancelledFailure);
  assert.ok(last && last.done >= 4 * PART && last.done < N && last.total === N, JSON.stringify(last));
  const sentBefore = fx.sim.received();
  const written = await writtenLines('resume/out/parts/');
  assert.ok(written.size >= 4 * PART && written.size < N, `${written.size} lines written`);

  // Second attempt: Temporal hands it the last heartbeat.
  const second = new MockActivityEnvironment({ heartbeatDetails: last });
  const out = (await second.run(acts.llmBatch, input)) as LlmBatchOutput;

  const results = await readAll(fx.store, out.results);
  assert.deepEqual(
    results.map((r) => r.custom_id),
    Array.from({ length: N }, (_, i) => `q${i}`),
  );
  assert.ok(results.every((r) => r.ok));
  assert.equal(out.usage.requests, N);
  const sentAfter = fx.sim.received();
  for (const line of written) {
    assert.equal(
      sentAfter.get(`q${line}`),
      sentBefore.get(`q${line}`),
      `q${line} was written but sent again`,
    );
  }
  // Only what was in flight or not yet written went out twice.
  const resent = [...sentBefore.keys()].filter((id) => sentAfter.get(id)! > sentBefore.get(id)!);
  assert.ok(resent.length <= 2 * PART + 2 * 8, `${resent.length} re-sent`);
});

/** The input lines the index files under prefix list. */
async function writtenLines(prefix: string): Promise<Set<number>> {
  const lines = new Set<number>();
  for (const key of (await fx.store.list(prefix)).filter((k) => k.endsWith('.index.json'))) {
    const index = PartIndex.parse(JSON.parse((await fx.store.getText(key))!));
    for (const line of linesOf(index.lines)) lines.add(line);
  }
  return lines;
}

test('a finished batch run again sends nothing and returns the same artifact', async () => {
  const requests = await fx.store.writeJsonl('again/req.jsonl', chatRequests(120), 'LlmRequest');
  const acts = createLlmActivities({ store: fx.store, tuning: { ...FAST, partSize: PART } });
  const input = {
    stage: 'test/again',
    role: 'student',
    endpointName: 'sim',
    endpoint: endpoint([fx.sim.url], { model: 'sim-base' }),
    requests,
    outKey: 'again/out',
  };
  const first = await new MockActivityEnvironment().run(acts.llmBatch, input);
  const calls = fx.sim.totalRequests();
  const second = await new MockActivityEnvironment().run(acts.llmBatch, input);
  assert.equal(fx.sim.totalRequests(), calls);
  assert.deepEqual(second, first);
});

test('the same outKey with other requests does not reuse the old parts', async () => {
  const acts = createLlmActivities({ store: fx.store, tuning: { ...FAST, partSize: PART } });
  const input = {
    stage: 'test/reuse',
    role: 'student',
    endpointName: 'sim',
    endpoint: endpoint([fx.sim.url], { model: 'sim-base' }),
    outKey: 'reuse/out',
  };
  const a = await fx.store.writeJsonl('reuse/a.jsonl', chatRequests(60), 'LlmRequest');
  const b = await fx.store.writeJsonl(
    'reuse/b.jsonl',
    chatRequests(60, (i) => `Name a prime above ${i}.`),
    'LlmRequest',
  );
  await new MockActivityEnvironment().run(acts.llmBatch, { ...input, requests: a });
  const calls = fx.sim.totalRequests();
  const out = (await new MockActivityEnvironment().run(acts.llmBatch, {
    ...input,
    requests: b,
  })) as LlmBatchOutput;
  assert.ok(fx.sim.totalRequests() - calls >= 60);
  assert.equal(out.usage.requests, 60);
});

test('two attempts running at once (a timed-out one still alive) each finish whole, and a third joins their parts', async () => {
  const requests = await fx.store.writeJsonl('zombie/req.jsonl', chatRequests(300), 'LlmRequest');
  const acts = createLlmActivities({ store: fx.store, tuning: { ...FAST, partSize: PART } });
  const input = {
    stage: 'test/zombie',
    role: 'student',
    endpointName: 'sim',
    endpoint: endpoint([fx.sim.url], { model: 'sim-base', maxConcurrency: 4 }),
    requests,
    outKey: 'zombie/out',
  };
  const [a, b] = await Promise.all([acts.llmBatch(input), acts.llmBatch(input)]);
  const calls = fx.sim.totalRequests();
  const c = await acts.llmBatch(input);
  assert.equal(fx.sim.totalRequests(), calls, 'the third attempt found every line done');
  // Each final artifact reads back hash-verified, whole and in order, each line once.
  for (const out of [a, b, c]) {
    const ids = (await readAll(fx.store, out.results)).map((r) => r.custom_id);
    assert.deepEqual(
      ids,
      Array.from({ length: 300 }, (_, i) => `q${i}`),
    );
    assert.equal(out.usage.requests, 300);
  }
});
