import { PROMPTS } from '../../core/prompts/index.js';
import { committeeAnswerStep, voteStep } from './committee-steps.js';
import { critiqueStep, examineStep, refineStep } from './exam-steps.js';
import type { LlmStepDef } from './llm-step.js';
import { assessStep, difficultyStep, evalStep, preferenceStep } from './student-steps.js';
import { classifyStep, conceptsStep, generateStep, judgeStep, referenceStep } from './synthesis-steps.js';

/**
 * Every LLM step by name: workflows name a step and pass its parameters (typed by LlmStepParams,
 * so a misspelled step or parameter does not compile); activities look its code up here.
 */
export const LLM_STEPS = {
  classify: classifyStep,
  assess: assessStep,
  concepts: conceptsStep,
  generate: generateStep,
  judge: judgeStep,
  'reference-answer': referenceStep,
  difficulty: difficultyStep,
  'committee-answers': committeeAnswerStep,
  battles: voteStep,
  'preference-pairs': preferenceStep,
  evaluate: evalStep,
  examine: examineStep,
  critique: critiqueStep,
  refine: refineStep,
};

export type LlmStepName = keyof typeof LLM_STEPS;

/** Each step's parameters, read off its `lanes(params)`. */
export type LlmStepParams = {
  [S in LlmStepName]: (typeof LLM_STEPS)[S] extends { lanes(params: infer P): number } ? P : never;
};

/**
 * A step's logic with its record and parameter types erased: activities receive the name and the
 * parameters as data, and the workflow side has already checked them against LlmStepParams.
 */
export function llmStep(name: LlmStepName): LlmStepDef<unknown, unknown, unknown> {
  const def: LlmStepDef<unknown, unknown, unknown> | undefined = LLM_STEPS[name];
  if (!def) throw new Error(`unknown LLM step "${name}" (have: ${Object.keys(LLM_STEPS).join(', ')})`);
  return def;
}

/** Prompt wording is part of every LLM step's cache identity: a reworded prompt is new work. */
export const PROMPT_VERSIONS: Record<string, number> = Object.fromEntries(
  Object.values(PROMPTS).map((p) => [p.name, p.version]),
);
