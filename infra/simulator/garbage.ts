import type { PromptName } from '../../core/prompts/index.js';

/** Fault injection: an answer to each prompt that its parser must reject (and the LLM layer repair). */
const GARBAGE: Record<PromptName, string> = {
  solve: 'I am not sure how to approach this problem, but the answer is probably small.',
  classify: 'This problem is about mathematics.',
  extractConcepts: 'Concepts: algebra; numbers; reasoning',
  generateProblem: 'Here is my problem: find the value of x when it is what it is.',
  judgeProblem: 'FORMAT: Perfect\nSOLVABILITY: Acceptable\nOverall it looks fine to me.',
  examine: 'Problem: compute something hard about triangles.',
  critique: '',
  refine: 'The refined problem is the same as before.',
  judgePair: 'Both answers have their merits.',
};

export function garbageResponse(name: PromptName | undefined): string {
  return name === undefined ? '\u0000garbled\u0000' : GARBAGE[name];
}
