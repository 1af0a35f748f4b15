/**
 * Reads a normalised answer into its shape: lists (ordered tuples, unordered sets and bare lists),
 * intervals and unions, matrices, relations, text, and scalar expressions left for scalar.ts.
 */
import { matrixExpression, matrixRows } from './matrix.js';

export type RelOp = '=' | '<' | '>' | '\\le' | '\\ge' | '\\ne';

export type Value =
  | { kind: 'scalar'; latex: string }
  | { kind: 'text'; text: string }
  | { kind: 'list'; items: Value[]; bracket: 'set' | 'tuple' | 'bare' }
  | { kind: 'interval'; lo: Value; hi: Value; loOpen: boolean; hiOpen: boolean }
  | { kind: 'union'; parts: Value[] }
  | { kind: 'matrix'; rows: Value[][] }
  | { kind: 'relation'; sides: Value[]; ops: RelOp[] };

const MAX_DEPTH = 12;
const MAX_ITEMS = 500;
const RELATIONS: [string, RelOp][] = [
  ['\\le', '\\le'],
  ['\\ge', '\\ge'],
  ['\\ne', '\\ne'],
  ['<', '<'],
  ['>', '>'],
  ['=', '='],
];
const OPENERS = ['\\{', '(', '[', '{'];
const CLOSERS = ['\\}', ')', ']', '}'];
const THOUSANDS = /^-?[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?$/;
const MATRIX = /^\\begin\{([pbvBV]?matrix|array)\}(?:\{[^{}]*\})?([\s\S]*)\\end\{\1\}$/;

function tokenAt(s: string, i: number, tokens: string[]): string | undefined {
  return tokens.find((t) => s.startsWith(t, i));
}

/** Splits at separators that sit outside every bracket; brackets of any kind pair up, so [0,1) works. */
export function splitTop(s: string, separators: string[]): { parts: string[]; seps: string[] } {
  const parts: string[] = [];
  const seps: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length;) {
    const open = tokenAt(s, i, OPENERS);
    const shut = open ? undefined : tokenAt(s, i, CLOSERS);
    if (open || shut) {
      depth += open ? 1 : -1;
      i += (open ?? shut)!.length;
      continue;
    }
    if (s[i] === '\\' && /[a-zA-Z]/.test(s[i + 1] ?? '')) {
      const name = /^\\[a-zA-Z]+/.exec(s.slice(i))![0];
      const sep = depth === 0 ? separators.find((t) => t === name) : undefined;
      if (sep) {
        parts.push(s.slice(start, i));
        seps.push(sep);
        start = i + name.length;
      }
      i += name.length;
      continue;
    }
    const sep = depth === 0 ? separators.find((t) => !t.startsWith('\\') && s.startsWith(t, i)) : undefined;
    if (sep) {
      parts.push(s.slice(start, i));
      seps.push(sep);
      start = i + sep.length;
      i += sep.length;
      continue;
    }
    i++;
  }
  parts.push(s.slice(start));
  return { parts: parts.map((p) => p.trim()), seps };
}

/** The opener and closer when `s` is one bracketed group from end to end, else null. */
function wrapping(s: string): { open: string; close: string; inner: string } | null {
  const open = tokenAt(s, 0, OPENERS);
  if (!open) return null;
  let depth = 0;
  for (let i = 0; i < s.length;) {
    const o = tokenAt(s, i, OPENERS);
    const c = o ? undefined : tokenAt(s, i, CLOSERS);
    if (o || c) {
      depth += o ? 1 : -1;
      const len = (o ?? c)!.length;
      if (depth === 0) {
        if (i + len !== s.length) return null;
        return { open, close: c!, inner: s.slice(open.length, i) };
      }
      i += len;
      continue;
    }
    i++;
  }
  return null;
}

function isText(s: string): boolean {
  const m = /^\\text\{([^{}]*)\}$/.exec(s);
  if (m) return !/^\s*-?\d+(?:\.\d+)?\s*$/.test(m[1]!);
  const bare = s.replace(/\\text\{([^{}]*)\}/g, '$1');
  return /[a-zA-Z]{2,}\s+[a-zA-Z]{2,}/.test(bare) && !/[\\^_=+*/]/.test(bare);
}

export function parseValue(s: string, depth = 0): Value {
  const text = s.trim();
  if (depth > MAX_DEPTH || text === '') return { kind: 'text', text };

  const computed = matrixExpression(text);
  if (computed)
    return { kind: 'matrix', rows: computed.map((r) => r.map((latex) => ({ kind: 'scalar', latex }))) };
  const matrix = MATRIX.exec(text.replace(/^[([]\s*(\\begin[\s\S]*\\end\{\w+\})\s*[)\]]$/, '$1'));
  if (matrix) {
    return {
      kind: 'matrix',
      rows: matrixRows(matrix[2]!).map((r) => r.map((c) => parseValue(c, depth + 1))),
    };
  }

  const union = splitTop(text, ['\\cup']);
  if (union.parts.length > 1)
    return { kind: 'union', parts: union.parts.map((p) => parseValue(p, depth + 1)) };

  if (!THOUSANDS.test(text)) {
    // Semicolons separate solutions whose parts are separated by commas: "p=5,q=2;p=7,q=2".
    const semi = splitTop(text, [';']);
    const list = semi.parts.length > 1 ? semi : splitTop(text, [',']);
    if (list.parts.length > 1) {
      const items = list.parts.filter((p) => p !== '').slice(0, MAX_ITEMS);
      return { kind: 'list', bracket: 'bare', items: items.map((p) => parseValue(p, depth + 1)) };
    }
  }

  const relation = splitTop(
    text,
    RELATIONS.map(([t]) => t),
  );
  if (relation.parts.length > 1) {
    const ops = relation.seps.map((t) => RELATIONS.find(([k]) => k === t)![1]);
    return { kind: 'relation', ops, sides: relation.parts.map((p) => parseValue(p, depth + 1)) };
  }
  const member = splitTop(text, ['\\in']);
  if (member.parts.length === 2) return parseValue(member.parts[1]!, depth + 1);

  const wrap = wrapping(text);
  if (wrap && wrap.open === '{') return parseValue(wrap.inner, depth + 1);
  if (wrap) {
    const items = splitTop(wrap.inner, [',', ';']).parts.slice(0, MAX_ITEMS);
    const values = items.map((p) => parseValue(p, depth + 1));
    if (wrap.open === '\\{') return { kind: 'list', bracket: 'set', items: values };
    const intervalish = items.length === 2 && (wrap.open === '[' || wrap.close === ']' || wrap.close === ')');
    if (intervalish && !(wrap.open === '(' && wrap.close === ')')) {
      return {
        kind: 'interval',
        lo: values[0]!,
        hi: values[1]!,
        loOpen: wrap.open === '(',
        hiOpen: wrap.close === ')',
      };
    }
    if (items.length === 1 && wrap.open === '(') return values[0]!;
    if (items.length > 1) return { kind: 'list', bracket: 'tuple', items: values };
  }

  if (text.includes('\\pm')) {
    const plus = text.replace('\\pm', '+').replace(/^\+/, '');
    const minus = text.replace('\\pm', '-');
    return {
      kind: 'list',
      bracket: 'bare',
      items: [parseValue(plus, depth + 1), parseValue(minus, depth + 1)],
    };
  }
  if (isText(text)) return { kind: 'text', text };
  return { kind: 'scalar', latex: text.replace(/,/g, '') };
}
