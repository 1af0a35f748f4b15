import { classify } from './classify.js';
import { critique } from './critique.js';
import type { ProjectPrompt } from './define.js';
import { examine } from './examine.js';
import { extractConcepts } from './extract-concepts.js';
import { generateProblem } from './generate-problem.js';
import { judgePair } from './judge-pair.js';
import { judgeProblem } from './judge-problem.js';
import { refine } from './refine.js';
import { solve } from './solve.js';
import type { ParseResult } from './types.js';

/** Every prompt the project sends, by name. */
export const PROMPTS = {
  solve,
  classify,
  extractConcepts,
  generateProblem,
  judgeProblem,
  examine,
  critique,
  refine,
  judgePair,
} as const;
export type PromptName = keyof typeof PROMPTS;

export function isPromptName(name: string): name is PromptName {
  return Object.hasOwn(PROMPTS, name);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- callers pick prompts by name at run time
export function getPrompt(name: string): ProjectPrompt<any, any> {
  if (!isPromptName(name))
    throw new Error(`unknown prompt "${name}" (known: ${Object.keys(PROMPTS).join(', ')})`);
  return PROMPTS[name];
}

export function parseAnswer(name: string, text: string): ParseResult<unknown> {
  return getPrompt(name).parse(text);
}

/**
 * Which project prompt a chat request carries, recognised by the prompt's own wording. The solve
 * wording is checked last, as a problem or solution quoted by another prompt could echo it.
 */
const DETECTION_ORDER: readonly PromptName[] = [
  ...(Object.keys(PROMPTS) as PromptName[]).filter((name) => name !== 'solve'),
  'solve',
];

export function detectPrompt(messages: readonly { role: string; content: string }[]): PromptName | undefined {
  const text = messages.map((m) => m.content).join('\n');
  return DETECTION_ORDER.find((name) => text.includes(PROMPTS[name].signature));
}

export type { ProjectPrompt } from './define.js';
export type { ParseResult, Prompt } from './types.js';
export { lastBoxed } from './boxed.js';
export { readTag } from './tags.js';
