/**
 * KCenterGreedy against numpy's matrix-vector form on the same seeded data, in one run: n = 100,000
 * embeddings of d = 384 (float32, normal entries from the seeded rng), k picks from the same first
 * index, in `reps` alternating pairs (numpy first, then ours first, …). Prints one JSON line: the
 * median time of each, the median of the pairs' ratios ours / numpy (target ≤ 1.0), every pair's
 * ratio, and how many picks agree in every pair.
 *
 * Ours runs on every core unless BENCH_THREADS says how many threads; numpy on what OpenBLAS
 * takes (OPENBLAS_NUM_THREADS). Ours times packing the rows into the kernel's memory, numpy's time
 * starts with its matrix already read: ours does at least the work numpy does.
 *
 * Run: npm run bench:kcenter [-- n d k reps]   (default 100000 384 100 5; installs numpy into .venv first)
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { kCenterGreedy } from '../../core/kcenter.js';
import { createRng } from '../../core/rng.js';

function gaussianRows(n: number, d: number, seed: number): Float32Array[] {
  const rng = createRng(seed);
  const rows: Float32Array[] = [];
  for (let i = 0; i < n; i++) {
    const row = new Float32Array(d);
    // Box–Muller; clusters would only make ties likelier, plain normals are what embeddings look like
    for (let j = 0; j < d; j += 2) {
      const r = Math.sqrt(-2 * Math.log(1 - rng.next()));
      const t = 2 * Math.PI * rng.next();
      row[j] = r * Math.cos(t);
      if (j + 1 < d) row[j + 1] = r * Math.sin(t);
    }
    rows.push(row);
  }
  return rows;
}

/** The middle value (mean of the two middle ones for an even count). */
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function main(): Promise<void> {
  const [n, d, k, reps] = [
    process.argv[2] ?? '100000',
    process.argv[3] ?? '384',
    process.argv[4] ?? '100',
    process.argv[5] ?? '5',
  ].map(Number) as [number, number, number, number];
  const rows = gaussianRows(n, d, 11);
  const first = createRng(12).int(n);
  const dir = '.drill/bench';
  mkdirSync(dir, { recursive: true });
  const matrix = join(dir, 'kcenter-matrix.f32');
  const flat = new Float32Array(n * d);
  rows.forEach((r, i) => flat.set(r, i * d));
  writeFileSync(matrix, flat);

  const python = process.env.BENCH_PYTHON ?? '.venv/bin/python';
  // BENCH_THREADS=1 with OPENBLAS_NUM_THREADS=1 compares one core with one core
  const threads = process.env.BENCH_THREADS ? Number(process.env.BENCH_THREADS) : undefined;
  const numpy = () =>
    JSON.parse(
      execFileSync(
        python,
        ['test/bench/kcenter_numpy.py', matrix, String(n), String(d), String(k), String(first)],
        { encoding: 'utf8' },
      ),
    ) as { seconds: number; picked: number[] };
  const ours = async () => {
    const start = performance.now();
    const picked = await kCenterGreedy(rows, k, first, { threads });
    return { seconds: (performance.now() - start) / 1000, picked };
  };

  // assemble the kernel outside the timed region, as numpy is imported outside Python's
  await kCenterGreedy(rows.slice(0, 2), 1, 0);
  // On a shared machine one pair says little: alternate which side goes first, pair by pair, and
  // take medians, so load that comes and goes falls on both sides alike.
  const pairs: { ours: number; numpy: number }[] = [];
  let agree = k;
  for (let r = 0; r < reps; r++) {
    let mine, np;
    if (r % 2) {
      mine = await ours();
      np = numpy();
    } else {
      np = numpy();
      mine = await ours();
    }
    const differ = mine.picked.findIndex((p, i) => p !== np.picked[i]);
    if (differ >= 0) agree = Math.min(agree, differ);
    pairs.push({ ours: mine.seconds, numpy: np.seconds });
  }
  const r3 = (x: number) => Number(x.toFixed(3));
  console.log(
    JSON.stringify({
      n,
      d,
      k,
      pairs: reps,
      oursSeconds: r3(median(pairs.map((p) => p.ours))),
      numpySeconds: r3(median(pairs.map((p) => p.numpy))),
      ratio: Number(median(pairs.map((p) => p.ours / p.numpy)).toFixed(2)),
      ratios: pairs.map((p) => Number((p.ours / p.numpy).toFixed(2))),
      picksAgree: agree,
      oursThreads: threads ?? 'default',
      numpyThreads: process.env.OPENBLAS_NUM_THREADS ?? process.env.OMP_NUM_THREADS ?? 'default',
      load: loadavg().map((l) => Number(l.toFixed(2))),
    }),
  );
}

await main();
