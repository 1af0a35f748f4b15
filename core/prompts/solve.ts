import { z } from 'zod';
import { lastBoxed } from './boxed.js';
import { checked, invalid, type ProjectPrompt } from './define.js';

/** Solving a problem (rollouts, labelling, committee answers, evaluation): the SwS/Qwen-math wording. */
export interface SolveVars {
  problem: string;
}

export const SolveAnswer = z.object({
  solution: z.string().describe('the whole response'),
  boxed: z.string().trim().min(1, 'the \\boxed{} is empty').describe('content of the last \\boxed{}'),
});
export type SolveAnswer = z.infer<typeof SolveAnswer>;

export const SOLVE_INSTRUCTION = 'Please reason step by step, and put your final answer within \\boxed{}.';

/**
 * The user message of every solving context (rollouts, evaluation, SFT examples, DPO pairs, the
 * verl Parquet): the problem, then the boxed instruction exactly once, even when a dataset's
 * problem text already ends with it.
 */
export function solveMessage(problem: string): string {
  const p = problem.trim();
  return p.endsWith(SOLVE_INSTRUCTION) ? p : `${p}\n\n${SOLVE_INSTRUCTION}`;
}

export const solve: ProjectPrompt<SolveVars, SolveAnswer> = {
  name: 'solve',
  version: 1,
  signature: SOLVE_INSTRUCTION,
  answerSchema: SolveAnswer,
  render: ({ problem }) => ({ user: solveMessage(problem) }),
  parse(text) {
    const boxed = lastBoxed(text);
    if (boxed === null) return invalid('no final answer in \\boxed{}');
    return checked(SolveAnswer, { solution: text, boxed: boxed.trim() });
  },
  repairHint:
    'Your response has no final answer in \\boxed{}. State your final answer once, as \\boxed{answer}.',
};

/** The problem a rendered solve prompt carries (its inverse), for readers of request logs. */
export function problemOfSolvePrompt(user: string): string | undefined {
  const at = user.lastIndexOf(SOLVE_INSTRUCTION);
  return at < 0 ? undefined : user.slice(0, at).trim();
}
