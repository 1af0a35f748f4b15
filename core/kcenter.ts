/**
 * WarriorMath stage 4: KCenterGreedy (Sener & Savarese 2018) picks a diverse subset of problem
 * embeddings. Each pick is the point farthest from everything picked so far; every point keeps its
 * squared distance to the nearest pick and only the newest pick is compared against, so a pick
 * costs O(n·d).
 */

type Vector = ArrayLike<number>;

function squaredDistance(x: Vector, y: Vector): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    const diff = (x[i] as number) - (y[i] as number);
    s += diff * diff;
  }
  return s;
}

/**
 * Indices of the selected points, in the order they were picked, starting with `firstIndex`
 * (the caller draws it from a seeded rng). Ties go to the lowest index. With k ≥ n every point is
 * selected and the indices come back in ascending order.
 */
export function kCenterGreedy(vectors: readonly Vector[], k: number, firstIndex: number): number[] {
  const n = vectors.length;
  if (!Number.isInteger(k) || k < 0)
    throw new Error(`kCenterGreedy: k must be a non-negative integer, got ${k}`);
  if (n === 0 || k === 0) return [];
  if (!Number.isInteger(firstIndex) || firstIndex < 0 || firstIndex >= n) {
    throw new Error(`kCenterGreedy: firstIndex ${firstIndex} is outside 0..${n - 1}`);
  }
  const dim = (vectors[0] as Vector).length;
  vectors.forEach((v, i) => {
    if (v.length !== dim)
      throw new Error(`kCenterGreedy: vector ${i} has dimension ${v.length}, expected ${dim}`);
  });
  if (k >= n) return Array.from({ length: n }, (_, i) => i);

  const minDist = new Float64Array(n).fill(Infinity);
  const picked: number[] = [];
  let next = firstIndex;
  while (picked.length < k) {
    picked.push(next);
    const centre = vectors[next] as Vector;
    minDist[next] = -1;
    let far = -1;
    for (let i = 0; i < n; i++) {
      if (minDist[i] === -1) continue;
      const d = squaredDistance(vectors[i] as Vector, centre);
      if (d < (minDist[i] as number)) minDist[i] = d;
      if (far === -1 || (minDist[i] as number) > (minDist[far] as number)) far = i;
    }
    next = far;
  }
  return picked;
}
