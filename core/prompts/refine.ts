import type { ProjectPrompt } from './define.js';
import { PROBLEM_OUTPUT_FORMAT, ProblemText, STANDALONE_RULES, parseProblemBlock } from './problem-block.js';
import { tagged } from './tags.js';

/** WarriorMath stage 3: the problem rewritten to answer the committee's critiques. */
export interface RefineVars {
  problem: string;
  critiques: readonly string[];
}

export const refine: ProjectPrompt<RefineVars, string> = {
  name: 'refine',
  version: 1,
  signature: 'Revise the problem so that it addresses every critique',
  answerSchema: ProblemText,
  render: ({ problem, critiques }) => ({
    user: `Revise the problem so that it addresses every critique below, keeping it in the same domain and at least as challenging.

${tagged('problem', problem)}

${critiques.map((c, i) => tagged(`critique ${i + 1}`, c)).join('\n\n')}

Requirements:
${STANDALONE_RULES}

Briefly say what you changed, then:
${PROBLEM_OUTPUT_FORMAT}`,
  }),
  parse: parseProblemBlock,
  repairHint:
    'Give exactly one revised standalone problem (no proof, no multiple choice, no sub-parts) inside one ```problem fenced block.',
};
