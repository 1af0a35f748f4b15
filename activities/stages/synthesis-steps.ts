import { CATEGORIES, type Category } from '../../schemas/config.js';
import type { ConceptList, ConceptSet, Problem, SyntheticProblem } from '../../schemas/records.js';
import { choices } from './grade.js';
import type { LlmStepDef } from './llm-step.js';
import { firstParsed, prompted } from './prompted.js';
import { majorityAnswer } from './grade.js';

/** SwS stages C, F, G and H, and category classification, as LLM steps. */

export const classifyStep: LlmStepDef<Problem, Problem, Record<string, never>> = {
  version: 1,
  lanes: () => 1,
  outputSchema: 'Problem',
  parser: 'classify',
  requests: (rec) =>
    rec.category ? [] : [prompted('classify', { problem: rec.problem }, { lane: 0, temperature: 0 })],
  collect(rec, [result]) {
    if (!result) return { out: [rec] };
    const parsed = firstParsed<Category>(result);
    if (parsed.ok && (CATEGORIES as readonly string[]).includes(parsed.value))
      return { out: [{ ...rec, category: parsed.value }] };
    return { out: [{ ...rec, category: 'Other' }], dropped: 'unclassified (filed under Other)' };
  },
};

export interface ConceptParams {
  k: number;
  temperature: number;
}

export const conceptsStep: LlmStepDef<Problem, ConceptSet, ConceptParams> = {
  version: 1,
  lanes: () => 1,
  outputSchema: 'ConceptSet',
  parser: 'extractConcepts',
  requests: (rec, p) => [
    prompted(
      'extractConcepts',
      { problem: rec.problem, category: rec.category ?? 'Other', k: p.k },
      { lane: 0, temperature: p.temperature },
    ),
  ],
  collect(rec, [result], p) {
    const parsed = firstParsed<string[]>(result!);
    if (!parsed.ok) return { out: [], dropped: `no concept list (${parsed.reason})` };
    const concepts = [...new Set(parsed.value.map((c) => c.trim()).filter(Boolean))].slice(0, p.k);
    return { out: [{ index: rec.index, category: rec.category ?? 'Other', concepts }] };
  },
};

export const generateStep: LlmStepDef<
  ConceptList,
  SyntheticProblem,
  { temperature: number; max_tokens?: number }
> = {
  version: 1,
  lanes: () => 1,
  outputSchema: 'SyntheticProblem',
  parser: 'generateProblem',
  requests: (rec, p) => [
    prompted(
      'generateProblem',
      { category: rec.category, concepts: rec.concepts, level: rec.level },
      { lane: 0, temperature: p.temperature, max_tokens: p.max_tokens },
    ),
  ],
  collect(rec, [result]) {
    const parsed = firstParsed<string>(result!);
    if (!parsed.ok) return { out: [], dropped: `not RL-suitable (${parsed.reason})` };
    return {
      out: [
        {
          id: rec.id,
          category: rec.category,
          level: rec.level,
          concepts: rec.concepts,
          problem: parsed.value,
        },
      ],
    };
  },
};

export type KeepRule = 'one-perfect-one-acceptable' | 'both-perfect' | 'both-acceptable';
type Grade = 'perfect' | 'acceptable' | 'bad';

/** The keep rule over the two judges' final verdicts (a decision in docs/methods.md, configurable). */
export function keeps(rule: KeepRule, a: Grade, b: Grade): boolean {
  const ok = (g: Grade) => g === 'perfect' || g === 'acceptable';
  switch (rule) {
    case 'both-perfect':
      return a === 'perfect' && b === 'perfect';
    case 'both-acceptable':
      return ok(a) && ok(b);
    case 'one-perfect-one-acceptable':
      return (a === 'perfect' && ok(b)) || (b === 'perfect' && ok(a));
  }
}

export interface JudgeParams {
  temperature: number;
  keepRule: KeepRule;
  maxProblemChars: number;
}

/** Problems asking for a proof are dropped before anyone is paid to judge them. */
const PROOF = /\bprove\b|\bshow that\b/i;

export const judgeStep: LlmStepDef<SyntheticProblem, SyntheticProblem, JudgeParams> = {
  version: 1,
  lanes: () => 2,
  outputSchema: 'SyntheticProblem',
  parser: 'judgeProblem',
  requests(rec, p) {
    if (PROOF.test(rec.problem) || rec.problem.length > p.maxProblemChars) return [];
    const vars = { problem: rec.problem, category: rec.category, level: rec.level, concepts: rec.concepts };
    return [0, 1].map((lane) => prompted('judgeProblem', vars, { lane, temperature: p.temperature }));
  },
  collect(rec, results, p) {
    if (results.length === 0) {
      return { out: [], dropped: PROOF.test(rec.problem) ? 'asks for a proof' : 'over the length cap' };
    }
    const verdicts = results.map((r) => firstParsed<{ verdict: Grade }>(r));
    if (!verdicts[0]!.ok || !verdicts[1]!.ok) return { out: [], dropped: 'judge gave no verdict' };
    return keeps(p.keepRule, verdicts[0]!.value.verdict, verdicts[1]!.value.verdict)
      ? { out: [rec] }
      : { out: [], dropped: 'rejected by judges' };
  },
};

export interface ReferenceParams {
  n: number;
  temperature: number;
  top_p: number;
  minAgreement: number;
  max_tokens?: number;
}

/** SwS stage H: the labeller's majority answer (by verifier equivalence) if it holds often enough. */
export const referenceStep: LlmStepDef<
  SyntheticProblem,
  SyntheticProblem & { solution: string },
  ReferenceParams
> = {
  version: 1,
  lanes: () => 1,
  outputSchema: 'SyntheticProblem',
  requests: (rec, p) => [
    prompted(
      'solve',
      { problem: rec.problem },
      { lane: 0, n: p.n, temperature: p.temperature, top_p: p.top_p, max_tokens: p.max_tokens },
    ),
  ],
  collect(rec, [result], p) {
    const top = majorityAnswer(choices(result!));
    if (!top) return { out: [], dropped: 'labeller gave no answer' };
    if (top.share < p.minAgreement) return { out: [], dropped: 'labeller answers disagree' };
    return { out: [{ ...rec, answer: top.answer, solution: top.solution }] };
  },
};
