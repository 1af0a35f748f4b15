import { z } from 'zod';
import { checked, type ProjectPrompt } from './define.js';
import { tagged } from './tags.js';

/** WarriorMath stage 3: another committee member critiques an examiner's problem. */
export interface CritiqueVars {
  problem: string;
}

export const CritiqueAnswer = z.string().trim().min(1, 'the critique is empty');

export const critique: ProjectPrompt<CritiqueVars, string> = {
  name: 'critique',
  version: 1,
  signature: 'You are a critical reviewer of competition mathematics problems',
  answerSchema: CritiqueAnswer,
  render: ({ problem }) => ({
    user: `You are a critical reviewer of competition mathematics problems. Review this problem:
${tagged('problem', problem)}

Point out every flaw you find, each with a concrete suggestion to fix it:
- errors, contradictions or missing information that make it unsolvable or its answer not unique;
- ambiguous wording or undefined notation;
- violations of the format (it must be one standalone problem whose answer is a number or expression, with no proof, multiple choice or sub-parts);
- ways it is easier than intended (shortcuts, guessable answers) and how to make it more demanding.
If the problem is sound, say so and suggest how to make it more challenging. Do not solve the problem.`,
  }),
  parse: (text) => checked(CritiqueAnswer, text),
  repairHint: 'Write your critique of the problem as plain text: its flaws and how to fix each.',
};
