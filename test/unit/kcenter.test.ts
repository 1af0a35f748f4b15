import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kCenterGreedy } from '../../core/kcenter.js';
import { createRng } from '../../core/rng.js';

describe('kCenterGreedy', () => {
  // points on a line: 0, 1, 10, 11, 5
  const line = [[0], [1], [10], [11], [5]];

  it('picks the farthest point from the current centres each time', async () => {
    // from 0: farthest is 11 (index 3). Nearest-centre distances then: 1→1, 10→1, 5→5 → pick 5 (index 4).
    // Then 1 and 10 both at distance 1 → lowest index, 1.
    assert.deepEqual(await kCenterGreedy(line, 4, 0), [0, 3, 4, 1]);
    // from 5: 0 and 11 are 5 and 6 away → 11; then 0 (5 from 5) → then 1 and 10 tie at 1 → 1
    assert.deepEqual(await kCenterGreedy(line, 4, 4), [4, 3, 0, 1]);
  });

  it('works on 2-D Float32Array embeddings', async () => {
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
    assert.deepEqual(await kCenterGreedy(pts, 4, 0), [0, 3, 1, 2]);
  });

  it('returns everything for k ≥ n, nothing for k = 0, and checks its input', async () => {
    assert.deepEqual(await kCenterGreedy(line, 5, 2), [0, 1, 2, 3, 4]);
    assert.deepEqual(await kCenterGreedy(line, 9, 2), [0, 1, 2, 3, 4]);
    assert.deepEqual(await kCenterGreedy(line, 0, 2), []);
    await assert.rejects(kCenterGreedy(line, 2, 5), /firstIndex 5 is outside 0..4/);
    await assert.rejects(kCenterGreedy([[0, 0], [1]], 1, 0), /vector 1 has dimension 1, expected 2/);
  });

  it('matches the plain definition on seeded data, SIMD lanes and scalar tail alike', async () => {
    // the definition, in doubles: distance to the nearest pick, farthest next, lowest index on ties
    const plain = (pts: number[][], k: number, first: number) => {
      const min = pts.map(() => Infinity);
      const out = [first];
      while (out.length < k) {
        const c = pts[out.at(-1)!]!;
        pts.forEach(
          (p, i) =>
            (min[i] = Math.min(
              min[i]!,
              p.reduce((s, x, j) => s + (x - c[j]!) ** 2, 0),
            )),
        );
        out.forEach((i) => (min[i] = -1));
        out.push(min.indexOf(Math.max(...min)));
      }
      return out;
    };
    const rng = createRng(5);
    for (const dim of [3, 8, 13, 37]) {
      const pts = Array.from({ length: 300 }, () => Array.from({ length: dim }, () => rng.next() * 4 - 2));
      const expected = plain(pts, 25, 7);
      // one thread, and the rows split across threads (7 does not divide 300; each thread costs a
      // worker start, so once)
      for (const threads of dim === 37 ? [1, 2, 7] : [1, 2])
        assert.deepEqual(
          await kCenterGreedy(pts, 25, 7, { threads }),
          expected,
          `dim ${dim}, ${threads} threads`,
        );
    }
  });

  it('splits the rows across threads and still breaks ties towards the lowest index', async () => {
    // points 0, −3, 3, 0.5; with 2 threads rows 0–1 and 2–3 are separate ranges.
    // From 0: −3 and 3 are both 9 away, one in each range → the lower index, 1. Then 3 keeps 9,
    // 0.5 keeps 0.25 → index 2, found by the second range.
    const pts = [[0], [-3], [3], [0.5]];
    for (const threads of [2, 4]) assert.deepEqual(await kCenterGreedy(pts, 3, 0, { threads }), [0, 1, 2]);
    // from 0.5: 0 is 0.25, −3 is 12.25, 3 is 6.25 away → 1; then 3 keeps 6.25 (36 from −3) → 2
    assert.deepEqual(await kCenterGreedy(pts, 3, 3, { threads: 2 }), [3, 1, 2]);
    // more threads than points: one point each
    assert.deepEqual(await kCenterGreedy(pts, 3, 3, { threads: 9 }), [3, 1, 2]);
    await assert.rejects(
      kCenterGreedy(pts, 2, 0, { threads: 0 }),
      /threads must be a positive integer, got 0/,
    );
  });
});
