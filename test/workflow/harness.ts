import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import type { WorkflowBundle } from '@temporalio/worker';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoConfig, type DemoSetup } from '../../cli/demo-config.js';
import { startSimulator, type Simulator } from '../../infra/simulator/server.js';
import { RunConfig } from '../../schemas/config.js';
import { createLogger } from '../../workers/logger.js';
import { buildWorkflowBundle, startWorkers, type RunningWorkers } from '../../workers/run.js';
import { loadSettings, type Settings } from '../../workers/settings.js';

/**
 * Workflow tests run against the real dev server started by infra/stack.sh. Each suite gets its
 * own task-queue prefix, so suites never take each other's tasks, and the bundle is built once.
 */
let bundle: Promise<WorkflowBundle> | undefined;
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

export async function createHarness(name: string): Promise<Harness> {
  if (!process.env.DRILL_TEMPORAL_ADDRESS) {
    throw new Error(
      'DRILL_TEMPORAL_ADDRESS is not set: run the tests through `npm test`, which starts the dev stack',
    );
  }
  const dir = await mkdtemp(join(tmpdir(), `drill-${name}-`));
  const suffix = Math.random().toString(36).slice(2, 8);
  const settings = { ...loadSettings(), queuePrefix: `test-${name}-${suffix}/` };
  process.env.DRILL_SIM_HOME = join(dir, 'sim');
  process.env.DRILL_SIM_TRAIN_SECONDS ??= '1';
  const sim = await startSimulator({ port: 0, home: join(dir, 'sim') });
  const connection = await Connection.connect({ address: settings.temporalAddress });
  const client = new Client({ connection, namespace: settings.namespace });
  const running: RunningWorkers[] = [];
  return {
    dir,
    settings,
    client,
    sim,
    async startWorkers() {
      const w = await startWorkers({
        settings,
        queues: ['orchestration', 'llm', 'gpuJobs'],
        logger: createLogger('warn'),
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

/** The failure's own message and type, however deep Temporal wrapped it. */
export function rootFailure(err: unknown): { message: string; type?: string } {
  let e = err as { cause?: unknown; message: string; type?: string };
  if (err instanceof WorkflowFailedError && err.cause) e = err.cause as typeof e;
  while (e.cause && !(e as { type?: string }).type) e = e.cause as typeof e;
  return { message: e.message, type: e.type };
}
