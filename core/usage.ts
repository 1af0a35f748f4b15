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

const FIGURES = Object.keys(emptyUsage()) as (keyof LlmUsage)[];

export function addUsage<U extends LlmUsage>(into: U, u: LlmUsage): U {
  for (const k of FIGURES) into[k] += u[k];
  return into;
}

/** Where a batch's usage is charged: a role's endpoint asked for one model. */
export interface UsageLane {
  role: string;
  endpoint: string;
  model: string;
  /** The endpoint is the in-repo simulator: its tokens and costs are not a real model's. */
  simulated?: boolean;
}

/** A stage's or a run's LLM accounting: the totals, and the same figures per lane. */
export interface LlmAccount extends LlmUsage {
  lanes: (UsageLane & LlmUsage)[];
}

export const emptyAccount = (): LlmAccount => ({ ...emptyUsage(), lanes: [] });

/** Adds one batch's usage to the account, under its lane. */
export function charge(into: LlmAccount, lane: UsageLane, u: LlmUsage): LlmAccount {
  addUsage(into, u);
  let line = into.lanes.find(
    (l) => l.role === lane.role && l.endpoint === lane.endpoint && l.model === lane.model,
  );
  if (!line) into.lanes.push((line = { ...lane, ...emptyUsage() }));
  addUsage(line, u);
  return into;
}

/** Adds one account to another, lane by lane. */
export function addAccount(into: LlmAccount, from: LlmAccount): LlmAccount {
  // Stage records carried over from runs started before accounts had lanes have none.
  if (!from.lanes) return addUsage(into, from);
  for (const lane of from.lanes) charge(into, lane, lane);
  return into;
}
