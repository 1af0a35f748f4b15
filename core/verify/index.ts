/**
 * Math answer verification, compatible with HuggingFace math-verify: extract the final answer from
 * both sides, normalise it, read its shape and compare. Pure and synchronous; every call returns a
 * verdict with a reason, within a time bound, whatever the input.
 */
import { compareValues } from './compare.js';
import { extractAnswer, type ExtractHow } from './extract.js';
import { normalise } from './normalise.js';
import { braceDepth, MAX_DEPTH } from './scalar.js';
import { parseValue } from './structure.js';

export { extractAnswer, type Extraction, type ExtractHow } from './extract.js';
export { extractChoice } from './choice.js';
export { normalise } from './normalise.js';

export interface VerifyOptions {
  /** Decimal places compared when either side is a decimal literal. Default 6, as math-verify. */
  precision?: number;
  /** Variables must match by name (default). When false, f(x) equals f(y). */
  strict?: boolean;
  /** Let a gold interval match a predicted inequality (math-verify's allow_set_relation_comp). */
  allowSetRelationComp?: boolean;
  /** Time budget for one comparison, in milliseconds. Default 2000. */
  timeoutMs?: number;
}

export interface VerifyResult {
  equal: boolean;
  reason: string;
  goldAnswer: string | null;
  predAnswer: string | null;
}

interface Side {
  answer: string | null;
  how: ExtractHow;
}

function side(text: string): Side {
  const { answer, how } = extractAnswer(text);
  return { answer: answer === null ? null : normalise(answer), how };
}

function compareAnswers(gold: string, pred: string, opts: VerifyOptions): { equal: boolean; reason: string } {
  if (braceDepth(gold) > MAX_DEPTH || braceDepth(pred) > MAX_DEPTH) {
    return { equal: false, reason: 'expression nested too deeply' };
  }
  try {
    return compareValues(parseValue(gold), parseValue(pred), {
      precision: opts.precision ?? 6,
      strict: opts.strict ?? true,
      allowSetRelationComp: opts.allowSetRelationComp ?? false,
      deadline: Date.now() + (opts.timeoutMs ?? 2000),
    });
  } catch (err) {
    return { equal: false, reason: `comparison failed: ${(err as Error).message}` };
  }
}

/** Is the prediction (an answer or a whole response) equal to the gold (an answer or a solution)? */
export function verify(gold: string, pred: string, opts: VerifyOptions = {}): VerifyResult {
  const g = side(gold);
  const p = side(pred);
  const base = { goldAnswer: g.answer, predAnswer: p.answer };
  if (g.answer === null || g.answer === '')
    return { equal: false, reason: 'no answer found in gold', ...base };
  if (p.answer === null || p.answer === '')
    return { equal: false, reason: 'no answer found in prediction', ...base };
  return { ...compareAnswers(g.answer, p.answer, opts), ...base };
}

/** Symmetric equivalence of two already-extracted answers, for grouping votes. */
export function equivalent(a: string, b: string, opts: VerifyOptions = {}): boolean {
  const x = normalise(a);
  const y = normalise(b);
  if (x === y) return x !== '';
  return compareAnswers(x, y, opts).equal && compareAnswers(y, x, opts).equal;
}

/**
 * Assigns each answer the index of its equivalence class (classes numbered in order of first
 * appearance); null answers get -1. Identical normalised answers are grouped without comparing.
 */
export function groupEquivalent(answers: readonly (string | null)[], opts: VerifyOptions = {}): number[] {
  const representatives: string[] = [];
  const byKey = new Map<string, number>();
  return answers.map((answer) => {
    if (answer === null || answer.trim() === '') return -1;
    const key = normalise(answer);
    const known = byKey.get(key);
    if (known !== undefined) return known;
    let cls = representatives.findIndex((r) => equivalent(r, answer, opts));
    if (cls < 0) cls = representatives.push(answer) - 1;
    byKey.set(key, cls);
    return cls;
  });
}
