import { z } from 'zod';
import { TASK_QUEUES, type TaskQueueName } from '../contract/queues.js';
import { CODEC_KEYS_ENV, parseCodecKeys } from './codec.js';

/** Worker and client settings: defaults, then the environment; one loader, errors returned. */
const Settings = z.object({
  temporalAddress: z.string().default('127.0.0.1:7233'),
  namespace: z.string().default('default'),
  uiUrl: z.string().default('http://127.0.0.1:8233'),
  logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error']).default('info'),
  /** Prefix of every task queue name, so deployments (or test suites) can share a namespace. */
  queuePrefix: z.string().default(''),
  /** A prebuilt workflow bundle (production); absent → bundle from source at start. */
  workflowBundle: z.string().optional(),
  /** host:port for the Prometheus endpoint (/metrics); absent → no endpoint. */
  metricsAddress: z.string().optional(),
  /** Payload encryption keys, "id:base64,…" (./codec.ts); absent → payloads in clear. */
  codecKeys: z
    .string()
    .optional()
    .superRefine((v, ctx) => {
      try {
        if (v !== undefined) parseCodecKeys(v);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
      }
    }),
});
export type Settings = z.infer<typeof Settings>;

export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const parsed = Settings.safeParse({
    temporalAddress: env.DRILL_TEMPORAL_ADDRESS || undefined,
    namespace: env.DRILL_TEMPORAL_NAMESPACE || undefined,
    uiUrl: env.DRILL_TEMPORAL_UI || undefined,
    logLevel: env.DRILL_LOG_LEVEL || undefined,
    queuePrefix: env.DRILL_QUEUE_PREFIX || undefined,
    workflowBundle: env.DRILL_WORKFLOW_BUNDLE || undefined,
    metricsAddress: env.DRILL_METRICS_ADDRESS || undefined,
    codecKeys: env[CODEC_KEYS_ENV] || undefined,
  });
  if (!parsed.success)
    throw new Error(`bad worker settings from the environment:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

export function parseQueues(list: string): TaskQueueName[] {
  const names = list
    .split(',')
    .map((q) => q.trim())
    .filter(Boolean);
  const byValue = Object.fromEntries(Object.entries(TASK_QUEUES).map(([k, v]) => [v, k as TaskQueueName]));
  return names.map((n) => {
    const key = byValue[n];
    if (!key) throw new Error(`unknown task queue "${n}" (have: ${Object.values(TASK_QUEUES).join(', ')})`);
    return key;
  });
}
