import { z } from 'zod';
import type pino from 'pino';
import type { ArtifactStore } from '../storage/store.js';
import { answerRequest, type AnswerValidator } from './chat.js';
import type { BatchContext } from './context.js';
import type { EndpointPool } from './endpoint-pool.js';
import { requestLineError } from './errors.js';
import { LlmRequest, LlmResult } from './records.js';
import { runTag, shardSizeFor } from './shard-layout.js';
import { runSharded } from './sharded-run.js';
import type { LlmBatchInput, LlmBatchOutput } from './types.js';
import { emptyUsage, priced, tallyResult } from './usage.js';

export interface BatchEnv {
  store: ArtifactStore;
  pool: EndpointPool;
  ctx: BatchContext;
  validator?: AnswerValidator;
  /** Overrides shardSizeFor (tests use small shards). */
  shardSize?: number;
  heartbeatMs: number;
  logger?: pino.Logger;
}

export async function runLlmBatch(input: LlmBatchInput, env: BatchEnv): Promise<LlmBatchOutput> {
  const where = { role: input.role, endpointName: input.endpointName };
  const model = input.model ?? input.endpoint.model;
  const shardSize = env.shardSize ?? shardSizeFor(input.requests.count);
  const usage = emptyUsage();
  const settings = { pool: env.pool, where, model, validator: env.validator };
  const results = await runSharded(
    {
      store: env.store,
      source: input.requests,
      outKey: input.outKey,
      tag: runTag(['chat', input.requests.sha256, model, input.parser ?? null, shardSize]),
      resultKey: `${input.outKey}/results.jsonl`,
      schema: 'LlmResult',
      shardSize,
      concurrency: env.pool.concurrency,
      parse: (raw, line) => {
        const req = LlmRequest.safeParse(raw);
        if (!req.success) throw requestLineError(input.requests.uri, line, z.prettifyError(req.error));
        return req.data;
      },
      run: (req, signal) => answerRequest(req, settings, signal),
      ctx: env.ctx,
      heartbeatMs: env.heartbeatMs,
      logger: env.logger?.child({ stage: input.stage, role: input.role, endpoint: input.endpointName }),
    },
    (record) => tallyResult(usage, record as LlmResult),
  );
  return { results, usage: priced(usage, input.endpoint) };
}
