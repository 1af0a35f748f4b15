/**
 * LLM accounting, shared by the LLM layer (per batch) and the workflows (per stage and run).
 * Per batch: ok = answered and every choice valid; invalid = answered but some choice still
 * invalid after its repair; failed = no answer (error recorded). requests = ok + invalid + failed.
 * retries = calls beyond the first per request (retries and repair re-asks).
 */
export interface LlmUsage {
  requests: number;
  ok: number;
  invalid: number;
  failed: number;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
  retries: number;
}

export const emptyUsage = (): LlmUsage => ({
  requests: 0,
  ok: 0,
  invalid: 0,
  failed: 0,
  promptTokens: 0,
  completionTokens: 0,
  costUsd: 0,
  retries: 0,
});

export function addUsage(into: LlmUsage, u: LlmUsage): LlmUsage {
  for (const k of Object.keys(into) as (keyof LlmUsage)[]) into[k] += u[k];
  return into;
}
