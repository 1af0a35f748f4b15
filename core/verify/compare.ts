/**
 * Compares two answer shapes the way math-verify does: the gold decides the format (an assignment
 * `x = 3` against `3` compares the values), tuples are ordered, sets and bare lists are not, an open
 * interval equals a pair, and an inequality equals the interval it describes.
 */
import { proportional, scalarEqual, type ScalarOptions, type Verdict } from './scalar.js';
import type { RelOp, Value } from './structure.js';

export interface CompareOptions extends ScalarOptions {
  /** Also turn a gold set into a relation's solution set when the prediction is a relation. */
  allowSetRelationComp: boolean;
  /** Wall-clock deadline (ms since epoch); comparisons past it give up. */
  deadline: number;
}

const FLIP: Record<RelOp, RelOp> = {
  '=': '=',
  '\\ne': '\\ne',
  '<': '>',
  '>': '<',
  '\\le': '\\ge',
  '\\ge': '\\le',
};
const YES = (reason: string): Verdict => ({ equal: true, reason });
const NO = (reason: string): Verdict => ({ equal: false, reason });

/** `x = 3`, `(p,q) = (3,2)`, `|AB| = 1`, `x = 5+5+1 = 11`: the left side names, the right side is the value. */
function isAssignment(v: Value): boolean {
  if (v.kind !== 'relation' || !v.ops.every((op) => op === '=')) return false;
  const symbols = (s: Value): boolean =>
    (s.kind === 'scalar' && !/\d/.test(s.latex.replace(/_\{[^{}]*\}|_\w/g, ''))) ||
    (s.kind === 'list' && s.items.every(symbols)) ||
    s.kind === 'text';
  return v.sides.length > 2 || symbols(v.sides[0]!);
}

/** An assignment chain keeps its first name and last value: `x = 5+5+1 = 11` is `x = 11`. */
function truncated(v: Extract<Value, { kind: 'relation' }>): Extract<Value, { kind: 'relation' }> {
  return v.sides.length > 2 && isAssignment(v) ? { ...v, sides: [v.sides[0]!, lastSide(v)], ops: ['='] } : v;
}

function textKey(v: Value): string | null {
  const raw = v.kind === 'text' ? v.text : v.kind === 'scalar' ? v.latex : null;
  if (raw === null) return null;
  const key = raw
    .replace(/\\text\{([^{}]*)\}/g, '$1')
    .replace(/[{}\s\\]/g, '')
    .toLowerCase();
  // A choice written "(C)" is the choice C.
  return /^\([a-z]\)$/.test(key) ? key[1]! : key;
}

/** Pairs every gold item with a distinct equal prediction item (small lists; greedy with backtracking). */
function matchUnordered(gold: Value[], pred: Value[], opts: CompareOptions): boolean {
  if (gold.length !== pred.length) return false;
  const used = new Array<boolean>(pred.length).fill(false);
  const equalCache = new Map<string, boolean>();
  const eq = (i: number, j: number): boolean => {
    const key = `${i}:${j}`;
    let hit = equalCache.get(key);
    if (hit === undefined) equalCache.set(key, (hit = compareValues(gold[i]!, pred[j]!, opts).equal));
    return hit;
  };
  const assign = (i: number): boolean => {
    if (i === gold.length) return true;
    if (Date.now() > opts.deadline) return false;
    for (let j = 0; j < pred.length; j++) {
      if (used[j] || !eq(i, j)) continue;
      used[j] = true;
      if (assign(i + 1)) return true;
      used[j] = false;
    }
    return false;
  };
  return assign(0);
}

/** Sets ignore repeated elements; repeats are spotted by spelling, which is enough for listed answers. */
function distinct(items: Value[]): Value[] {
  const seen = new Set<string>();
  return items.filter((v) => {
    const key = JSON.stringify(v).replace(/\s+/g, '');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function compareLists(
  gold: Extract<Value, { kind: 'list' }>,
  pred: Extract<Value, { kind: 'list' }>,
  opts: CompareOptions,
): Verdict {
  // math-verify keeps the order only when the gold is a tuple; a gold set or bare list ignores it.
  if (gold.bracket === 'tuple') {
    if (gold.items.length !== pred.items.length) return NO('different number of elements');
    const all = gold.items.every((g, i) => compareValues(g, pred.items[i]!, opts).equal);
    return all ? YES('equal tuples') : NO('tuple elements differ');
  }
  const g = distinct(gold.items);
  const p = distinct(pred.items);
  if (g.length !== p.length) return NO('different number of elements');
  return matchUnordered(g, p, opts) ? YES('equal sets') : NO('set elements differ');
}

const FUNCTION_OF = /^([a-zA-Z])\s*\(\s*([a-zA-Z])\s*\)$/;

/**
 * `W(x) = 1` defines the same function as `W(n) = 1`: the argument of a defined function is a dummy
 * variable, so the prediction's is renamed to the gold's (unless the gold's name is already used).
 */
function withGoldArgument(
  gold: Extract<Value, { kind: 'relation' }>,
  pred: Extract<Value, { kind: 'relation' }>,
): Extract<Value, { kind: 'relation' }> {
  const g = gold.sides[0]?.kind === 'scalar' ? FUNCTION_OF.exec(gold.sides[0].latex) : null;
  const p = pred.sides[0]?.kind === 'scalar' ? FUNCTION_OF.exec(pred.sides[0].latex) : null;
  if (!g || !p || g[1] !== p[1] || g[2] === p[2] || !pred.sides.every((s) => s.kind === 'scalar'))
    return pred;
  const word = (name: string) => new RegExp(`(?<![a-zA-Z\\\\])${name}(?![a-zA-Z])`, 'g');
  const latex = pred.sides.map((s) => (s as Extract<Value, { kind: 'scalar' }>).latex);
  if (latex.some((l) => word(g[2]!).test(l))) return pred;
  return { ...pred, sides: latex.map((l) => ({ kind: 'scalar', latex: l.replace(word(p[2]!), g[2]!) })) };
}

function compareRelations(
  gold: Extract<Value, { kind: 'relation' }>,
  original: Extract<Value, { kind: 'relation' }>,
  opts: CompareOptions,
): Verdict {
  const pred = withGoldArgument(gold, original);
  if (gold.ops.length !== pred.ops.length) return NO('different relations');
  const sidesEqual = (sides: Value[]) => gold.sides.every((g, i) => compareValues(g, sides[i]!, opts).equal);
  if (gold.ops.every((op, i) => op === pred.ops[i]) && sidesEqual(pred.sides)) return YES('same relation');
  const flippedOps = [...pred.ops].reverse().map((op) => FLIP[op]);
  if (gold.ops.every((op, i) => op === flippedOps[i]) && sidesEqual([...pred.sides].reverse())) {
    return YES('same relation, flipped');
  }
  if (gold.ops.length !== 1) return NO('different relations');
  const [g0, g1] = gold.sides;
  const [p0, p1] = pred.sides;
  if (g0?.kind !== 'scalar' || g1?.kind !== 'scalar' || p0?.kind !== 'scalar' || p1?.kind !== 'scalar') {
    return NO('different relations');
  }
  const g = `(${g0.latex})-(${g1.latex})`;
  const p = `(${p0.latex})-(${p1.latex})`;
  const gop = gold.ops[0]!;
  const pop = pred.ops[0]!;
  if (gop === '=' || gop === '\\ne')
    return pop === gop ? proportional(g, p, 'any', opts.strict) : NO('different relations');
  if (pop === gop) return proportional(g, p, 'positive', opts.strict);
  if (pop === FLIP[gop]) return proportional(g, p, 'negative', opts.strict);
  return NO('different relations');
}

const INFINITY: Value = { kind: 'scalar', latex: '\\infty' };
const MINUS_INFINITY: Value = { kind: 'scalar', latex: '-\\infty' };

/** The interval an inequality on one variable describes (`a < x \le b`, `x > a`), or null. */
function relationAsInterval(rel: Extract<Value, { kind: 'relation' }>): Value | null {
  const lower = (op: RelOp) => op === '<' || op === '\\le';
  const upper = (op: RelOp) => op === '>' || op === '\\ge';
  const strictOp = (op: RelOp) => op === '<' || op === '>';
  const [a, b, c] = rel.sides;
  if (rel.ops.length === 2 && a && c) {
    const [o1, o2] = rel.ops as [RelOp, RelOp];
    if (lower(o1) && lower(o2))
      return { kind: 'interval', lo: a, hi: c, loOpen: strictOp(o1), hiOpen: strictOp(o2) };
    if (upper(o1) && upper(o2))
      return { kind: 'interval', lo: c, hi: a, loOpen: strictOp(o2), hiOpen: strictOp(o1) };
    return null;
  }
  if (rel.ops.length !== 1 || !a || !b) return null;
  const op = rel.ops[0]!;
  const varLeft = a.kind === 'scalar' && (/^[a-zA-Z]$/.test(a.latex) || ABS_VARIABLE.test(a.latex));
  const bound = varLeft ? b : a;
  const dir = varLeft ? op : FLIP[op];
  if (dir === '<' || dir === '\\le')
    return { kind: 'interval', lo: MINUS_INFINITY, hi: bound, loOpen: true, hiOpen: dir === '<' };
  if (dir === '>' || dir === '\\ge')
    return { kind: 'interval', lo: bound, hi: INFINITY, loOpen: dir === '>', hiOpen: true };
  return null;
}

const ABS_VARIABLE = /^\|\s*[a-zA-Z]\s*\|$/;

function negated(v: Value): Value {
  return { kind: 'scalar', latex: `-(${(v as Extract<Value, { kind: 'scalar' }>).latex})` };
}

/**
 * The set an inequality on one variable describes: an interval, or for `|x|` bounds the intervals
 * symmetric about 0 (`1 \le |x| \le 2` is [-2,-1] ∪ [1,2]; `|x| > 1` is (-∞,-1) ∪ (1,∞)).
 */
function relationAsSet(rel: Extract<Value, { kind: 'relation' }>): Value | null {
  const interval = relationAsInterval(rel);
  const variable =
    rel.sides.length === 3
      ? rel.sides[1]
      : rel.sides.find((s) => s.kind === 'scalar' && ABS_VARIABLE.test(s.latex));
  if (interval?.kind !== 'interval' || variable?.kind !== 'scalar' || !ABS_VARIABLE.test(variable.latex))
    return interval;
  const { lo, hi, loOpen, hiOpen } = interval;
  if (lo.kind !== 'scalar' || hi.kind !== 'scalar') return null;
  if (lo === MINUS_INFINITY || (lo.latex === '0' && !loOpen))
    return { kind: 'interval', lo: negated(hi), hi, loOpen: hiOpen, hiOpen };
  const below: Value = hi === INFINITY ? MINUS_INFINITY : negated(hi);
  return {
    kind: 'union',
    parts: [
      { kind: 'interval', lo: below, hi: negated(lo), loOpen: hiOpen, hiOpen: loOpen },
      { kind: 'interval', lo, hi, loOpen, hiOpen },
    ],
  };
}

function lastSide(rel: Extract<Value, { kind: 'relation' }>): Value {
  return rel.sides[rel.sides.length - 1]!;
}

export function compareValues(gold: Value, pred: Value, opts: CompareOptions): Verdict {
  if (Date.now() > opts.deadline) return NO('time limit reached');
  const setLike = (v: Value) => v.kind === 'interval' || v.kind === 'union';

  if (gold.kind === 'relation' && pred.kind === 'relation')
    return compareRelations(truncated(gold), truncated(pred), opts);
  if (pred.kind === 'relation' && pred.ops.every((op) => op === '='))
    return compareValues(gold, lastSide(pred), opts);
  if (gold.kind === 'relation' && isAssignment(gold)) return compareValues(lastSide(gold), pred, opts);
  const pair = pred.kind === 'list' && pred.bracket === 'tuple' && pred.items.length === 2;
  if (gold.kind === 'relation' && (setLike(pred) || pair)) {
    const interval = relationAsSet(gold);
    return interval ? compareValues(interval, pred, opts) : NO('relation is not an interval');
  }
  if (pred.kind === 'relation' && setLike(gold) && opts.allowSetRelationComp) {
    const interval = relationAsSet(pred);
    return interval ? compareValues(gold, interval, opts) : NO('relation is not an interval');
  }
  if (gold.kind === 'relation' || pred.kind === 'relation') return NO('relation against non-relation');

  if (gold.kind === 'interval' && pred.kind === 'interval') {
    if (gold.loOpen !== pred.loOpen || gold.hiOpen !== pred.hiOpen)
      return NO('interval ends differ in openness');
    const ok = compareValues(gold.lo, pred.lo, opts).equal && compareValues(gold.hi, pred.hi, opts).equal;
    return ok ? YES('equal intervals') : NO('interval ends differ');
  }
  if (gold.kind === 'union' && pred.kind === 'union') {
    if (gold.parts.length !== pred.parts.length) return NO('different number of union parts');
    return matchUnordered(gold.parts, pred.parts, opts) ? YES('equal unions') : NO('union parts differ');
  }
  const openPair = (i: Value, l: Value) =>
    i.kind === 'interval' && i.loOpen && i.hiOpen && l.kind === 'list' && l.items.length === 2;
  if (openPair(gold, pred) || openPair(pred, gold)) {
    const [i, l] = (gold.kind === 'interval' ? [gold, pred] : [pred, gold]) as [
      Extract<Value, { kind: 'interval' }>,
      Extract<Value, { kind: 'list' }>,
    ];
    const ok = compareValues(i.lo, l.items[0]!, opts).equal && compareValues(i.hi, l.items[1]!, opts).equal;
    return ok ? YES('open interval equals pair') : NO('pair differs');
  }
  if (setLike(gold) || setLike(pred)) return NO('different kinds of answer');

  if (gold.kind === 'matrix' || pred.kind === 'matrix') {
    if (gold.kind !== 'matrix' || pred.kind !== 'matrix') return NO('matrix against non-matrix');
    const shape = (m: Value[][]) => m.map((r) => r.length).join('x');
    if (shape(gold.rows) !== shape(pred.rows)) return NO('matrix shapes differ');
    const ok = gold.rows.every((row, i) =>
      row.every((g, j) => compareValues(g, pred.rows[i]![j]!, opts).equal),
    );
    return ok ? YES('equal matrices') : NO('matrix entries differ');
  }

  if (gold.kind === 'list' && pred.kind === 'list') return compareLists(gold, pred, opts);
  // A set whose elements all equal one value is that value: {15 39/40, 639/40} against 639/40.
  if (
    gold.kind === 'list' &&
    gold.bracket !== 'tuple' &&
    gold.items.every((g) => compareValues(g, pred, opts).equal)
  ) {
    return YES('every element equals the answer');
  }
  if (
    pred.kind === 'list' &&
    pred.bracket !== 'tuple' &&
    pred.items.every((p) => compareValues(gold, p, opts).equal)
  ) {
    return YES('every element equals the answer');
  }
  if (gold.kind === 'list' && gold.items.length === 1) return compareValues(gold.items[0]!, pred, opts);
  if (pred.kind === 'list' && pred.items.length === 1) return compareValues(gold, pred.items[0]!, opts);
  if (gold.kind === 'list' || pred.kind === 'list') return NO('list against single answer');

  if (gold.kind === 'text' || pred.kind === 'text') {
    const g = textKey(gold);
    const p = textKey(pred);
    return g && g === p ? YES('same text') : NO('text differs');
  }
  const verdict = scalarEqual(gold.latex, pred.latex, opts);
  if (verdict.equal || verdict.reason !== 'different variables') return verdict;
  const g = textKey(gold);
  return g && g === textKey(pred) && /^[a-z]+$/.test(g) ? YES('same letters') : verdict;
}
