import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { getPrompt } from '../../core/prompts/index.js';
import { createLlmActivities } from '../../activities/llm/index.js';
import type { ArtifactStore } from '../../activities/storage/store.js';
import { completion, startFakeServer, type FakeCall } from './fake-server.js';
import { chatRequests, endpoint, FAST, readAll, tempStore } from './helpers.js';

let store: ArtifactStore;
let cleanup: () => Promise<void>;
before(async () => ({ store, cleanup } = await tempStore()));
after(() => cleanup());

const base = { stage: 't', role: 'generator', endpointName: 'gen' };

test('a dead replica is taken out and its share fails over to the live one', async () => {
  const live = await startFakeServer(() => ({ json: completion(['ok']) }));
  const dead = await startFakeServer(() => ({ json: completion(['never']) }));
  await dead.close();
  try {
    const requests = await store.writeJsonl('failover/req.jsonl', chatRequests(200), 'LlmRequest');
    const acts = createLlmActivities({ store, tuning: FAST });
    const started = performance.now();
    const out = await acts.llmBatch({
      ...base,
      endpoint: endpoint([dead.url, live.url], { maxConcurrency: 8 }),
      requests,
      outKey: 'failover/out',
    });
    assert.equal(out.usage.ok, 200);
    // Connection refusals cost a retry each, but the replica is out after its first refusal, so
    // only the calls in flight (8) hit it. It is out for 2 s, then 4, 8, …: on a quiet machine
    // the batch is over first; on a loaded one each probe after a cooldown costs up to 8 more.
    const seconds = (performance.now() - started) / 1000;
    const probes = 1 + Math.ceil(Math.log2(1 + seconds / 2));
    assert.ok(
      out.usage.retries >= 1 && out.usage.retries <= 8 * probes,
      `${out.usage.retries} retries in ${seconds.toFixed(1)} s`,
    );
    // Every request reached the live replica exactly once.
    assert.equal(live.received.size, 200);
    assert.ok([...live.received.values()].every((count) => count === 1));
  } finally {
    await live.close();
  }
});

test('a request the server rejects (400) is recorded as failed; the batch goes on', async () => {
  const srv = await startFakeServer((call) =>
    call.customId === 'q3'
      ? {
          status: 400,
          json: { error: { message: 'context length exceeded', type: 'invalid_request_error' } },
        }
      : { json: completion(['fine']) },
  );
  try {
    const requests = await store.writeJsonl('bad400/req.jsonl', chatRequests(6), 'LlmRequest');
    const acts = createLlmActivities({ store, tuning: FAST });
    const out = await acts.llmBatch({
      ...base,
      endpoint: endpoint([srv.url]),
      requests,
      outKey: 'bad400/out',
    });
    const results = await readAll(store, out.results);
    assert.deepEqual(
      results.map((r) => r.ok),
      [true, true, true, false, true, true],
    );
    assert.match(results[3]!.error!, /context length exceeded/);
    assert.equal(results[3]!.attempts, 1); // not retried
    assert.deepEqual({ ok: out.usage.ok, failed: out.usage.failed }, { ok: 5, failed: 1 });
  } finally {
    await srv.close();
  }
});

test('repair: a malformed answer is re-asked once with the hint; still bad, it is recorded invalid', async () => {
  const calls: FakeCall[] = [];
  const srv = await startFakeServer((call) => {
    calls.push(call);
    const repairing = call.body.messages!.length > 1;
    if (call.customId === 'q0') return { json: completion([repairing ? 'So \\boxed{0}.' : 'zero, I think']) };
    if (call.customId === 'q1') return { json: completion(['no idea']) };
    return { json: completion(['\\boxed{4}', 'four', '\\boxed{4}']) };
  });
  try {
    const requests = await store.writeJsonl('repair/req.jsonl', chatRequests(3), 'LlmRequest');
    const acts = createLlmActivities({ store, tuning: FAST });
    const out = await acts.llmBatch({
      ...base,
      endpoint: endpoint([srv.url]),
      requests,
      outKey: 'repair/out',
      parser: 'solve',
    });
    const [r0, r1, r2] = await readAll(store, out.results);
    // q0: repaired. The text kept is the repaired answer.
    assert.deepEqual(r0!.contents, ['So \\boxed{0}.']);
    assert.deepEqual(r0!.invalid, ['']);
    assert.equal((r0!.parsed![0] as { boxed: string }).boxed, '0');
    assert.equal(r0!.attempts, 2);
    const repairCall = calls.find((c) => c.customId === 'q0' && c.body.messages!.length > 1)!;
    assert.deepEqual(repairCall.body.messages!.slice(1), [
      { role: 'assistant', content: 'zero, I think' },
      { role: 'user', content: getPrompt('solve').repairHint },
    ]);
    // q1: still bad after its one repair.
    assert.equal(r1!.ok, true);
    assert.deepEqual(r1!.parsed, [null]);
    assert.match(r1!.invalid![0]!, /still invalid after one repair: no final answer/);
    assert.equal(r1!.attempts, 2);
    // q2: three choices, the middle one repaired alone (n: 1) and answered '\boxed{4}' by the fake.
    assert.deepEqual(r2!.invalid, ['', '', '']);
    assert.equal(calls.filter((c) => c.customId === 'q2').length, 2);
    assert.equal(calls.find((c) => c.customId === 'q2' && c.body.messages!.length > 1)!.body.n, 1);
    assert.deepEqual({ ok: out.usage.ok, invalid: out.usage.invalid }, { ok: 2, invalid: 1 });
  } finally {
    await srv.close();
  }
});

test('requestsPerMinute holds the batch to its rate after a one-second burst', async () => {
  const srv = await startFakeServer(() => ({ json: completion(['ok']) }));
  try {
    const requests = await store.writeJsonl('rpm/req.jsonl', chatRequests(30), 'LlmRequest');
    const acts = createLlmActivities({ store, tuning: FAST });
    const started = Date.now();
    await acts.llmBatch({
      ...base,
      endpoint: endpoint([srv.url], { requestsPerMinute: 1200 }),
      requests,
      outKey: 'rpm/out',
    });
    // 20 per second: 20 at once, the other 10 over the next half second.
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 450, `${elapsed} ms`);
  } finally {
    await srv.close();
  }
});

test("a 429's retry-after is honoured before the retry", async () => {
  let limited = false;
  const srv = await startFakeServer(() => {
    if (limited) return { json: completion(['ok']) };
    limited = true;
    return { status: 429, json: { error: { message: 'slow down' } }, headers: { 'retry-after': '1' } };
  });
  try {
    const requests = await store.writeJsonl('retry-after/req.jsonl', chatRequests(1), 'LlmRequest');
    const acts = createLlmActivities({ store, tuning: FAST });
    const out = await acts.llmBatch({
      ...base,
      endpoint: endpoint([srv.url]),
      requests,
      outKey: 'retry-after/out',
    });
    const [r] = await readAll(store, out.results);
    assert.equal(r!.attempts, 2);
    // FAST backoff alone would wait under 50 ms.
    assert.ok(r!.latency_ms >= 1000 && r!.latency_ms < 1500, `${r!.latency_ms} ms`);
  } finally {
    await srv.close();
  }
});
