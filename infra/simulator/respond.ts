import { detectPrompt, type PromptName } from '../../core/prompts/index.js';
import { problemOfSolvePrompt } from '../../core/prompts/solve.js';
import { readTag } from '../../core/prompts/tags.js';
import { judgePairResponse, solveResponse } from './answering.js';
import { classifyResponse, conceptsResponse } from './labelling.js';
import type { Sample } from './sample.js';
import {
  critiqueResponse,
  examineResponse,
  generateResponse,
  judgeProblemResponse,
  refineResponse,
} from './synthesis.js';

export interface ChatMessageText {
  role: string;
  content: string;
}

const list = (tagText: string): string[] =>
  tagText
    .split('\n')
    .map((line) => line.replace(/^\s*-\s*/, '').trim())
    .filter((line) => line.length > 0);

/** The simulated model's answer to one of the project's prompts, read back out of the rendered text. */
export function respond(name: PromptName | undefined, text: string, sample: Sample): string {
  const tag = (t: string): string => readTag(text, t) ?? '';
  switch (name) {
    case 'solve':
      return solveResponse(problemOfSolvePrompt(text) ?? text, sample);
    case 'classify':
      return classifyResponse(tag('math problem'), sample);
    case 'extractConcepts': {
      const k = Number(/identify (\d+) foundational concepts/.exec(text)?.[1] ?? 5);
      const category = /from the domain of (.+?):\n/.exec(text)?.[1] ?? '';
      return conceptsResponse(tag('problem'), category, k, sample);
    }
    case 'generateProblem':
      return generateResponse(tag('category'), list(tag('concepts')), tag('level'), sample);
    case 'judgeProblem':
      return judgeProblemResponse(tag('problem'), sample);
    case 'examine':
      return examineResponse(tag('category'), tag('seed problem'), sample);
    case 'critique':
      return critiqueResponse(tag('problem'), sample);
    case 'refine':
      return refineResponse(tag('problem'), sample);
    case 'judgePair':
      return judgePairResponse(tag('problem'), tag('answer A'), tag('answer B'), sample);
    case undefined:
      return `This is a simulated model; it answers only the project's prompts. ${solveResponse(text, sample)}`;
  }
}

export function promptOf(messages: readonly ChatMessageText[]): {
  name: PromptName | undefined;
  text: string;
} {
  return { name: detectPrompt(messages), text: messages.map((m) => m.content).join('\n') };
}
