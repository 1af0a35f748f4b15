import { Endpoint } from '../../schemas/config.js';
import { EndpointPool, type PoolSettings } from './endpoint-pool.js';
import { endpointError, type EndpointWhere } from './errors.js';

/** Local servers (vLLM, the simulator) accept any key; the openai client insists on one. */
const NO_KEY = 'no-key';

/**
 * One pool per endpoint configuration, shared by the batches a worker runs at once, so the
 * endpoint's concurrency and rate limits hold across them.
 */
export function createPools(env: NodeJS.ProcessEnv, settings: PoolSettings) {
  const pools = new Map<string, EndpointPool>();
  return (where: EndpointWhere, raw: Endpoint): EndpointPool => {
    const parsed = Endpoint.safeParse(raw);
    if (!parsed.success) throw endpointError(where, `invalid endpoint config: ${parsed.error.message}`);
    const endpoint = parsed.data;
    const apiKey = endpoint.apiKeyEnv === undefined ? NO_KEY : env[endpoint.apiKeyEnv];
    if (!apiKey)
      throw endpointError(where, `environment variable ${endpoint.apiKeyEnv} (its API key) is not set`);
    const id = `${where.endpointName}\n${JSON.stringify(endpoint)}`;
    let pool = pools.get(id);
    if (!pool) pools.set(id, (pool = new EndpointPool(endpoint, apiKey, settings)));
    return pool;
  };
}
export type PoolFor = ReturnType<typeof createPools>;
