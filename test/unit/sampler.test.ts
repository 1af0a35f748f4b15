import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConceptSet } from '../../schemas/records.js';
import { createRng } from '../../core/rng.js';
import {
  allocateBudget,
  buildConceptPool,
  buildConceptPools,
  expNonPositive,
  nextConceptDistribution,
  sampleConceptList,
  sampleConceptLists,
  type ConceptPool,
} from '../../core/sampler.js';

const close = (actual: number | undefined, expected: number, tol = 1e-6) =>
  assert.ok(actual !== undefined && Math.abs(actual - expected) <= tol, `${actual} vs ${expected}`);

describe('allocateBudget', () => {
  it('splits ∝ failure ratio with largest remainders, summing to the budget', () => {
    // ratios: Algebra 20/100 = 0.2, Geometry 10/25 = 0.4, Prealgebra 0, Precalculus 5/50 = 0.1; total 0.7
    // quotas of 10: 2.857, 5.714, 0, 1.429 → floors 2, 5, 0, 1 (= 8); the two left go to the largest
    // remainders, Algebra (.857) and Geometry (.714) → 3, 6, 0, 1
    const out = allocateBudget(
      10,
      { Algebra: 20, Geometry: 10, Prealgebra: 0, Precalculus: 5 },
      { Algebra: 100, Geometry: 25, Prealgebra: 50, Precalculus: 50 },
    );
    assert.deepEqual(out, { Algebra: 3, Geometry: 6, Prealgebra: 0, Precalculus: 1 });
  });

  it('breaks equal remainders by ratio, then name', () => {
    // A 1/2, B 1/4, C 1/4 of budget 3 → quotas 1.5, 0.75, 0.75 → floors 1, 0, 0; remainders .75, .75
    // (B, C) beat .5: B and C get one each → 1, 1, 1
    assert.deepEqual(allocateBudget(3, { A: 2, B: 1, C: 1 }, { A: 4, B: 4, C: 4 }), { A: 1, B: 1, C: 1 });
    // budget 1 between two equal ratios → the name that sorts first
    assert.deepEqual(allocateBudget(1, { Geometry: 1, Algebra: 1 }, { Geometry: 2, Algebra: 2 }), {
      Geometry: 0,
      Algebra: 1,
    });
  });

  it('gives nothing when nothing failed, and names a category with a bad size', () => {
    assert.deepEqual(allocateBudget(10, { A: 0, B: 0 }, {}), { A: 0, B: 0 });
    assert.throws(
      () => allocateBudget(10, { A: 3 }, { A: 2 }),
      /category "A": size must be an integer ≥ its 3 failures/,
    );
    assert.throws(() => allocateBudget(10, { A: 3 }, {}), /category "A"/);
  });
});

// Four concepts from four failed Algebra problems: [a,b], [a,c], [a,b], [d]
//   frequency a 3, b 2, c 1, d 1;  C[a,b] = 2, C[a,c] = 1, all other pairs 0
//   embeddings a (1,0), b (0,1), c (1,1), d (0,3): cos(a,b) 0, cos(a,c) = cos(b,c) = cos(c,d) = 1/√2, cos(b,d) 1
const sets: ConceptSet[] = [['a', 'b'], ['a', 'c'], ['a', 'b'], ['d']].map((concepts, index) => ({
  index,
  category: 'Algebra',
  concepts,
}));
const embeddings = new Map<string, number[]>([
  ['a', [1, 0]],
  ['b', [0, 1]],
  ['c', [1, 1]],
  ['d', [0, 3]],
]);
const pool = buildConceptPool(sets, embeddings);
const A = 0;
const B = 1;
const C = 2;
const D = 3;

describe('buildConceptPool', () => {
  it('counts frequency per problem and co-occurrence per pair', () => {
    assert.deepEqual(pool.concepts, ['a', 'b', 'c', 'd']);
    assert.deepEqual([...pool.frequency], [3, 2, 1, 1]);
    assert.deepEqual([...pool.cooccurrence[A]!.cols], [B, C]);
    assert.deepEqual([...pool.cooccurrence[A]!.counts], [2, 1]);
    assert.deepEqual([...pool.cooccurrence[D]!.cols], []);
    // a problem listing a concept twice still counts once
    const twice = buildConceptPool(
      [{ index: 0, category: 'Algebra', concepts: ['a', 'a', 'b'] }],
      embeddings,
    );
    assert.deepEqual([...twice.frequency], [1, 1]);
    assert.deepEqual([...twice.cooccurrence[0]!.counts], [1]);
  });

  it('names a concept without an embedding and a stray category', () => {
    assert.throws(
      () => buildConceptPool([{ index: 4, category: 'Algebra', concepts: ['e'] }], embeddings),
      /no embedding for concept "e"/,
    );
    assert.throws(
      () => buildConceptPool([sets[0]!, { index: 9, category: 'Geometry', concepts: ['a'] }], embeddings),
      /problem 9 is in category "Geometry"/,
    );
    const pools = buildConceptPools(
      [...sets, { index: 9, category: 'Geometry', concepts: ['a'] }],
      embeddings,
    );
    assert.deepEqual(Object.keys(pools), ['Algebra', 'Geometry']);
  });
});

describe('nextConceptDistribution (τ = 0.2)', () => {
  it('draws the first concept ∝ frequency', () => {
    const p = nextConceptDistribution(pool, [], 0.2);
    [3 / 7, 2 / 7, 1 / 7, 1 / 7].forEach((q, j) => close(p[j], q, 1e-12));
  });

  it('scores co-occurrence + cosine to the chosen mean, softmax at τ', () => {
    // chosen [a]: s_b = 2 + 0 = 2, s_c = 1 + 0.707107 = 1.707107, s_d = 0 + 0 = 0
    // p ∝ exp(s/0.2 − 10): 1, e^−1.464466 = 0.231197, e^−10 = 4.54e−5 → 0.812185, 0.187778, 0.0000369
    const p = nextConceptDistribution(pool, [A], 0.2);
    close(p[A], 0);
    close(p[B], 0.8121849);
    close(p[C], 0.1877783);
    close(p[D], 0.0000369);
    // chosen [d]: s_a = 0, s_b = 0 + cos(b,d) = 1, s_c = 0.707107 → p_b = 1/(1 + e^−5 + e^−1.464466) = 0.807794
    const q = nextConceptDistribution(pool, [D], 0.2);
    close(q[A], 0.0054429);
    close(q[B], 0.807794);
    close(q[C], 0.1867631);
  });

  it('uses the mean of the raw embeddings, as SwS does', () => {
    // chosen [a, d]: mean (0.5, 1.5), |m| = 1.581139
    //   s_b = C[a,b] + C[d,b] + 1.5/1.581139 = 2 + 0.948683 = 2.948683
    //   s_c = C[a,c] + C[d,c] + (0.5 + 1.5)/(√2 · 1.581139) = 1 + 0.894427 = 1.894427
    //   p_b = 1/(1 + e^−(1.054256/0.2)) = 1/(1 + e^−5.27128) = 0.994889
    // (the mean of unit vectors would give cos 0.707 and 1 instead)
    const p = nextConceptDistribution(pool, [A, D], 0.2);
    close(p[B], 0.9948892);
    close(p[C], 0.0051108);
    assert.equal(p[A], 0);
    assert.equal(p[D], 0);
  });

  it('stays finite for co-occurrence counts far beyond exp range (log-sum-exp)', () => {
    // 400 problems [x,y] and 100 [x,z]: s_y/τ ≈ 2000, s_z/τ ≈ 500 — exp(2000) alone is Infinity
    const big = buildConceptPool(
      [...Array(400).fill(['x', 'y']), ...Array(100).fill(['x', 'z'])].map((concepts, index) => ({
        index,
        category: 'Algebra' as const,
        concepts,
      })),
      new Map([
        ['x', [1, 0]],
        ['y', [0, 1]],
        ['z', [0, 1]],
      ]),
    );
    const p = nextConceptDistribution(big, [0], 0.2);
    assert.deepEqual([...p], [0, 1, 0]);
  });

  it('is all zeros when the pool is used up', () => {
    assert.deepEqual([...nextConceptDistribution(pool, [A, B, C, D], 0.2)], [0, 0, 0, 0]);
  });
});

describe('expNonPositive', () => {
  it('matches Math.exp to 1e-15 relative wherever e^x is a normal double (x ≥ −708)', () => {
    const rng = createRng(9);
    for (let i = 0; i < 100_000; i++) {
      const x = -(i < 50_000 ? 40 : 708) * rng.next();
      const rel = Math.abs(expNonPositive(x) - Math.exp(x)) / Math.exp(x);
      assert.ok(rel < 1e-15, `x = ${x}: relative error ${rel}`);
    }
    assert.equal(expNonPositive(0), 1);
    assert.equal(expNonPositive(-720), Math.exp(-720));
    assert.equal(expNonPositive(-800), 0);
    assert.equal(expNonPositive(-Infinity), 0);
  });
});

/** Wilson–Hilferty 0.999 quantile of χ² with df degrees of freedom. */
const chiSquare999 = (df: number) => df * (1 - 2 / (9 * df) + 3.0902 * Math.sqrt(2 / (9 * df))) ** 3;

describe('sampleConceptList', () => {
  it('seeded draws match the computed joint distribution of the first two picks (χ², p = 0.001)', () => {
    const draws = 40_000;
    const rng = createRng(2025);
    const observed = new Map<string, number>();
    for (let i = 0; i < draws; i++) {
      const key = sampleConceptList(pool, rng, { conceptsPerList: 2, temperature: 0.2 }).join('');
      observed.set(key, (observed.get(key) ?? 0) + 1);
    }
    const first = nextConceptDistribution(pool, [], 0.2);
    let chi = 0;
    let cells = 0;
    let rareExpected = 0;
    let rareObserved = 0;
    for (let i = 0; i < pool.size; i++) {
      const second = nextConceptDistribution(pool, [i], 0.2);
      for (let j = 0; j < pool.size; j++) {
        if (i === j) continue;
        const expected = draws * first[i]! * second[j]!;
        const seen = observed.get(pool.concepts[i]! + pool.concepts[j]!) ?? 0;
        if (expected < 5) {
          rareExpected += expected;
          rareObserved += seen;
          continue;
        }
        chi += (seen - expected) ** 2 / expected;
        cells++;
      }
    }
    chi += (rareObserved - rareExpected) ** 2 / rareExpected;
    cells++;
    assert.ok(cells >= 8, `only ${cells} cells`);
    assert.ok(chi < chiSquare999(cells - 1), `χ² = ${chi.toFixed(2)} with ${cells - 1} df`);
  });

  it('never repeats a concept and stops short when the pool runs out', () => {
    const list = sampleConceptList(pool, createRng(1), { conceptsPerList: 9, temperature: 0.2 });
    assert.equal(list.length, 4);
    assert.equal(new Set(list).size, 4);
  });
});

describe('sampleConceptLists', () => {
  const levels = ['AMC12', 'AIME'] as const;
  const opts = { conceptsPerList: 2, temperature: 0.2, levels };
  const geometry = buildConceptPool(
    [{ index: 7, category: 'Geometry', concepts: ['p', 'q', 'r'] }],
    new Map([
      ['p', [1, 0]],
      ['q', [0, 1]],
      ['r', [1, 1]],
    ]),
  );
  const pools: Partial<Record<string, ConceptPool>> = { Algebra: pool, Geometry: geometry };

  it('draws distinct concept sets with a level and a stable id, reproducibly per seed', () => {
    // pair probabilities: {a,b} 0.63, {a,c} 0.22, {b,d} 0.12, the rest ≈ 0.01 together → ask for 3
    const out = sampleConceptLists(pools, { Algebra: 3 }, 11, opts);
    assert.equal(out.lists.length, 3);
    const sets = out.lists.map((l) => [...l.concepts].sort().join(','));
    assert.equal(new Set(sets).size, 3);
    assert.deepEqual(
      out.lists.map((l) => l.id),
      ['algebra-0', 'algebra-1', 'algebra-2'],
    );
    for (const l of out.lists) assert.ok(levels.includes(l.level as (typeof levels)[number]));
    assert.deepEqual(sampleConceptLists(pools, { Algebra: 3 }, 11, opts), out);
    assert.notDeepEqual(sampleConceptLists(pools, { Algebra: 3 }, 12, opts).lists, out.lists);
  });

  it("keeps a category's draws independent of the other categories", () => {
    const alone = sampleConceptLists(pools, { Algebra: 3 }, 5, opts).lists;
    const together = sampleConceptLists(pools, { Geometry: 2, Algebra: 3 }, 5, opts).lists;
    assert.deepEqual(
      together.filter((l) => l.category === 'Algebra'),
      alone,
    );
  });

  it('reports rejected duplicates, short lists and missing pools within the attempt bound', () => {
    // Geometry has one problem [p,q,r]: with 3 per list the only set is {p,q,r}; 5 asked, 5 × 20 draws
    const full = sampleConceptLists(pools, { Geometry: 5 }, 3, { ...opts, conceptsPerList: 3 });
    assert.equal(full.lists.length, 1);
    assert.deepEqual(full.report.Geometry, { requested: 5, produced: 1, duplicatesRejected: 99, short: 0 });
    // 4 per list from a 3-concept pool → one short list
    const short = sampleConceptLists(pools, { Geometry: 1, Precalculus: 2 }, 3, {
      ...opts,
      conceptsPerList: 4,
    });
    assert.deepEqual(short.report.Geometry, { requested: 1, produced: 1, duplicatesRejected: 0, short: 1 });
    assert.deepEqual(short.report.Precalculus, {
      requested: 2,
      produced: 0,
      duplicatesRejected: 0,
      short: 0,
    });
  });
});
