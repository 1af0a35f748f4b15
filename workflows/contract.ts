import { defineSearchAttributeKey } from '@temporalio/common';
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { ArtifactRef } from '../schemas/artifact.js';
import type { RunStatus, StageRecord } from '../contract/records.js';
import type { RunConfigInput } from '../schemas/config.js';
import type { Checkpoint } from '../schemas/records.js';
import type { HeldServer } from './stage-context.js';

/**
 * What clients, tests and workers share with the training loop: its input, state, status query,
 * signals and IDs. What activities share too (task queues, failure types, stage records) is in
 * contract/, which neither side's implementation owns.
 */

/** The parent's ID is the run ID: one run, one workflow chain (continue-as-new keeps the ID). */
export const trainingLoopWorkflowId = (runId: string): string => runId;

/** Child workflow IDs are deterministic, so a replayed or restarted parent re-attaches to them. */
export function stageWorkflowId(runId: string, round: number, stage: string): string {
  return `${runId}/r${round}/${stage}`;
}
/** The inverse of stageWorkflowId, for clients that find a run's stages by listing workflows. */
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

export type { RunPhase, RunStatus } from '../contract/records.js';

/** State carried across continue-as-new: one outer round per workflow run keeps history short. */
export interface LoopState {
  round: number;
  checkpoint: Checkpoint;
  /** The training set; after augmented RL, original ∪ synthetic (SwS stage J). */
  trainSet: ArtifactRef;
  benchmarks: { name: string; problems: ArtifactRef }[];
  /** Accuracy log of the newest checkpoint on the train set, if the last stage produced one. */
  accuracyLog?: ArtifactRef;
  /** The accuracy log the previous round read; the next assessment appends to it (SwS: histories span rounds). */
  history?: ArtifactRef;
  stages: StageRecord[];
  funnel: Record<string, Record<string, number>>;
  /** The student server kept up for `checkpoint` (jobs.serve "per-checkpoint"), if the next round asks it first. */
  served?: HeldServer;
  /** A pause not yet resumed when the round ended: the next round holds before its first stage. */
  paused?: true;
}

export interface TrainingLoopInput {
  config: RunConfigInput;
  state?: LoopState;
}

export const statusQuery = defineQuery<RunStatus>('status');
export const pauseSignal = defineSignal('pause');
export const resumeSignal = defineSignal('resume');
