import type { LlmAccount } from '../core/usage.js';
import type { ArtifactRef } from '../schemas/artifact.js';

/** Records that activities produce and workflows, the status query and the report show. */

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

/** Where a run stands, as the status query answers and the report shows it. */
/** `pausing`: a pause was asked for and the current stage is still running; `paused`: held between stages. */
export type RunPhase = 'starting' | 'running' | 'pausing' | 'paused' | 'completed';

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
