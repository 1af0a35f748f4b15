import type { Bound, DatasetSizes, RunPlan } from './plan.js';
import type { LlmAccount } from './usage.js';

/**
 * `drill report`'s plan beside actual: what `drill plan` said the run would cost, next to what
 * its finished stages recorded — LLM requests and tokens per role, examples and GPU-hours per
 * training job. The plan is computed with the dataset sizes the run actually ingested, so the
 * two differ only by what the funnel kept and by the tokens the models really wrote.
 */

/** What the comparison reads of a finished stage (a StageRecord has these fields). */
export interface ActualStage {
  round: number;
  stage: string;
  counts: Record<string, number>;
  gpuHours?: number;
  llm?: LlmAccount;
}

export interface Tokens {
  requests: number;
  promptTokens: number;
  completionTokens: number;
}

export interface RoleLine {
  /** As the plan names it: `committee` stands for every `committee.<i>` lane. */
  role: string;
  planned: Tokens & { bound: Bound };
  actual: Tokens;
}

export interface JobLine {
  round: number;
  stage: string;
  planned?: { examples: number; gpuHours: number; bound: Bound };
  /** Undefined while the stage has not finished (or, for a DPO round, did not train). */
  actual?: { examples?: number; gpuHours: number };
}

export interface PlanBesideActual {
  roles: RoleLine[];
  jobs: JobLine[];
}

/** A usage lane's role under the plan's name: the committee's members are one line there. */
const planRole = (role: string) => role.replace(/^committee\.\d+$/, 'committee');

const noTokens = (): Tokens => ({ requests: 0, promptTokens: 0, completionTokens: 0 });
const addTokens = (into: Tokens, u: Tokens) => {
  into.requests += u.requests;
  into.promptTokens += u.promptTokens;
  into.completionTokens += u.completionTokens;
};

/**
 * The dataset sizes a run ingested, read off its ingest stage's counts (`train`, `benchmark <name>`)
 * and, in select mode, the synthesis stage's `pool`; undefined before ingest has finished.
 */
export function ingestedSizes(stages: readonly ActualStage[]): DatasetSizes | undefined {
  const ingest = stages.find((s) => s.stage === 'ingest');
  if (!ingest || ingest.counts.train === undefined) return undefined;
  const benchmarks: Record<string, number> = {};
  for (const [k, v] of Object.entries(ingest.counts))
    if (k.startsWith('benchmark ')) benchmarks[k.slice('benchmark '.length)] = v;
  const pool = stages.find((s) => s.counts.pool !== undefined)?.counts.pool;
  return { train: ingest.counts.train, benchmarks, ...(pool === undefined ? {} : { pool }) };
}

export function planBesideActual(plan: RunPlan, stages: readonly ActualStage[]): PlanBesideActual {
  const roles = new Map<string, RoleLine>();
  const line = (role: string) => {
    let l = roles.get(role);
    if (!l) roles.set(role, (l = { role, planned: { ...noTokens(), bound: 'exact' }, actual: noTokens() }));
    return l;
  };
  for (const c of plan.calls) {
    const l = line(c.role);
    addTokens(l.planned, c);
    if (c.bound === 'at most') l.planned.bound = 'at most';
  }
  for (const s of stages)
    for (const lane of s.llm?.lanes ?? []) addTokens(line(planRole(lane.role)).actual, lane);

  const key = (round: number, stage: string) => `${round}/${stage}`;
  const jobs = new Map<string, JobLine>();
  for (const j of plan.jobs)
    jobs.set(key(j.round, j.stage), {
      round: j.round,
      stage: j.stage,
      planned: { examples: j.examples, gpuHours: j.gpuHours, bound: j.bound },
    });
  for (const s of stages) {
    if (s.gpuHours === undefined) continue;
    const k = key(s.round, s.stage);
    const j = jobs.get(k) ?? { round: s.round, stage: s.stage };
    j.actual = {
      gpuHours: s.gpuHours,
      ...(s.counts.examples === undefined ? {} : { examples: s.counts.examples }),
    };
    jobs.set(k, j);
  }
  return { roles: [...roles.values()], jobs: [...jobs.values()] };
}
