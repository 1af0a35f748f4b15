import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kCenterGreedy } from '../../core/kcenter.js';

describe('kCenterGreedy', () => {
  // points on a line: 0, 1, 10, 11, 5
  const line = [[0], [1], [10], [11], [5]];

  it('picks the farthest point from the current centres each time', () => {
    // from 0: farthest is 11 (index 3). Nearest-centre distances then: 1→1, 10→1, 5→5 → pick 5 (index 4).
    // Then 1 and 10 both at distance 1 → lowest index, 1.
    assert.deepEqual(kCenterGreedy(line, 4, 0), [0, 3, 4, 1]);
    // from 5: 0 and 11 are 5 and 6 away → 11; then 0 (5 from 5) → then 1 and 10 tie at 1 → 1
    assert.deepEqual(kCenterGreedy(line, 4, 4), [4, 3, 0, 1]);
  });

  it('works on 2-D Float32Array embeddings', () => {
    // unit square corners and their centre (squared distances). From corner (0,0): (1,1) is farthest
    // at 2 → index 3. Nearest-centre distances then: (0,1) 1, (1,0) 1, centre 0.5 → tie, index 1.
    // Then (1,0) keeps 1 (2 to (0,1)) and the centre 0.5 → index 2.
    const pts = [
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
      [0.5, 0.5],
    ].map((p) => Float32Array.from(p));
    assert.deepEqual(kCenterGreedy(pts, 4, 0), [0, 3, 1, 2]);
  });

  it('returns everything for k ≥ n, nothing for k = 0, and checks its input', () => {
    assert.deepEqual(kCenterGreedy(line, 5, 2), [0, 1, 2, 3, 4]);
    assert.deepEqual(kCenterGreedy(line, 9, 2), [0, 1, 2, 3, 4]);
    assert.deepEqual(kCenterGreedy(line, 0, 2), []);
    assert.throws(() => kCenterGreedy(line, 2, 5), /firstIndex 5 is outside 0..4/);
    assert.throws(() => kCenterGreedy([[0, 0], [1]], 1, 0), /vector 1 has dimension 1, expected 2/);
  });
});
