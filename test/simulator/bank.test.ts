import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lastBoxed } from '../../core/prompts/boxed.js';
import { Problem } from '../../schemas/records.js';
import { MATH_CATEGORIES, generateBank } from '../../infra/simulator/bank.js';
import { fraction, sqrtSimplified } from '../../infra/simulator/exact.js';
import { recognise } from '../../infra/simulator/recognise.js';

void describe('exact answers', () => {
  void it('writes fractions and roots in lowest terms', () => {
    assert.equal(fraction(6, 8), '\\frac{3}{4}');
    assert.equal(fraction(-6, 3), '-2');
    assert.equal(sqrtSimplified(50), '5\\sqrt{2}');
    assert.equal(sqrtSimplified(25), '5');
    assert.equal(sqrtSimplified(7), '\\sqrt{7}');
  });
});

void describe('recognise', () => {
  // Hand-computed: 2^10 = 1024 = 146·7 + 2; 360 = 2^3·3^2·5 has 4·3·2 = 24 divisors; C(10,3) = 120;
  // legs 3 and 3 give √18 = 3√2; 1/2 + 1/3 = 5/6; a regular hexagon's angle is 120°; det = 1·4 − 2·3.
  const cases: [string, string, string][] = [
    ['What is the remainder when $2^{10}$ is divided by 7?', '2', 'Number Theory'],
    ['How many positive divisors does 360 have?', '24', 'Number Theory'],
    [
      'In how many ways can a committee of 3 people be chosen from a group of 10 people?',
      '120',
      'Counting & Probability',
    ],
    [
      'A right triangle has legs of length 3 and 3. What is the length of its hypotenuse?',
      '3\\sqrt{2}',
      'Geometry',
    ],
    [
      'Compute $\\frac{1}{2} + \\frac{1}{3}$ and express the result as a fraction in lowest terms.',
      '\\frac{5}{6}',
      'Prealgebra',
    ],
    [
      'What is the measure, in degrees, of each interior angle of a regular polygon with 6 sides?',
      '120',
      'Geometry',
    ],
    [
      'Compute the determinant of the matrix $\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}$.',
      '-2',
      'Precalculus',
    ],
    [
      'Two fair dice, each with faces numbered 1 to 6, are rolled. What is the probability that the sum of the two numbers rolled is 7?',
      '\\frac{1}{6}',
      'Counting & Probability',
    ],
  ];
  for (const [problem, answer, category] of cases) {
    void it(`solves "${problem.slice(0, 50)}…"`, () => {
      const known = recognise(problem);
      assert.equal(known?.answer, answer);
      assert.equal(known?.category, category);
    });
  }
  void it('does not recognise other problems', () => {
    assert.equal(recognise('What is the remainder when a certain number is divided by 7?'), undefined);
    assert.equal(recognise('Find all real x with x^2 = 2.'), undefined);
  });
});

void describe('generateBank', () => {
  const bank = generateBank({ seed: 11, perCategory: 40, startIndex: 100, idPrefix: 'bank' });
  void it('is seeded, valid, indexed from startIndex and balanced across the 7 categories', () => {
    assert.deepEqual(generateBank({ seed: 11, perCategory: 40, startIndex: 100, idPrefix: 'bank' }), bank);
    const other = generateBank({ seed: 12, perCategory: 40, startIndex: 100, idPrefix: 'bank' });
    assert.notDeepEqual(
      other.map((p) => p.problem),
      bank.map((p) => p.problem),
    );
    assert.equal(bank.length, 7 * 40);
    assert.deepEqual(
      bank.map((p) => p.index),
      bank.map((_, i) => 100 + i),
    );
    assert.equal(new Set(bank.map((p) => p.problem)).size, bank.length, 'no duplicate problems');
    for (const p of bank) Problem.parse(p);
    for (const category of MATH_CATEGORIES)
      assert.equal(bank.filter((p) => p.category === category).length, 40);
    for (let level = 1; level <= 5; level++) assert.ok(bank.filter((p) => p.level === level).length >= 40);
  });
  void it('every problem is recovered by the simulator: answer, category and level', () => {
    for (const p of bank) {
      const known = recognise(p.problem);
      assert.deepEqual(
        [known?.answer, known?.category, known?.level],
        [p.answer, p.category, p.level],
        p.problem,
      );
      assert.equal(lastBoxed(p.solution ?? ''), p.answer);
    }
  });
  void it('scales difficulty with level (numbers grow)', () => {
    const size = (level: number): number => {
      const digits = bank
        .filter((p) => p.level === level)
        .map((p) => (p.problem.match(/\d+/g) ?? []).join('').length);
      return digits.reduce((a, b) => a + b, 0) / digits.length;
    };
    assert.ok(size(5) > size(1) * 1.5, `level 5 uses bigger numbers (${size(5)} vs ${size(1)} digits)`);
  });
});
