import { z } from 'zod';
import { garbageResponse } from './garbage.js';
import { EMBEDDING_DIMENSIONS, embed, toBase64 } from './embed.js';
import type { ModelProfile } from './profiles.js';
import { promptOf, respond } from './respond.js';
import type { FlawRates } from './sample.js';

/**
 * The OpenAI-compatible bodies the simulator answers, as pure functions of the request: the HTTP
 * layer (server.ts) adds faults, latency and counting around them.
 */
export const FINGERPRINT = 'drillmaster-simulator';

export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Sent as-is instead of body's JSON (file contents). */
  text?: string;
}

export function errorReply(status: number, message: string, type: string, code: string | null): Reply {
  return { status, body: { error: { message, type, param: null, code } } };
}

export function modelNotFound(model: string): Reply {
  return errorReply(
    404,
    `The model \`${model}\` does not exist (simulated models only).`,
    'invalid_request_error',
    'model_not_found',
  );
}

const ContentPart = z.object({ type: z.string(), text: z.string().optional() }).loose();
const ChatRequest = z
  .object({
    model: z.string().min(1),
    messages: z
      .array(
        z
          .object({ role: z.string(), content: z.union([z.string(), z.array(ContentPart), z.null()]) })
          .loose(),
      )
      .min(1),
    n: z.number().int().min(1).max(128).default(1),
    temperature: z.number().min(0).max(2).default(1),
    seed: z.number().int().optional(),
    max_tokens: z.number().int().positive().optional(),
    max_completion_tokens: z.number().int().positive().optional(),
  })
  .loose();

const EmbeddingRequest = z
  .object({
    model: z.string().min(1),
    input: z.union([z.string(), z.array(z.string()).min(1)]),
    encoding_format: z.enum(['float', 'base64']).default('float'),
  })
  .loose();

const tokens = (chars: number): number => Math.ceil(chars / 4);

function badRequest(error: z.ZodError): Reply {
  const message = error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
  return errorReply(400, message, 'invalid_request_error', null);
}

export interface ChatContext {
  lookup(model: string): ModelProfile | undefined;
  serverSeed: number;
  flaws: FlawRates;
  garbage: boolean;
  /** the x-drill-custom-id header: varies samples across requests that carry no seed */
  customId: string | undefined;
  requestNumber: number;
}

export function chatCompletion(raw: unknown, ctx: ChatContext): Reply {
  const parsed = ChatRequest.safeParse(raw);
  if (!parsed.success) return badRequest(parsed.error);
  const req = parsed.data;
  const profile = ctx.lookup(req.model);
  if (profile === undefined) return modelNotFound(req.model);
  const messages = req.messages.map((m) => ({
    role: m.role,
    content: typeof m.content === 'string' ? m.content : (m.content ?? []).map((p) => p.text ?? '').join(''),
  }));
  const { name, text } = promptOf(messages);
  const maxTokens = req.max_completion_tokens ?? req.max_tokens;
  const sampleSeed = req.seed ?? ctx.customId ?? 0;
  let completionChars = 0;
  const choices = Array.from({ length: req.n }, (_, index) => {
    const key = `${ctx.serverSeed}|${req.model}|${sampleSeed}|${req.temperature === 0 ? 0 : index}`;
    let content = ctx.garbage
      ? garbageResponse(name)
      : respond(name, text, { profile, key, flaws: ctx.flaws });
    let finishReason = 'stop';
    if (maxTokens !== undefined && tokens(content.length) > maxTokens) {
      content = content.slice(0, maxTokens * 4);
      finishReason = 'length';
    }
    completionChars += content.length;
    return {
      index,
      message: { role: 'assistant', content, refusal: null },
      logprobs: null,
      finish_reason: finishReason,
    };
  });
  const promptTokens = tokens(text.length);
  const completionTokens = tokens(completionChars);
  return {
    status: 200,
    body: {
      id: `chatcmpl-sim-${ctx.requestNumber}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: req.model,
      system_fingerprint: FINGERPRINT,
      choices,
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
      },
    },
  };
}

export function embeddings(raw: unknown, lookup: (model: string) => ModelProfile | undefined): Reply {
  const parsed = EmbeddingRequest.safeParse(raw);
  if (!parsed.success) return badRequest(parsed.error);
  const req = parsed.data;
  if (lookup(req.model) === undefined) return modelNotFound(req.model);
  const inputs = typeof req.input === 'string' ? [req.input] : req.input;
  const data = inputs.map((input, index) => {
    const vector = embed(input);
    return {
      object: 'embedding',
      index,
      embedding: req.encoding_format === 'base64' ? toBase64(vector) : Array.from(vector),
    };
  });
  const promptTokens = tokens(inputs.reduce((n, s) => n + s.length, 0));
  return {
    status: 200,
    body: {
      object: 'list',
      data,
      model: req.model,
      usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
      system_fingerprint: FINGERPRINT,
      dimensions: EMBEDDING_DIMENSIONS,
    },
  };
}

export function modelList(names: readonly string[]): Reply {
  return {
    status: 200,
    body: {
      object: 'list',
      data: names.map((id) => ({ id, object: 'model', created: 0, owned_by: FINGERPRINT })),
    },
  };
}
