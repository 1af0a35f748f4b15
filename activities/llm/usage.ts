import type { Endpoint } from '../../schemas/config.js';
import type { LlmResult } from './records.js';
import { emptyUsage, type LlmUsage } from '../../core/usage.js';

/** Adds one result line to the tally (cost is priced once at the end: see priced). */
export function tallyResult(u: LlmUsage, r: LlmResult): void {
  u.requests += 1;
  if (!r.ok) u.failed += 1;
  else if (r.invalid?.some((reason) => reason !== '')) u.invalid += 1;
  else u.ok += 1;
  u.promptTokens += r.usage.prompt_tokens;
  u.completionTokens += r.usage.completion_tokens;
  u.retries += Math.max(0, r.attempts - 1);
}

/** The tally of a part's result lines. */
export function usageOf(results: LlmResult[]): LlmUsage {
  const u = emptyUsage();
  for (const r of results) tallyResult(u, r);
  return u;
}

export function priced(u: LlmUsage, endpoint: Endpoint): LlmUsage {
  const costUsd =
    (u.promptTokens * endpoint.pricePerMillionInputTokens +
      u.completionTokens * endpoint.pricePerMillionOutputTokens) /
    1e6;
  return { ...u, costUsd };
}
