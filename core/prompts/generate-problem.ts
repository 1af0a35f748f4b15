import type { ProjectPrompt } from './define.js';
import { PROBLEM_OUTPUT_FORMAT, ProblemText, STANDALONE_RULES, parseProblemBlock } from './problem-block.js';
import { tagged } from './tags.js';

/** SwS stage F: one new problem from sampled concepts, a domain and a difficulty level (plan first). */
export interface GenerateProblemVars {
  category: string;
  concepts: readonly string[];
  level: string;
}

export const generateProblem: ProjectPrompt<GenerateProblemVars, string> = {
  name: 'generateProblem',
  version: 1,
  signature: 'generate a well-constructed question that meaningfully integrates',
  answerSchema: ProblemText,
  render: ({ category, concepts, level }) => ({
    user: `Given a set of foundational mathematical concepts, a mathematical domain and a target difficulty level, generate a well-constructed question that meaningfully integrates multiple listed concepts and reflects the stated level of complexity.

### Foundational concepts
${tagged('concepts', concepts.map((c) => `- ${c}`).join('\n'))}

### Target difficulty level
${tagged('level', level)}

### Mathematical domain
${tagged('category', category)}

### Instructions
1. Begin by outlining which concepts you will combine and how you plan to structure the question.
2. Make the question coherent, relevant and appropriately challenging for the stated level.
${STANDALONE_RULES}

### Output format
First give your brief outline and plan for the question. Then:
${PROBLEM_OUTPUT_FORMAT}`,
  }),
  parse: parseProblemBlock,
  repairHint:
    'Give exactly one standalone problem (no proof, no multiple choice, no sub-parts) inside one ```problem fenced block.',
};
