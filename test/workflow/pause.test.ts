import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { startRun } from '../../cli/run.js';
import { pauseSignal, resumeSignal, statusQuery, type RunStatus } from '../../workflows/contract.js';
import { createHarness, historyText, type Harness } from './harness.js';

let h: Harness;
before(async () => {
  h = await createHarness('pause');
  await h.startWorkers();
});
after(() => h?.close());

const SECRET = 'sk-drill-test-secret-7f3a9c';

void it('pauses between stages, resumes where it stopped, and keeps API keys out of every history', async () => {
  // The worker's environment holds the key; the config only names the variable.
  process.env.DRILL_TEST_API_KEY = SECRET;
  const base = await h.config({
    stages: { sampler: { budget: 20 }, dpo: { rounds: 0 }, evaluation: { samples: 1 } },
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

  const parent = await historyText(h, config.runId);
  assert.ok(parent.includes('DRILL_TEST_API_KEY'), 'the history names the variable');
  for (const id of [config.runId, ...done.stages.map((s) => s.workflowId)]) {
    assert.ok(!(await historyText(h, id)).includes(SECRET), `${id} history holds no key`);
  }
});
