import type { ArtifactRef } from '../schemas/artifact.js';
import type { StoreConfig } from '../schemas/config.js';
import { cachedStep, stableStringify } from './cache.js';
import { createLlmActivities, type EmbedBatchInput, type LlmBatchInput, type LlmUsage } from './llm/index.js';
import type { ActivityDeps } from './deps.js';

/**
 * The `llm` queue's activities: the LLM layer's batch calls behind the step cache. Results are
 * keyed by the request file's hash, the endpoint and the model, so a finished batch is never
 * sent again; an unfinished one resumes inside the LLM layer from its part files.
 */

export type LlmCallInput = Omit<LlmBatchInput, 'outKey'> & { store: StoreConfig };
export type EmbedCallInput = Omit<EmbedBatchInput, 'outKey'> & { store: StoreConfig };

const identity = (i: { endpointName: string; endpoint: { model: string }; model?: string }) => ({
  endpointName: i.endpointName,
  model: i.model ?? i.endpoint.model,
});

export function createLlmQueueActivities(deps: ActivityDeps) {
  type LlmLayer = ReturnType<typeof createLlmActivities>;
  const layers = new Map<string, LlmLayer>();
  /** One LLM layer per store, so rate limits and connection pools are shared by all batches. */
  function layerFor(store: StoreConfig): LlmLayer {
    const id = stableStringify(store);
    let layer = layers.get(id);
    if (!layer) {
      layer = createLlmActivities({ store: deps.storeFor(store), env: deps.env, logger: deps.logger });
      layers.set(id, layer);
    }
    return layer;
  }

  return {
    async llmCall(input: LlmCallInput): Promise<{ results: ArtifactRef; usage: LlmUsage; cached: boolean }> {
      const { store: storeConfig, ...call } = input;
      const r = await cachedStep(
        deps.storeFor(storeConfig),
        {
          step: 'llm',
          params: { ...identity(input), parser: input.parser ?? null },
          inputs: [input.requests],
        },
        (prefix) => layerFor(storeConfig).llmBatch({ ...call, outKey: prefix }),
        deps.clock,
      );
      return { ...r.output, cached: r.cached };
    },

    async embedCall(
      input: EmbedCallInput,
    ): Promise<{ vectors: ArtifactRef; usage: LlmUsage; cached: boolean }> {
      const { store: storeConfig, ...call } = input;
      const r = await cachedStep(
        deps.storeFor(storeConfig),
        { step: 'embed', params: identity(input), inputs: [input.inputs] },
        (prefix) => layerFor(storeConfig).embedBatch({ ...call, outKey: prefix }),
        deps.clock,
      );
      return { ...r.output, cached: r.cached };
    },
  };
}
