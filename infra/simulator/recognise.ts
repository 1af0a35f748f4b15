import type { Category } from '../../schemas/config.js';
import { templatePattern } from './render.js';
import { TEMPLATES, type Template } from './templates.js';

/** What the simulated world knows about a problem it can parse: its exact answer, category and level. */
export interface Recognised {
  template: Template;
  category: Category;
  level: number;
  answer: string;
}

const PATTERNS = TEMPLATES.map((template) => ({ template, pattern: templatePattern(template) }));

/** Parses a problem written from a template (anywhere in the text); undefined for anything else. */
export function recognise(problem: string): Recognised | undefined {
  for (const { template, pattern } of PATTERNS) {
    const groups = pattern.exec(problem)?.groups;
    if (groups === undefined) continue;
    const params = Object.fromEntries(Object.entries(groups).map(([k, s]) => [k, Number(s)]));
    try {
      return {
        template,
        category: template.category,
        level: template.levelOf(params),
        answer: template.answer(params),
      };
    } catch {
      // Numbers outside the template's domain (a zero denominator): the problem is not one of ours.
      return undefined;
    }
  }
  return undefined;
}

const KEYWORDS: readonly [RegExp, Category][] = [
  [/triangle|polygon|circle|angle|area|perimeter/i, 'Geometry'],
  [/probability|ways|arrange|choose|dice|committee/i, 'Counting & Probability'],
  [/remainder|divisor|prime|gcd|modulo|divisible/i, 'Number Theory'],
  [/matrix|vector|determinant|complex|\\sin|\\cos/i, 'Precalculus'],
  [/polynomial|roots|series|x\^3/i, 'Intermediate Algebra'],
  [/solve for|equation|sequence/i, 'Algebra'],
  [/percent|mean|fraction|price/i, 'Prealgebra'],
];

/** A plausible category for a problem the simulator cannot parse, from its words. */
export function guessCategory(problem: string): Category {
  return KEYWORDS.find(([re]) => re.test(problem))?.[1] ?? 'Other';
}
