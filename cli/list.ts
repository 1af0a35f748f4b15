import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
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

/**
 * The training runs, newest first. Each round of a run is its own execution under the run's ID;
 * a run is shown by its newest execution, started at its first.
 */
export async function listRuns(client: Client, f: ListFilters, limit: number): Promise<RunRow[]> {
  const byId = new Map<string, WorkflowExecutionInfo[]>();
  for await (const w of client.workflow.list({ query: listQuery(f) })) {
    byId.set(w.workflowId, [...(byId.get(w.workflowId) ?? []), w]);
  }
  const rows: RunRow[] = [];
  for (const [runId, runs] of byId) {
    runs.sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
    const latest = runs.at(-1)!;
    // Only an earlier round matched the filters: the run is no longer where they ask.
    if (latest.status.name === 'CONTINUED_AS_NEW') continue;
    if (f.state !== undefined && latest.status.name !== f.state.toUpperCase().replace(/[ -]/g, '_')) continue;
    const sa = latest.typedSearchAttributes;
    rows.push({
      runId,
      state: latest.status.name,
      stage: sa.get(searchAttributes.stage) ?? '-',
      round: sa.get(searchAttributes.round),
      model: sa.get(searchAttributes.model) ?? '-',
      started: runs[0]!.startTime,
    });
  }
  return rows.sort((a, b) => b.started.getTime() - a.started.getTime()).slice(0, limit);
}
