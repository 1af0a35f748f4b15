import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { createLlmActivities, standaloneContext } from '../../activities/llm/index.js';
import type { Progress } from '../../activities/llm/part-layout.js';
import type { ArtifactStore } from '../../activities/storage/store.js';
import { completion } from './fake-server.js';
import { chatRequests, endpoint, FAST, readAll, tempStore } from './helpers.js';

let store: ArtifactStore;
let cleanup: () => Promise<void>;
before(async () => ({ store, cleanup } = await tempStore()));
after(() => cleanup());

/**
 * A server whose first call for a custom id may be held: `hold(id)` gives a promise to answer
 * after, or 'hang' (never answered, a hung connection), or nothing (answered at once). Later calls
 * answer at once. Counts calls, notes when each id first arrived, and counts connections the
 * client cut.
 */
async function holdingServer(hold: (customId: string) => Promise<void> | 'hang' | undefined) {
  const calls = new Map<string, number>();
  const arrived = new Map<string, number>();
  let cut = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const id = String(req.headers['x-drill-custom-id']);
      const n = (calls.get(id) ?? 0) + 1;
      calls.set(id, n);
      const answer = (): void => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(completion([`answer to ${id}`])));
      };
      if (n === 1) arrived.set(id, performance.now());
      const held = n === 1 ? hold(id) : undefined;
      if (held === 'hang') res.on('close', () => (cut += 1));
      else if (held) void held.then(answer);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    calls,
    arrived,
    cut: () => cut,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

test('one slow call holds back neither dispatch nor the writing of the calls after it, and shows in the progress', async () => {
  const n = 400;
  // q5 is answered only once the progress shows every other line written while q5 is in flight
  // (or after 60 s, failing the test below rather than hanging it).
  let release = (): void => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  const fallback = setTimeout(release, 60_000);
  const srv = await holdingServer((id) => (id === 'q5' ? released : undefined));
  const beats: Progress[] = [];
  let seen: { beat: Progress; q5AgeMs: number } | undefined;
  try {
    const requests = await store.writeJsonl('slow/req.jsonl', chatRequests(n), 'LlmRequest');
    const acts = createLlmActivities({
      store,
      tuning: { ...FAST, partSize: 50, partMaxAgeMs: 100 },
      context: () =>
        standaloneContext({
          heartbeat: (d) => {
            const beat = d as Progress;
            beats.push(beat);
            if (!seen && beat.done === n - 1 && beat.inFlight === 1) {
              seen = { beat, q5AgeMs: performance.now() - srv.arrived.get('q5')! };
              release();
            }
          },
        }),
    });
    const out = await acts.llmBatch({
      stage: 'test/slow',
      role: 'student',
      endpointName: 'fake',
      endpoint: endpoint([srv.url], { timeoutMs: 120_000, maxConcurrency: 8 }),
      requests,
      outKey: 'slow/out',
    });
    assert.ok(seen, `no heartbeat with only q5 left: ${JSON.stringify(beats.slice(-10))}`);
    // The client started q5's clock before the server got it.
    assert.ok(seen.beat.oldestInFlightMs >= Math.floor(seen.q5AgeMs), JSON.stringify(seen));
    const { rate, ...last } = beats.at(-1)!;
    assert.deepEqual(last, { done: n, total: n, inFlight: 0, oldestInFlightMs: 0, timedOut: 0 });
    assert.ok(rate !== undefined && rate > 0, `the last heartbeat reports this attempt's rate: ${rate}`);
    const results = await readAll(store, out.results);
    assert.deepEqual(
      results.map((r) => r.custom_id),
      Array.from({ length: n }, (_, i) => `q${i}`),
    );
    assert.deepEqual(results[5]!.contents, ['answer to q5']);
    assert.equal(out.usage.requests, n);
  } finally {
    clearTimeout(fallback);
    await srv.close();
  }
});

test('a hung call is cut at a timeout sized by its max_tokens, retried and counted', async () => {
  const srv = await holdingServer((id) => (id === 'q3' ? 'hang' : undefined));
  const beats: Progress[] = [];
  try {
    const requests = await store.writeJsonl('hung/req.jsonl', chatRequests(10), 'LlmRequest');
    const acts = createLlmActivities({
      store,
      tuning: FAST,
      context: () => standaloneContext({ heartbeat: (d) => beats.push(d as Progress) }),
    });
    const out = await acts.llmBatch({
      stage: 'test/hung',
      role: 'student',
      endpointName: 'fake',
      // 200 ms + 64 tokens × 5 ms = 520 ms.
      endpoint: endpoint([srv.url], { timeoutMs: 200, timeoutMsPerToken: 5, maxConcurrency: 4 }),
      requests,
      outKey: 'hung/out',
    });
    const results = await readAll(store, out.results);
    const q3 = results[3]!;
    assert.equal(q3.ok, true);
    assert.equal(q3.attempts, 2);
    assert.ok(q3.latency_ms >= 520, `cut after ${q3.latency_ms} ms, before its 520 ms timeout`);
    assert.equal(srv.calls.get('q3'), 2);
    assert.equal(srv.cut(), 1, 'the hung connection was closed by the client');
    assert.equal(out.usage.retries, 1);
    assert.equal(beats.at(-1)!.timedOut, 1);
  } finally {
    await srv.close();
  }
});
