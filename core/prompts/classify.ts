import { CATEGORIES, Category } from '../../schemas/config.js';
import { checked, invalid, type ProjectPrompt } from './define.js';
import { tagged } from './tags.js';

/** Category classification of unlabelled problems, after the SwS classification prompt. */
export interface ClassifyVars {
  problem: string;
}

const DOMAINS = CATEGORIES.filter((c) => c !== 'Other');

const TEMPLATE = `# CONTEXT #
I am a teacher, and I have some high-level mathematical problems. I want to categorize the domain of these math problems.

# OBJECTIVE #
A. Provide a concise summary of the math problem, clearly identifying the key concepts or techniques involved.
B. Assign the problem to one and only one specific mathematical domain from this list:
${JSON.stringify(DOMAINS)}

# STYLE #
Data report. Professional, scientific.

# RESPONSE FORMAT #
## Summarization
[Summarize the math problem in a brief paragraph.]
## Math domains
[The one domain from the list above that best fits the problem.]

End with a last line of exactly this form:
Category: <domain>

# ATTENTION #
- Assign each problem to exactly one of the domains listed above.
- Only if none of the listed domains applies may you answer "Other"; this is a last resort.
`;

const ALIASES = new Map<string, Category>(CATEGORIES.map((c) => [normalise(c), c]));

function normalise(name: string): string {
  return name
    .toLowerCase()
    .replace(/[*_`"']/g, ' ')
    .replace(/\band\b/g, '&')
    .replace(/[.\s]+$/, '')
    .replace(/\s+/g, ' ')
    .trim();
}

const LINE = /^[\s*#-]*category[\s*]*:(.*)$/gim;

export const classify: ProjectPrompt<ClassifyVars, Category> = {
  name: 'classify',
  version: 1,
  signature: 'I want to categorize the domain of these math problems.',
  answerSchema: Category,
  render: ({ problem }) => ({ user: `${TEMPLATE}\n${tagged('math problem', problem)}` }),
  parse(text) {
    const line = [...text.matchAll(LINE)].at(-1);
    if (line === undefined) return invalid('no "Category: <domain>" line');
    const named = (line[1] ?? '').trim();
    const category = ALIASES.get(normalise(named));
    if (category === undefined)
      return invalid(`unknown category "${named}" (expected one of ${CATEGORIES.join(', ')})`);
    return checked(Category, category);
  },
  repairHint: `End your response with one line "Category: <domain>", where <domain> is exactly one of: ${CATEGORIES.join(', ')}.`,
};
