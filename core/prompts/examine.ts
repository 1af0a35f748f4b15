import type { ProjectPrompt } from './define.js';
import { PROBLEM_OUTPUT_FORMAT, ProblemText, STANDALONE_RULES, parseProblemBlock } from './problem-block.js';
import { tagged } from './tags.js';

/** WarriorMath stage 1: a committee member, as examiner, writes a problem aimed at the student's weak spots. */
export interface ExamineVars {
  category: string;
  weakCategories: readonly string[];
  seedProblem: string;
}

export const examine: ProjectPrompt<ExamineVars, string> = {
  name: 'examine',
  version: 1,
  signature: 'You are an examiner on a committee',
  answerSchema: ProblemText,
  render: ({ category, weakCategories, seedProblem }) => ({
    user: `You are an examiner on a committee of expert mathematicians. A student model is being tested, and your goal is to expose the gaps in its mathematical reasoning with problems it is likely to get wrong.

The student is known to be weak in these domains:
${tagged('weak categories', weakCategories.map((c) => `- ${c}`).join('\n'))}

Write one new, challenging problem in the domain:
${tagged('category', category)}

Use this problem the student failed as inspiration for the skills to probe; do not copy or merely rephrase it:
${tagged('seed problem', seedProblem)}

Requirements:
- Probe the reasoning steps where such a student typically slips (careless case analysis, misapplied formulas, unchecked assumptions), while staying fair and unambiguous.
${STANDALONE_RULES}

Briefly explain which weakness the problem targets, then:
${PROBLEM_OUTPUT_FORMAT}`,
  }),
  parse: parseProblemBlock,
  repairHint:
    'Give exactly one standalone problem (no proof, no multiple choice, no sub-parts) inside one ```problem fenced block.',
};
