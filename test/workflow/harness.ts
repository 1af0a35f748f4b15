import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import type { WorkflowBundle } from '@temporalio/worker';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { demoConfig, type DemoSetup } from '../../cli/demo-config.js';
import { startSimulator, type Simulator } from '../../infra/simulator/server.js';
import { RunConfig } from '../../schemas/config.js';
import type { RunStatus } from '../../workflows/contract.js';
import { createLogger, installRuntimeLogger } from '../../workers/logger.js';
import { buildWorkflowBundle, startWorkers, type RunningWorkers } from '../../workers/run.js';
import { AesGcmCodec, parseCodecKeys } from '../../workers/codec.js';
import { dataConverter } from '../../workers/data-converter.js';
import { loadSettings, type Settings } from '../../workers/settings.js';

/**
 * Workflow tests run against the real dev server started by infra/stack.sh. Each suite gets its
 * own task-queue prefix, so suites never take each other's tasks, and the bundle is built once.
 */
let bundle: Promise<WorkflowBundle> | undefined;
const logger = createLogger(process.env.DRILL_LOG_LEVEL ?? 'warn');
/**
 * Installed only when a suite runs workers in-process: a runtime that forwards core logs polls
 * them until its workers shut down, so installed with no worker it would keep the process alive.
 */
let runtimeInstalled = false;
export const sharedBundle = () => (bundle ??= buildWorkflowBundle());

export interface Harness {
  dir: string;
  settings: Settings;
  client: Client;
  sim: Simulator;
  /** Starts in-process workers on every queue of this harness's prefix. */
  startWorkers(): Promise<RunningWorkers>;
  config(overrides?: Partial<DemoSetup>): Promise<RunConfig>;
  close(): Promise<void>;
}

/** `codecKeys`: encrypt every payload (DRILL_CODEC_KEYS form) in this harness's client and workers. */
export async function createHarness(name: string, opts: { codecKeys?: string } = {}): Promise<Harness> {
  if (!process.env.DRILL_TEMPORAL_ADDRESS) {
    throw new Error(
      'DRILL_TEMPORAL_ADDRESS is not set: run the tests through `npm test`, which starts the dev stack',
    );
  }
  const dir = await mkdtemp(join(tmpdir(), `drill-${name}-`));
  const suffix = Math.random().toString(36).slice(2, 8);
  const settings = { ...loadSettings(), queuePrefix: `test-${name}-${suffix}/`, ...opts };
  process.env.DRILL_SIM_HOME = join(dir, 'sim');
  process.env.DRILL_SIM_TRAIN_SECONDS ??= '1';
  const sim = await startSimulator({ port: 0, home: join(dir, 'sim') });
  const connection = await Connection.connect({ address: settings.temporalAddress });
  const client = new Client({
    connection,
    namespace: settings.namespace,
    dataConverter: dataConverter(settings.codecKeys),
  });
  const running: RunningWorkers[] = [];
  return {
    dir,
    settings,
    client,
    sim,
    async startWorkers() {
      if (!runtimeInstalled) installRuntimeLogger(logger);
      runtimeInstalled = true;
      const w = await startWorkers({
        settings,
        queues: ['orchestration', 'llm', 'gpuJobs'],
        logger,
        bundle: await sharedBundle(),
      });
      running.push(w);
      return w;
    },
    async config(overrides = {}) {
      return RunConfig.parse(
        await demoConfig({
          dir,
          runId: `${name}-${suffix}`,
          simulatorUrl: sim.url,
          trainPerCategory: 12,
          benchmarkPerCategory: 4,
          rounds: 1,
          stages: { sampler: { budget: 60 }, dpo: { rounds: 1, rollouts: 8 }, evaluation: { samples: 2 } },
          ...overrides,
        }),
      );
    },
    async close() {
      for (const w of running) {
        w.shutdown();
        await w.done.catch(() => {});
      }
      await connection.close();
      await sim.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export const HISTORIES_DIR = fileURLToPath(new URL('../fixtures/histories/', import.meta.url));
const TEMPORAL_CLI = fileURLToPath(new URL('../../.venv/bin/temporal', import.meta.url));
const execFileAsync = promisify(execFile);

/**
 * Saves the parent's first run and one child of every stage type as replay fixtures
 * (DRILL_RECORD_HISTORIES=1 on the loop test) under `histories/<package.json version>/`. A
 * version's folder is never written over: runs of that version may still be in flight somewhere,
 * and the replay test keeps every version's histories replaying on the current code. After an
 * intended incompatible workflow change (see the README, "Deploying a new worker"), bump the
 * version and record the new one beside the old.
 */
export async function recordHistories(h: Harness, status: RunStatus): Promise<void> {
  const { version } = JSON.parse(
    await readFile(fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8'),
  ) as { version: string };
  const dir = join(HISTORIES_DIR, version);
  if (existsSync(dir))
    throw new Error(`${dir} exists: histories of a released version are kept; bump package.json's version`);
  await mkdir(dir, { recursive: true });
  const runs = [];
  for await (const r of h.client.workflow.list({ query: `WorkflowId = "${status.runId}"` })) runs.push(r);
  const first = runs.find((r) => r.status.name === 'CONTINUED_AS_NEW') ?? runs[0]!;
  // The CLI's JSON is the format the Temporal UI exports and historyFromJSON reads.
  const save = async (name: string, workflowId: string, runId?: string) => {
    const { stdout } = await execFileAsync(
      TEMPORAL_CLI,
      [
        'workflow',
        'show',
        '--address',
        h.settings.temporalAddress,
        '--workflow-id',
        workflowId,
        ...(runId ? ['--run-id', runId] : []),
        '--output',
        'json',
      ],
      { maxBuffer: 64 << 20 },
    );
    // The workflow ID goes along: replay must see the ID the code ran under.
    await writeFile(join(dir, `${name}.json`), JSON.stringify({ workflowId, history: JSON.parse(stdout) }));
  };
  await save('trainingLoop', first.workflowId, first.runId);
  const seen = new Set<string>();
  for (const s of status.stages) {
    const d = await h.client.workflow.getHandle(s.workflowId).describe();
    if (seen.has(d.type)) continue;
    seen.add(d.type);
    await save(d.type, s.workflowId);
  }
}

/**
 * Every string in a workflow's history, payload bytes as UTF-8: to search it for what must not be
 * there. The history comes as the server stores it (fetchHistory does not run the payload codec).
 */
export async function historyText(h: Harness, workflowId: string, runId?: string): Promise<string> {
  const history = await h.client.workflow.getHandle(workflowId, runId).fetchHistory();
  return textOf(history.events);
}

/** Every payload in a history's events, as the server stores them. */
export function payloadsOf(events: unknown): Payload[] {
  const payloads: Payload[] = [];
  const collect = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(collect);
    else if (v && typeof v === 'object' && !(v instanceof Uint8Array)) {
      if ('metadata' in v && 'data' in v) payloads.push(v as Payload);
      else Object.values(v).forEach(collect);
    }
  };
  collect(events);
  return payloads;
}

/** historyText after the harness's codec decoded every payload: what a reader holding the keys sees. */
export async function decodedHistoryText(h: Harness, workflowId: string): Promise<string> {
  const history = await h.client.workflow.getHandle(workflowId).fetchHistory();
  const codec = new AesGcmCodec(h.settings.codecKeys ? parseCodecKeys(h.settings.codecKeys) : []);
  return [textOf(history.events), textOf(await codec.decode(payloadsOf(history.events)))].join('\n');
}

function textOf(value: unknown): string {
  const parts: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') parts.push(v);
    else if (v instanceof Uint8Array) parts.push(Buffer.from(v).toString('utf8'));
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(value);
  return parts.join('\n');
}

/** The failure's own message and type, however deep Temporal wrapped it. */
export function rootFailure(err: unknown): { message: string; type?: string } {
  let e = err as { cause?: unknown; message: string; type?: string };
  if (err instanceof WorkflowFailedError && err.cause) e = err.cause as typeof e;
  while (e.cause && !(e as { type?: string }).type) e = e.cause as typeof e;
  return { message: e.message, type: e.type };
}
