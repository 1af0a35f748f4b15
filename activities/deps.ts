import { fileURLToPath } from 'node:url';
import type pino from 'pino';
import type { JobsConfig, StoreConfig } from '../schemas/config.js';
import { stableStringify } from './cache.js';
import type { JobBackend } from './jobs/backend.js';
import { createBackend } from './jobs/registry.js';
import { createStore } from './storage/index.js';
import type { ArtifactStore } from './storage/store.js';

/**
 * What activities get from the process that hosts them, rather than building it themselves (the
 * dependency-injection pattern of Temporal's TypeScript samples): the worker passes the real ones,
 * a test passes a temporary store, a fake backend or a fixed clock.
 */
export interface ActivityDeps {
  /** The artifact store a run's config names; credentials come from the worker's environment. */
  storeFor(config: StoreConfig): ArtifactStore;
  /** Where a run's GPU jobs run. */
  backendFor(jobs: JobsConfig): JobBackend;
  /** Where API keys are read (an endpoint's apiKeyEnv names the variable). */
  env: NodeJS.ProcessEnv;
  /** Timestamps of cache manifests and ledger entries. */
  clock: () => Date;
  logger: pino.Logger;
}

const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));

/**
 * The worker's dependencies. Runs name their store in their config, so one worker serves runs on
 * different stores; a client (an S3 connection pool) is made once per distinct store config.
 */
export function workerDeps(opts: { logger: pino.Logger; env?: NodeJS.ProcessEnv }): ActivityDeps {
  const env = opts.env ?? process.env;
  const stores = new Map<string, ArtifactStore>();
  return {
    storeFor(config) {
      const id = stableStringify(config);
      let store = stores.get(id);
      if (!store) {
        store = createStore(config, env);
        stores.set(id, store);
      }
      return store;
    },
    backendFor: (jobs) => createBackend(jobs.backend, REPO_ROOT),
    env,
    clock: () => new Date(),
    logger: opts.logger,
  };
}
