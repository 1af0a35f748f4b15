import type { Category } from '../../schemas/config.js';
import { binomial, divisorCount, fallingFactorial, fraction, gcd, modPow, sqrtSimplified } from './exact.js';
import type { Rng } from '../../core/rng.js';

/**
 * Problem templates of the simulated world, per MATH category. A template's text has `{{name}}`
 * placeholders for integers; its level (1–5) is set by, and recovered from, the size of one
 * quantity, so any problem written from a template can be parsed back into its exact answer.
 */
export type Params = Readonly<Record<string, number>>;

export interface Template {
  id: string;
  category: Exclude<Category, 'Other'>;
  concepts: readonly string[];
  text: string;
  make(level: number, r: Rng): Params;
  levelOf(p: Params): number;
  answer(p: Params): string;
}

type Bounds = readonly [number, number, number, number, number, number];

/** Level L draws a size in [bounds[L-1], bounds[L]); a size's level is the interval it falls in. */
function sized(bounds: Bounds): { draw(level: number, r: Rng): number; level(size: number): number } {
  return {
    draw: (level, r) => r.between(bounds[level - 1] as number, (bounds[level] as number) - 1),
    level: (size) => {
      let level = 1;
      while (level < 5 && size >= (bounds[level] as number)) level++;
      return level;
    },
  };
}

const v = (p: Params, name: string): number => {
  const value = p[name];
  if (value === undefined) throw new Error(`template parameter "${name}" missing`);
  return value;
};

const price = sized([20, 100, 500, 1000, 5000, 10000]);
const magnitude = sized([1, 20, 100, 1000, 10000, 100000]);
const denominator = sized([2, 6, 13, 31, 61, 121]);
const coefficient = sized([2, 6, 16, 41, 100, 301]);
const rootSum = sized([3, 10, 30, 100, 300, 1000]);
const termIndex = sized([5, 10, 30, 100, 500, 2000]);
const exponent = sized([2, 6, 20, 100, 1000, 100000]);
const divisorTarget = sized([6, 50, 500, 5000, 100000, 2000000]);
const commonFactor = sized([2, 6, 20, 60, 200, 1000]);
const groupSize = sized([4, 8, 15, 30, 60, 121]);
const dieFaces = sized([4, 6, 10, 20, 50, 101]);
const beads = sized([3, 5, 8, 12, 18, 26]);
const leg = sized([1, 5, 12, 30, 100, 400]);
const base = sized([2, 10, 30, 100, 300, 1000]);
const sides = sized([3, 6, 10, 20, 50, 201]);
const cubicSum = sized([2, 5, 10, 30, 100, 500]);
const ratioDen = sized([2, 3, 6, 15, 40, 101]);
const power = sized([2, 4, 7, 11, 16, 25]);
const entry = sized([2, 5, 10, 30, 100, 1000]);
const modulusPower = sized([1, 2, 4, 7, 11, 16]);

export const TEMPLATES: readonly Template[] = [
  {
    id: 'prealgebra-discount',
    category: 'Prealgebra',
    concepts: ['percentages', 'percent decrease', 'ratios and rates'],
    text: 'A jacket is priced at {{n}} dollars. During a sale its price is reduced by {{p}}\\%. What is the sale price of the jacket, in dollars?',
    make: (level, r) => ({ n: price.draw(level, r), p: 5 * r.between(1, 12) }),
    levelOf: (p) => price.level(v(p, 'n')),
    answer: (p) => fraction(v(p, 'n') * (100 - v(p, 'p')), 100),
  },
  {
    id: 'prealgebra-mean',
    category: 'Prealgebra',
    concepts: ['arithmetic mean', 'simplifying fractions', 'order of operations'],
    text: 'What is the arithmetic mean of the numbers {{a}}, {{b}}, {{c}} and {{d}}?',
    make: (level, r) => {
      const [a, b, c, d] = [0, 0, 0, 0].map(() => magnitude.draw(level, r)) as [
        number,
        number,
        number,
        number,
      ];
      return { a, b, c, d };
    },
    levelOf: (p) => magnitude.level(Math.max(v(p, 'a'), v(p, 'b'), v(p, 'c'), v(p, 'd'))),
    answer: (p) => fraction(v(p, 'a') + v(p, 'b') + v(p, 'c') + v(p, 'd'), 4),
  },
  {
    id: 'prealgebra-fraction-sum',
    category: 'Prealgebra',
    concepts: ['fraction addition', 'least common denominator', 'simplifying fractions'],
    text: 'Compute $\\frac{{{a}}}{{{m}}} + \\frac{{{c}}}{{{n}}}$ and express the result as a fraction in lowest terms.',
    make: (level, r) => {
      const m = denominator.draw(level, r);
      const n = denominator.draw(level, r);
      return { a: r.between(1, m - 1), m, c: r.between(1, n - 1), n };
    },
    levelOf: (p) => denominator.level(Math.max(v(p, 'm'), v(p, 'n'))),
    answer: (p) => fraction(v(p, 'a') * v(p, 'n') + v(p, 'c') * v(p, 'm'), v(p, 'm') * v(p, 'n')),
  },
  {
    id: 'algebra-linear',
    category: 'Algebra',
    concepts: ['linear equations', 'isolating a variable', 'simplifying fractions'],
    text: 'Solve for $x$: ${{a}}x + {{b}} = {{c}}$.',
    make: (level, r) => {
      const a = coefficient.draw(level, r);
      return { a, b: r.between(1, 10 * a), c: r.between(1, 10 * a) };
    },
    levelOf: (p) => coefficient.level(v(p, 'a')),
    answer: (p) => fraction(v(p, 'c') - v(p, 'b'), v(p, 'a')),
  },
  {
    id: 'algebra-root-difference',
    category: 'Algebra',
    concepts: ['quadratic equations', 'sum and product of roots of a quadratic', 'factoring quadratics'],
    text: 'The equation $x^2 - {{s}}x + {{q}} = 0$ has two positive integer roots. What is the positive difference between them?',
    make: (level, r) => {
      const s = rootSum.draw(level, r);
      const root = r.between(1, Math.floor((s - 1) / 2));
      return { s, q: root * (s - root) };
    },
    levelOf: (p) => rootSum.level(v(p, 's')),
    answer: (p) => String(Math.round(Math.sqrt(v(p, 's') ** 2 - 4 * v(p, 'q')))),
  },
  {
    id: 'algebra-arithmetic-sequence',
    category: 'Algebra',
    concepts: ['arithmetic sequences', 'linear functions', 'order of operations'],
    text: 'The first term of an arithmetic sequence is {{a}} and its common difference is {{d}}. What is the term in position {{n}} of the sequence?',
    make: (level, r) => ({ a: r.between(1, 99), d: r.between(2, 9 * level), n: termIndex.draw(level, r) }),
    levelOf: (p) => termIndex.level(v(p, 'n')),
    answer: (p) => String(v(p, 'a') + (v(p, 'n') - 1) * v(p, 'd')),
  },
  {
    id: 'number-theory-power-remainder',
    category: 'Number Theory',
    concepts: ['modular arithmetic', 'modular exponentiation', "Euler's theorem"],
    text: 'What is the remainder when ${{b}}^{{{e}}}$ is divided by {{m}}?',
    make: (level, r) => ({ b: r.between(2, 50), e: exponent.draw(level, r), m: r.between(3, 97) }),
    levelOf: (p) => exponent.level(v(p, 'e')),
    answer: (p) => String(modPow(v(p, 'b'), v(p, 'e'), v(p, 'm'))),
  },
  {
    id: 'number-theory-divisors',
    category: 'Number Theory',
    concepts: ['prime factorization', 'divisor counting function', 'divisibility rules'],
    text: 'How many positive divisors does {{n}} have?',
    make: (level, r) => ({ n: divisorTarget.draw(level, r) }),
    levelOf: (p) => divisorTarget.level(v(p, 'n')),
    answer: (p) => String(divisorCount(v(p, 'n'))),
  },
  {
    id: 'number-theory-gcd',
    category: 'Number Theory',
    concepts: ['greatest common divisor', 'Euclidean algorithm', 'prime factorization'],
    text: 'What is the greatest common divisor of {{a}} and {{b}}?',
    make: (level, r) => {
      const g = commonFactor.draw(level, r);
      const x = r.between(2, 30);
      let y = r.between(2, 30);
      while (gcd(x, y) !== 1) y++;
      return { a: g * x, b: g * y };
    },
    levelOf: (p) => commonFactor.level(gcd(v(p, 'a'), v(p, 'b'))),
    answer: (p) => String(gcd(v(p, 'a'), v(p, 'b'))),
  },
  {
    id: 'counting-committee',
    category: 'Counting & Probability',
    concepts: ['binomial coefficients', 'combinations', 'factorials'],
    text: 'In how many ways can a committee of {{k}} people be chosen from a group of {{n}} people?',
    make: (level, r) => {
      const n = groupSize.draw(level, r);
      return { k: r.between(2, Math.min(n - 1, 8)), n };
    },
    levelOf: (p) => groupSize.level(v(p, 'n')),
    answer: (p) => String(binomial(v(p, 'n'), v(p, 'k'))),
  },
  {
    id: 'counting-dice-sum',
    category: 'Counting & Probability',
    concepts: ['probability of equally likely outcomes', 'counting ordered pairs', 'simplifying fractions'],
    text: 'Two fair dice, each with faces numbered 1 to {{n}}, are rolled. What is the probability that the sum of the two numbers rolled is {{t}}?',
    make: (level, r) => {
      const n = dieFaces.draw(level, r);
      return { n, t: r.between(2, 2 * n) };
    },
    levelOf: (p) => dieFaces.level(v(p, 'n')),
    answer: (p) => {
      const n = v(p, 'n');
      const t = v(p, 't');
      return fraction(t <= n + 1 ? t - 1 : 2 * n + 1 - t, n * n);
    },
  },
  {
    id: 'counting-beads',
    category: 'Counting & Probability',
    concepts: ['permutations with repetition', 'factorials', 'multiplication principle'],
    text: 'In how many distinct ways can {{n}} beads be arranged in a row if {{k}} of them are identical red beads and the others all have different colours?',
    make: (level, r) => {
      const n = beads.draw(level, r);
      return { n, k: r.between(2, n - 1) };
    },
    levelOf: (p) => beads.level(v(p, 'n')),
    answer: (p) => String(fallingFactorial(v(p, 'n'), v(p, 'n') - v(p, 'k'))),
  },
  {
    id: 'geometry-hypotenuse',
    category: 'Geometry',
    concepts: ['Pythagorean theorem', 'right triangles', 'simplifying square roots'],
    text: 'A right triangle has legs of length {{a}} and {{b}}. What is the length of its hypotenuse?',
    make: (level, r) => ({ a: leg.draw(level, r), b: leg.draw(level, r) }),
    levelOf: (p) => leg.level(Math.max(v(p, 'a'), v(p, 'b'))),
    answer: (p) => sqrtSimplified(v(p, 'a') ** 2 + v(p, 'b') ** 2),
  },
  {
    id: 'geometry-triangle-area',
    category: 'Geometry',
    concepts: ['area of a triangle', 'coordinate geometry', 'right triangles'],
    text: 'What is the area of the triangle with vertices $(0,0)$, $({{a}},0)$ and $({{b}},{{c}})$?',
    make: (level, r) => ({ a: base.draw(level, r), b: r.between(1, 99), c: base.draw(level, r) }),
    levelOf: (p) => base.level(Math.max(v(p, 'a'), v(p, 'c'))),
    answer: (p) => fraction(v(p, 'a') * v(p, 'c'), 2),
  },
  {
    id: 'geometry-polygon-angle',
    category: 'Geometry',
    concepts: ['interior angles of polygons', 'regular polygons', 'angle sum of a polygon'],
    text: 'What is the measure, in degrees, of each interior angle of a regular polygon with {{n}} sides?',
    make: (level, r) => ({ n: sides.draw(level, r) }),
    levelOf: (p) => sides.level(v(p, 'n')),
    answer: (p) => fraction(180 * (v(p, 'n') - 2), v(p, 'n')),
  },
  {
    id: 'intermediate-cubic-squares',
    category: 'Intermediate Algebra',
    concepts: ["Vieta's formulas", 'polynomial roots', 'symmetric sums'],
    text: 'Let $r$, $s$ and $t$ be the roots of $x^3 - {{a}}x^2 + {{b}}x - {{c}} = 0$. Find $r^2 + s^2 + t^2$.',
    make: (level, r) => {
      const a = cubicSum.draw(level, r);
      return { a, b: r.between(1, 3 * a), c: r.between(1, 3 * a) };
    },
    levelOf: (p) => cubicSum.level(v(p, 'a')),
    answer: (p) => String(v(p, 'a') ** 2 - 2 * v(p, 'b')),
  },
  {
    id: 'intermediate-geometric-series',
    category: 'Intermediate Algebra',
    concepts: ['infinite geometric series', 'convergence of series', 'simplifying fractions'],
    text: 'Find the sum of the infinite geometric series whose first term is {{a}} and whose common ratio is $\\frac{1}{{{q}}}$.',
    make: (level, r) => ({ a: r.between(1, 100), q: ratioDen.draw(level, r) }),
    levelOf: (p) => ratioDen.level(v(p, 'q')),
    answer: (p) => fraction(v(p, 'a') * v(p, 'q'), v(p, 'q') - 1),
  },
  {
    id: 'intermediate-remainder-theorem',
    category: 'Intermediate Algebra',
    concepts: ['remainder theorem', 'polynomial division', 'polynomial roots'],
    text: 'What is the remainder when $x^{{{n}}} + {{a}}x + {{b}}$ is divided by $x - {{c}}$?',
    make: (level, r) => ({
      n: power.draw(level, r),
      a: r.between(1, 20),
      b: r.between(1, 50),
      c: r.between(1, 3),
    }),
    levelOf: (p) => power.level(v(p, 'n')),
    answer: (p) => String(BigInt(v(p, 'c')) ** BigInt(v(p, 'n')) + BigInt(v(p, 'a') * v(p, 'c') + v(p, 'b'))),
  },
  {
    id: 'precalculus-determinant',
    category: 'Precalculus',
    concepts: ['2x2 determinants', 'matrix operations', 'linear transformations'],
    text: 'Compute the determinant of the matrix $\\begin{pmatrix} {{a}} & {{b}} \\\\ {{c}} & {{d}} \\end{pmatrix}$.',
    make: (level, r) => {
      const top = entry.draw(level, r);
      return { a: top, b: r.between(1, top), c: r.between(1, top), d: r.between(1, top) };
    },
    levelOf: (p) => entry.level(Math.max(v(p, 'a'), v(p, 'b'), v(p, 'c'), v(p, 'd'))),
    answer: (p) => String(v(p, 'a') * v(p, 'd') - v(p, 'b') * v(p, 'c')),
  },
  {
    id: 'precalculus-dot-product',
    category: 'Precalculus',
    concepts: ['dot product', 'vectors in three dimensions', 'matrix operations'],
    text: 'Compute the dot product of the vectors $({{a}}, {{b}}, {{c}})$ and $({{d}}, {{e}}, {{f}})$.',
    make: (level, r) => {
      const top = entry.draw(level, r);
      return {
        a: top,
        b: r.between(1, top),
        c: r.between(1, top),
        d: r.between(1, top),
        e: r.between(1, top),
        f: r.between(1, top),
      };
    },
    levelOf: (p) => entry.level(Math.max(...['a', 'b', 'c', 'd', 'e', 'f'].map((k) => v(p, k)))),
    answer: (p) => String(v(p, 'a') * v(p, 'd') + v(p, 'b') * v(p, 'e') + v(p, 'c') * v(p, 'f')),
  },
  {
    id: 'precalculus-complex-modulus',
    category: 'Precalculus',
    concepts: ['complex numbers', 'modulus of a complex number', "De Moivre's theorem"],
    text: 'Compute $|({{a}} + {{b}}i)^{{{n}}}|^2$.',
    make: (level, r) => ({ a: r.between(1, 9), b: r.between(1, 9), n: modulusPower.draw(level, r) }),
    levelOf: (p) => modulusPower.level(v(p, 'n')),
    answer: (p) => String(BigInt(v(p, 'a') ** 2 + v(p, 'b') ** 2) ** BigInt(v(p, 'n'))),
  },
];
