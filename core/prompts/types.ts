/**
 * A prompt is a versioned template plus the parser of the answer it asks for. Parsers never
 * throw on model output: a malformed answer is `{ ok: false, reason }`, counted and dropped.
 */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; reason: string };

export interface Prompt<Vars, Answer> {
  /** Stable name, used in requests, logs and the LLM layer's validation. */
  name: string;
  /** Bumped whenever the wording changes, so cached stage outputs are not reused across wordings. */
  version: number;
  render(vars: Vars): { system?: string; user: string };
  parse(text: string): ParseResult<Answer>;
  /** The re-ask sent once when parse fails (bounded repair). */
  repairHint: string;
}
