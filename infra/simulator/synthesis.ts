import { parseProblemBlock } from '../../core/prompts/problem-block.js';
import { DIFFICULTY_LEVELS } from '../../schemas/config.js';
import { writeProblem } from './bank.js';
import { hash32 } from './hash.js';
import { guessCategory, recognise } from './recognise.js';
import { draw, pickBy, type Sample } from './sample.js';
import { TEMPLATES, type Template } from './templates.js';

/** Competition levels of the SwS sampler on the 1–5 scale of the templates. */
const LEVEL_OF: Record<(typeof DIFFICULTY_LEVELS)[number], number> = {
  AMC12: 3,
  'HMMT-Nov': 3,
  'HMMT-Feb': 4,
  AIME: 4,
  USAJMO: 5,
  USAMO: 5,
};

export function levelNumber(level: string): number {
  const named = LEVEL_OF[level.trim() as keyof typeof LEVEL_OF];
  if (named !== undefined) return named;
  const digits = /\d+/.exec(level);
  return digits ? Math.min(5, Math.max(1, Number(digits[0]))) : 3;
}

function templatesOf(category: string): readonly Template[] {
  const own = TEMPLATES.filter((t) => t.category === category);
  return own.length > 0 ? own : TEMPLATES;
}

/** A problem is flawed when it is not one of the world's templates or breaks the format rules. */
function isFlawed(problem: string): boolean {
  return recognise(problem) === undefined || !parseProblemBlock(`\`\`\`problem\n${problem}\n\`\`\``).ok;
}

/** Writes one problem in a fenced block, flawed at the configured rates (as real generators are). */
function fencedProblem(
  template: Template,
  level: number,
  sample: Sample,
  plan: string,
  salt: string,
): string {
  const { problem } = writeProblem(template, level, hash32(sample.key, salt));
  const { proof, multiPart, noFence, unsolvable } = sample.flaws;
  const u = draw(sample, 'flaw', salt);
  const fence = (text: string): string => `${plan}\n\n\`\`\`problem\n${text}\n\`\`\``;
  if (u < proof) return fence(`${problem} Prove that this value is the only possible one.`);
  if (u < proof + multiPart)
    return fence(`(a) ${problem}\n(b) How does the answer change if every number is doubled?`);
  if (u < proof + multiPart + noFence) return `${plan}\n\nProblem: ${problem}`;
  if (u < proof + multiPart + noFence + unsolvable) {
    return fence(problem.replace(/\d+(?!.*\d)/s, 'a certain positive integer'));
  }
  return fence(problem);
}

export function generateResponse(
  category: string,
  concepts: readonly string[],
  level: string,
  sample: Sample,
): string {
  const overlap = (t: Template): number => t.concepts.filter((c) => concepts.includes(c)).length;
  const candidates = templatesOf(category);
  const best = Math.max(...candidates.map(overlap));
  const template = pickBy(
    draw(sample, 'template', concepts.join('|')),
    candidates.filter((t) => overlap(t) === best),
  );
  const plan = `Plan: combine ${concepts.slice(0, 2).join(' and ') || 'the given concepts'} in one ${category} question at ${level} difficulty, with a single numerical answer.`;
  return fencedProblem(
    template,
    levelNumber(level),
    sample,
    plan,
    `generate|${category}|${concepts.join('|')}|${level}`,
  );
}

export function examineResponse(category: string, seedProblem: string, sample: Sample): string {
  const template = pickBy(draw(sample, 'examine', seedProblem), templatesOf(category));
  const level = 4 + Math.floor(draw(sample, 'examine-level', seedProblem) * 2);
  const plan = `This problem targets careless computation in ${category}, where the student is weak.`;
  return fencedProblem(template, level, sample, plan, `examine|${category}|${seedProblem}`);
}

export function refineResponse(problem: string, sample: Sample): string {
  const known = recognise(problem);
  const template =
    known?.template ?? pickBy(draw(sample, 'refine', problem), templatesOf(guessCategory(problem)));
  const level = Math.min(5, (known?.level ?? 3) + 1);
  const plan = 'I made every quantity explicit and raised the difficulty, as the critiques suggest.';
  return fencedProblem(template, level, sample, plan, `refine|${problem}`);
}

export function critiqueResponse(problem: string, sample: Sample): string {
  const saysFlawed = isFlawed(problem) === draw(sample, 'critique', problem) < sample.profile.accuracy;
  return saysFlawed
    ? 'The problem is flawed: it is missing information or breaks the format, so it has no unique numerical answer. Restate it as one standalone question with every quantity given.'
    : 'The problem is sound and well posed. It could be made more challenging by using larger numbers so that shortcuts do not work.';
}

const CRITERIA = [
  'FORMAT',
  'FACTUAL ACCURACY',
  'DIFFICULTY ALIGNMENT',
  'CONCEPT COVERAGE',
  'SOLVABILITY',
] as const;

/** A judge spots a flawed problem with its accuracy and sometimes rejects a sound one. */
export function judgeProblemResponse(problem: string, sample: Sample): string {
  const flawed = isFlawed(problem);
  const right = draw(sample, 'judge', problem) < sample.profile.accuracy;
  const saysBad = flawed === right;
  const verdict = saysBad ? 'bad' : draw(sample, 'judge-grade', problem) < 0.6 ? 'perfect' : 'acceptable';
  const rating = (criterion: string): string => {
    if (saysBad && criterion === 'SOLVABILITY') return 'Bad';
    const lowered =
      verdict === 'acceptable' && (criterion === 'SOLVABILITY' || criterion === 'DIFFICULTY ALIGNMENT');
    return lowered ? 'Acceptable' : 'Perfect';
  };
  const lines = CRITERIA.map((c) => `${c}: ${rating(c)} - assessed against the stated requirements.`);
  return `${lines.join('\n')}\n\nFinal Judgement: ${verdict}`;
}
