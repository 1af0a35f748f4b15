import { PROMPTS } from '../../core/prompts/index.js';
import { battleStep, committeeAnswerStep } from './committee-steps.js';
import { critiqueStep, examineStep, refineStep } from './exam-steps.js';
import type { LlmStepDef } from './llm-step.js';
import { assessStep, difficultyStep, evalStep, preferenceStep } from './student-steps.js';
import { classifyStep, conceptsStep, generateStep, judgeStep, referenceStep } from './synthesis-steps.js';

/** Every LLM step by name: workflows name a step, activities look its code up here. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const LLM_STEPS: Record<string, LlmStepDef<any, any, any>> = Object.fromEntries(
  [
    classifyStep,
    assessStep,
    conceptsStep,
    generateStep,
    judgeStep,
    referenceStep,
    difficultyStep,
    committeeAnswerStep,
    battleStep,
    preferenceStep,
    evalStep,
    examineStep,
    critiqueStep,
    refineStep,
  ].map((s) => [s.name, s]),
);

export type LlmStepName = keyof typeof LLM_STEPS;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function llmStep(name: string): LlmStepDef<any, any, any> {
  const def = LLM_STEPS[name];
  if (!def) throw new Error(`unknown LLM step "${name}" (have: ${Object.keys(LLM_STEPS).join(', ')})`);
  return def;
}

/** Prompt wording is part of every LLM step's cache identity: a reworded prompt is new work. */
export const PROMPT_VERSIONS: Record<string, number> = Object.fromEntries(
  Object.values(PROMPTS).map((p) => [p.name, p.version]),
);
