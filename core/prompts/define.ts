import type { z } from 'zod';
import type { ParseResult, Prompt } from './types.js';

/**
 * A project prompt: the shared `Prompt` contract plus the zod schema of the answer its parser
 * returns and a phrase that only its rendering contains (how logs and the simulator tell prompts apart).
 */
export interface ProjectPrompt<Vars, Answer> extends Prompt<Vars, Answer> {
  answerSchema: z.ZodType<Answer>;
  signature: string;
}

/** Last step of every parser: the extracted candidate must satisfy the prompt's answer schema. */
export function checked<T>(schema: z.ZodType<T>, candidate: unknown): ParseResult<T> {
  const result = schema.safeParse(candidate);
  if (result.success) return { ok: true, value: result.data };
  const reason = result.error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'answer'}: ${issue.message}`)
    .join('; ');
  return { ok: false, reason };
}

export function invalid(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}
