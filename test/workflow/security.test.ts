import { Client } from '@temporalio/client';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startCodecServer, type CodecServer } from '../../cli/codec-server.js';
import { startRun } from '../../cli/run.js';
import type { RunConfig } from '../../schemas/config.js';
import type { RunStatus } from '../../workflows/contract.js';
import { AesGcmCodec, ENCRYPTED_ENCODING, newCodecKeyEntry, parseCodecKeys } from '../../workers/codec.js';
import { countingSlurmBin } from '../jobs/slurm-bin.js';
import { createHarness, decodedHistoryText, historyText, type Harness } from './harness.js';

/**
 * Untrusted text and a shared cluster: a round on problems that try shell injection, with every
 * payload encrypted (DRILL_CODEC_KEYS), on the local and the Slurm job backends. Nothing of the
 * text may run, and the server's raw history may hold no prompt or path in clear.
 */
const run = promisify(execFile);
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const CODEC_KEYS = newCodecKeyEntry('sec');
const INJECTIONS = ['$(touch pwned) ', '`touch pwned2` ', "'; scancel -u root; echo ' "];
const PWNED = /^pwned/;

let h: Harness;
let codecServer: CodecServer;
before(async () => {
  h = await createHarness('security', { codecKeys: CODEC_KEYS });
  await h.startWorkers();
  codecServer = await startCodecServer({
    codec: new AesGcmCodec(parseCodecKeys(CODEC_KEYS)),
    uiOrigin: h.settings.uiUrl,
  });
});
after(async () => {
  await codecServer?.close();
  await h?.close();
});

/** A small one-round config whose first training problems start with shell injections. */
async function hostileConfig(
  suffix: string,
  seed: number,
): Promise<{ config: RunConfig; prompts: string[] }> {
  const base = await h.config({
    stages: { sampler: { budget: 20 }, dpo: { rounds: 0 }, evaluation: { samples: 1 } },
  });
  const trainPath = fileURLToPath(base.data.trainSet);
  const lines = (await readFile(trainPath, 'utf8')).trim().split('\n');
  const prompts: string[] = [];
  const hostile = lines.map((line, i) => {
    const record = JSON.parse(line) as { problem: string };
    if (i % 5 !== 0) return line;
    record.problem = INJECTIONS[prompts.length % INJECTIONS.length] + record.problem;
    prompts.push(record.problem);
    return JSON.stringify(record);
  });
  await writeFile(trainPath, hostile.join('\n') + '\n');
  return { config: { ...base, runId: `${base.runId}-${suffix}`, seed }, prompts };
}

/** Every file named pwned* under a folder (the run's data, store and job folders), or in the repo root. */
async function pwnedFiles(): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(h.dir, { recursive: true, withFileTypes: true }))
    if (PWNED.test(entry.name)) found.push(join(entry.parentPath, entry.name));
  for (const name of await readdir(REPO)) if (PWNED.test(name)) found.push(join(REPO, name));
  for (const name of await readdir(process.cwd())) if (PWNED.test(name)) found.push(name);
  return found;
}

/**
 * Where the raw history still holds a payload in clear, leaving out search attributes (the server
 * indexes DrillModel, DrillStage and DrillRound, so they cannot be encrypted) and patch markers
 * (the SDK writes the patch name itself).
 */
async function clearPayloads(workflowId: string): Promise<string[]> {
  const history = await h.client.workflow.getHandle(workflowId).fetchHistory();
  const found = new Set<string>();
  const walk = (v: unknown, path: string): void => {
    if (v instanceof Uint8Array) {
      if (path.endsWith('.metadata.encoding') && Buffer.from(v).toString() !== ENCRYPTED_ENCODING)
        found.add(path);
    } else if (Array.isArray(v)) v.forEach((x) => walk(x, `${path}[]`));
    else if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v))
        if (k !== 'searchAttributes' && k !== 'patch-data') walk(x, `${path}.${k}`);
  };
  walk(history.events, 'events');
  return [...found];
}

async function runRound(config: RunConfig): Promise<RunStatus> {
  const handle = await startRun(h.client, config, h.settings.queuePrefix);
  const status = (await handle.result()) as RunStatus;
  assert.equal(status.phase, 'completed');
  assert.ok(
    status.stages.some((s) => s.gpuHours !== undefined),
    'training jobs ran on the hostile data',
  );
  return status;
}

void it('runs a round on hostile problems with the local backend: nothing runs, the history holds no prompt or path in clear, the codec server decodes it', async () => {
  const { config, prompts } = await hostileConfig('local', 1);
  const status = await runRound(config);
  assert.deepEqual(await pwnedFiles(), []);

  const ids = [config.runId, ...status.stages.map((s) => s.workflowId)];
  for (const id of ids) {
    const raw = await historyText(h, id);
    assert.ok(!raw.includes(h.dir), `${id}: no path in clear`);
    for (const p of prompts) assert.ok(!raw.includes(p.slice(0, 40)), `${id}: no prompt in clear`);
    assert.deepEqual(await clearPayloads(id), [], `${id}: every payload but search attributes is encrypted`);
  }
  // With the keys the same histories read: the paths are there.
  assert.ok((await decodedHistoryText(h, config.runId)).includes(h.dir), 'the codec decodes the history');

  // The UI's view: the run's input, as the server holds it, decoded by the codec server over HTTP.
  const raw = new Client({ connection: h.client.connection, namespace: h.settings.namespace });
  const history = await raw.workflow.getHandle(config.runId).fetchHistory();
  const input = history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads!;
  const body = {
    payloads: input.map((p) => ({
      metadata: Object.fromEntries(
        Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
      ),
      data: Buffer.from(p.data!).toString('base64'),
    })),
  };
  const origin = new URL(h.settings.uiUrl).origin;
  const preflight = await fetch(`${codecServer.url}/decode`, {
    method: 'OPTIONS',
    headers: { Origin: origin, 'Access-Control-Request-Headers': 'content-type,x-namespace' },
  });
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers.get('access-control-allow-origin'), origin);
  assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /X-Namespace/);
  const res = await fetch(`${codecServer.url}/decode`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Namespace': h.settings.namespace, Origin: origin },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 200);
  const decoded = (await res.json()) as { payloads: { metadata: Record<string, string>; data: string }[] };
  assert.equal(Buffer.from(decoded.payloads[0]!.metadata.encoding!, 'base64').toString(), 'json/plain');
  const started = JSON.parse(Buffer.from(decoded.payloads[0]!.data, 'base64').toString()) as {
    config: RunConfig;
  };
  assert.equal(started.config.data.trainSet, config.data.trainSet);
  // A payload under a key the server lacks is refused with the reason, not garbage.
  const foreign = await new AesGcmCodec(parseCodecKeys(newCodecKeyEntry('other'))).encode(input);
  const refused = await fetch(`${codecServer.url}/decode`, {
    method: 'POST',
    body: JSON.stringify({
      payloads: foreign.map((p) => ({
        metadata: Object.fromEntries(
          Object.entries(p.metadata!).map(([k, v]) => [k, Buffer.from(v!).toString('base64')]),
        ),
        data: Buffer.from(p.data!).toString('base64'),
      })),
    }),
  });
  assert.equal(refused.status, 422);
  assert.match(((await refused.json()) as { error: string }).error, /key id "other"/);
});

void it('runs a round on hostile problems with the Slurm backend: nothing runs, other Slurm jobs are untouched', async () => {
  // A canary job of ours, held so it takes no CPU: `scancel -u root` run by anything would cancel it.
  const { stdout } = await run('sbatch', [
    '--parsable',
    '--hold',
    '--job-name=drill-canary',
    '--partition=gpu',
    `--chdir=${h.dir}`,
    '--output=/dev/null',
    '--wrap=true',
  ]);
  const canary = stdout.trim().split(';')[0]!;
  try {
    const bin = await countingSlurmBin();
    const { config } = await hostileConfig('slurm', 2);
    await runRound({
      ...config,
      jobs: {
        ...config.jobs,
        backend: { kind: 'slurm', workdir: join(h.dir, 'slurm-jobs'), partition: 'gpu', binDir: bin.binDir },
      },
    });
    const submitted = (await bin.submitted()).filter((n) => n.startsWith(config.runId));
    assert.ok(submitted.length > 0, 'the round ran its jobs on Slurm');
    assert.deepEqual(await pwnedFiles(), []);
    const state = await run('squeue', ['--noheader', `--jobs=${canary}`, '--format=%T']);
    assert.equal(state.stdout.trim(), 'PENDING', 'the canary job was not cancelled');
  } finally {
    await run('scancel', [canary]);
  }
});
