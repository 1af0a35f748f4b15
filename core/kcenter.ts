/**
 * WarriorMath stage 4: KCenterGreedy (Sener & Savarese 2018) picks a diverse subset of problem
 * embeddings. Each pick is the point farthest from everything picked so far; every point keeps its
 * squared distance to the nearest pick and only the newest pick is compared against, so a pick
 * costs O(n·d).
 *
 * Speed: each pick is numpy's float32 matrix-vector form, ‖x‖² − 2·x·c + ‖c‖² with the row norms
 * computed once, run by a WebAssembly SIMD kernel (core/kcenter-kernel.ts) over the vectors
 * packed once into its memory. `npm run bench:kcenter` compares it with numpy on the same data.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { kCenterKernel } from './kcenter-kernel.js';

type Vector = ArrayLike<number>;

const PAGE = 65_536;
/**
 * A selection of thousands of picks over 10^5 vectors computes for minutes; the event loop gets a
 * turn this often, so the worker's activity heartbeats (workers/background-heartbeat.ts) go out.
 */
const YIELD_EVERY_MS = 1_000;
const align16 = (x: number) => Math.ceil(x / 16) * 16;

/**
 * Indices of the selected points, in the order they were picked, starting with `firstIndex`
 * (the caller draws it from a seeded rng). Ties go to the lowest index. With k ≥ n every point is
 * selected and the indices come back in ascending order.
 */
export async function kCenterGreedy(
  vectors: readonly Vector[],
  k: number,
  firstIndex: number,
): Promise<number[]> {
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

  const kernel = await kCenterKernel();
  const data = 0;
  const centre = align16(n * dim * 4);
  const norms = align16(centre + dim * 4);
  const min = align16(norms + n * 4);
  const bytes = min + n * 4;
  kernel.memory.grow(Math.max(0, Math.ceil(bytes / PAGE) - kernel.memory.buffer.byteLength / PAGE));
  const heap = new Float32Array(kernel.memory.buffer);
  vectors.forEach((v, i) => heap.set(v, i * dim));
  kernel.norms(n, dim, data, norms);
  heap.fill(Infinity, min / 4, min / 4 + n);

  const picked: number[] = [];
  let next = firstIndex;
  let lastYield = performance.now();
  while (picked.length < k) {
    if (performance.now() - lastYield > YIELD_EVERY_MS) {
      await yieldToEventLoop();
      lastYield = performance.now();
    }
    picked.push(next);
    heap.copyWithin(centre / 4, next * dim, next * dim + dim);
    heap[min / 4 + next] = -1;
    next = kernel.pick(n, dim, data, centre, norms, min, heap[norms / 4 + next] as number);
  }
  return picked;
}
