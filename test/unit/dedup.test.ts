import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  NearDuplicateIndex,
  addToNgramIndex,
  buildNgramIndex,
  createNgramIndex,
  dedupe,
  estimatedJaccard,
  isContaminated,
  lshBands,
  minhashSignature,
  ngramOverlap,
  tokenize,
} from '../../core/dedup.js';

const words = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => `w${from + i}`).join(' ');

describe('tokenize', () => {
  it('lower-cases and keeps runs of letters and digits', () => {
    assert.deepEqual(tokenize('Compute $\\dbinom{31}{28}$.'), ['compute', 'dbinom', '31', '28']);
    assert.deepEqual(tokenize('Ｆｉｎｄ  x²!'), ['find', 'x2']);
  });
});

describe('n-gram decontamination', () => {
  const benchmark =
    'Let $x$ be the smallest positive integer such that $x$ leaves remainder 3 when divided by 7.';
  // tokens: let x be the smallest positive integer such that x leaves remainder 3 when divided by 7 (17 words)

  it('flags a text sharing one 13-word run, not one sharing 12', () => {
    const index = buildNgramIndex([benchmark]);
    // words 1..13 of the benchmark ("let" … "3") inside other text
    const thirteen =
      'Problem: let x be the smallest positive integer such that x leaves remainder 3. Find x.';
    // words 2..13 only ("x" … "3"): 12 in a row
    const twelve = 'Problem: x be the smallest positive integer such that x leaves remainder 3 today.';
    assert.equal(isContaminated(thirteen, index), true);
    assert.deepEqual(ngramOverlap(thirteen, index), { overlap: 1, sources: [0] });
    assert.equal(isContaminated(twelve, index), false);
    // the whole benchmark has 17 − 13 + 1 = 5 grams
    assert.deepEqual(ngramOverlap(benchmark, index), { overlap: 5, sources: [0] });
    assert.equal(isContaminated(benchmark, index, { minOverlap: 6 }), false);
  });

  it('indexes short texts whole and names which source matched', () => {
    const index = createNgramIndex({ n: 13 });
    assert.equal(addToNgramIndex(index, benchmark), 0);
    assert.equal(addToNgramIndex(index, 'Compute $\\dbinom{31}{28}$.'), 1);
    assert.equal(addToNgramIndex(index, 'Find $x$.'), 2); // 2 words: too generic, not indexed
    assert.deepEqual(ngramOverlap('First compute \\dbinom{31}{28}, then add 5.', index), {
      overlap: 1,
      sources: [1],
    });
    assert.equal(isContaminated('Find x if 2x = 4.', index), false);
  });

  it('takes n as a parameter', () => {
    const index = buildNgramIndex(['a b c d e'], { n: 3 });
    assert.equal(isContaminated('z c d e z', index), true);
    assert.equal(isContaminated('z b c z d e', index), false);
  });
});

describe('MinHash', () => {
  it('estimates Jaccard similarity of the shingle sets', () => {
    // single-word shingles: {w0..w99} vs {w20..w119} share 80 of 120 → J = 2/3
    const opts = { numPerm: 512, shingle: 1 };
    const est = estimatedJaccard(
      minhashSignature(words(0, 100), opts),
      minhashSignature(words(20, 120), opts),
    );
    // sd of the estimate √(J(1−J)/512) ≈ 0.021; allow 4 sd
    assert.ok(Math.abs(est - 2 / 3) < 0.084, `estimate ${est}`);
    assert.equal(estimatedJaccard(minhashSignature(words(0, 50)), minhashSignature(words(0, 50))), 1);
  });

  it('is seeded and deterministic', () => {
    assert.deepEqual(minhashSignature('a b c d e f', {}, 3), minhashSignature('a b c d e f', {}, 3));
    assert.notDeepEqual(minhashSignature('a b c d e f', {}, 3), minhashSignature('a b c d e f', {}, 4));
  });

  it('bands so a pair at the threshold is a candidate with probability ≥ 0.95', () => {
    // r = 8, b = 16: 1 − (1 − 0.8^8)^16 = 0.947 < 0.95; r = 7, b = 18: 1 − (1 − 0.8^7)^18 = 0.986
    assert.deepEqual(lshBands(128, 0.8), { bands: 18, rows: 7 });
  });
});

describe('near-duplicate removal', () => {
  const base = words(0, 100);
  // one word changed in the middle: 5 of 96 five-word shingles change → J = 91/101 ≈ 0.90
  const oneWordChanged = base.replace('w50', 'changed');
  // every fifth word changed: nearly every shingle differs
  const rewritten = base.replace(/w(\d*[05])\b/g, 'x$1');

  it('keeps the first of each cluster and reports what the rest duplicate', () => {
    const items = [
      { id: 'a', text: base },
      { id: 'b', text: oneWordChanged },
      { id: 'c', text: rewritten },
      { id: 'd', text: base },
    ];
    const out = dedupe(items, (i) => i.text);
    assert.deepEqual(
      out.kept.map((i) => i.id),
      ['a', 'c'],
    );
    assert.deepEqual(
      out.duplicates.map((d) => [d.item.id, d.duplicateOf.id]),
      [
        ['b', 'a'],
        ['d', 'a'],
      ],
    );
  });

  it('streams: an index checks one item at a time', () => {
    const index = new NearDuplicateIndex<string>();
    assert.equal(index.offer('first', base), null);
    assert.equal(index.find(oneWordChanged), 'first');
    assert.equal(index.find(rewritten), null);
    assert.equal(index.offer('second', rewritten), null);
    assert.equal(index.offer('third', rewritten + ' '), 'second');
  });
});
