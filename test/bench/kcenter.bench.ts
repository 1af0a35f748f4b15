/**
 * KCenterGreedy against numpy's matrix-vector form on the same seeded data, in one run: n = 100,000
 * embeddings of d = 384 (float32, normal entries from the seeded rng), k picks from the same first
 * index. Prints one JSON line: both times, ours / numpy (target ≤ 1.0) and whether the picks agree.
 *
 * Run: npm run bench:kcenter [-- n d k]   (installs numpy into .venv first)
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
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

async function main(): Promise<void> {
  const [n, d, k] = [process.argv[2] ?? '100000', process.argv[3] ?? '384', process.argv[4] ?? '100'].map(
    Number,
  ) as [number, number, number];
  const rows = gaussianRows(n, d, 11);
  const first = createRng(12).int(n);
  const dir = '.drill/bench';
  mkdirSync(dir, { recursive: true });
  const matrix = join(dir, 'kcenter-matrix.f32');
  const flat = new Float32Array(n * d);
  rows.forEach((r, i) => flat.set(r, i * d));
  writeFileSync(matrix, flat);

  const python = process.env.BENCH_PYTHON ?? '.venv/bin/python';
  const numpy = JSON.parse(
    execFileSync(
      python,
      ['test/bench/kcenter_numpy.py', matrix, String(n), String(d), String(k), String(first)],
      {
        encoding: 'utf8',
      },
    ),
  ) as { seconds: number; picked: number[] };

  // assemble the kernel outside the timed region, as numpy is imported outside Python's
  await kCenterGreedy(rows.slice(0, 2), 1, 0);
  const start = performance.now();
  const ours = await kCenterGreedy(rows, k, first);
  const seconds = (performance.now() - start) / 1000;
  const samePrefix = ours.findIndex((p, i) => p !== numpy.picked[i]);
  console.log(
    JSON.stringify({
      n,
      d,
      k,
      oursSeconds: Number(seconds.toFixed(3)),
      numpySeconds: Number(numpy.seconds.toFixed(3)),
      ratio: Number((seconds / numpy.seconds).toFixed(2)),
      picksAgree: samePrefix < 0 ? k : samePrefix,
      numpyThreads: process.env.OPENBLAS_NUM_THREADS ?? process.env.OMP_NUM_THREADS ?? 'default',
    }),
  );
}

await main();
