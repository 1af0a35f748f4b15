/**
 * Equality of two scalar LaTeX expressions. Plain numbers are compared exactly (number.ts); the
 * rest is parsed by @cortex-js/compute-engine and compared by value: constants numerically,
 * expressions with variables at fixed sample points (a polynomial-identity style test, which also
 * settles tan²+1 = sec² that the engine's own isEqual leaves undecided). Guards refuse inputs whose
 * evaluation could run away (huge powers, deep nesting, sums) before the engine sees them.
 */
import { ComputeEngine } from '@cortex-js/compute-engine';
import { exactMatches, makeExact, parseExact, type Exact } from './number.js';

export interface ScalarOptions {
  /** Decimal places both sides are rounded to when either is a decimal literal (math-verify: 6). */
  precision: number;
  /** When false, variables are matched by position, so f(x) equals f(y). */
  strict: boolean;
}

export interface Verdict {
  equal: boolean;
  reason: string;
}

const ce = new ComputeEngine();
const MAX_CHARS = 2_000;
export const MAX_DEPTH = 40;
const RELATIVE_TOLERANCE = 1e-9;
const SAMPLE_POINTS = [1.3127, 0.7419, 2.2318, -0.6431, 1.9032];
const CONSTANTS = new Set(['Pi', 'ExponentialE', 'ImaginaryUnit', 'e', 'i', 'Half']);
const RUNAWAY = /\^\s*\{[^{}]*\^|\^\s*\{?\s*-?\d{4,}|\d{3,}\s*!|\\(?:sum|prod|int|lim|iint|oint)\b/;
const PERCENT = /\s*\\%$/;

type Sample = (vars: Record<string, number>) => number;

interface Parsed {
  vars: string[];
  /** Value at a point (NaN where undefined); for constants the point is ignored. */
  at: Sample;
}

const cache = new Map<string, Parsed | string>();
const CACHE_SIZE = 5_000;

export function braceDepth(s: string): number {
  let depth = 0;
  let max = 0;
  for (const c of s) {
    if (c === '{' || c === '(' || c === '[') max = Math.max(max, ++depth);
    else if (c === '}' || c === ')' || c === ']') depth--;
  }
  return max;
}

/** Why an expression must not be evaluated, or null when it is safe. */
export function refusal(latex: string): string | null {
  if (latex.length > MAX_CHARS) return 'expression too long to evaluate';
  if (braceDepth(latex) > MAX_DEPTH) return 'expression nested too deeply';
  if (RUNAWAY.test(latex)) return 'expression too large to evaluate';
  return null;
}

/** Subscripted names (a_3, F_{n}) become plain symbols, named consistently across both sides. */
function renameSubscripts(latex: string, names: Map<string, string>): string {
  return latex.replace(/([a-zA-Z])_\s*(\{[^{}]+\}|[a-zA-Z0-9])/g, (whole, base: string, sub: string) => {
    const key = base + sub.replace(/[{}\s]/g, '');
    if (!names.has(key)) names.set(key, `\\mathit{sub${names.size}}`);
    return names.get(key)!;
  });
}

function parse(latex: string): Parsed | string {
  const hit = cache.get(latex);
  if (hit !== undefined) return hit;
  const result = parseUncached(latex);
  if (cache.size >= CACHE_SIZE) cache.clear();
  cache.set(latex, result);
  return result;
}

function parseUncached(latex: string): Parsed | string {
  // \mathrm{e} arrives as \text{e}: one upright letter is the symbol (or constant) itself.
  const expr = ce.parse(latex.replace(/\\text\{([a-zA-Z])\}/g, '$1'));
  if (!expr.isValid) return 'unparseable LaTeX';
  if (typeof expr.json === 'string' && expr.json.startsWith("'")) return 'text, not math';
  const vars = expr.freeVariables.filter((v: string) => !CONSTANTS.has(v));
  if (vars.length === 0) {
    const value = expr.N();
    const n = value.im === 0 ? value.re : NaN;
    return { vars, at: () => n };
  }
  try {
    const fn = expr.compile();
    if (!fn) return 'cannot evaluate';
    return { vars, at: (point: Record<string, number>) => Number(fn(point)) };
  } catch {
    return 'cannot evaluate';
  }
}

function close(a: number, b: number): boolean {
  if (a === b) return true;
  return Math.abs(a - b) <= RELATIVE_TOLERANCE * Math.max(1, Math.abs(a), Math.abs(b));
}

function rounded(a: number, places: number): number {
  return Math.round(a * 10 ** places);
}

function pointFor(vars: string[], index: number, rename: string[] = vars): Record<string, number> {
  const point: Record<string, number> = {};
  vars.forEach(
    (v, k) => (point[rename[k]!] = SAMPLE_POINTS[(index + 2 * k) % SAMPLE_POINTS.length]! + k / 7),
  );
  return point;
}

/** Evaluates both sides at the sample points; `check` decides each pair of values. */
function sampleBoth(
  a: Parsed,
  b: Parsed,
  strict: boolean,
  check: (x: number, y: number) => boolean,
): Verdict {
  const same = a.vars.length === b.vars.length && a.vars.every((v) => b.vars.includes(v));
  if (!same && (strict || a.vars.length !== b.vars.length))
    return { equal: false, reason: 'different variables' };
  let finite = 0;
  for (let i = 0; i < SAMPLE_POINTS.length; i++) {
    const x = a.at(pointFor(a.vars, i));
    const y = b.at(same ? pointFor(a.vars, i) : pointFor(a.vars, i, b.vars));
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    finite++;
    if (!check(x, y)) return { equal: false, reason: 'values differ' };
  }
  return finite >= 2
    ? { equal: true, reason: 'equal at sample points' }
    : { equal: false, reason: 'cannot evaluate' };
}

function withPercent(latex: string): { body: string; pct: boolean } {
  return PERCENT.test(latex) ? { body: latex.replace(PERCENT, ''), pct: true } : { body: latex, pct: false };
}

function exactOf(body: string): Exact | null {
  const frac = /^(-?)\\frac\{(-?\d+)\}\{(-?\d+)\}$/.exec(body);
  if (frac) return parseExact(`${frac[1]}${frac[2]}/${frac[3]}`.replace(/^--/, '').replace(/\/-/, '/'));
  return parseExact(body.replace(/\s+/g, ''));
}

/** x% as a reduced fraction (so 50% and 1/2 compare equal). */
function scaled(x: Exact, pct: boolean): Exact {
  return pct ? (makeExact(x.num, x.den * 100n, x.isFloat) as Exact) : x;
}

/** math-verify's numeric rule for two literal numbers, percent included (9% = 9 when both are integers). */
function compareExact(a: Exact, ap: boolean, b: Exact, bp: boolean, places: number): boolean {
  const integers = a.den === 1n && b.den === 1n && !a.isFloat && !b.isFloat;
  if (integers && (ap || bp) && a.num === b.num) return true;
  return exactMatches(scaled(a, ap), scaled(b, bp), places);
}

interface BigOperator {
  op: string;
  index: string;
  lo: string;
  hi: string;
  body: string;
}

const BIG_OPERATOR =
  /^\\(sum|prod)(?:\\limits)?\s*_\s*\{\s*([a-zA-Z])\s*=\s*([^{}]+)\}\s*\^\s*(\{[^{}]+\}|\w)\s*([\s\S]+)$/;

/** `\sum_{k=a}^{b} body` (or \prod) spanning the whole expression, or null. */
function bigOperator(latex: string): BigOperator | null {
  if (latex.length > MAX_CHARS) return null;
  const m = BIG_OPERATOR.exec(latex.trim());
  if (!m) return null;
  const [, op, index, lo, hi, body] = m as unknown as [string, string, string, string, string, string];
  return { op, index, lo, hi: hi.replace(/^\{|\}$/g, ''), body };
}

/**
 * Sums and products are not evaluated (their bounds may be symbolic and their expansion unbounded);
 * two with the same index and equal bounds are equal when their summands are, as expressions.
 */
function bigOperatorsEqual(a: BigOperator, b: BigOperator, opts: ScalarOptions): Verdict {
  if (a.op !== b.op || a.index !== b.index) return { equal: false, reason: 'different sums' };
  const parts: [string, string][] = [
    [a.lo, b.lo],
    [a.hi, b.hi],
    [a.body, b.body],
  ];
  const differs = parts.find(([x, y]) => !scalarEqual(x, y, opts).equal);
  return differs
    ? { equal: false, reason: `\\${a.op} terms or bounds differ` }
    : { equal: true, reason: `equal \\${a.op}` };
}

export function scalarEqual(gold: string, pred: string, opts: ScalarOptions): Verdict {
  if (gold.replace(/\s+/g, '') === pred.replace(/\s+/g, ''))
    return { equal: true, reason: 'same expression' };
  const g = withPercent(gold);
  const p = withPercent(pred);
  const ge = exactOf(g.body);
  const pe = exactOf(p.body);
  if (ge && pe) {
    const equal = compareExact(ge, g.pct, pe, p.pct, opts.precision);
    return { equal, reason: equal ? 'equal numbers' : 'different numbers' };
  }
  const gs = bigOperator(g.body);
  const ps = bigOperator(p.body);
  if (gs && ps && !g.pct && !p.pct) return bigOperatorsEqual(gs, ps, opts);
  const refused = refusal(g.body) ?? refusal(p.body);
  if (refused) return { equal: false, reason: refused };
  const names = new Map<string, string>();
  const gp = parse(renameSubscripts(g.body, names));
  const pp = parse(renameSubscripts(p.body, names));
  if (typeof gp === 'string' || typeof pp === 'string') {
    return { equal: false, reason: typeof gp === 'string' ? `gold: ${gp}` : `pred: ${pp}` };
  }
  const ratio = (g.pct ? 0.01 : 1) / (p.pct ? 0.01 : 1);
  const float = (ge?.isFloat ?? false) || (pe?.isFloat ?? false);
  if (float && gp.vars.length === 0 && pp.vars.length === 0) {
    const x = gp.at({}) * ratio;
    const y = pp.at({});
    const equal = rounded(x, opts.precision) === rounded(y, opts.precision);
    return { equal, reason: equal ? `equal to ${opts.precision} decimals` : 'different numbers' };
  }
  return sampleBoth(gp, pp, opts.strict, (x, y) => close(x * ratio, y));
}

/**
 * True when `a` is a constant multiple of `b` at every sample point: two equations state the same
 * thing when lhs−rhs differ by a nonzero factor; inequalities need a positive (or, flipped, negative) one.
 */
export function proportional(
  a: string,
  b: string,
  sign: 'any' | 'positive' | 'negative',
  strict: boolean,
): Verdict {
  const refused = refusal(a) ?? refusal(b);
  if (refused) return { equal: false, reason: refused };
  const names = new Map<string, string>();
  const ap = parse(renameSubscripts(a, names));
  const bp = parse(renameSubscripts(b, names));
  if (typeof ap === 'string' || typeof bp === 'string')
    return { equal: false, reason: 'unparseable relation' };
  let factor: number | null = null;
  const verdict = sampleBoth(ap, bp, strict, (x, y) => {
    if (close(x, 0) && close(y, 0)) return true;
    if (close(y, 0)) return false;
    const r = x / y;
    factor ??= r;
    return close(r, factor);
  });
  if (!verdict.equal || factor === null)
    return verdict.equal ? verdict : { equal: false, reason: 'relations differ' };
  const f = factor as number;
  const signOk = sign === 'any' ? f !== 0 : sign === 'positive' ? f > 0 : f < 0;
  return signOk
    ? { equal: true, reason: 'equivalent relations' }
    : { equal: false, reason: 'relations differ' };
}
