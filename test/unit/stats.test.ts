import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { equivalenceClasses, inLargestClass, majority, mean } from '../../core/stats.js';

describe('equivalenceClasses', () => {
  it('keys each answer by the position of the first equivalent one; null stays null', () => {
    const sameNumber = (a: string, b: string) => Number(a) === Number(b);
    assert.deepEqual(equivalenceClasses(['2', '3', '2.0', null, '03'], sameNumber), [0, 1, 0, null, 1]);
  });
});

describe('majority', () => {
  it('counts non-null keys, shares over all answers, first-seen wins ties', () => {
    // keys 0,1,0,null,1: classes 0 and 1 both have 2 → 0 came first; share 2/5
    assert.deepEqual(majority([0, 1, 0, null, 1]), { key: 0, count: 2, share: 0.4 });
    assert.deepEqual(majority(['b', 'a', 'a']), { key: 'a', count: 2, share: 2 / 3 });
    assert.equal(majority([null, null]), null);
  });
});

describe('mean', () => {
  it('averages and refuses an empty list', () => {
    assert.equal(mean([1, 2, 3, 6]), 3);
    assert.throws(() => mean([]), /empty/);
  });
});

describe('inLargestClass', () => {
  it('is true for any answer in a largest class, false for the rest and for null', () => {
    // classes 0 (×2), 1 (×2), 3 (×1), null
    const keys = [0, 1, 0, 3, 1, null];
    assert.deepEqual(
      keys.map((_, i) => inLargestClass(keys, i)),
      [true, true, true, false, true, false],
    );
    assert.equal(inLargestClass([2, 2, 5], 2), false);
  });
});
