import { WorkflowFailedError, type Client, type WorkflowExecutionInfo } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { addAccount, emptyAccount } from '../core/usage.js';
import {
  parseStageWorkflowId,
  searchAttributes,
  statusQuery,
  trainingLoopWorkflowId,
  type RunStatus,
  type TrainingLoopInput,
} from '../workflows/contract.js';
import type { StageRecord } from '../contract/records.js';

/** A run as `drill status` shows it: the status, where it came from and the execution's state. */
export interface RunView {
  /** Temporal's execution status: RUNNING, COMPLETED, FAILED, CANCELLED, TERMINATED, TIMED_OUT. */
  state: string;
  status: RunStatus;
  /** live: the workflow answered the status query; result: the run's return value; stages: rebuilt. */
  source: 'live' | 'result' | 'stages';
  /** Why the status is not live, when it could have been. */
  note?: string;
  /** The failure's message for a failed, cancelled, terminated or timed-out run. */
  failure?: string;
  memo: Record<string, unknown>;
  /** The run config the current execution was started with. */
  config: unknown;
}

/** How long a status query may wait for a worker before the last known status is shown. */
export const QUERY_TIMEOUT_MS = 5000;

/**
 * Reads a run's status whatever its state and whether or not a worker is running: a finished run
 * answers from its result (stored in its history), a running one from the status query, and when
 * no worker answers, from its finished stage workflows, which hold each stage's record.
 */
export async function readRun(
  client: Client,
  runId: string,
  queryTimeoutMs = QUERY_TIMEOUT_MS,
): Promise<RunView> {
  const handle = client.workflow.getHandle(trainingLoopWorkflowId(runId));
  const desc = await handle.describe(); // WorkflowNotFoundError for an unknown ID
  const state = desc.status.name;
  const input = await firstInput(client, desc);
  const known = { memo: desc.memo ?? {}, config: input?.config };
  if (state === 'COMPLETED')
    return { state, status: (await handle.result()) as RunStatus, source: 'result', ...known };
  if (state === 'RUNNING' || state === 'CONTINUED_AS_NEW') {
    try {
      const status = await client.connection.withDeadline(Date.now() + queryTimeoutMs, () =>
        handle.query(statusQuery),
      );
      return { state: 'RUNNING', status, source: 'live', ...known };
    } catch (err) {
      const note = `no worker answered the status query within ${queryTimeoutMs / 1000} s (${firstLine(err)}); this is the last known status, from the finished stages`;
      const status = await rebuildStatus(client, runId, desc, input);
      return { state: 'RUNNING', status, source: 'stages', note, ...known };
    }
  }
  let failure: string | undefined;
  try {
    await handle.result();
  } catch (err) {
    failure = err instanceof WorkflowFailedError && err.cause ? err.cause.message : firstLine(err);
  }
  return {
    state,
    status: await rebuildStatus(client, runId, desc, input),
    source: 'stages',
    failure,
    ...known,
  };
}

const firstLine = (err: unknown) => String((err as Error)?.message ?? err).split('\n')[0]!;

/** What the rebuild needs of the run's execution (a description or a list entry). */
type RunExecution = Pick<WorkflowExecutionInfo, 'workflowId' | 'runId' | 'typedSearchAttributes'>;

/** What a stage workflow returns: its record, and for synthesis and the exam their funnel. */
interface StageResult {
  record: StageRecord;
  funnel?: Record<string, number>;
}

/**
 * The status a run would report, rebuilt without a worker: its config from the current execution's
 * input, and one record per finished stage workflow (their IDs derive from the run ID).
 */
async function rebuildStatus(
  client: Client,
  runId: string,
  run: RunExecution,
  input: TrainingLoopInput | undefined,
): Promise<RunStatus> {
  const config = input?.config as { model?: string; rounds?: number } | undefined;
  const stages: StageRecord[] = [];
  const funnel: Record<string, Record<string, number>> = {};
  let current: string | null = null;
  for (const child of await stageExecutions(client, runId)) {
    const id = parseStageWorkflowId(child.workflowId)!;
    if (child.status.name === 'RUNNING') current = id.stage;
    if (child.status.name !== 'COMPLETED') continue;
    const result = (await client.workflow.getHandle(child.workflowId, child.runId).result()) as StageResult;
    stages.push(result.record);
    if (result.funnel) funnel[`round ${id.round}${id.stage === 'exam' ? ' exam' : ''}`] = result.funnel;
  }
  const llm = emptyAccount();
  for (const s of stages) if (s.llm) addAccount(llm, s.llm);
  const round = run.typedSearchAttributes.get(searchAttributes.round) ?? input?.state?.round ?? 0;
  const lastCheckpoint = [...stages].reverse().find((s) => s.checkpoint && !s.eval)?.checkpoint;
  return {
    runId,
    phase: 'running',
    round,
    rounds: config?.rounds ?? round + 1,
    stage: current,
    checkpoint: lastCheckpoint ?? input?.state?.checkpoint.name ?? config?.model ?? '?',
    stages,
    funnel,
    totals: { gpuHours: stages.reduce((h, s) => h + (s.gpuHours ?? 0), 0), llm },
  };
}

/** Every stage workflow of a run, the newest execution per ID, in start order. */
export async function stageExecutions(client: Client, runId: string): Promise<WorkflowExecutionInfo[]> {
  const latest = new Map<string, WorkflowExecutionInfo>();
  for await (const w of client.workflow.list({ query: `WorkflowId STARTS_WITH ${quote(`${runId}/r`)}` })) {
    if (parseStageWorkflowId(w.workflowId)?.runId !== runId) continue;
    const seen = latest.get(w.workflowId);
    if (!seen || seen.startTime < w.startTime) latest.set(w.workflowId, w);
  }
  return [...latest.values()].sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
}

/** A string literal for a visibility query. */
export const quote = (s: string) => JSON.stringify(s);

/** The input the execution was started with: the config, and the state carried from earlier rounds. */
async function firstInput(client: Client, run: RunExecution): Promise<TrainingLoopInput | undefined> {
  const history = await client.workflowService.getWorkflowExecutionHistory({
    namespace: client.options.namespace,
    execution: { workflowId: run.workflowId, runId: run.runId },
    maximumPageSize: 1,
  });
  const payload = history.history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  return payload ? defaultPayloadConverter.fromPayload<TrainingLoopInput>(payload) : undefined;
}
