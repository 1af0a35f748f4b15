import { Client, Connection } from '@temporalio/client';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { after, before, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startCodecServer } from '../../cli/codec-server.js';
import { AesGcmCodec, newCodecKeyEntry, parseCodecKeys } from '../../workers/codec.js';
import { dataConverter } from '../../workers/data-converter.js';
import { until } from '../workflow/processes.js';
import { chromiumPath } from './chromium.js';

/**
 * The Temporal UI showing encrypted payloads in clear through `drill codec-server`: a dev server
 * started as infra/stack.sh starts it with DRILL_CODEC_KEYS set (`--ui-codec-endpoint`), a run's
 * input encrypted by a client, and the UI page of that run in Chromium. The UI holds no key: it
 * shows the input only if its browser's calls to the codec server (CORS, X-Namespace) succeed.
 */
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const KEYS = newCodecKeyEntry('ui');
const SECRET_PATH = `/data/private/${Math.random().toString(36).slice(2)}/train.jsonl`;

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.once('error', reject);
  });

const processes: ChildProcess[] = [];
let ui: string;
let client: Client;
let connection: Connection;
before(async () => {
  const [grpc, http, uiPort, codecPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  ui = `http://127.0.0.1:${uiPort}`;
  const codec = spawn(
    process.execPath,
    ['bin/drill.js', 'codec-server', '--port', String(codecPort), '--ui-origin', ui],
    { cwd: REPO, env: { ...process.env, DRILL_CODEC_KEYS: KEYS }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  processes.push(codec);
  await new Promise((resolve, reject) => {
    codec.stdout!.once('data', resolve);
    codec.once('exit', (code) => reject(new Error(`drill codec-server exited with code ${code}`)));
  });
  processes.push(
    spawn(
      `${REPO}.venv/bin/temporal`,
      [
        ...['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(grpc), '--http-port', String(http)],
        ...['--ui-port', String(uiPort), '--log-level', 'error', '--ui-disable-news-fetch'],
        ...['--ui-codec-endpoint', `http://127.0.0.1:${codecPort}`],
      ],
      { stdio: 'ignore' },
    ),
  );
  connection = await until(
    'the dev server',
    () => Connection.connect({ address: `127.0.0.1:${grpc}` }).catch(() => undefined),
    60_000,
    500,
  );
  client = new Client({ connection, dataConverter: dataConverter(KEYS) });
});
after(async () => {
  await connection?.close();
  for (const p of processes) p.kill('SIGTERM');
});

void it('the Temporal UI shows a run’s encrypted input decoded by drill codec-server', async () => {
  const runId = `codec-ui-${Math.random().toString(36).slice(2, 8)}`;
  // No worker: the started event's input is all the page needs.
  const handle = await client.workflow.start('trainingLoop', {
    taskQueue: 'codec-ui-no-worker',
    workflowId: runId,
    args: [{ config: { runId, data: { trainSet: `file://${SECRET_PATH}` } } }],
  });
  const raw = new Client({ connection });
  const stored = JSON.stringify(await raw.workflow.getHandle(runId).fetchHistory());
  assert.ok(!stored.includes('private'), 'the server holds the input encrypted');

  const browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox'] });
  try {
    // Both spellings of a loopback UI: the browser's Origin is the one typed.
    for (const host of ['127.0.0.1', 'localhost']) {
      const page = await browser.newPage();
      const url = new URL(`${ui}/namespaces/default/workflows/${runId}`);
      url.hostname = host;
      await page.goto(url.href);
      await page
        .waitForFunction((p) => document.body.innerText.includes(p), SECRET_PATH, { timeout: 60_000 })
        .catch(() => {}); // the assertion names what is missing
      assert.ok(
        (await page.innerText('body')).includes(SECRET_PATH),
        `the UI at ${url.origin} shows the input`,
      );
      await page.close();
    }
  } finally {
    await browser.close();
    await handle.terminate('the test needs only its input');
  }
});

void it('with a token, the codec server refuses requests without it and any other origin', async () => {
  const token = 'codec-ui-test-token';
  const server = await startCodecServer({
    codec: new AesGcmCodec(parseCodecKeys(KEYS)),
    uiOrigin: ui,
    token,
  });
  try {
    const payloads = (
      await new AesGcmCodec(parseCodecKeys(KEYS)).encode([
        { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from(JSON.stringify(SECRET_PATH)) },
      ])
    ).map((p) => ({
      metadata: Object.fromEntries(
        Object.entries(p.metadata!).map(([k, v]) => [k, Buffer.from(v!).toString('base64')]),
      ),
      data: Buffer.from(p.data!).toString('base64'),
    }));
    const decode = (headers: Record<string, string>) =>
      fetch(`${server.url}/decode`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Namespace': 'default', ...headers },
        body: JSON.stringify({ payloads }),
      });
    const ok = await decode({ Origin: ui, Authorization: `Bearer ${token}` });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('access-control-allow-origin'), ui);
    const [decoded] = ((await ok.json()) as { payloads: { data: string }[] }).payloads;
    assert.equal(JSON.parse(Buffer.from(decoded!.data, 'base64').toString()), SECRET_PATH);

    assert.equal((await decode({ Origin: ui })).status, 401, 'no token');
    assert.equal((await decode({ Origin: ui, Authorization: 'Bearer wrong' })).status, 401, 'wrong token');
    const foreign = await decode({ Origin: 'http://evil.example', Authorization: `Bearer ${token}` });
    assert.equal(foreign.status, 403, 'another origin, even with the token');
    assert.equal(foreign.headers.get('access-control-allow-origin'), null);
    const preflight = await fetch(`${server.url}/decode`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://evil.example', 'Access-Control-Request-Method': 'POST' },
    });
    assert.equal(preflight.status, 403);
    // The CLI sends no Origin: `temporal … --codec-auth "Bearer $DRILL_CODEC_TOKEN"`.
    assert.equal((await decode({ Authorization: `Bearer ${token}` })).status, 200);
  } finally {
    await server.close();
  }
});
