import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { preferencePairs } from '../../core/preference.js';

describe('preferencePairs', () => {
  const rollouts = ['w1', 'c1', 'w2', 'w1', 'c2', 'w3'];
  const correct = [false, true, false, false, true, false];

  it('one pair: the gold solution against the first incorrect rollout', () => {
    assert.deepEqual(preferencePairs('G', rollouts, correct, 1), [{ chosen: 'G', rejected: 'w1' }]);
  });

  it('several pairs take distinct incorrect rollouts; chosen cycles gold, then correct rollouts', () => {
    // wrong, deduplicated: w1, w2, w3; right: G, c1, c2
    assert.deepEqual(preferencePairs('G', rollouts, correct, 3), [
      { chosen: 'G', rejected: 'w1' },
      { chosen: 'c1', rejected: 'w2' },
      { chosen: 'c2', rejected: 'w3' },
    ]);
    // no more pairs than distinct incorrect rollouts
    assert.equal(preferencePairs('G', rollouts, correct, 10).length, 3);
  });

  it('with no correct rollout the gold is chosen every time; with no incorrect one there is no pair', () => {
    assert.deepEqual(preferencePairs('G', ['a', 'b'], [false, false], 2), [
      { chosen: 'G', rejected: 'a' },
      { chosen: 'G', rejected: 'b' },
    ]);
    assert.deepEqual(preferencePairs('G', ['a'], [true], 2), []);
  });

  it('checks its input', () => {
    assert.throws(() => preferencePairs('G', ['a'], [], 1), /1 rollouts but 0 grades/);
    assert.throws(() => preferencePairs('G', ['a'], [false], 0), /maxPairs must be a positive integer/);
  });
});
