/**
 * Matrix literals and the arithmetic answers write with them: `A + B`, `A - B`, `A B`, `A \cdot B`
 * are worked out entry by entry into one matrix whose entries are LaTeX sums and products, left to
 * the scalar comparison. Counts and sizes are capped so the work stays bounded.
 */

const LITERAL = /\\begin\{([pbvBV]?matrix)\}([\s\S]*?)\\end\{\1\}/g;
const MAX_LITERALS = 4;
const MAX_SIZE = 8;
const TIMES = /\s*(?:\\cdot|\\times)\s*|\s+/;

type Cells = string[][];

/** The cells of a matrix body: rows split at `\\`, cells at `&`. */
export function matrixRows(body: string): Cells {
  return body
    .split(/\\\\/)
    .map((r) => r.trim())
    .filter((r) => r !== '' && r !== '\\hline')
    .map((r) => r.split('&').map((c) => c.trim()));
}

function rectangular(m: Cells): boolean {
  const width = m[0]?.length ?? 0;
  return width > 0 && width <= MAX_SIZE && m.length <= MAX_SIZE && m.every((r) => r.length === width);
}

function multiply(a: Cells, b: Cells): Cells | null {
  if (a[0]!.length !== b.length) return null;
  return a.map((row) => b[0]!.map((_, j) => row.map((x, k) => `(${x})(${b[k]![j]})`).join('+')));
}

function combine(a: Cells, b: Cells, op: '+' | '-'): Cells | null {
  if (a.length !== b.length || a[0]!.length !== b[0]!.length) return null;
  return a.map((row, i) => row.map((x, j) => `(${x})${op}(${b[i]![j]})`));
}

/** The matrix an expression of two or more matrix literals evaluates to, or null when it is not one. */
export function matrixExpression(text: string): Cells | null {
  if (!text.includes('\\begin')) return null;
  const literals: Cells[] = [];
  const skeleton = text.replace(
    LITERAL,
    (_, _env: string, body: string) => ` M${literals.push(matrixRows(body)) - 1} `,
  );
  if (literals.length < 2 || literals.length > MAX_LITERALS || !literals.every(rectangular)) return null;
  const pieces = skeleton.trim().split(/\s*([+-])\s*/);
  let result: Cells | null = null;
  for (let i = 0; i < pieces.length; i += 2) {
    const op = i === 0 ? '+' : (pieces[i - 1] as '+' | '-');
    const names = pieces[i]!.split(TIMES).filter((n) => n !== '');
    if (names.length === 0 && i === 0) continue;
    if (names.length === 0 || !names.every((n) => /^M\d+$/.test(n))) return null;
    let term: Cells | null = literals[Number(names[0]!.slice(1))]!;
    for (const name of names.slice(1)) {
      term = multiply(term, literals[Number(name.slice(1))]!);
      if (!term) return null;
    }
    if (result === null && op === '-') term = term.map((row) => row.map((x) => `-(${x})`));
    result = result === null ? term : combine(result, term, op);
    if (!result) return null;
  }
  return result;
}
