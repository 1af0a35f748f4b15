import { equivalenceClasses, majority } from '../../core/stats.js';
import { equivalent, extractAnswer, verify } from '../../core/verify/index.js';
import type { LlmResultLine } from './llm-step.js';

/** Every choice of a result, in order; a failed request contributes no samples. */
export function choices(result: LlmResultLine): string[] {
  return result.ok ? (result.contents ?? []) : [];
}

export interface GradedRollouts {
  n: number;
  correct: boolean[];
  answers: (string | null)[];
  /** Is the most common extracted answer (by verifier equivalence) the reference? */
  majorityCorrect: boolean;
}

/** Grades sampled solutions against a reference answer with the verifier. */
export function gradeRollouts(reference: string, samples: string[]): GradedRollouts {
  const answers = samples.map((s) => extractAnswer(s).answer);
  const correct = samples.map((s) => verify(reference, s).equal);
  const keys = equivalenceClasses(answers, equivalent);
  const top = majority(keys);
  const majorityCorrect = top !== null && correct[keys.indexOf(top.key)] === true;
  return { n: samples.length, correct, answers, majorityCorrect };
}

/** Self-consistency: the majority answer by verifier equivalence classes and its share of all samples. */
export function majorityAnswer(
  samples: string[],
): { answer: string; share: number; solution: string } | null {
  const answers = samples.map((s) => extractAnswer(s).answer);
  const keys = equivalenceClasses(answers, equivalent);
  const top = majority(keys);
  if (top === null) return null;
  const at = keys.indexOf(top.key);
  return { answer: answers[at]!, share: top.share, solution: samples[at]! };
}
