import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { avgAtK, majAtK, passAtK, summarise } from '../../core/passk.js';

const close = (actual: number, expected: number, tol = 1e-12) =>
  assert.ok(Math.abs(actual - expected) <= tol, `${actual} vs ${expected}`);

describe('passAtK', () => {
  it('matches 1 − C(n−c, k)/C(n, k) on hand-computed cases', () => {
    // n=4, c=1, k=2: 1 − C(3,2)/C(4,2) = 1 − 3/6 = 0.5
    close(passAtK(4, 1, 2), 0.5);
    // n=5, c=2, k=2: 1 − C(3,2)/C(5,2) = 1 − 3/10 = 0.7
    close(passAtK(5, 2, 2), 0.7);
    // k = 1 is c/n
    close(passAtK(8, 3, 1), 3 / 8);
    // c = 0 → 0; n − c < k → every k-subset holds a correct one → 1
    assert.equal(passAtK(4, 0, 2), 0);
    assert.equal(passAtK(4, 3, 2), 1);
    assert.equal(passAtK(4, 4, 4), 1);
  });

  it('stays finite where the binomials would overflow', () => {
    // n=2000, c=1, k=1000: C(1999,1000)/C(2000,1000) = (2000 − 1000)/2000 = 0.5 → 0.5
    close(passAtK(2000, 1, 1000), 0.5);
  });

  it('rejects impossible counts', () => {
    assert.throws(() => passAtK(4, 5, 1), /c must be an integer in \[0, n=4\]/);
    assert.throws(() => passAtK(4, 1, 5), /k must be an integer in \[1, n=4\]/);
    assert.throws(() => passAtK(0, 0, 1), /n must be a positive integer/);
  });
});

describe('avgAtK and majAtK', () => {
  it('avg@k is the mean correctness', () => {
    assert.equal(avgAtK([true, false, true, true]), 0.75);
    assert.throws(() => avgAtK([]), /no samples/);
  });

  it('maj@k follows the largest answer class, first-seen on ties, false without answers', () => {
    // classes k1 ×2 (correct), k2 ×1, one unextracted → majority k1 → correct
    const s1 = [
      { key: 'k1', correct: true },
      { key: 'k2', correct: false },
      { key: 'k1', correct: true },
      { key: null, correct: false },
    ];
    assert.equal(majAtK(s1), true);
    // 1–1 tie: k2 was seen first and is wrong
    assert.equal(
      majAtK([
        { key: 'k2', correct: false },
        { key: 'k1', correct: true },
      ]),
      false,
    );
    assert.equal(majAtK([{ key: null, correct: false }]), false);
  });
});

describe('summarise', () => {
  it('averages avg, pass@k and maj per group', () => {
    const out = summarise(
      [
        { groups: ['MATH-500', 'MATH-500/Algebra'], n: 4, c: 1, majCorrect: true },
        { groups: ['MATH-500'], n: 4, c: 4, majCorrect: false },
        { groups: ['AIME24'], n: 4, c: 0 },
      ],
      [1, 2],
    );
    // MATH-500: avg (1/4 + 1)/2 = 0.625; pass@2 (0.5 + 1)/2 = 0.75; maj (1 + 0)/2 = 0.5
    assert.deepEqual(out['MATH-500'], {
      problems: 2,
      avg: 0.625,
      passAtK: { '1': 0.625, '2': 0.75 },
      maj: 0.5,
    });
    assert.deepEqual(out['MATH-500/Algebra'], {
      problems: 1,
      avg: 0.25,
      passAtK: { '1': 0.25, '2': 0.5 },
      maj: 1,
    });
    // no majCorrect given → no maj field
    assert.deepEqual(out.AIME24, { problems: 1, avg: 0, passAtK: { '1': 0, '2': 0 } });
  });
});
