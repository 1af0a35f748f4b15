import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createLlmActivities, standaloneContext } from '../../activities/llm/index.js';
import type { ArtifactStore } from '../../activities/storage/store.js';
import { startSimulator, type Simulator } from '../../infra/simulator/server.js';
import { chatRequests, endpoint, FAST, readAll, tempStore } from './helpers.js';

let store: ArtifactStore;
let cleanup: () => Promise<void>;
let home: string;
let sim: Simulator;
before(async () => {
  ({ store, cleanup } = await tempStore());
  home = await mkdtemp(join(tmpdir(), 'drill-sim-'));
  sim = await startSimulator({ home, seed: 3 });
});
after(async () => {
  await sim.close();
  await cleanup();
  await rm(home, { recursive: true, force: true });
});

const tuning = { ...FAST, batchPollMs: 5, shardSize: 4 };
const call = (requests: Awaited<ReturnType<ArtifactStore['writeJsonl']>>, outKey: string) => ({
  stage: 'test/batch-api',
  role: 'generator',
  endpointName: 'sim',
  endpoint: endpoint([sim.url], { model: 'sim-expert-a' }),
  requests,
  outKey,
});

test('batch-api mode: one batch, answers in request order, the same as one call per request', async () => {
  const requests = await store.writeJsonl('ba/req.jsonl', chatRequests(10), 'LlmRequest');
  const heartbeats: unknown[] = [];
  const viaBatch = await createLlmActivities({
    store,
    tuning,
    context: () => standaloneContext({ heartbeat: (d) => heartbeats.push(d) }),
  }).llmBatch({ ...call(requests, 'ba/batch'), mode: 'batch-api' });
  const viaCalls = await createLlmActivities({ store, tuning }).llmBatch(call(requests, 'ba/sync'));

  assert.equal(sim.batchCount(), 1);
  const got = await readAll(store, viaBatch.results);
  const want = await readAll(store, viaCalls.results);
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
  // Every heartbeat, the sharded runner's included, names the batch.
  assert.ok(heartbeats.length > 0);
  for (const h of heartbeats) assert.match((h as { batchId: string }).batchId, /^batch-sim-/);
});

test('a retried attempt polls the batch named by the last heartbeat and creates none', async () => {
  const requests = await store.writeJsonl('ba2/req.jsonl', chatRequests(6), 'LlmRequest');
  let last: unknown;
  const first = await createLlmActivities({
    store,
    tuning,
    context: () => standaloneContext({ heartbeat: (d) => (last = d) }),
  }).llmBatch({ ...call(requests, 'ba2/first'), mode: 'batch-api' });
  const batches = sim.batchCount();
  const sent = sim.totalRequests();
  const answered = sim.received();

  const second = await createLlmActivities({
    store,
    tuning,
    context: () => standaloneContext({ heartbeatDetails: last }),
  }).llmBatch({ ...call(requests, 'ba2/second'), mode: 'batch-api' });
  assert.equal(sim.batchCount(), batches);
  // Only polls and downloads went out: no request was answered again.
  assert.equal(sim.totalRequests(), sent);
  for (let i = 0; i < 6; i++) assert.equal(sim.received().get(`q${i}`), answered.get(`q${i}`));
  assert.equal(second.usage.ok, 6);
  assert.deepEqual(
    (await readAll(store, second.results)).map((r) => r.contents),
    (await readAll(store, first.results)).map((r) => r.contents),
  );
});
