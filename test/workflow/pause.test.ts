import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { Client } from '@temporalio/client';
import { listRuns } from '../../cli/list.js';
import { startRun } from '../../cli/run.js';
import { pauseSignal, resumeSignal, statusQuery, type RunStatus } from '../../workflows/contract.js';
import { newCodecKeyEntry } from '../../workers/codec.js';
import { s3TestEnv } from '../store/s3-env.js';
import { createHarness, decodedHistoryText, type Harness } from './harness.js';

// The worker encrypts payloads with this key; the check below reads the histories decrypted.
const CODEC_KEYS = newCodecKeyEntry('pause');
let h: Harness;
before(async () => {
  h = await createHarness('pause', { codecKeys: CODEC_KEYS });
  await h.startWorkers();
});
after(() => h?.close());

const SECRET = 'sk-drill-test-secret-7f3a9c';

void it('pauses between stages, resumes where it stopped, and keeps API keys, S3 credentials and codec keys out of every history', async () => {
  // The worker's environment holds the secrets; the config only names the variables.
  process.env.DRILL_TEST_API_KEY = SECRET;
  const s3 = s3TestEnv();
  process.env.DRILL_TEST_S3_ID = s3.credentials.accessKeyId;
  process.env.DRILL_TEST_S3_SECRET = s3.credentials.secretAccessKey;
  const base = await h.config({
    stages: { sampler: { budget: 20 }, dpo: { rounds: 0 }, evaluation: { samples: 1 } },
    store: {
      kind: 's3',
      bucket: s3.bucket,
      prefix: `test-pause/${Date.now()}`,
      endpoint: s3.endpoint,
      region: s3.region,
      accessKeyIdEnv: 'DRILL_TEST_S3_ID',
      secretAccessKeyEnv: 'DRILL_TEST_S3_SECRET',
    },
  });
  const endpoints = Object.fromEntries(
    Object.entries(base.endpoints).map(([name, e]) => [name, { ...e, apiKeyEnv: 'DRILL_TEST_API_KEY' }]),
  );
  const config = { ...base, endpoints };
  const handle = await startRun(h.client, config, h.settings.queuePrefix);
  await handle.signal(pauseSignal);

  let paused: RunStatus | undefined;
  for (let i = 0; i < 200 && !paused; i++) {
    const s = await handle.query(statusQuery);
    if (s.phase === 'paused') paused = s;
    else await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(paused, 'the run reports paused');
  const held = paused.stages.length;
  await new Promise((r) => setTimeout(r, 3000));
  const still = await handle.query(statusQuery);
  assert.equal(still.stages.length, held, 'no stage ran while paused');
  assert.equal(still.phase, 'paused');

  await handle.signal(resumeSignal);
  const done = (await handle.result()) as RunStatus;
  assert.equal(done.phase, 'completed');
  assert.ok(done.stages.length > held);

  // A user without this run's codec key still lists every run (the memo stays unread).
  const keyless = new Client({ connection: h.client.connection, namespace: h.client.options.namespace });
  const listed = (await listRuns(keyless, {}, 10_000)).find((r) => r.runId === config.runId);
  assert.equal(listed?.state, 'COMPLETED', 'a client without the codec key lists the encrypted run');

  const parent = await decodedHistoryText(h, config.runId);
  for (const name of ['DRILL_TEST_API_KEY', 'DRILL_TEST_S3_SECRET'])
    assert.ok(parent.includes(name), `the decoded history names the variable ${name}`);
  const secrets = {
    'API key': SECRET,
    'S3 access key id': s3.credentials.accessKeyId,
    'S3 secret key': s3.credentials.secretAccessKey,
    'codec key': CODEC_KEYS.split(':')[1]!,
  };
  for (const id of [config.runId, ...done.stages.map((s) => s.workflowId)]) {
    const text = await decodedHistoryText(h, id);
    for (const [what, secret] of Object.entries(secrets))
      assert.ok(!text.includes(secret), `${id} history holds no ${what}`);
  }
});
