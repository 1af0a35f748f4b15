import { z } from 'zod';
import type pino from 'pino';
import type { ArtifactStore } from '../storage/store.js';
import { answerRequest, type AnswerValidator, type Completion } from './chat.js';
import type { BatchContext } from './context.js';
import type { CallOutcome, EndpointPool } from './endpoint-pool.js';
import { requestLineError } from './errors.js';
import { LlmRequest } from './records.js';
import { runDurable } from './durable-run.js';
import { partSizeFor, runTag } from './part-layout.js';
import type { LlmBatchInput, LlmBatchOutput } from './types.js';
import { priced, usageOf } from './usage.js';

export interface BatchEnv {
  store: ArtifactStore;
  pool: EndpointPool;
  ctx: BatchContext;
  validator?: AnswerValidator;
  /** Overrides partSizeFor (tests use small parts). */
  partSize?: number;
  /** A part is written once its oldest result has waited this long. */
  partMaxAgeMs: number;
  heartbeatMs: number;
  /** How often a Batch API batch is polled. */
  batchPollMs: number;
  logger?: pino.Logger;
}

/** The first answers of a Batch API batch (batch-api.ts): only repair re-asks are then sent. */
export interface Answered {
  batchId: string;
  /** The answer to the request, handed out once. */
  take(customId: string): CallOutcome<Completion>;
}

export function parseRequestLine(input: LlmBatchInput, raw: unknown, line: number): LlmRequest {
  const req = LlmRequest.safeParse(raw);
  if (!req.success) throw requestLineError(input.requests.uri, line, z.prettifyError(req.error));
  return req.data;
}

export async function runLlmBatch(
  input: LlmBatchInput,
  env: BatchEnv,
  answered?: Answered,
): Promise<LlmBatchOutput> {
  const where = { role: input.role, endpointName: input.endpointName };
  const model = input.model ?? input.endpoint.model;
  const calls = { timedOut: 0 };
  const settings = { pool: env.pool, where, model, validator: env.validator, calls };
  const shaping = [input.requests.sha256, model, input.parser ?? null];
  const { result, usage } = await runDurable({
    store: env.store,
    source: input.requests,
    outKey: input.outKey,
    tag: runTag(answered ? ['batch-api', answered.batchId, ...shaping] : ['chat', ...shaping]),
    resultName: `${input.outKey}/results`,
    schema: 'LlmResult',
    partSize: env.partSize ?? partSizeFor(input.requests.count),
    partMaxAgeMs: env.partMaxAgeMs,
    concurrency: env.pool.concurrency,
    parse: (raw, line) => parseRequestLine(input, raw, line),
    run: (req, signal) => answerRequest(req, settings, signal, answered?.take(req.custom_id)),
    usageOf,
    timedOut: () => calls.timedOut,
    ctx: env.ctx,
    // A retried attempt finds the batch again by its id.
    details: answered && { batchId: answered.batchId },
    heartbeatMs: env.heartbeatMs,
    logger: env.logger?.child({ stage: input.stage, role: input.role, endpoint: input.endpointName }),
  });
  return { results: result, usage: priced(usage, input.endpoint) };
}
