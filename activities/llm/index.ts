import type pino from 'pino';
import { getPrompt, isPromptName } from '../../core/prompts/index.js';
import type { ArtifactStore } from '../storage/store.js';
import { runBatchApi } from './batch-api.js';
import { runLlmBatch, type BatchEnv } from './batch.js';
import type { AnswerValidator } from './chat.js';
import { currentBatchContext, type BatchContext } from './context.js';
import { runEmbedBatch } from './embed.js';
import { inputError } from './errors.js';
import { createPools } from './pools.js';
import type { EmbedBatchInput, EmbedBatchOutput, LlmBatchInput, LlmBatchOutput } from './types.js';

export interface LlmTuning {
  /** Fixed part size; by default it follows the batch size (part-layout.ts). */
  partSize?: number;
  /**
   * A part is written once its oldest result has waited this long, even if not full: with slow
   * generations a part may take minutes to fill, and a crash loses what is not written.
   */
  partMaxAgeMs: number;
  /** First retry waits about this long (doubling, with jitter) unless the server says retry-after. */
  backoffBaseMs: number;
  backoffCapMs: number;
  /** Heartbeat period; Temporal throttles what it sends to the server. */
  heartbeatMs: number;
  /** Poll period of a Batch API batch (mode 'batch-api'), which takes minutes to hours. */
  batchPollMs: number;
}

export const DEFAULT_TUNING: LlmTuning = {
  backoffBaseMs: 500,
  backoffCapMs: 30_000,
  heartbeatMs: 2_000,
  partMaxAgeMs: 10_000,
  batchPollMs: 30_000,
};

export interface LlmDeps {
  store: ArtifactStore;
  /** Where API keys are read (endpoint.apiKeyEnv names the variable). */
  env?: NodeJS.ProcessEnv;
  logger?: pino.Logger;
  /** Heartbeats and cancellation: the activity's by default; benchmarks and scripts pass their own. */
  context?: () => BatchContext;
  tuning?: Partial<LlmTuning>;
}

/** The batch LLM activities; the worker wires them with the real store, tests with a temporary one. */
export function createLlmActivities(deps: LlmDeps) {
  const tuning = { ...DEFAULT_TUNING, ...deps.tuning };
  const poolFor = createPools(deps.env ?? process.env, {
    backoff: { baseMs: tuning.backoffBaseMs, capMs: tuning.backoffCapMs },
    random: Math.random,
  });
  const envFor = (input: {
    role: string;
    endpointName: string;
    endpoint: LlmBatchInput['endpoint'];
  }): BatchEnv => ({
    store: deps.store,
    pool: poolFor({ role: input.role, endpointName: input.endpointName }, input.endpoint),
    ctx: (deps.context ?? currentBatchContext)(),
    partSize: tuning.partSize,
    partMaxAgeMs: tuning.partMaxAgeMs,
    heartbeatMs: tuning.heartbeatMs,
    batchPollMs: tuning.batchPollMs,
    logger: deps.logger,
  });
  return {
    async llmBatch(input: LlmBatchInput): Promise<LlmBatchOutput> {
      const validator = input.parser === undefined ? undefined : validatorFor(input.parser);
      const run = input.mode === 'batch-api' ? runBatchApi : runLlmBatch;
      return run(input, { ...envFor(input), validator });
    },
    async embedBatch(input: EmbedBatchInput): Promise<EmbedBatchOutput> {
      return runEmbedBatch(input, envFor(input));
    },
  };
}

function validatorFor(name: string): AnswerValidator {
  if (!isPromptName(name)) throw inputError(`parser "${name}" is not a prompt name`);
  const prompt = getPrompt(name);
  return { parse: (text) => prompt.parse(text), repairHint: prompt.repairHint };
}

export type { BatchContext } from './context.js';
export { standaloneContext } from './context.js';
export { CUSTOM_ID_HEADER } from './endpoint-pool.js';
export { LLM_ENDPOINT_ERROR, LLM_REQUEST_ERROR } from './errors.js';
export { EmbedInput, EmbeddingRecord, LlmRequest, LlmResult } from './records.js';
export type * from './types.js';
