import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { createLlmActivities, LLM_ENDPOINT_ERROR, LLM_REQUEST_ERROR } from '../../activities/llm/index.js';
import type { ArtifactStore } from '../../activities/storage/store.js';
import { completion, startFakeServer } from './fake-server.js';
import { chatRequests, endpoint, FAST, tempStore } from './helpers.js';

let store: ArtifactStore;
let cleanup: () => Promise<void>;
before(async () => ({ store, cleanup } = await tempStore()));
after(() => cleanup());

const SECRET = 'sk-very-secret-value';

async function failure(run: () => Promise<unknown>): Promise<ApplicationFailure> {
  const err = await run().then(
    () => assert.fail('expected the batch to fail'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof ApplicationFailure, `expected an ApplicationFailure, got ${String(err)}`);
  assert.equal(err.nonRetryable, true);
  return err;
}

test('a rejected key fails the batch once, naming role and endpoint but never the key', async () => {
  const srv = await startFakeServer(() => ({
    status: 401,
    json: { error: { message: `Incorrect API key provided: ${SECRET}`, type: 'invalid_request_error' } },
  }));
  try {
    const requests = await store.writeJsonl('auth/req.jsonl', chatRequests(20), 'LlmRequest');
    const acts = createLlmActivities({ store, env: { JUDGE_KEY: SECRET }, tuning: FAST });
    const err = await failure(() =>
      acts.llmBatch({
        stage: 't',
        role: 'judges.1',
        endpointName: 'judge-b',
        endpoint: endpoint([srv.url], { apiKeyEnv: 'JUDGE_KEY', maxConcurrency: 1 }),
        requests,
        outKey: 'auth/out',
      }),
    );
    assert.equal(err.type, LLM_ENDPOINT_ERROR);
    assert.match(err.message, /role "judges\.1", endpoint "judge-b".*HTTP 401.*JUDGE_KEY/);
    assert.ok(!err.message.includes(SECRET));
    // Not retried: with one call at a time the batch stopped at the first answer.
    assert.equal(
      [...srv.received.values()].reduce((a, b) => a + b, 0),
      1,
    );
  } finally {
    await srv.close();
  }
});

test('an unset key variable fails before any call', async () => {
  const requests = await store.writeJsonl('nokey/req.jsonl', chatRequests(1), 'LlmRequest');
  const acts = createLlmActivities({ store, env: {}, tuning: FAST });
  const err = await failure(() =>
    acts.llmBatch({
      stage: 't',
      role: 'generator',
      endpointName: 'gen',
      endpoint: endpoint(['http://127.0.0.1:9/v1'], { apiKeyEnv: 'GEN_KEY' }),
      requests,
      outKey: 'nokey/out',
    }),
  );
  assert.equal(err.type, LLM_ENDPOINT_ERROR);
  assert.match(err.message, /role "generator", endpoint "gen": environment variable GEN_KEY .* not set/);
});

test('an unknown model is a non-retryable endpoint error naming the model', async () => {
  const srv = await startFakeServer((call) =>
    call.body.model === 'sim-model'
      ? { json: completion(['ok']) }
      : {
          status: 404,
          json: {
            error: { message: `The model ${call.body.model} does not exist`, code: 'model_not_found' },
          },
        },
  );
  try {
    const requests = await store.writeJsonl('model/req.jsonl', chatRequests(5), 'LlmRequest');
    const acts = createLlmActivities({ store, tuning: FAST });
    const err = await failure(() =>
      acts.llmBatch({
        stage: 't',
        role: 'student',
        endpointName: 'student',
        endpoint: endpoint([srv.url]),
        model: 'ckpt-r3',
        requests,
        outKey: 'model/out',
      }),
    );
    assert.equal(err.type, LLM_ENDPOINT_ERROR);
    assert.match(err.message, /role "student", endpoint "student": .* does not serve model "ckpt-r3"/);
  } finally {
    await srv.close();
  }
});

test('an endpoint nobody listens on fails as unreachable after the retries', async () => {
  const srv = await startFakeServer(() => ({ json: completion(['x']) }));
  const deadUrl = srv.url;
  await srv.close(); // the port is now closed: connections are refused
  const requests = await store.writeJsonl('dead/req.jsonl', chatRequests(3), 'LlmRequest');
  const acts = createLlmActivities({ store, tuning: FAST });
  const err = await failure(() =>
    acts.llmBatch({
      stage: 't',
      role: 'labeller',
      endpointName: 'lab',
      endpoint: endpoint([deadUrl], { maxRetries: 2 }),
      requests,
      outKey: 'dead/out',
    }),
  );
  assert.equal(err.type, LLM_ENDPOINT_ERROR);
  assert.match(err.message, /role "labeller", endpoint "lab": unreachable after 3 attempts/);
});

test('a malformed request line fails naming the line; bad JSON too', async () => {
  const lines = [...chatRequests(3), { custom_id: 'q3', body: { messages: [] } }, ...chatRequests(2)];
  const requests = await store.writeJsonl('bad/req.jsonl', lines, 'LlmRequest');
  const acts = createLlmActivities({ store, tuning: FAST });
  const input = {
    stage: 't',
    role: 'generator',
    endpointName: 'gen',
    endpoint: endpoint(['http://127.0.0.1:9/v1']),
    outKey: 'bad/out',
  };
  const err = await failure(() => acts.llmBatch({ ...input, requests }));
  assert.equal(err.type, LLM_REQUEST_ERROR);
  assert.match(err.message, /req\.jsonl: line 4: .*body\.messages/s);

  const { writeFile } = await import('node:fs/promises');
  const { fileURLToPath } = await import('node:url');
  const text = '{"custom_id":"a","body":{"messages":[{"role":"user","content":"hi"}]}}\n{not json\n';
  const uri = store.uriFor('bad/broken.jsonl');
  await writeFile(fileURLToPath(uri), text);
  const broken = { uri, sha256: '0'.repeat(64), count: 2, schema: 'LlmRequest' as const };
  const err2 = await failure(() => acts.llmBatch({ ...input, requests: broken, outKey: 'bad/out2' }));
  assert.equal(err2.type, LLM_REQUEST_ERROR);
  assert.match(err2.message, /broken\.jsonl: line 2 is not valid JSON/);
});

test('an unknown parser name fails before any call', async () => {
  const requests = await store.writeJsonl('parser/req.jsonl', chatRequests(1), 'LlmRequest');
  const acts = createLlmActivities({ store, tuning: FAST });
  const err = await failure(() =>
    acts.llmBatch({
      stage: 't',
      role: 'judges.0',
      endpointName: 'judge',
      endpoint: endpoint(['http://127.0.0.1:9/v1']),
      requests,
      outKey: 'parser/out',
      parser: 'judgement',
    }),
  );
  assert.equal(err.type, LLM_REQUEST_ERROR);
  assert.match(err.message, /parser "judgement" is not a prompt name/);
});

test('an endpoint that redirects fails at once, naming the address to configure instead', async () => {
  const srv = await startFakeServer(() => ({
    status: 307,
    json: {},
    headers: { location: 'https://llm.example/v1/chat/completions' },
  }));
  try {
    const requests = await store.writeJsonl('redirect/req.jsonl', chatRequests(4), 'LlmRequest');
    const acts = createLlmActivities({ store, tuning: FAST });
    const err = await failure(() =>
      acts.llmBatch({
        stage: 't',
        role: 'generator',
        endpointName: 'gen',
        endpoint: endpoint([srv.url], { maxConcurrency: 1 }),
        requests,
        outKey: 'redirect/out',
      }),
    );
    assert.equal(err.type, LLM_ENDPOINT_ERROR);
    assert.match(
      err.message,
      /role "generator", endpoint "gen": http:\/\/127\.0\.0\.1:\d+\/v1 answered with a redirect/,
    );
    // Neither retried nor followed.
    assert.equal(srv.received.size, 1);
    assert.equal(srv.received.get('q0'), 1);
  } finally {
    await srv.close();
  }
});
