import { getPrompt } from '../../core/prompts/index.js';
import type { StepRequest } from './llm-step.js';

/** A request carrying one of the project's prompts, rendered with its variables. */
export function prompted(
  name: string,
  vars: unknown,
  opts: Omit<StepRequest, 'prompt' | 'user' | 'system'>,
): StepRequest {
  const { system, user } = getPrompt(name).render(vars);
  return { ...opts, prompt: name, user, ...(system ? { system } : {}) };
}

/** The first valid parsed choice of a result, or the reason none was valid. */
export function firstParsed<T>(result: {
  ok: boolean;
  parsed?: (unknown | null)[];
  invalid?: string[];
  error?: string;
}): { ok: true; value: T } | { ok: false; reason: string } {
  if (!result.ok) return { ok: false, reason: result.error ?? 'request failed' };
  const i = (result.parsed ?? []).findIndex((p) => p !== null && p !== undefined);
  if (i >= 0) return { ok: true, value: result.parsed![i] as T };
  return { ok: false, reason: result.invalid?.find(Boolean) ?? 'no valid answer' };
}
