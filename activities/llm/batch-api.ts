import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { toFile } from 'openai';
import type OpenAI from 'openai';
import { parseRequestLine, runLlmBatch, type BatchEnv } from './batch.js';
import type { Completion } from './chat.js';
import type { CallOutcome } from './endpoint-pool.js';
import { endpointError, type EndpointWhere } from './errors.js';
import type { LlmBatchInput, LlmBatchOutput } from './types.js';

/**
 * The same request artifact through the OpenAI Batch API: upload it, create a batch, poll it
 * (heartbeating the batch id, so a retried attempt polls the same batch instead of paying for a
 * second one), download the output and error files, then write LlmResult lines in request order
 * through the same runner as one call per request, which also sends the repair re-asks of a
 * parser-checked batch.
 * The Batch API caps an input file at 50,000 requests (200 MB): the upload and the downloaded
 * answers are held in memory, which that cap bounds.
 */

const ENDPOINT = '/v1/chat/completions';

/** Heartbeat details of this mode (alongside the durable runner's progress). */
const BatchApiProgress = z.object({ batchId: z.string().min(1) });

/** One line of an output or error file; only what the mapping reads. */
const OutputLine = z.object({
  custom_id: z.string(),
  response: z.object({ status_code: z.number(), body: z.unknown() }).nullish(),
  error: z.object({ code: z.string().nullish(), message: z.string() }).nullish(),
});

const TERMINAL = new Set(['completed', 'failed', 'expired', 'cancelled']);

export async function runBatchApi(input: LlmBatchInput, env: BatchEnv): Promise<LlmBatchOutput> {
  const where = { role: input.role, endpointName: input.endpointName };
  const model = input.model ?? input.endpoint.model;
  const api = new BatchApi(env, where);
  const resumed = BatchApiProgress.safeParse(env.ctx.heartbeatDetails);
  const batchId = resumed.success ? resumed.data.batchId : await api.submit(input, model);
  if (resumed.success) env.logger?.info({ batchId }, 'resuming Batch API batch');
  env.ctx.heartbeat({ batchId });
  const batch = await api.finished(batchId);
  const answers = await api.answers(batch);

  return runLlmBatch(input, env, {
    batchId,
    take: (customId) => {
      const answer = answers.get(customId) ?? missing(batch);
      answers.delete(customId);
      return answer;
    },
  });
}

/** A request the batch returned nothing for (it expired or was cancelled first). */
function missing(batch: OpenAI.Batch): CallOutcome<Completion> {
  return { ok: false, error: `no answer: the batch ${batch.id} ended ${batch.status}`, attempts: 0 };
}

/** The Batch API calls, each through the endpoint pool (so with its retries and errors). */
class BatchApi {
  constructor(
    private readonly env: BatchEnv,
    private readonly where: EndpointWhere,
  ) {}

  async submit(input: LlmBatchInput, model: string): Promise<string> {
    const { store } = this.env;
    async function* lines(): AsyncGenerator<string> {
      let line = 0;
      for await (const raw of store.readJsonl(input.requests)) {
        const req = parseRequestLine(input, raw, ++line);
        const body = { ...req.body, model };
        yield JSON.stringify({ custom_id: req.custom_id, method: 'POST', url: ENDPOINT, body }) + '\n';
      }
    }
    const file = await toFile(lines(), 'requests.jsonl', { type: 'application/jsonl' });
    const uploaded = await this.call('upload', (client, options) =>
      client.files.create({ file, purpose: 'batch' }, options),
    );
    const batch = await this.call('create batch', (client, options) =>
      client.batches.create(
        {
          input_file_id: uploaded.id,
          endpoint: ENDPOINT,
          completion_window: '24h',
          metadata: { stage: input.stage, role: input.role },
        },
        options,
      ),
    );
    this.env.logger?.info({ batchId: batch.id, file: uploaded.id }, 'Batch API batch created');
    return batch.id;
  }

  /** Polls until the batch ends, heartbeating its id; a failed batch (bad input file) cannot be retried. */
  async finished(batchId: string): Promise<OpenAI.Batch> {
    for (;;) {
      const batch = await this.call('poll', (client, options) => client.batches.retrieve(batchId, options));
      this.env.ctx.heartbeat({ batchId });
      if (batch.status === 'failed') {
        const reasons = batch.errors?.data?.map((e) => `line ${e.line ?? '?'}: ${e.message ?? e.code}`);
        throw endpointError(
          this.where,
          `Batch API batch ${batchId} failed: ${reasons?.join('; ') ?? 'no reason given'}`,
        );
      }
      if (TERMINAL.has(batch.status)) return batch;
      await sleep(this.env.batchPollMs, undefined, { signal: this.env.ctx.signal });
    }
  }

  /** The answers of the output and error files, by custom_id. */
  async answers(batch: OpenAI.Batch): Promise<Map<string, CallOutcome<Completion>>> {
    const out = new Map<string, CallOutcome<Completion>>();
    for (const fileId of [batch.output_file_id, batch.error_file_id]) {
      if (!fileId) continue;
      const text = await this.call('download', async (client, options) =>
        (await client.files.content(fileId, options)).text(),
      );
      text.split('\n').forEach((raw, k) => {
        if (raw.trim() === '') return;
        const line = OutputLine.safeParse(JSON.parse(raw));
        if (!line.success)
          throw endpointError(this.where, `file ${fileId} line ${k + 1}: ${z.prettifyError(line.error)}`);
        out.set(line.data.custom_id, outcomeOf(line.data));
      });
    }
    return out;
  }

  private async call<T>(
    what: string,
    op: (client: OpenAI, options: OpenAI.RequestOptions) => Promise<T>,
  ): Promise<T> {
    const outcome = await this.env.pool.call(op, {
      where: this.where,
      model: 'batch-api',
      tag: `batch-api:${what}`,
      signal: this.env.ctx.signal,
      estimatedTokens: 0,
      tokensOf: () => 0,
    });
    if (!outcome.ok) throw endpointError(this.where, `Batch API ${what}: ${outcome.error}`);
    return outcome.value;
  }
}

function outcomeOf(line: z.infer<typeof OutputLine>): CallOutcome<Completion> {
  const r = line.response;
  if (r && r.status_code === 200) return { ok: true, value: r.body as Completion, attempts: 1 };
  const message =
    line.error?.message ??
    (r?.body as { error?: { message?: string } } | undefined)?.error?.message ??
    'no response';
  return { ok: false, error: r ? `HTTP ${r.status_code}: ${message}` : message, attempts: 1 };
}
