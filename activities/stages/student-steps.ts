import type { Problem, PreferencePair, SyntheticProblem } from '../../schemas/records.js';
import { preferencePairs } from '../../core/preference.js';
import { solveMessage } from '../../core/prompts/solve.js';
import { choices, gradeRollouts } from './grade.js';
import type { LlmStepDef } from './llm-step.js';
import { prompted } from './prompted.js';

/** Steps in which the current student samples solutions and the verifier grades them. */

export interface SamplingParams {
  n: number;
  temperature: number;
  top_p?: number;
  max_tokens?: number;
}

export interface PreferenceParams extends SamplingParams {
  /** pairs per still-failed problem (stages.dpo.pairsPerProblem); absent = 1 */
  pairs?: number;
}

function solveRequest(problem: string, p: SamplingParams) {
  return [
    prompted(
      'solve',
      { problem },
      { lane: 0, n: p.n, temperature: p.temperature, top_p: p.top_p, max_tokens: p.max_tokens },
    ),
  ];
}

/** One accuracy-log entry: the mean accuracy of this problem's rollouts now. */
export interface AssessedProblem {
  index: number;
  category?: string;
  accuracy: number;
}

export const assessStep: LlmStepDef<Problem, AssessedProblem, SamplingParams> = {
  version: 1,
  lanes: () => 1,
  outputSchema: 'Rollout',
  requests: (rec, p) => solveRequest(rec.problem, p),
  collect(rec, [result]) {
    const samples = choices(result!);
    if (samples.length === 0) return { out: [], dropped: 'no rollouts' };
    const g = gradeRollouts(rec.answer, samples);
    return {
      out: [{ index: rec.index, category: rec.category, accuracy: g.correct.filter(Boolean).length / g.n }],
    };
  },
};

export interface DifficultyParams extends SamplingParams {
  band: [number, number];
  /** Optional SwS check: the student reaches the reference answer at least this often. */
  studentAgreement?: number;
}

/** SwS stage I: keep synthetic problems the current policy solves within the accuracy band. */
export const difficultyStep: LlmStepDef<SyntheticProblem, SyntheticProblem, DifficultyParams> = {
  version: 1,
  lanes: () => 1,
  outputSchema: 'SyntheticProblem',
  requests: (rec, p) => solveRequest(rec.problem, p),
  collect(rec, [result], p) {
    const samples = choices(result!);
    if (samples.length === 0) return { out: [], dropped: 'no rollouts' };
    const g = gradeRollouts(rec.answer!, samples);
    const accuracy = g.correct.filter(Boolean).length / g.n;
    if (accuracy < p.band[0]) return { out: [], dropped: 'too hard for the policy' };
    if (accuracy > p.band[1]) return { out: [], dropped: 'too easy for the policy' };
    if (p.studentAgreement !== undefined && accuracy < p.studentAgreement) {
      return { out: [], dropped: 'student never agrees with the reference' };
    }
    return { out: [{ ...rec, studentAccuracy: accuracy }] };
  },
};

/** One benchmark problem's graded samples. */
export interface EvalRecord {
  benchmark: string;
  id: string;
  category: string;
  level?: number | null;
  n: number;
  c: number;
  majCorrect: boolean;
}

export const evalStep: LlmStepDef<Problem, EvalRecord, SamplingParams & { benchmark: string }> = {
  version: 1,
  lanes: () => 1,
  outputSchema: 'EvalReport',
  requests: (rec, p) => solveRequest(rec.problem, p),
  collect(rec, [result], p) {
    const samples = choices(result!);
    const g = samples.length ? gradeRollouts(rec.answer, samples) : undefined;
    return {
      out: [
        {
          benchmark: p.benchmark,
          id: rec.id,
          category: rec.category ?? 'Other',
          level: rec.level,
          n: g?.n ?? 0,
          c: g ? g.correct.filter(Boolean).length : 0,
          majCorrect: g?.majorityCorrect ?? false,
        },
      ],
      dropped: g ? undefined : 'no samples',
    };
  },
};

/** A problem with its committee-selected gold solution, as SFT and DPO read it. */
export interface GoldItem {
  problemId: string;
  problem: string;
  category: string;
  answer: string;
  solution: string;
}

/**
 * WarriorMath stage 8: the current checkpoint's rollouts on the gold set; every problem it still
 * gets wrong yields up to `pairs` pairs (chosen = gold solution or a verified-correct rollout,
 * rejected = a distinct incorrect rollout; core/preference). The prompt is the solving prompt.
 */
export const preferenceStep: LlmStepDef<GoldItem, PreferencePair, PreferenceParams> = {
  version: 2,
  lanes: () => 1,
  outputSchema: 'PreferencePair',
  requests: (rec, p) => solveRequest(rec.problem, p),
  collect(rec, [result], p) {
    const samples = choices(result!);
    if (samples.length === 0) return { out: [], dropped: 'no rollouts' };
    const g = gradeRollouts(rec.answer, samples);
    const pairs = preferencePairs(rec.solution, samples, g.correct, p.pairs ?? 1);
    if (pairs.length === 0) return { out: [], dropped: 'solved by every rollout' };
    const prompt = [{ role: 'user' as const, content: solveMessage(rec.problem) }];
    return {
      out: pairs.map((pair) => ({
        prompt,
        chosen: [{ role: 'assistant' as const, content: pair.chosen }],
        rejected: [{ role: 'assistant' as const, content: pair.rejected }],
        category: rec.category as PreferencePair['category'],
      })),
    };
  },
};
