import type { StageRecord } from '../contract/records.js';
import type { StageKind } from '../contract/stages.js';
import { evaluationStage } from './stages/evaluation.js';
import { examStage } from './stages/exam.js';
import { goldStage } from './stages/gold.js';
import { ingestStage } from './stages/ingest.js';
import { synthesisStage } from './stages/synthesis.js';
import { assessStage, dpoStage, rlStage, sftStage } from './stages/training.js';
import { weaknessStage } from './stages/weakness.js';

/**
 * The child workflow of each stage kind (contract/stages.ts has their summaries and config). The
 * loop runs a stage by kind, so its input is checked against that workflow's parameter type; the
 * workflow type name is the function's name, which recorded histories depend on.
 */
const WORKFLOWS = {
  ingest: ingestStage,
  rl: rlStage,
  assess: assessStage,
  weakness: weaknessStage,
  synthesis: synthesisStage,
  exam: examStage,
  gold: goldStage,
  sft: sftStage,
  dpo: dpoStage,
  'augmented-rl': rlStage,
  evaluation: evaluationStage,
} satisfies Record<StageKind, (input: never) => Promise<{ record: StageRecord }>>;

type Workflows = typeof WORKFLOWS;
export type StageInput<K extends StageKind> = Parameters<Workflows[K]>[0];
export type StageOutput<K extends StageKind> = Awaited<ReturnType<Workflows[K]>>;

/** Mapped so that indexing with a generic kind keeps input and output together. */
export const STAGE_WORKFLOWS: { [K in StageKind]: (input: StageInput<K>) => Promise<StageOutput<K>> } =
  WORKFLOWS;
