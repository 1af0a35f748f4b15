import type { Client } from '@temporalio/client';
import { decodeTypedSearchAttributes } from '@temporalio/common/lib/converter/payload-search-attributes.js';
import { requiredTsToDate } from '@temporalio/common/lib/time.js';
import proto from '@temporalio/proto';
import { searchAttributes } from '../workflows/contract.js';
import { quote } from './run-status.js';

export interface ListFilters {
  model?: string;
  stage?: string;
  round?: number;
  /** Temporal's execution status of the run's newest execution: running, completed, failed… */
  state?: string;
}

export interface RunRow {
  runId: string;
  state: string;
  stage: string;
  /** 0-based, as DrillRound holds it. */
  round: number | undefined;
  model: string;
  /** When the run's first execution started (continue-as-new starts one per round). */
  started: Date;
}

/** The visibility query for the training runs matching the filters (search attributes). */
export function listQuery(f: ListFilters): string {
  const terms = ['WorkflowType = "trainingLoop"'];
  if (f.model !== undefined) terms.push(`DrillModel = ${quote(f.model)}`);
  if (f.stage !== undefined) terms.push(`DrillStage = ${quote(f.stage)}`);
  if (f.round !== undefined) terms.push(`DrillRound = ${f.round}`);
  return terms.join(' AND ');
}

interface Execution {
  workflowId: string;
  state: string;
  startTime: Date;
  searchAttributes: ReturnType<typeof decodeTypedSearchAttributes>;
}

const STATUS = proto.temporal.api.enums.v1.WorkflowExecutionStatus;

/**
 * The visibility records, read without decoding memos: `client.workflow.list` decodes each memo
 * with the client's codec, so one run encrypted under a key this user lacks would fail the whole
 * list. The list needs only search attributes, which are never encrypted.
 */
async function* executions(client: Client, query: string): AsyncGenerator<Execution> {
  let nextPageToken: Uint8Array | undefined;
  do {
    const page = await client.workflowService.listWorkflowExecutions({
      namespace: client.options.namespace,
      query,
      nextPageToken,
    });
    for (const raw of page.executions) {
      yield {
        workflowId: raw.execution!.workflowId!,
        state: (STATUS[raw.status!] ?? 'UNSPECIFIED').replace('WORKFLOW_EXECUTION_STATUS_', ''),
        startTime: requiredTsToDate(raw.startTime, 'startTime'),
        searchAttributes: decodeTypedSearchAttributes(raw.searchAttributes?.indexedFields),
      };
    }
    nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
  } while (nextPageToken);
}

/**
 * The training runs, newest first. Each round of a run is its own execution under the run's ID;
 * a run is shown by its newest execution, started at its first.
 */
export async function listRuns(client: Client, f: ListFilters, limit: number): Promise<RunRow[]> {
  const byId = new Map<string, Execution[]>();
  for await (const w of executions(client, listQuery(f))) {
    byId.set(w.workflowId, [...(byId.get(w.workflowId) ?? []), w]);
  }
  const rows: RunRow[] = [];
  for (const [runId, runs] of byId) {
    runs.sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
    const latest = runs.at(-1)!;
    // Only an earlier round matched the filters: the run is no longer where they ask.
    if (latest.state === 'CONTINUED_AS_NEW') continue;
    if (f.state !== undefined && latest.state !== f.state.toUpperCase().replace(/[ -]/g, '_')) continue;
    const sa = latest.searchAttributes;
    rows.push({
      runId,
      state: latest.state,
      stage: sa.get(searchAttributes.stage) ?? '-',
      round: sa.get(searchAttributes.round),
      model: sa.get(searchAttributes.model) ?? '-',
      started: runs[0]!.startTime,
    });
  }
  return rows.sort((a, b) => b.started.getTime() - a.started.getTime()).slice(0, limit);
}
