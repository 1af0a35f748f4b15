import { z } from 'zod';
import type OpenAI from 'openai';
import type { CallOutcome, EndpointPool } from './endpoint-pool.js';
import { endpointError, requestLineError, type EndpointWhere } from './errors.js';
import { EmbedInput, type EmbeddingRecord } from './records.js';
import { runDurable } from './durable-run.js';
import { partSizeFor, runTag } from './part-layout.js';
import type { BatchEnv } from './batch.js';
import type { EmbedBatchInput, EmbedBatchOutput } from './types.js';
import { addUsage, emptyUsage } from '../../core/usage.js';
import { priced } from './usage.js';

const DEFAULT_BATCH = 64;

interface Waiting {
  item: EmbedInput;
  resolve(record: EmbeddingRecord): void;
  reject(err: unknown): void;
}

/**
 * Gathers single texts into embeddings.create calls of up to batchSize inputs: a call leaves
 * when it is full or at the end of the current turn of the event loop, so the durable runner
 * can treat each text as one item.
 */
class EmbedBatcher {
  private waiting: Waiting[] = [];
  private scheduled = false;

  constructor(
    private readonly pool: EndpointPool,
    private readonly where: EndpointWhere,
    private readonly model: string,
    private readonly batchSize: number,
    private readonly onCall: (outcome: CallOutcome<OpenAI.CreateEmbeddingResponse>) => void,
  ) {}

  embed(item: EmbedInput, signal: AbortSignal): Promise<EmbeddingRecord> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (this.waiting.length >= this.batchSize) this.flush(signal);
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush(signal));
      }
    });
  }

  private flush(signal: AbortSignal): void {
    this.scheduled = false;
    const group = this.waiting.splice(0, this.batchSize);
    if (group.length === 0) return;
    const first = group[0]!.item.id;
    this.pool
      .call(
        (client, options) =>
          client.embeddings.create({ model: this.model, input: group.map((w) => w.item.text) }, options),
        {
          where: this.where,
          model: this.model,
          tag: group.length === 1 ? first : `${first}+${group.length - 1}`,
          signal,
          estimatedTokens: group.reduce((n, w) => n + Math.ceil(w.item.text.length / 4), 0),
          tokensOf: (r) => r.usage?.total_tokens ?? 0,
        },
      )
      .then((outcome) => {
        this.onCall(outcome);
        if (!outcome.ok)
          throw endpointError(
            this.where,
            `embedding ${group.length} texts from id "${first}" failed: ${outcome.error}`,
          );
        const vectors = [...outcome.value.data].sort((a, b) => a.index - b.index);
        if (vectors.length !== group.length) {
          throw endpointError(
            this.where,
            `asked for ${group.length} embeddings from id "${first}", got ${vectors.length}`,
          );
        }
        group.forEach((w, i) => w.resolve({ id: w.item.id, embedding: vectors[i]!.embedding }));
      })
      .catch((err: unknown) => group.forEach((w) => w.reject(err)));
  }
}

export async function runEmbedBatch(input: EmbedBatchInput, env: BatchEnv): Promise<EmbedBatchOutput> {
  const where = { role: input.role, endpointName: input.endpointName };
  const model = input.model ?? input.endpoint.model;
  const batchSize = input.batchSize ?? DEFAULT_BATCH;
  // Vector lines carry no usage, so tokens and retries count this attempt's calls only.
  const usage = emptyUsage();
  const batcher = new EmbedBatcher(env.pool, where, model, batchSize, (outcome) => {
    usage.retries += outcome.attempts - 1;
    if (outcome.ok) usage.promptTokens += outcome.value.usage?.prompt_tokens ?? 0;
  });
  const { result, usage: answered } = await runDurable({
    store: env.store,
    source: input.inputs,
    outKey: input.outKey,
    tag: runTag(['embed', input.inputs.sha256, model]),
    resultName: `${input.outKey}/vectors`,
    schema: 'Embedding',
    partSize: env.partSize ?? partSizeFor(input.inputs.count),
    partMaxAgeMs: env.partMaxAgeMs,
    concurrency: env.pool.concurrency * batchSize,
    parse: (raw, line) => {
      const item = EmbedInput.safeParse(raw);
      if (!item.success) throw requestLineError(input.inputs.uri, line, z.prettifyError(item.error));
      return item.data;
    },
    run: (item, signal) => batcher.embed(item, signal),
    usageOf: (vectors) => ({ ...emptyUsage(), requests: vectors.length, ok: vectors.length }),
    ctx: env.ctx,
    heartbeatMs: env.heartbeatMs,
    logger: env.logger?.child({ stage: input.stage, role: input.role, endpoint: input.endpointName }),
  });
  return { vectors: result, usage: priced(addUsage(usage, answered), input.endpoint) };
}
