import { CATEGORIES, type Category } from '../../schemas/config.js';
import { CONCEPTS } from './concepts.js';
import { guessCategory, recognise } from './recognise.js';
import { draw, pickBy, type Sample } from './sample.js';

const DOMAINS = CATEGORIES.filter((c) => c !== 'Other');

/** Classification: right with the model's accuracy, otherwise another domain. */
export function classifyResponse(problem: string, sample: Sample): string {
  const known = recognise(problem);
  let category: Category = known?.category ?? guessCategory(problem);
  if (known !== undefined && draw(sample, 'classify', problem) >= sample.profile.accuracy) {
    category = pickBy(
      draw(sample, 'misclassify', problem),
      DOMAINS.filter((c) => c !== known.category),
    );
  }
  const about = known ? known.template.concepts.join(', ') : 'several elementary techniques';
  return `## Summarization\nThe problem requires ${about}.\n\n## Math domains\n${category}\n\nCategory: ${category}`;
}

/**
 * Concept extraction: the concepts of the problem's template first, then others of its category
 * in a problem-specific order, so concepts co-occur the way the templates combine them.
 */
export function conceptsResponse(problem: string, categoryAsked: string, k: number, sample: Sample): string {
  const known = recognise(problem);
  const category = known?.category ?? (isCategory(categoryAsked) ? categoryAsked : guessCategory(problem));
  const rest = [...CONCEPTS[category]].sort((a, b) => draw(sample, problem, a) - draw(sample, problem, b));
  const concepts = [...new Set([...(known?.template.concepts ?? []), ...rest])].slice(0, Math.max(1, k));
  return `The problem rests on these curriculum concepts.\n\n\`\`\`json\n${JSON.stringify(concepts, null, 2)}\n\`\`\``;
}

function isCategory(name: string): name is Category {
  return (CATEGORIES as readonly string[]).includes(name);
}
