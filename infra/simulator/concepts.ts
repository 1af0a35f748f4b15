import type { Category } from '../../schemas/config.js';

/**
 * The simulated curriculum: the concepts each category's templates test. Templates of one category
 * share concepts and a few concepts cross categories, so co-occurrence and similarity mean something
 * to the SwS sampler.
 */
export const CONCEPTS: Record<Category, readonly string[]> = {
  Prealgebra: [
    'percentages',
    'percent decrease',
    'arithmetic mean',
    'fraction addition',
    'least common denominator',
    'simplifying fractions',
    'order of operations',
    'ratios and rates',
  ],
  Algebra: [
    'linear equations',
    'isolating a variable',
    'quadratic equations',
    'sum and product of roots of a quadratic',
    'factoring quadratics',
    'arithmetic sequences',
    'linear functions',
    'simplifying fractions',
  ],
  'Number Theory': [
    'modular arithmetic',
    'modular exponentiation',
    "Euler's theorem",
    'prime factorization',
    'divisor counting function',
    'greatest common divisor',
    'Euclidean algorithm',
    'divisibility rules',
  ],
  'Counting & Probability': [
    'binomial coefficients',
    'combinations',
    'permutations with repetition',
    'factorials',
    'probability of equally likely outcomes',
    'counting ordered pairs',
    'multiplication principle',
    'simplifying fractions',
  ],
  Geometry: [
    'Pythagorean theorem',
    'right triangles',
    'simplifying square roots',
    'area of a triangle',
    'coordinate geometry',
    'interior angles of polygons',
    'regular polygons',
    'angle sum of a polygon',
  ],
  'Intermediate Algebra': [
    "Vieta's formulas",
    'polynomial roots',
    'symmetric sums',
    'infinite geometric series',
    'convergence of series',
    'remainder theorem',
    'polynomial division',
    'quadratic equations',
  ],
  Precalculus: [
    '2x2 determinants',
    'matrix operations',
    'dot product',
    'vectors in three dimensions',
    'complex numbers',
    'modulus of a complex number',
    "De Moivre's theorem",
    'linear transformations',
  ],
  Other: ['problem solving strategies', 'logical reasoning', 'estimation'],
};
