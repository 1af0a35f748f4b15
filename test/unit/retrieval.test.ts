import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NearestSelector, meanVector } from '../../core/retrieval.js';

void describe('weakness-driven selection: nearest pool problems per concept list', () => {
  void it('averages the concept embeddings and names a missing one', () => {
    const vectors = new Map([
      ['a', [1, 0]],
      ['b', [0, 3]],
    ]);
    assert.deepEqual([...meanVector(['a', 'b'], (n) => vectors.get(n))], [0.5, 1.5]);
    assert.throws(() => meanVector(['a', 'c'], (n) => vectors.get(n)), /no embedding for concept "c"/);
  });

  // Queries q0 = x-axis, q1 = y-axis. Cosines (q0, q1):
  //   c0 [1, 0.1]: (0.995, 0.0995)   c1 [1, 1]: (0.7071, 0.7071)   c2 [0, 2]: (0, 1)   c3 [-1, 0]: (-1, 0)
  const offerAll = (sel: NearestSelector) =>
    [
      [1, 0.1],
      [1, 1],
      [0, 2],
      [-1, 0],
    ].forEach((v, i) => sel.offer(i, v));

  void it('hands out candidates best pair first, each to one list only', () => {
    const sel = new NearestSelector(
      [
        [2, 0],
        [0, 1],
      ],
      { perQuery: 2 },
    );
    offerAll(sel);
    // (q1,c2,1) → (q0,c0,.995) → (q0,c1,.707; the lower query wins the tie with q1) → q0 full;
    // q1's next free candidate is c3 at cosine 0 (c0 and c1 are taken).
    const picked = sel.assign().map((l) => l.map((s) => s.candidate));
    assert.deepEqual(picked, [
      [0, 1],
      [2, 3],
    ]);
  });

  void it('leaves a list short when its whole short list went to better matches', () => {
    const sel = new NearestSelector(
      [
        [1, 0],
        [0, 1],
      ],
      { perQuery: 2, shortlist: 2 },
    );
    offerAll(sel);
    // q1 remembers only c2 and c1 (its two best); c1 goes to q0.
    assert.deepEqual(
      sel.assign().map((l) => l.map((s) => s.candidate)),
      [[0, 1], [2]],
    );
  });
});
