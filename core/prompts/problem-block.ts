import { z } from 'zod';
import { checked, invalid } from './define.js';
import type { ParseResult } from './types.js';

/**
 * Generation, examination and refinement all answer with one standalone problem in a
 * ```problem fenced block. This module holds the rules they share: the wording that asks for it
 * and the parser that enforces it.
 */
export const PROBLEM_FENCE = '```problem';

export const STANDALONE_RULES = [
  'The problem must be a single standalone question, not split into sub-questions or parts.',
  'Do not write proof-based ("prove", "show that"), multiple-choice or true/false problems.',
  'The answer must be a single number or mathematical expression.',
  'Give every quantity the solver needs; the problem must have exactly one correct answer.',
].join('\n');

export const PROBLEM_OUTPUT_FORMAT = [
  'Present only the final version of the problem, in exactly one fenced block:',
  '',
  PROBLEM_FENCE,
  '[the problem statement]',
  '```',
  '',
  'Do not include placeholders, hints, answers or solutions inside the block.',
].join('\n');

export const ProblemText = z.string().trim().min(1, 'the problem block is empty');

const FENCED = /```problem[^\S\n]*\n([\s\S]*?)```/g;
const PROOF = /\bprove\b|\bshow that\b/i;
const MULTIPLE_CHOICE = [
  /\(A\)[\s\S]*\(B\)/,
  /\\textbf\{\(A\)/,
  /which of the following/i,
  /\btrue or false\b/i,
];
const MULTI_PART = [
  /(^|\s)\(a\)[\s\S]*(^|\s)\(b\)/m,
  /(^|\s)\(i\)[\s\S]*(^|\s)\(ii\)/m,
  /\bpart \(?[ab12]\)?/i,
];

export function parseProblemBlock(text: string): ParseResult<string> {
  const blocks = [...text.matchAll(FENCED)].map((m) => m[1] ?? '');
  if (blocks.length === 0) return invalid('no ```problem fenced block');
  if (blocks.length > 1) return invalid(`${blocks.length} problem blocks; exactly one is allowed`);
  const problem = (blocks[0] ?? '').trim();
  if (problem.length === 0) return invalid('the problem block is empty');
  if (PROOF.test(problem)) return invalid('asks for a proof ("prove"/"show that")');
  if (MULTIPLE_CHOICE.some((re) => re.test(problem))) return invalid('multiple-choice or true/false problem');
  if (MULTI_PART.some((re) => re.test(problem))) return invalid('problem has sub-parts');
  return checked(ProblemText, problem);
}
