import { addAccount, charge, emptyAccount, type UsageLane, type LlmAccount } from '../core/usage.js';
import type { ArtifactRef } from '../schemas/artifact.js';
import type { Endpoint, RunConfig } from '../schemas/config.js';
import type { LlmStepName, LlmStepParams } from '../activities/stages/registry.js';
import type { StageRecord } from '../contract/records.js';
import { stageWorkflowId } from './contract.js';
import { llm, orchestration } from './proxies.js';

/** What every stage child workflow is given: where it stands in the run and the parsed config. */
export interface StageContext {
  runId: string;
  round: number;
  /** The stage's name in its workflow ID, e.g. `sft`, `dpo-2`, `evaluation.sft`. */
  stage: string;
  config: RunConfig;
  /**
   * The current checkpoint's name. Every role mapped to the student endpoint is asked for it, so
   * a self-evolving run (all roles on the student) uses the current model, not the base one.
   */
  checkpoint?: string;
  /** The student server the loop lends this stage (jobs.serve "per-checkpoint"), if it asks the student. */
  server?: LentServer;
}

/** A student server kept up by the loop for one checkpoint, across the stages that ask it. */
export interface HeldServer {
  /** The checkpoint's name. */
  checkpoint: string;
  jobName: string;
  baseURL: string;
  /** The model name the server answers to. */
  model: string;
  /** A simulated server (ServeEndpoint.simulated): its answers are labelled SIMULATED. */
  simulated?: boolean;
}

/** A server lent to one stage; `last`: no later stage asks this checkpoint, so the stage stops it after use. */
export interface LentServer extends HeldServer {
  last: boolean;
}

export function stageRecord(
  ctx: StageContext,
  fields: Omit<StageRecord, 'round' | 'stage' | 'workflowId'>,
): StageRecord {
  return {
    round: ctx.round,
    stage: ctx.stage,
    workflowId: stageWorkflowId(ctx.runId, ctx.round, ctx.stage),
    ...fields,
  };
}

/** A lane of an LLM step: which role's endpoint answers it, and which model (the student's checkpoint). */
export interface Lane {
  role: string;
  endpointName: string;
  model?: string;
  /** A server brought up for this stage (jobs.serve "per-checkpoint") answers instead of the endpoint's. */
  baseURL?: string;
  /** Whether that server's answers are simulated. */
  simulated?: boolean;
}

/** The endpoint a lane's requests go to: the configured one, or the stage's own server. */
function laneEndpoint(config: RunConfig, lane: Lane): Endpoint {
  const endpoint = config.endpoints[lane.endpointName]!;
  return lane.baseURL === undefined
    ? endpoint
    : { ...endpoint, baseURLs: [lane.baseURL], simulated: lane.simulated ?? false };
}

/** The student lane: the student endpoint, asked for the current checkpoint by name. */
export function studentLane(config: RunConfig, checkpoint: string): Lane {
  return { role: 'student', endpointName: config.roles.student, model: checkpoint };
}

export interface LlmStepOutcome {
  output: ArtifactRef;
  counts: Record<string, number>;
  usage: LlmAccount;
}

/**
 * What a stage adds up over its LLM steps: the usage, and each step's drop counts under
 * `<step> dropped …`. track(step, outcome) adds one step.
 */
export function stageTally() {
  const usage = emptyAccount();
  const counts: Record<string, number> = {};
  const track = (step: string, r: Pick<LlmStepOutcome, 'usage' | 'counts'>): void => {
    addAccount(usage, r.usage);
    for (const [k, v] of Object.entries(r.counts)) if (k.startsWith('dropped')) counts[`${step} ${k}`] = v;
  };
  return { usage, counts, track };
}
export type Track = ReturnType<typeof stageTally>['track'];

/** The embedder role's vectors for a {id, text} artifact; the call's usage is added to `usage`. */
export async function embed(
  ctx: StageContext,
  step: string,
  texts: ArtifactRef,
  usage: LlmAccount,
): Promise<ArtifactRef> {
  const { config } = ctx;
  const endpoint = config.endpoints[config.roles.embedder]!;
  const embedded = await llm().embedCall({
    store: config.store,
    stage: `${ctx.runId}/r${ctx.round}/${ctx.stage}/${step}`,
    role: 'embedder',
    endpointName: config.roles.embedder,
    endpoint,
    inputs: texts,
  });
  charge(usage, laneOf('embedder', config.roles.embedder, endpoint), embedded.usage);
  return embedded.vectors;
}

/** Render → one batch per lane (in parallel) → collect. Only artifact references cross here. */
export async function runLlmStep<S extends LlmStepName>(
  ctx: StageContext,
  step: S,
  input: ArtifactRef,
  params: LlmStepParams[S],
  lanes: Lane[],
): Promise<LlmStepOutcome> {
  const store = ctx.config.store;
  const rendered = await orchestration().renderLlmStep({ store, step, input, params });
  const calls = await Promise.all(
    rendered.lanes.map((l) => {
      const lane = lanes[l.lane];
      if (!lane)
        throw new Error(`step ${step} rendered lane ${l.lane} but only ${lanes.length} lanes were given`);
      return llm().llmCall({
        store,
        stage: `${ctx.runId}/r${ctx.round}/${ctx.stage}/${step}`,
        role: lane.role,
        endpointName: lane.endpointName,
        endpoint: laneEndpoint(ctx.config, lane),
        model: modelOf(ctx, lane),
        requests: l.requests,
        parser: rendered.parser,
      });
    }),
  );
  const collected = await orchestration().collectLlmStep({
    store,
    step,
    input,
    params,
    results: calls.map((c) => c.results),
  });
  const usage = emptyAccount();
  rendered.lanes.forEach((l, k) => {
    const lane = lanes[l.lane]!;
    charge(
      usage,
      laneOf(lane.role, lane.endpointName, laneEndpoint(ctx.config, lane), modelOf(ctx, lane)),
      calls[k]!.usage,
    );
  });
  return { output: collected.output, counts: collected.counts, usage };
}

/** A lane's model: its own, else the current checkpoint when its endpoint is the student's. */
function modelOf(ctx: StageContext, lane: Lane): string | undefined {
  return lane.model ?? (lane.endpointName === ctx.config.roles.student ? ctx.checkpoint : undefined);
}

/** The account lane of a role's endpoint; model is the endpoint's own unless asked for another. */
function laneOf(role: string, endpointName: string, endpoint: Endpoint, model?: string): UsageLane {
  return {
    role,
    endpoint: endpointName,
    model: model ?? endpoint.model,
    simulated: endpoint.simulated ?? false,
  };
}

export { addAccount, emptyAccount };
