import type OpenAI from 'openai';
import type { ParseResult } from '../../core/prompts/types.js';
import type { CallOutcome, EndpointPool } from './endpoint-pool.js';
import type { EndpointWhere } from './errors.js';
import type { LlmRequest, LlmResult } from './records.js';

/** How a parser-checked batch validates answers and words the one repair re-ask. */
export interface AnswerValidator {
  parse(text: string): ParseResult<unknown>;
  repairHint: string;
}

export interface ChatSettings {
  pool: EndpointPool;
  where: EndpointWhere;
  model: string;
  validator?: AnswerValidator;
  /** Counts the batch's calls cut at their timeout. */
  calls?: { timedOut: number };
}

export type Completion = OpenAI.Chat.Completions.ChatCompletion;
type Body = LlmRequest['body'];

/**
 * One request to its result line. Failures of this request alone (retries exhausted, a 400) are
 * recorded in the line; failures of the endpoint (bad key, unknown model, unreachable) throw.
 * `answered` is the first answer when it came another way (the Batch API): only repair re-asks
 * are then sent.
 */
export async function answerRequest(
  req: LlmRequest,
  s: ChatSettings,
  signal: AbortSignal,
  answered?: CallOutcome<Completion>,
): Promise<LlmResult> {
  const started = performance.now();
  const usage = { prompt_tokens: 0, completion_tokens: 0 };
  let attempts = 0;
  const counted = (outcome: CallOutcome<Completion>): CallOutcome<Completion> => {
    attempts += outcome.attempts;
    if (outcome.ok) {
      usage.prompt_tokens += outcome.value.usage?.prompt_tokens ?? 0;
      usage.completion_tokens += outcome.value.usage?.completion_tokens ?? 0;
    }
    return outcome;
  };
  const complete = async (body: Body): Promise<CallOutcome<Completion>> => {
    const outcome = await s.pool.call(
      (client, options) =>
        client.chat.completions.create(
          { ...body, model: s.model, stream: false } as OpenAI.ChatCompletionCreateParamsNonStreaming,
          options,
        ),
      {
        where: s.where,
        model: s.model,
        tag: req.custom_id,
        signal,
        estimatedTokens: estimateTokens(body),
        tokensOf: totalTokens,
        completionTokens: completionBudget(body),
        onTimeout: () => {
          if (s.calls) s.calls.timedOut += 1;
        },
      },
    );
    return counted(outcome);
  };
  const line = (fields: Pick<LlmResult, 'ok'> & Partial<LlmResult>): LlmResult => ({
    custom_id: req.custom_id,
    ...fields,
    usage,
    latency_ms: Math.round(performance.now() - started),
    attempts,
  });

  const first = answered ? counted(answered) : await complete(req.body);
  if (!first.ok) return line({ ok: false, error: first.error });
  const contents = texts(first.value);
  if (!s.validator) return line({ ok: true, contents });

  const validator = s.validator;
  const checks = await Promise.all(
    contents.map(async (text) => {
      const parsed = validator.parse(text);
      if (parsed.ok) return { text, parsed };
      const repaired = await complete(repairBody(req.body, text, validator.repairHint));
      const retext = repaired.ok ? texts(repaired.value)[0] : undefined;
      if (retext === undefined) {
        return {
          text,
          parsed: {
            ok: false as const,
            reason: `${parsed.reason}; repair failed: ${repaired.ok ? 'no choice' : repaired.error}`,
          },
        };
      }
      const again = validator.parse(retext);
      if (again.ok) return { text: retext, parsed: again };
      return {
        text: retext,
        parsed: { ok: false as const, reason: `still invalid after one repair: ${again.reason}` },
      };
    }),
  );
  return line({
    ok: true,
    contents: checks.map((c) => c.text),
    parsed: checks.map((c) => (c.parsed.ok ? c.parsed.value : null)),
    invalid: checks.map((c) => (c.parsed.ok ? '' : c.parsed.reason)),
  });
}

const totalTokens = (c: Completion): number => c.usage?.total_tokens ?? 0;

function texts(c: Completion): string[] {
  // The common case (n = 1) needs no sorted copy.
  if (c.choices.length === 1) return [c.choices[0]!.message.content ?? ''];
  return [...c.choices].sort((a, b) => a.index - b.index).map((choice) => choice.message.content ?? '');
}

/** The conversation so far, the bad answer, and the prompt's repair hint; one answer wanted. */
function repairBody(body: Body, answer: string, hint: string): Body {
  return {
    ...body,
    n: 1,
    messages: [...body.messages, { role: 'assistant', content: answer }, { role: 'user', content: hint }],
  };
}

/** A cheap upper-ish estimate for tokens-per-minute: about 4 characters per token, plus the completion budget. */
export function estimateTokens(body: Body): number {
  let chars = 0;
  for (const m of body.messages) chars += m.content.length;
  return Math.ceil(chars / 4) + completionBudget(body);
}

/** The most completion tokens a request may produce (0 when it sets no max_tokens). */
function completionBudget(body: Body): number {
  return (body.max_tokens ?? 0) * (body.n ?? 1);
}
