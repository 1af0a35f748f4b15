import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
