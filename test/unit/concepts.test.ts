import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { conceptKey, dedupConcepts } from '../../core/concepts.js';
import type { ConceptSet } from '../../schemas/records.js';

void describe('concept normalisation and merging (SwS stage D)', () => {
  void it('keys concepts by case-, space- and trailing-punctuation-free form', () => {
    assert.equal(conceptKey('  Law of  Sines. '), 'law of sines');
    assert.equal(conceptKey('Vieta’s formulas!?'), 'vieta’s formulas');
    assert.equal(conceptKey('x^2 + y^2 = r^2'), 'x^2 + y^2 = r^2');
    assert.equal(conceptKey(' ... '), '');
  });

  const sets: ConceptSet[] = [
    { index: 0, category: 'Algebra', concepts: ['Modular arithmetic.', 'Quadratic formula'] },
    { index: 1, category: 'Algebra', concepts: ['modular  arithmetic', 'Vieta formulas'] },
    {
      index: 2,
      category: 'Algebra',
      concepts: ['Modular arithmetic', 'Completing the square', 'completing the square!'],
    },
    { index: 3, category: 'Geometry', concepts: ['Vieta formulas'] },
  ];
  // Unit-length except where noted; cosines: vieta·quadratic = 1/√1.01 = 0.99504,
  // completing·modular = completing·quadratic = 1/√2 = 0.70711, modular·quadratic = 0.
  const embeddings = new Map<string, number[]>([
    ['modular arithmetic', [1, 0]],
    ['quadratic formula', [0, 1]],
    ['vieta formulas', [0.1, 1]],
    ['completing the square', [1, 1]],
  ]);

  void it('merges near-parallel concepts of a category into the more frequent one', () => {
    const d = dedupConcepts(sets, embeddings, { mergeSimilarity: 0.95 });
    // modular arithmetic: 3 problems, written "Modular arithmetic" twice (after tidying) → that name.
    // vieta (1 problem, seen after quadratic) joins quadratic formula at cosine 0.995 ≥ 0.95.
    // In Geometry vieta is alone, so it stays.
    assert.deepEqual(
      d.sets.map((s) => s.concepts),
      [
        ['Modular arithmetic', 'Quadratic formula'],
        ['Modular arithmetic', 'Quadratic formula'],
        ['Modular arithmetic', 'Completing the square'],
        ['Vieta formulas'],
      ],
    );
    assert.equal(d.merged, 1);
    assert.deepEqual([...d.embeddings.keys()].sort(), [
      'Completing the square',
      'Modular arithmetic',
      'Quadratic formula',
      'Vieta formulas',
    ]);
    assert.deepEqual(d.embeddings.get('Quadratic formula'), [0, 1]);
  });

  void it('lets the more frequent concept name the merge', () => {
    const more = [...sets, { index: 4, category: 'Algebra' as const, concepts: ['Vieta formulas'] }];
    const d = dedupConcepts(more, embeddings, { mergeSimilarity: 0.95 });
    assert.deepEqual(d.sets[0]!.concepts, ['Modular arithmetic', 'Vieta formulas']);
    assert.deepEqual(d.sets[4]!.concepts, ['Vieta formulas']);
  });

  void it('merges nothing above the largest cosine, and names a concept without an embedding', () => {
    assert.equal(dedupConcepts(sets, embeddings, { mergeSimilarity: 0.996 }).merged, 0);
    assert.throws(
      () => dedupConcepts(sets, new Map([['modular arithmetic', [1, 0]]]), { mergeSimilarity: 0.95 }),
      /no embedding for concept "quadratic formula"/,
    );
  });
});
