import { CATEGORIES, type Category } from '../../schemas/config.js';
import type { Problem } from '../../schemas/records.js';
import { createRng } from '../../core/rng.js';
import { hash32 } from './hash.js';
import { renderTemplate } from './render.js';
import { TEMPLATES, type Template } from './templates.js';

export const MATH_CATEGORIES = CATEGORIES.filter((c): c is Exclude<Category, 'Other'> => c !== 'Other');

export interface BankOptions {
  seed: number;
  perCategory: number;
  /** first `index` given out, so several banks (train, benchmark) can share one index space */
  startIndex?: number;
  idPrefix: string;
}

export interface Written {
  template: Template;
  problem: string;
  answer: string;
  level: number;
}

/** One problem from a template at a level (its recovered level may differ by the template's rounding). */
export function writeProblem(template: Template, level: number, seed: number): Written {
  const params = template.make(level, createRng(seed));
  return {
    template,
    problem: renderTemplate(template, params),
    answer: template.answer(params),
    level: template.levelOf(params),
  };
}

/**
 * The i-th problem of a category: templates and levels 1–5 in turn. Low levels have few distinct
 * problems, so a collision moves on to the next template and, failing that, the next level.
 */
function distinctProblem(
  templates: readonly Template[],
  i: number,
  seen: Set<string>,
  seed: number,
): Written {
  const tries = 10 * templates.length;
  for (let attempt = 0; attempt < 5 * tries; attempt++) {
    const template = templates[(i + attempt) % templates.length] as Template;
    const level = 1 + ((i + Math.floor(attempt / tries)) % 5);
    const written = writeProblem(template, level, hash32(seed, attempt));
    if (seen.has(written.problem)) continue;
    seen.add(written.problem);
    return written;
  }
  throw new Error(`bank: cannot write a new ${templates[0]?.category} problem (problem ${i})`);
}

/**
 * A seeded procedural problem bank: `perCategory` problems in each of the 7 MATH categories, levels
 * 1–5 in turn, templates in turn, no duplicate texts. Same options, same bank.
 */
export function generateBank(opts: BankOptions): Problem[] {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  let index = opts.startIndex ?? 0;
  for (const category of MATH_CATEGORIES) {
    const templates = TEMPLATES.filter((t) => t.category === category);
    for (let i = 0; i < opts.perCategory; i++) {
      const written = distinctProblem(templates, i, seen, hash32(opts.seed, category, i));
      problems.push({
        index,
        id: `${opts.idPrefix}-${index}`,
        problem: written.problem,
        answer: written.answer,
        category,
        level: written.level,
        solution: `This problem uses ${written.template.concepts.join(', ')}. Working it through gives $\\boxed{${written.answer}}$.`,
        source: 'original',
      });
      index++;
    }
  }
  return problems;
}
