import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assessWeakness, detectWeaknesses, leastSquaresSlope } from '../../core/weakness.js';

const nonStrict = { bestAccuracyBelow: 0.5, slopeBelow: 0, strict: false };
const strict = { ...nonStrict, strict: true };

describe('leastSquaresSlope', () => {
  it('fits a line over x = 0..n-1', () => {
    // [0.5, 0.25, 0]: x̄ = 1, Σ(x−x̄)y = −0.5 + 0 = −0.5, Σ(x−x̄)² = 2 → −0.25
    assert.equal(leastSquaresSlope([0.5, 0.25, 0]), -0.25);
    // [0, 1, 0, 1]: x̄ = 1.5, Σ(x−x̄)y = −0.5 + 1.5 = 1, Σ(x−x̄)² = 5 → 0.2
    assert.equal(leastSquaresSlope([0, 1, 0, 1]), 0.2);
    assert.equal(leastSquaresSlope([0, 0.5]), 0.5);
  });

  it('gives exactly 0 for one point and for a flat history', () => {
    assert.equal(leastSquaresSlope([0.3]), 0);
    assert.equal(leastSquaresSlope([0.1, 0.1, 0.1, 0.1, 0.1]), 0);
  });
});

describe('assessWeakness', () => {
  it('applies ≤ in non-strict mode and < in strict mode', () => {
    // best 0.5, slope −0.25: non-strict 0.5 ≤ 0.5 and −0.25 ≤ 0 → failed; strict 0.5 < 0.5 is false
    assert.deepEqual(assessWeakness([0.5, 0.25, 0], nonStrict), { best: 0.5, slope: -0.25, failed: true });
    assert.equal(assessWeakness([0.5, 0.25, 0], strict).failed, false);
    // never solved: best 0, slope 0 → kept only by the non-strict rule (the released data)
    assert.equal(assessWeakness([0, 0, 0], nonStrict).failed, true);
    assert.equal(assessWeakness([0, 0, 0], strict).failed, false);
    // improving: slope +0.25 > 0 → not a weakness either way
    assert.equal(assessWeakness([0.25, 0.5], nonStrict).failed, false);
    // best 0.75 ≥ 0.5 → not a weakness even though it declines
    assert.equal(assessWeakness([0.75, 0], nonStrict).failed, false);
    // strict, best 0.25 < 0.5 and slope −0.25 < 0 → failed
    assert.equal(assessWeakness([0.25, 0], strict).failed, true);
  });

  it('rejects an empty or out-of-range history', () => {
    assert.throws(() => assessWeakness([], nonStrict), /empty/);
    assert.throws(() => assessWeakness([0.5, 1.5], nonStrict), /epoch 1 is 1.5/);
  });
});

describe('detectWeaknesses', () => {
  const log = { train: { '10': [0.5, 0.25, 0], '2': [0.25, 0.5], '3': [0] } };

  it('assesses every problem, sorted by numeric index', () => {
    assert.deepEqual(detectWeaknesses(log, nonStrict), [
      { index: 2, best: 0.5, slope: 0.25, failed: false },
      { index: 3, best: 0, slope: 0, failed: true },
      { index: 10, best: 0.5, slope: -0.25, failed: true },
    ]);
  });

  it('names an index that is not in the training set, and an empty history', () => {
    assert.throws(
      () => detectWeaknesses(log, nonStrict, new Set([2, 10])),
      /index 3 is not in the training set/,
    );
    assert.throws(
      () => detectWeaknesses({ train: { '5': [] } }, nonStrict),
      /index 5: accuracy history is empty/,
    );
    assert.throws(() => detectWeaknesses({ train: { '5': [0], '05': [0] } }, nonStrict), /same index 5/);
  });
});
