/** Hand-computed tables for each kind of answer the verifier handles, and the bad inputs. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { equivalent, extractAnswer, groupEquivalent, normalise, verify } from '../../core/verify/index.js';

type Row = [gold: string, pred: string, equal: boolean];

function table(name: string, rows: Row[]): void {
  void test(name, () => {
    for (const [gold, pred, equal] of rows) {
      const r = verify(gold, pred);
      assert.equal(r.equal, equal, `${gold} vs ${pred}: ${r.reason} (${r.goldAnswer} | ${r.predAnswer})`);
    }
  });
}

void test('extractAnswer follows math-verify priorities', () => {
  const cases: [string, string | null, string][] = [
    ['so $x=2$ and then \\boxed{5}. Check: $7$', '5', 'boxed'], // boxed beats a later plain block
    ['\\boxed{1} and finally \\fbox{2}', '1, 2', 'boxed'], // boxed run joined by "and"
    ['The final answer is $\\frac{1}{2}$. I hope it is correct.', '\\frac{1}{2}', 'final-answer'],
    ['Answer: $12$ because $3 \\cdot 4$ = 12', '12', 'answer-label'],
    ['We get $x$ then $y^2$.', 'y^2', 'latex'], // last math block
    ['so it costs 1,234.5 dollars', '1234.5', 'number'], // thousands separator dropped
    ['the value is 2,74', '2.74', 'number'], // decimal comma
    ['\\frac{3}{4}', '\\frac{3}{4}', 'whole'], // a bare answer is the answer
    ['no digits here at all', null, 'none'],
    ['', null, 'none'],
    ['\\boxed{\\frac{1}{2}', '\\frac{1}{2}', 'boxed'], // unclosed box: the rest of the text
  ];
  for (const [response, answer, how] of cases) {
    assert.deepEqual(extractAnswer(response), { answer, how }, response);
  }
});

void test('normalise rewrites shorthands, styles, units and separators', () => {
  const cases: [string, string][] = [
    ['\\dfrac{3}{4}', '\\frac{3}{4}'],
    ['\\frac34', '\\frac{3}{4}'],
    ['\\tfrac1{2}', '\\frac{1}{2}'],
    ['\\sqrt3', '\\sqrt{3}'],
    ['\\left( 1, 2 \\right)', '( 1, 2 )'],
    ['15\\text{ cm}^2', '15'],
    ['90^\\circ', '90'],
    ['10{,}000', '10000'],
    ['1\\,000', '1000'],
    ['\\boxed{7}.', '7'],
    ['28 percent', '28\\%'],
    ['x \\geq 2', 'x \\ge 2'],
    ['x = 1/3 \\approx 0.33', 'x = 1/3'],
  ];
  for (const [input, output] of cases) assert.equal(normalise(input), output, input);
});

table('numbers: exact, float-rounded, separators, percent', [
  ['5', '5.0', true],
  ['7425000', '7,425,000', true],
  ['\\frac{1}{3}', '0.333333', true], // rounded to 6 places like math-verify
  ['\\frac{1}{3}', '0.3333', false],
  ['0.5', '\\frac{1}{2}', true],
  ['10\\%', '10', true], // math-verify 0.9: 9% equals 9 when both are integers
  ['10\\%', '0.1', true],
  ['-5', '5', false],
  ['12', '13', false],
  ['123456789123456789', '123456789123456788', false], // exact, beyond double precision
]);

table('fractions, shorthands, mixed numbers and x = prefixes', [
  ['\\frac{3}{4}', '\\dfrac{3}{4}', true],
  ['\\frac{3}{4}', '\\frac34', true],
  ['\\frac{3}{4}', '3/4', true],
  ['-\\frac{10}{9}', '-10/9', true],
  ['\\frac{5}{2}', '2\\frac{1}{2}', true], // mixed number, as latex2sympy reads it
  ['\\frac{1}{3}', 'x = \\frac{1}{3}', true],
  ['x = 3', '3', true],
  ['x = 3', 'y = 3', false],
]);

table('roots, pi and symbolic expressions', [
  ['2\\sqrt{2}', '\\sqrt{8}', true],
  ['3\\sqrt{13}', '\\sqrt{117}', true],
  ['\\frac{3\\pi}{2}', '1.5\\pi', true],
  ['\\pi', '3.14', false],
  ['(x+1)^2', 'x^2+2x+1', true],
  ['\\tan^2(y)+1', '\\sec^2(y)', true],
  ['x+2n+1', 'x+1', false],
  ['4', '4\\sqrt{2}', false],
  ['p - q', 'p-q', true],
]);

table('text, units, degrees and choice letters', [
  ['\\text{Evelyn}', 'Therefore, $\\boxed{\\text{Evelyn}}$ is our answer.', true],
  ['\\text{(C)}', '\\text{C}', true],
  ['\\text{B}', '\\text{C}', false],
  ['15\\mbox{ cm}^2', '15', true],
  ['90^\\circ', '90', true],
  ['\\$18.90', '18.90', true],
  ['\\text{odd}', '\\text{even}', false],
]);

// MATH-style forms, each verdict as math-verify 0.9.0 gives it (checked side by side with its parse/verify)
table('percent, degrees, trailing units text and base subscripts grade as the field grades', [
  ['$9\\%$', '$9$', true],
  ['$9$', '$9\\%$', true],
  ['$9$', '$9$ percent', true],
  ['$9\\%$', '$0.09$', true],
  ['$50\\%$', '$\\frac12$', true], // x% is x/100 as a reduced fraction
  ['$30^\\circ$', '$30$', true],
  ['$30$', '$30^{\\circ}$', true],
  ['$30$', '$30$ degrees', true],
  ['$5$', '$5 \\text{ apples}$', true],
  ['$20\\text{ students}$', '$21$', false],
  ['$7$', '$7 \\, \\mathrm{cm}$', true],
  ['$12$', '$12$ inches', true],
  ['$3$', '$3$ cups of flour', true],
  ['$100$', '$100 \\text{ meters per second}$', true],
  ['$52_8$', '$52_8$', true],
  ['$52_8$', '$52_{8}$', true],
  ['$52_8$', '$52$', true], // the digits as written
  ['$52_8$', '$42$', false], // never converted to base 10
  ['$1011_2$', '$11$', false],
  ['$13_{10}$', '$13$', true],
  ['$52_8$', '$53_8$', false],
  ['$x_1$', '$x$', false], // a subscript on a letter is part of the name
  ['$2A_{16}$', '$42$', false],
]);

table('intervals, sets, tuples and matrices', [
  ['[0,1)', '[0, 1)', true],
  ['(0,9)', '[0,9)', false],
  ['(-\\infty, 2] \\cup (3, \\infty)', '(3, \\infty) \\cup (-\\infty, 2]', true],
  ['\\{1,2\\}', '\\{2,1\\}', true], // sets ignore order
  ['1, 2, 3', '3, 1, 2', true], // bare lists too
  ['(1,2)', '(2,1)', false], // tuples keep it
  ['(1, \\frac{9}{2})', '(1, 4.5)', true],
  ['\\left( 3, \\frac{\\pi}{2} \\right)', '(3, \\frac{\\pi}{2})', true],
  [
    '\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}',
    '\\begin{bmatrix} 1 & 2 \\\\ 3 & 4 \\end{bmatrix}',
    true,
  ],
  ['\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}', '\\begin{pmatrix} 2 \\\\ 1 \\end{pmatrix}', false],
  ['\\pm 2', '\\{-2, 2\\}', true],
]);

table('equations and inequalities', [
  ['y = 2x + 1', '2x - y + 1 = 0', true],
  ['34x+45y-20z+100=0', '-34x-45y+20z-100=0', true],
  ['x \\le 2', '2 \\ge x', true],
  ['x < 2', 'x \\le 2', false],
  ['x > 5', '(5, \\infty)', true], // an inequality equals the interval it describes
  ['-2 < x < 7', '(-2, 7)', true],
  ['x = 1', 'x = 2', false],
]);

table('matrix arithmetic is worked out entry by entry', [
  [
    '\\begin{pmatrix}6 & 8 \\\\ 10 & 12\\end{pmatrix}',
    '\\begin{pmatrix}1 & 2 \\\\ 3 & 4\\end{pmatrix} + \\begin{pmatrix}5 & 6 \\\\ 7 & 8\\end{pmatrix}',
    true,
  ],
  [
    '\\begin{pmatrix}-4 & -4 \\\\ -4 & -4\\end{pmatrix}',
    '\\begin{pmatrix}1 & 2 \\\\ 3 & 4\\end{pmatrix} - \\begin{pmatrix}5 & 6 \\\\ 7 & 8\\end{pmatrix}',
    true,
  ],
  // [1 2; 3 4][0 1; 1 0] = [2 1; 4 3]
  [
    '\\begin{pmatrix}2 & 1 \\\\ 4 & 3\\end{pmatrix}',
    '\\begin{pmatrix}1 & 2 \\\\ 3 & 4\\end{pmatrix} \\begin{pmatrix}0 & 1 \\\\ 1 & 0\\end{pmatrix}',
    true,
  ],
  [
    '\\begin{pmatrix}1 & 2 \\\\ 3 & 4\\end{pmatrix}',
    '\\begin{pmatrix}1 & 2 \\\\ 3 & 4\\end{pmatrix} \\cdot \\begin{pmatrix}0 & 1 \\\\ 1 & 0\\end{pmatrix}',
    false,
  ],
  // (1x2)(2x1) = [11]; a 2x2 times a 1x2 has no product
  [
    '\\begin{pmatrix}11\\end{pmatrix}',
    '\\begin{pmatrix}1 & 2\\end{pmatrix}\\begin{pmatrix}3 \\\\ 4\\end{pmatrix}',
    true,
  ],
  [
    '\\begin{pmatrix}1 & 0 \\\\ 0 & 1\\end{pmatrix}',
    '\\begin{pmatrix}1 & 0 \\\\ 0 & 1\\end{pmatrix}\\begin{pmatrix}1 & 0\\end{pmatrix}',
    false,
  ],
]);

table('absolute-value inequalities solve into intervals', [
  ['1 \\le |z| \\le \\frac{3}{2}', 'z \\in [-\\frac{3}{2}, -1] \\cup [1, \\frac{3}{2}]', true],
  ['1 \\le |z| \\le \\frac{3}{2}', '[-\\frac{3}{2}, -1] \\cup [1, 2]', false],
  ['1 \\le |z| \\le \\frac{3}{2}', '[-\\frac{3}{2}, -1) \\cup [1, \\frac{3}{2}]', false], // -1 is in the set
  ['|x| < 3', '(-3, 3)', true],
  ['|x| > 2', '(-\\infty, -2) \\cup (2, \\infty)', true],
  ['|x| \\ge 2', '(-\\infty, -2) \\cup (2, \\infty)', false],
]);

table('defined functions: the argument name is a dummy', [
  ['W(n) = 1 \\text{ and } W(n) = -1', 'W(x)=1orW(x)=-1', true],
  ['f(n) = n + 1', 'f(x) = x + 1', true],
  ['f(n) = n + 1', 'f(x) = x + 2', false],
  ['f(n) = n + 1', 'g(x) = x + 1', false],
  ['f(n) = n + x', 'f(x) = x + x', false], // x is taken, so no renaming
]);

table('sums and products compare by bounds and terms, never expanded', [
  ['F_n = \\sum_{k=0}^{n-1} F_k F_{n-k-1}', 'F_n = \\sum_{k=0}^{n-1} F_{n-k-1} F_k', true],
  ['\\sum_{k=1}^{n} 2k', '\\sum_{k=1}^{n} (k+k)', true],
  ['\\sum_{k=1}^{n} k^2', '\\sum_{k=0}^{n} k^2', false], // other bounds
  ['\\sum_{k=1}^{n} k^2', '\\sum_{k=1}^{n} k^3', false],
  ['\\prod_{k=1}^{n} k', '\\sum_{k=1}^{n} k', false],
]);

void test('bad input gives a verdict with a reason, in bounded time', () => {
  const nested = '{'.repeat(5000) + '1' + '}'.repeat(5000);
  const huge = 'Let me think. '.repeat(80_000) + '\\boxed{42}';
  const cases: [string, string, string][] = [
    ['1', 'I have no idea.', 'no answer found in prediction'],
    ['1', '', 'no answer found in prediction'],
    ['', '1', 'no answer found in gold'],
    ['5', '10^{10^{10}}', 'expression too large to evaluate'],
    ['5', `\\boxed{${nested}}`, 'expression nested too deeply'],
    ['5', '\\boxed{\\frac{1}{}+^_}', 'pred: unparseable LaTeX'],
    ['5', '\\boxed{\\sum_{k=1}^{10^9} k}', 'expression too large to evaluate'],
  ];
  for (const [gold, pred, reason] of cases) {
    const start = Date.now();
    const r = verify(gold, pred);
    assert.equal(r.equal, false, pred.slice(0, 40));
    assert.equal(r.reason, reason, pred.slice(0, 40));
    assert.ok(Date.now() - start < 1000, `slow on ${pred.slice(0, 40)}`);
  }
  const start = Date.now();
  assert.equal(huge.length > 1_000_000, true);
  assert.equal(verify('42', huge).equal, true);
  assert.ok(Date.now() - start < 1000, 'slow on a 1 MB response');
});

void test('equivalent and groupEquivalent put equal answers in one class', () => {
  assert.equal(equivalent('\\frac{1}{2}', '0.5'), true);
  assert.equal(equivalent('\\frac{1}{2}', '\\frac{1}{3}'), false);
  assert.deepEqual(groupEquivalent(['\\frac12', '0.5', '2', null, '1/2', '\\sqrt{4}']), [0, 0, 1, -1, 0, 1]);
});
