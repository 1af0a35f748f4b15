import { setTimeout as sleep } from 'node:timers/promises';
import OpenAI from 'openai';
import type { Endpoint } from '../../schemas/config.js';
import { endpointError, type EndpointWhere } from './errors.js';
import { leanFetch } from './lean-fetch.js';
import { LinkedSignals } from './linked-signals.js';
import { ReplicaSet } from './replicas.js';
import { backoffMs, classify, type Backoff } from './retry.js';
import { Semaphore } from './semaphore.js';
import { TokenBucket } from './token-bucket.js';

/** Sent with every call so servers (and the simulator) can count calls per request. */
export const CUSTOM_ID_HEADER = 'x-drill-custom-id';

export interface PoolSettings {
  backoff: Backoff;
  random: () => number;
}

export interface CallContext<T> {
  where: EndpointWhere;
  model: string;
  /** The request's custom_id (or a batch tag for embeddings). */
  tag: string;
  signal: AbortSignal;
  /** Tokens charged against tokensPerMinute before the call; corrected by tokensOf afterwards. */
  estimatedTokens: number;
  tokensOf(value: T): number;
  /** Completion tokens the call may produce: its timeout grows with them (timeoutFor). */
  completionTokens?: number;
  /** Told each time an attempt is cut at its timeout (it is then retried like any transient failure). */
  onTimeout?: () => void;
}

export type CallOutcome<T> =
  { ok: true; value: T; attempts: number } | { ok: false; error: string; attempts: number };

type Operation<T> = (client: OpenAI, options: OpenAI.RequestOptions) => Promise<T>;

/**
 * All calls to one endpoint from this worker: a concurrency limit, rate limits, replicas with
 * failover, and retries (the openai client's own retries are off: this is the one place that
 * retries, so attempts are counted and backoff honours retry-after across replicas).
 */
export class EndpointPool {
  private readonly clients: OpenAI[];
  private readonly replicas: ReplicaSet;
  private readonly slots: Semaphore;
  private readonly requestBucket?: TokenBucket;
  private readonly tokenBucket?: TokenBucket;
  private readonly signals = new LinkedSignals();

  constructor(
    private readonly endpoint: Endpoint,
    apiKey: string,
    private readonly settings: PoolSettings,
  ) {
    // One connection pool per endpoint: its replicas are origins within it.
    const fetch = leanFetch();
    this.clients = endpoint.baseURLs.map(
      (baseURL) => new OpenAI({ apiKey, baseURL, maxRetries: 0, timeout: endpoint.timeoutMs, fetch }),
    );
    this.replicas = new ReplicaSet(endpoint.baseURLs.length);
    this.slots = new Semaphore(endpoint.maxConcurrency);
    const now = Date.now();
    if (endpoint.requestsPerMinute) this.requestBucket = new TokenBucket(endpoint.requestsPerMinute, now);
    if (endpoint.tokensPerMinute) this.tokenBucket = new TokenBucket(endpoint.tokensPerMinute, now);
  }

  get concurrency(): number {
    return this.endpoint.maxConcurrency;
  }

  /** A call's timeout: the endpoint's base plus time to decode the completion it may produce. */
  timeoutFor(completionTokens: number): number {
    return Math.ceil(this.endpoint.timeoutMs + completionTokens * this.endpoint.timeoutMsPerToken);
  }

  async call<T>(op: Operation<T>, c: CallContext<T>): Promise<CallOutcome<T>> {
    // Not c.signal itself: see linked-signals.ts.
    const lease = this.signals.acquire(c.signal);
    try {
      return await this.attempts(op, c, lease.signal);
    } finally {
      this.signals.release(lease);
    }
  }

  private async attempts<T>(
    op: Operation<T>,
    c: CallContext<T>,
    signal: AbortSignal,
  ): Promise<CallOutcome<T>> {
    const options: OpenAI.RequestOptions = {
      signal,
      headers: { [CUSTOM_ID_HEADER]: c.tag },
      timeout: this.timeoutFor(c.completionTokens ?? 0),
    };
    for (let attempts = 1; ; attempts++) {
      if (this.requestBucket) await admit(this.requestBucket, 1, signal);
      if (this.tokenBucket) await admit(this.tokenBucket, c.estimatedTokens, signal);
      await this.slots.acquire();
      const replica = this.replicas.pick(Date.now());
      let err: unknown;
      try {
        const value = await op(this.clients[replica]!, options);
        this.replicas.succeeded(replica);
        this.tokenBucket?.adjust(c.estimatedTokens - c.tokensOf(value), Date.now());
        return { ok: true, value, attempts };
      } catch (e) {
        err = e;
      } finally {
        this.slots.release();
      }
      const failure = classify(err);
      if (failure?.kind === 'transient' && failure.timedOut) c.onTimeout?.();
      this.replicas.failed(replica, failure?.kind === 'transient' ? failure.replica : 'healthy', Date.now());
      const baseURL = this.endpoint.baseURLs[replica];
      if (failure === undefined) throw err;
      switch (failure.kind) {
        case 'aborted':
          throw c.signal.reason ?? err;
        case 'auth':
          throw endpointError(
            c.where,
            `${baseURL} rejected the API key (HTTP ${failure.status}); check the key in ${this.endpoint.apiKeyEnv ?? 'apiKeyEnv (none configured)'}`,
          );
        case 'model':
          throw endpointError(
            c.where,
            `${baseURL} does not serve model "${c.model}" (HTTP 404: ${failure.message})`,
          );
        case 'redirect':
          throw endpointError(
            c.where,
            `${baseURL} answered with a redirect; set the endpoint's baseURLs to the address it redirects to`,
          );
        case 'request':
          return { ok: false, error: failure.message, attempts };
        case 'transient':
          if (attempts > this.endpoint.maxRetries) {
            if (failure.replica === 'down' && !this.replicas.anyLive(Date.now())) {
              throw endpointError(
                c.where,
                `unreachable after ${attempts} attempts (${failure.message}); replicas: ${this.endpoint.baseURLs.join(', ')}`,
              );
            }
            return { ok: false, error: `${failure.message} (gave up after ${attempts} attempts)`, attempts };
          }
          await sleep(
            backoffMs(attempts, failure.retryAfterMs, this.settings.random(), this.settings.backoff),
            undefined,
            { signal },
          ).catch(() => {
            throw c.signal.reason ?? err;
          });
      }
    }
  }
}

async function admit(bucket: TokenBucket, cost: number, signal: AbortSignal): Promise<void> {
  for (let wait = bucket.take(cost, Date.now()); wait > 0; wait = bucket.take(cost, Date.now())) {
    await sleep(wait, undefined, { signal });
  }
}
