import type { StoreConfig } from '../schemas/config.js';
import { stableStringify } from './cache.js';
import { createStore } from './storage/index.js';
import type { ArtifactStore } from './storage/store.js';

/**
 * Runs name their store in their config, so a worker serves runs on different stores; clients
 * (S3 connection pools) are made once per distinct store config.
 */
const stores = new Map<string, ArtifactStore>();

export function storeFor(config: StoreConfig, env: NodeJS.ProcessEnv = process.env): ArtifactStore {
  const id = stableStringify(config);
  let store = stores.get(id);
  if (!store) {
    store = createStore(config, env);
    stores.set(id, store);
  }
  return store;
}
