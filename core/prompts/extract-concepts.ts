import { z } from 'zod';
import { checked, invalid, type ProjectPrompt } from './define.js';
import { tagged } from './tags.js';

/** SwS stage C: the foundational concepts a (failed) problem tests, after the SwS extraction prompt. */
export interface ExtractConceptsVars {
  problem: string;
  category: string;
  k: number;
}

export const ConceptsAnswer = z
  .array(
    z
      .string()
      .trim()
      .min(1, 'empty concept')
      .max(160, 'a concept must be a short phrase (at most 160 characters)'),
  )
  .min(1, 'the list is empty');
export type ConceptsAnswer = z.infer<typeof ConceptsAnswer>;

const FENCE = /```(?:json)?[^\S\n]*\n([\s\S]*?)```/g;
const LIST_START = /^[^\S\n]*\[/gm;

/** The JSON list: the last fenced block if there is one, else from the last line opening a list. */
function listText(text: string): string | undefined {
  const fenced = [...text.matchAll(FENCE)].at(-1);
  if (fenced !== undefined) return fenced[1];
  const start = [...text.matchAll(LIST_START)].at(-1);
  const end = text.lastIndexOf(']');
  if (start === undefined || end < start.index) return undefined;
  return text.slice(start.index, end + 1);
}

export const extractConcepts: ProjectPrompt<ExtractConceptsVars, ConceptsAnswer> = {
  name: 'extractConcepts',
  version: 1,
  signature: 'foundational concepts being tested',
  answerSchema: ConceptsAnswer,
  render: ({ problem, category, k }) => ({
    user: `As an expert in educational assessment, analyze this problem from the domain of ${category}:
${tagged('problem', problem)}

Break down and identify ${k} foundational concepts being tested. List knowledge points that:
- are core curriculum concepts typically taught in standard courses,
- are precise and measurable (not vague like "understanding math"),
- are essential building blocks needed to solve this problem,
- represent fundamental principles rather than problem-specific techniques.

Think through your analysis step by step, then give your answer as a JSON list of ${k} short strings, each naming one fundamental knowledge point, in a fenced block:
\`\`\`json
["concept one", "concept two"]
\`\`\``,
  }),
  parse(text) {
    const candidate = listText(text);
    if (candidate === undefined) return invalid('no JSON list of concepts');
    let list: unknown;
    try {
      list = JSON.parse(candidate);
    } catch (error) {
      return invalid(`the concept list is not valid JSON (${(error as Error).message})`);
    }
    if (!Array.isArray(list)) return invalid('the answer is not a JSON list');
    return checked(ConceptsAnswer, list);
  },
  repairHint:
    'Answer with the concepts as a JSON list of short non-empty strings inside a ```json fenced block.',
};
