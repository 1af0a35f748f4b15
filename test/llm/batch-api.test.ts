import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ArtifactStore } from '../../activities/storage/store.js';
import { createLlmActivities, standaloneContext } from '../../activities/llm/index.js';
import { chatRequests, endpoint, FAST, readAll, simulatorFixture } from './helpers.js';

const fx = simulatorFixture({ seed: 3 });

const tuning = { ...FAST, batchPollMs: 5, partSize: 4 };
const call = (requests: Awaited<ReturnType<ArtifactStore['writeJsonl']>>, outKey: string) => ({
  stage: 'test/batch-api',
  role: 'generator',
  endpointName: 'sim',
  endpoint: endpoint([fx.sim.url], { model: 'sim-expert-a' }),
  requests,
  outKey,
});

test('batch-api mode: one batch, answers in request order, the same as one call per request', async () => {
  const requests = await fx.store.writeJsonl('ba/req.jsonl', chatRequests(10), 'LlmRequest');
  const heartbeats: unknown[] = [];
  const viaBatch = await createLlmActivities({
    store: fx.store,
    tuning,
    context: () => standaloneContext({ heartbeat: (d) => heartbeats.push(d) }),
  }).llmBatch({ ...call(requests, 'ba/batch'), mode: 'batch-api' });
  const viaCalls = await createLlmActivities({ store: fx.store, tuning }).llmBatch(call(requests, 'ba/sync'));

  assert.equal(fx.sim.batchCount(), 1);
  const got = await readAll(fx.store, viaBatch.results);
  const want = await readAll(fx.store, viaCalls.results);
  assert.deepEqual(
    got.map((r) => r.custom_id),
    Array.from({ length: 10 }, (_, i) => `q${i}`),
  );
  // The simulator's answer depends on the model, the body and the custom_id only.
  assert.deepEqual(
    got.map((r) => r.contents),
    want.map((r) => r.contents),
  );
  assert.equal(viaBatch.usage.ok, 10);
  assert.equal(viaBatch.usage.promptTokens, viaCalls.usage.promptTokens);
  // Every heartbeat, the durable runner's included, names the batch.
  assert.ok(heartbeats.length > 0);
  for (const h of heartbeats) assert.match((h as { batchId: string }).batchId, /^batch-sim-/);
});

test('a retried attempt polls the batch named by the last heartbeat and creates none', async () => {
  const requests = await fx.store.writeJsonl('ba2/req.jsonl', chatRequests(6), 'LlmRequest');
  let last: unknown;
  const first = await createLlmActivities({
    store: fx.store,
    tuning,
    context: () => standaloneContext({ heartbeat: (d) => (last = d) }),
  }).llmBatch({ ...call(requests, 'ba2/first'), mode: 'batch-api' });
  const batches = fx.sim.batchCount();
  const sent = fx.sim.totalRequests();
  const answered = fx.sim.received();

  const second = await createLlmActivities({
    store: fx.store,
    tuning,
    context: () => standaloneContext({ heartbeatDetails: last }),
  }).llmBatch({ ...call(requests, 'ba2/second'), mode: 'batch-api' });
  assert.equal(fx.sim.batchCount(), batches);
  // Only polls and downloads went out: no request was answered again.
  assert.equal(fx.sim.totalRequests(), sent);
  for (let i = 0; i < 6; i++) assert.equal(fx.sim.received().get(`q${i}`), answered.get(`q${i}`));
  assert.equal(second.usage.ok, 6);
  assert.deepEqual(
    (await readAll(fx.store, second.results)).map((r) => r.contents),
    (await readAll(fx.store, first.results)).map((r) => r.contents),
  );
});
