import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { startSimulator, type Simulator } from '../../infra/simulator/server.js';
import type { Endpoint } from '../../schemas/config.js';
import { createFileStore } from '../../activities/storage/file-store.js';
import type { ArtifactStore } from '../../activities/storage/store.js';
import type { LlmResult } from '../../activities/llm/index.js';
import type { ArtifactRef } from '../../schemas/artifact.js';

export async function tempStore(): Promise<{ store: ArtifactStore; cleanup: () => Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'drill-llm-'));
  return { store: createFileStore(root), cleanup: () => rm(root, { recursive: true, force: true }) };
}

export function endpoint(baseURLs: string[], over: Partial<Endpoint> = {}): Endpoint {
  return {
    baseURLs,
    model: 'sim-model',
    maxConcurrency: 16,
    timeoutMs: 2_000,
    // Tests size timeouts by timeoutMs alone unless they test the per-token part.
    timeoutMsPerToken: 0,
    maxRetries: 8,
    pricePerMillionInputTokens: 0,
    pricePerMillionOutputTokens: 0,
    simulated: true,
    ...over,
  };
}

export function chatRequests(n: number, content = (i: number) => `What is ${i} + ${i}?`) {
  return Array.from({ length: n }, (_, i) => ({
    custom_id: `q${i}`,
    body: { messages: [{ role: 'user' as const, content: content(i) }], max_tokens: 64 },
  }));
}

export async function readAll(store: ArtifactStore, ref: ArtifactRef): Promise<LlmResult[]> {
  const out: LlmResult[] = [];
  for await (const r of store.readJsonl(ref)) out.push(r as LlmResult);
  return out;
}

/** Fast retries so fault-injection tests finish in seconds. */
export const FAST = { backoffBaseMs: 5, backoffCapMs: 50, heartbeatMs: 50 };

/**
 * A temp store and a simulator for one test file, started in `before` and stopped in `after`.
 * The getters read the live values, so tests use `fx.store` / `fx.sim` after `before` ran.
 */
export function simulatorFixture(opts: Omit<Parameters<typeof startSimulator>[0], 'home'>) {
  let store: ArtifactStore | undefined;
  let sim: Simulator | undefined;
  let cleanup = async () => {};
  let home = '';
  before(async () => {
    ({ store, cleanup } = await tempStore());
    home = await mkdtemp(join(tmpdir(), 'drill-sim-'));
    sim = await startSimulator({ home, ...opts });
  });
  after(async () => {
    await sim?.close();
    await cleanup();
    await rm(home, { recursive: true, force: true });
  });
  return {
    get store(): ArtifactStore {
      return store!;
    },
    get sim(): Simulator {
      return sim!;
    },
  };
}
