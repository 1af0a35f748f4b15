/**
 * WarriorMath stage 4: KCenterGreedy (Sener & Savarese 2018) picks a diverse subset of problem
 * embeddings. Each pick is the point farthest from everything picked so far; every point keeps its
 * squared distance to the nearest pick and only the newest pick is compared against, so a pick
 * costs O(n·d).
 *
 * Speed: each pick is numpy's float32 matrix-vector form, ‖x‖² − 2·x·c + ‖c‖² with the row norms
 * computed once, run by a WebAssembly SIMD kernel (core/kcenter-kernel.ts) over the vectors
 * packed once into a shared memory, on every core (core/kcenter-threads.ts) as numpy's BLAS does.
 * `npm run bench:kcenter` compares it with numpy on the same data.
 */
import { availableParallelism } from 'node:os';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { kCenterModule } from './kcenter-kernel.js';
import { startKernelTeam } from './kcenter-threads.js';

type Vector = ArrayLike<number>;

const PAGE = 65_536;
/** wasm32 addresses 4 GiB; the vectors, their norms and minima must fit in it. */
const MAX_PAGES = 65_536;
/**
 * A selection of thousands of picks over 10^5 vectors computes for minutes; the event loop gets a
 * turn this often, so the worker's activity heartbeats (workers/background-heartbeat.ts) go out.
 */
const YIELD_EVERY_MS = 1_000;
/**
 * Starting and ending a thread costs tens of milliseconds (20–50 ms measured on a loaded 2-core
 * machine), what one thread computes in about 2^26 multiply-adds (n·d·k); below 2^28 the threads
 * would gain little or lose (ours).
 */
const MIN_WORK_FOR_THREADS = 2 ** 28;
const align16 = (x: number) => Math.ceil(x / 16) * 16;

export interface KCenterOptions {
  /**
   * Threads to run the picks on (the caller's included). Default: every core
   * (os.availableParallelism()) when the work is large enough to pay for starting them, else 1.
   */
  threads?: number;
}

/**
 * Indices of the selected points, in the order they were picked, starting with `firstIndex`
 * (the caller draws it from a seeded rng). Ties go to the lowest index. With k ≥ n every point is
 * selected and the indices come back in ascending order.
 */
export async function kCenterGreedy(
  vectors: readonly Vector[],
  k: number,
  firstIndex: number,
  options: KCenterOptions = {},
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
  const threads = Math.min(n, options.threads ?? defaultThreads(n * dim * k));
  if (!Number.isInteger(threads) || threads < 1)
    throw new Error(`kCenterGreedy: threads must be a positive integer, got ${options.threads}`);

  const data = 0;
  const norms = align16(n * dim * 4);
  const min = align16(norms + n * 4);
  const pages = Math.ceil((min + n * 4) / PAGE);
  if (pages > MAX_PAGES)
    throw new Error(`kCenterGreedy: ${n} vectors of dimension ${dim} exceed the kernel's 4 GiB memory`);
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  const team = startKernelTeam(await kCenterModule(), memory, { n, d: dim, data, norms, min }, threads);
  try {
    const heap = new Float32Array(memory.buffer);
    await team.fill((start, end) => {
      for (let i = start; i < end; i++) heap.set(vectors[i] as Vector, i * dim);
    });
    team.norms();
    heap.fill(Infinity, min / 4, min / 4 + n);
    const dist = (i: number) => heap[min / 4 + i] as number;

    const picked: number[] = [];
    let next = firstIndex;
    let lastYield = performance.now();
    while (picked.length < k) {
      if (performance.now() - lastYield > YIELD_EVERY_MS) {
        await yieldToEventLoop();
        lastYield = performance.now();
      }
      picked.push(next);
      heap[min / 4 + next] = -1;
      // each range's farthest row, ranges in index order: a later range wins only when strictly
      // farther, so ties go to the lowest index
      next = team
        .pick(next)
        .reduce((best, far) => (far >= 0 && (best < 0 || dist(far) > dist(best)) ? far : best));
    }
    return picked;
  } finally {
    await team.close();
  }
}

function defaultThreads(work: number): number {
  return work >= MIN_WORK_FOR_THREADS ? availableParallelism() : 1;
}
