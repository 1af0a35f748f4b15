/** The workflow bundle's entry: the parent loop and one child workflow type per stage. */
export { trainingLoop } from './training-loop.js';
export { ingestStage } from './stages/ingest.js';
export { rlStage, sftStage, dpoStage, assessStage } from './stages/training.js';
export { weaknessStage } from './stages/weakness.js';
export { synthesisStage } from './stages/synthesis.js';
export { examStage } from './stages/exam.js';
export { goldStage } from './stages/gold.js';
export { evaluationStage } from './stages/evaluation.js';
