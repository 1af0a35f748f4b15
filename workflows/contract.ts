import { defineSearchAttributeKey } from '@temporalio/common';
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { LlmAccount } from '../core/usage.js';
import type { ArtifactRef } from '../schemas/artifact.js';
import type { RunConfigInput } from '../schemas/config.js';
import type { Checkpoint } from '../schemas/records.js';

/** What clients, tests, workers and workflows share about a training run. */

export const TASK_QUEUES = { orchestration: 'orchestration', llm: 'llm', gpuJobs: 'gpu-jobs' } as const;
export type TaskQueueName = keyof typeof TASK_QUEUES;

/**
 * Task queue names under a prefix (e.g. `team-a/`), so several deployments or test suites share
 * one Temporal namespace without taking each other's tasks. Workflows derive the prefix from the
 * queue they run on, so activities and children follow their parent's deployment.
 */
export function taskQueues(prefix = ''): Record<TaskQueueName, string> {
  return {
    orchestration: `${prefix}${TASK_QUEUES.orchestration}`,
    llm: `${prefix}${TASK_QUEUES.llm}`,
    gpuJobs: `${prefix}${TASK_QUEUES.gpuJobs}`,
  };
}

export function queuePrefixOf(orchestrationQueue: string): string {
  return orchestrationQueue.endsWith(TASK_QUEUES.orchestration)
    ? orchestrationQueue.slice(0, -TASK_QUEUES.orchestration.length)
    : '';
}

export const STAGES = [
  'ingest',
  'rl',
  'assess',
  'weakness',
  'synthesis',
  'exam',
  'gold',
  'sft',
  'dpo',
  'augmented-rl',
  'evaluation',
] as const;
export type StageName = (typeof STAGES)[number];

/** The parent's ID is the run ID: one run, one workflow chain (continue-as-new keeps the ID). */
export const trainingLoopWorkflowId = (runId: string): string => runId;

/** Child workflow IDs are deterministic, so a replayed or restarted parent re-attaches to them. */
export function stageWorkflowId(runId: string, round: number, stage: string): string {
  return `${runId}/r${round}/${stage}`;
}
export function parseStageWorkflowId(
  id: string,
): { runId: string; round: number; stage: string } | undefined {
  const m = /^(.+)\/r(\d+)\/([^/]+)$/.exec(id);
  return m ? { runId: m[1]!, round: Number(m[2]), stage: m[3]! } : undefined;
}

export const searchAttributes = {
  model: defineSearchAttributeKey('DrillModel', 'KEYWORD'),
  stage: defineSearchAttributeKey('DrillStage', 'KEYWORD'),
  round: defineSearchAttributeKey('DrillRound', 'INT'),
};

/** Per-category accuracy of one checkpoint on the run's benchmarks, with Avg@k / Pass@k / maj@k. */
export interface EvalSummary {
  checkpoint: string;
  samples: number;
  overall: { avgAtK: number; passAtK: number; majAtK: number; problems: number };
  byCategory: Record<string, { avgAtK: number; problems: number }>;
  byLevel: Record<string, { avgAtK: number; problems: number }>;
  byBenchmark: Record<string, { avgAtK: number; passAtK: number; majAtK: number; problems: number }>;
  simulated: boolean;
}

export type { LlmAccount };

/** One finished stage as the status query and the demo table show it. */
export interface StageRecord {
  round: number;
  stage: string;
  workflowId: string;
  cached: boolean;
  counts: Record<string, number>;
  checkpoint?: string;
  eval?: EvalSummary;
  gpuHours?: number;
  llm?: LlmAccount;
  simulated?: boolean;
  /** The stage's main outputs, for inspection (e.g. the synthetic set, the evaluation report). */
  artifacts?: Record<string, ArtifactRef>;
}

export type RunPhase = 'starting' | 'running' | 'paused' | 'completed';

export interface RunStatus {
  runId: string;
  phase: RunPhase;
  round: number;
  rounds: number;
  stage: string | null;
  checkpoint: string;
  stages: StageRecord[];
  /** The synthesis funnel of each round: generated → … → after dedup/decontamination. */
  funnel: Record<string, Record<string, number>>;
  totals: { gpuHours: number; llm: LlmAccount };
}

/** State carried across continue-as-new: one outer round per workflow run keeps history short. */
export interface LoopState {
  round: number;
  checkpoint: Checkpoint;
  /** The training set; after augmented RL, original ∪ synthetic (SwS stage J). */
  trainSet: ArtifactRef;
  benchmarks: { name: string; problems: ArtifactRef }[];
  /** Accuracy log of the newest checkpoint on the train set, if the last stage produced one. */
  accuracyLog?: ArtifactRef;
  stages: StageRecord[];
  funnel: Record<string, Record<string, number>>;
}

export interface TrainingLoopInput {
  config: RunConfigInput;
  state?: LoopState;
}

export const statusQuery = defineQuery<RunStatus>('status');
export const pauseSignal = defineSignal('pause');
export const resumeSignal = defineSignal('resume');

/** Failure types clients can match on. */
export const FAILURE_TYPES = {
  invalidConfig: 'InvalidConfig',
  invalidData: 'InvalidData',
  trainingJobFailed: 'TrainingJobFailed',
  llmEndpoint: 'LlmEndpointError',
} as const;
