import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getPrompt } from '../../core/prompts/index.js';
import { createLlmActivities } from '../../activities/llm/index.js';
import { endpoint, FAST, readAll, simulatorFixture } from './helpers.js';

const fx = simulatorFixture({ seed: 7 });

const solveRequests = (n: number, choices = 1) =>
  Array.from({ length: n }, (_, i) => ({
    custom_id: `s${i}`,
    body: {
      messages: [
        {
          role: 'user' as const,
          content: getPrompt('solve').render({ problem: `Compute ${i} + ${2 * i}.` }).user,
        },
      ],
      temperature: 0.7,
      n: choices,
    },
  }));
test('under 429s, 500s, hangs, truncated and non-JSON bodies and garbage every request is accounted for, each call counted once', async () => {
  fx.sim.setFaults({
    rate429: 0.1,
    rate500: 0.1,
    rateHang: 0.03,
    rateTruncated: 0.05,
    rateNonJson: 0.05,
    rateGarbage: 0.15,
    retryAfterSeconds: 0,
  });
  const n = 400;
  const requests = await fx.store.writeJsonl('faults/req.jsonl', solveRequests(n, 2), 'LlmRequest');
  const acts = createLlmActivities({ store: fx.store, tuning: { ...FAST, partSize: 50 } });
  const out = await acts.llmBatch({
    stage: 'test/faults',
    role: 'labeller',
    endpointName: 'sim',
    endpoint: endpoint([fx.sim.url], { model: 'sim-labeller', timeoutMs: 5_000, maxConcurrency: 32 }),
    requests,
    outKey: 'faults/out',
    parser: 'solve',
  });
  const results = await readAll(fx.store, out.results);
  assert.deepEqual(
    results.map((r) => r.custom_id),
    Array.from({ length: n }, (_, i) => `s${i}`),
  );
  const received = fx.sim.received();
  for (const r of results) {
    // ok with two parsed choices, or invalid with a reason per bad choice: never silently lost.
    assert.equal(r.ok, true, `${r.custom_id}: ${r.error}`);
    assert.equal(r.contents?.length, 2);
    r.invalid!.forEach((reason, i) => assert.equal(reason === '', r.parsed![i] !== null, r.custom_id));
    // The server saw exactly the calls the result line records (retries and repairs included).
    assert.equal(received.get(r.custom_id), r.attempts, r.custom_id);
  }
  const u = out.usage;
  assert.equal(u.requests, n);
  assert.equal(u.ok + u.invalid + u.failed, n);
  assert.equal(u.failed, 0);
  assert.ok(u.retries > 0.25 * n, `retries ${u.retries}`);
  assert.ok(u.promptTokens > 0 && u.completionTokens > 0);
  const repaired = results.filter((r) => r.invalid!.every((x) => x === '') && r.attempts > 1);
  assert.ok(repaired.length > 0);
  for (const r of results.filter((x) => x.invalid!.some((reason) => reason !== ''))) {
    assert.match(
      r.invalid!.find((x) => x !== '')!,
      /still invalid after one repair|repair failed/,
    );
  }
  assert.equal(out.results.count, n);
});

test('cost follows the endpoint price table', async () => {
  fx.sim.setFaults({ rate429: 0, rate500: 0, rateHang: 0, rateGarbage: 0 });
  const requests = await fx.store.writeJsonl('cost/req.jsonl', solveRequests(10), 'LlmRequest');
  const acts = createLlmActivities({ store: fx.store, tuning: FAST });
  const out = await acts.llmBatch({
    stage: 'test/cost',
    role: 'generator',
    endpointName: 'sim',
    endpoint: endpoint([fx.sim.url], {
      model: 'sim-expert-a',
      pricePerMillionInputTokens: 2,
      pricePerMillionOutputTokens: 8,
    }),
    requests,
    outKey: 'cost/out',
  });
  const { promptTokens, completionTokens, costUsd } = out.usage;
  assert.ok(promptTokens > 0);
  assert.ok(Math.abs(costUsd - (promptTokens * 2 + completionTokens * 8) / 1e6) < 1e-12);
});

test('embeddings are batched and come back in input order', async () => {
  fx.sim.setFaults({ rate429: 0.1, rate500: 0.1, rateHang: 0, rateGarbage: 0 });
  const inputs = Array.from({ length: 250 }, (_, i) => ({ id: `e${i}`, text: `problem number ${i}` }));
  const ref = await fx.store.writeJsonl('embed/in.jsonl', inputs, 'Embedding');
  const acts = createLlmActivities({ store: fx.store, tuning: { ...FAST, partSize: 100 } });
  const before = fx.sim.totalRequests();
  const out = await acts.embedBatch({
    stage: 'test/embed',
    role: 'embedder',
    endpointName: 'sim',
    endpoint: endpoint([fx.sim.url], { model: 'sim-embed', maxConcurrency: 4 }),
    inputs: ref,
    outKey: 'embed/out',
    batchSize: 32,
  });
  const vectors: { id: string; embedding: number[] }[] = [];
  for await (const v of fx.store.readJsonl(out.vectors))
    vectors.push(v as { id: string; embedding: number[] });
  assert.deepEqual(
    vectors.map((v) => v.id),
    inputs.map((x) => x.id),
  );
  assert.ok(vectors.every((v) => v.embedding.length === 64));
  assert.equal(out.usage.requests, 250);
  assert.equal(out.usage.ok, 250);
  const calls = fx.sim.totalRequests() - before;
  assert.ok(calls >= 8 && calls < 250 / 4, `${calls} calls for 250 texts in batches of 32`);

  // Other batch boundaries: each text still gets its own vector, in its own place.
  const again = await acts.embedBatch({
    stage: 'test/embed',
    role: 'embedder',
    endpointName: 'sim',
    endpoint: endpoint([fx.sim.url], { model: 'sim-embed', maxConcurrency: 4 }),
    inputs: ref,
    outKey: 'embed/out7',
    batchSize: 7,
  });
  let i = 0;
  for await (const v of fx.store.readJsonl(again.vectors)) assert.deepEqual(v, vectors[i++]);
  assert.equal(i, 250);
});
