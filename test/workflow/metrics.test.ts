import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { startRun } from '../../cli/run.js';
import { createHarness, type Harness } from './harness.js';

/**
 * The worker's Prometheus endpoint, scraped as Prometheus would: a `drill worker` process started
 * with DRILL_METRICS_ADDRESS serves a run until its first LLM activity has finished, then /metrics
 * must hold Temporal's runtime metrics and ours.
 */
const DRILL = fileURLToPath(new URL('../../bin/drill.js', import.meta.url));

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

let h: Harness;
let worker: ChildProcess;
let address: string;

before(async () => {
  h = await createHarness('metrics');
  address = `127.0.0.1:${await freePort()}`;
  worker = spawn(process.execPath, [DRILL, 'worker'], {
    env: {
      ...process.env,
      DRILL_METRICS_ADDRESS: address,
      DRILL_QUEUE_PREFIX: h.settings.queuePrefix,
      DRILL_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
});

after(async () => {
  worker.kill('SIGTERM');
  if (worker.exitCode === null) await once(worker, 'exit');
  await h.close();
});

const scrape = async () => {
  try {
    const res = await fetch(`http://${address}/metrics`);
    return res.ok ? await res.text() : '';
  } catch {
    return ''; // not listening yet
  }
};

void describe('worker metrics endpoint', () => {
  void it('serves Temporal runtime metrics and drillmaster LLM metrics after an LLM activity', async () => {
    const config = await h.config();
    const handle = await startRun(h.client, config, h.settings.queuePrefix);
    let text = '';
    const deadline = Date.now() + 5 * 60_000;
    // The first LLM batch is the base model's evaluation (ingest needs none: the bank is labelled);
    // requests and tokens are counted when a shard of it is written.
    while (!/^drill_llm_requests_total\{/m.test(text) && Date.now() < deadline) {
      await sleep(1000);
      text = await scrape();
    }
    await handle.terminate('metrics test: one LLM activity is enough');
    assert.match(text, /^drill_llm_items_total\{.*activityType="llmCall".*\} [1-9]/m, text.slice(0, 2000));
    assert.match(text, /^drill_llm_requests_total\{.*outcome="ok".*\} [1-9]/m);
    assert.match(text, /^drill_llm_tokens_total\{.*kind="completion".*\} [1-9]/m);
    // Temporal's own worker metrics on the same endpoint.
    assert.match(text, /^temporal_[a-z_]+(\{.*\})? \d/m);
    assert.match(text, /task_queue="[^"]*orchestration/);
  });
});
