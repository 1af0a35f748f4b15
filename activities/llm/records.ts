import { z } from 'zod';
import { ChatMessage } from '../../schemas/records.js';

/**
 * One line of a request artifact: an OpenAI chat request keyed by `custom_id` (the Batch API's
 * shape). The model is not part of the body: the endpoint (or the student's checkpoint) sets it.
 * Other OpenAI parameters (stop, response_format, …) pass through unchanged.
 */
export const LlmRequest = z.object({
  custom_id: z.string().min(1),
  body: z.looseObject({
    messages: z.array(ChatMessage).min(1),
    temperature: z.number().min(0).optional(),
    top_p: z.number().min(0).max(1).optional(),
    max_tokens: z.number().int().positive().optional(),
    n: z.number().int().positive().optional(),
    seed: z.number().int().optional(),
  }),
});
export type LlmRequest = z.infer<typeof LlmRequest>;

export const TokenUsage = z.object({
  prompt_tokens: z.number().int().nonnegative(),
  completion_tokens: z.number().int().nonnegative(),
});
export type TokenUsage = z.infer<typeof TokenUsage>;

/**
 * One line of a result artifact, in request order. `ok` means the endpoint answered; with a
 * parser, `parsed[i]` is the value of choice i or null, and `invalid[i]` its reason ('' when
 * valid). `contents[i]` is the final text (the repaired one when a repair re-ask succeeded).
 * `attempts` counts every call made for the request: retries and repair re-asks included.
 */
export const LlmResult = z.object({
  custom_id: z.string(),
  ok: z.boolean(),
  contents: z.array(z.string()).optional(),
  parsed: z.array(z.unknown()).optional(),
  invalid: z.array(z.string()).optional(),
  error: z.string().optional(),
  usage: TokenUsage,
  latency_ms: z.number().nonnegative(),
  attempts: z.number().int().nonnegative(),
});
export type LlmResult = z.infer<typeof LlmResult>;

export const EmbedInput = z.object({ id: z.string().min(1), text: z.string() });
export type EmbedInput = z.infer<typeof EmbedInput>;

export const EmbeddingRecord = z.object({ id: z.string(), embedding: z.array(z.number()) });
export type EmbeddingRecord = z.infer<typeof EmbeddingRecord>;
