import type { Context } from '@temporalio/activity';
import {
  DefaultLogger,
  NativeConnection,
  Worker,
  bundleWorkflowCode,
  type WorkflowBundle,
} from '@temporalio/worker';
import { fileURLToPath } from 'node:url';
import type pino from 'pino';
import { workerDeps } from '../activities/deps.js';
import { createActivities } from '../activities/index.js';
import { taskQueues, type TaskQueueName } from '../contract/queues.js';
import { BackgroundHeartbeat } from './background-heartbeat.js';
import { FailureMetrics } from './failure-metrics.js';
import { dataConverter, FAILURE_CONVERTER_PATH } from './data-converter.js';
import type { Settings } from './settings.js';

const WORKFLOWS = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

/** Slots per queue: LLM batches are I/O-bound and concurrent inside; GPU activities only poll. */
const SLOTS: Record<TaskQueueName, number> = { orchestration: 8, llm: 16, gpuJobs: 32 };

/**
 * How often heartbeats reach the server, per queue (the SDK's default is 0.8 × heartbeat timeout,
 * here 48 s). `drill watch` and the UI read progress from them, and an activity learns that it was
 * cancelled only in a heartbeat's reply: a training job heartbeats once per poll (2 s by default),
 * and passing each one through keeps "cancel the run → cancel the cluster job" within seconds.
 */
const HEARTBEAT_THROTTLE: Record<TaskQueueName, string> = {
  orchestration: '3 seconds',
  llm: '3 seconds',
  gpuJobs: '500 milliseconds',
};

/**
 * The workflow code as one file. `release: true` is the file a deploy ships and
 * DRILL_WORKFLOW_BUNDLE loads (infra/release-bundle.ts): its inline source map (the worker
 * refuses a bundle without one) keeps the mappings but not the sources' text, and names files
 * relative to the repository instead of the build machine's absolute paths: 1.6 MB, not 3.
 */
export async function buildWorkflowBundle(opts: { release?: boolean } = {}): Promise<WorkflowBundle> {
  return bundleWorkflowCode({
    workflowsPath: WORKFLOWS,
    failureConverterPath: FAILURE_CONVERTER_PATH,
    logger: new DefaultLogger('WARN'),
    ...(opts.release
      ? {
          webpackConfigHook: (config) => ({
            ...config,
            devtool: 'inline-nosources-source-map',
            output: { ...config.output, devtoolModuleFilenameTemplate: '[resource-path]' },
          }),
        }
      : {}),
  });
}

export interface RunningWorkers {
  /** Resolves when every worker has stopped. */
  done: Promise<void>;
  shutdown(): void;
}

/**
 * Starts one Worker per requested queue on one connection. The orchestration worker also hosts
 * the workflows. The same code serves one process with all queues or one process per queue.
 */
export async function startWorkers(opts: {
  settings: Settings;
  queues: TaskQueueName[];
  logger: pino.Logger;
  bundle?: WorkflowBundle;
}): Promise<RunningWorkers> {
  const connection = await NativeConnection.connect({ address: opts.settings.temporalAddress });
  const activities = createActivities(workerDeps({ logger: opts.logger }));
  const workers: Worker[] = [];
  try {
    const names = taskQueues(opts.settings.queuePrefix);
    for (const q of opts.queues) {
      const taskQueue = names[q];
      const hostsWorkflows = q === 'orchestration';
      const bundle = hostsWorkflows
        ? (opts.bundle ??
          (opts.settings.workflowBundle
            ? { codePath: opts.settings.workflowBundle }
            : await buildWorkflowBundle()))
        : undefined;
      workers.push(
        await Worker.create({
          connection,
          namespace: opts.settings.namespace,
          taskQueue,
          activities: activities[q],
          dataConverter: dataConverter(opts.settings.codecKeys),
          ...(bundle ? { workflowBundle: bundle } : {}),
          maxConcurrentActivityTaskExecutions: SLOTS[q],
          maxHeartbeatThrottleInterval: HEARTBEAT_THROTTLE[q],
          interceptors: {
            activity: [
              () => ({ inbound: new FailureMetrics() }),
              ...(q === 'orchestration'
                ? [(ctx: Context) => ({ inbound: new BackgroundHeartbeat(ctx) })]
                : []),
            ],
          },
        }),
      );
      opts.logger.info({ taskQueue, workflows: hostsWorkflows }, 'worker ready');
    }
  } catch (err) {
    await connection.close();
    throw err;
  }
  const done = Promise.all(workers.map((w) => w.run())).then(
    () => connection.close(),
    async (err) => {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
      await connection.close();
      throw err;
    },
  );
  return { done, shutdown: () => workers.forEach((w) => w.getState() === 'RUNNING' && w.shutdown()) };
}
