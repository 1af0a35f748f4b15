/**
 * Concept-sampler throughput (issue 5 asks ≥ 10,000 lists/s): one category pool of 2,000 concepts
 * with 1,024-dimensional embeddings, 5 concepts per list, τ = 0.2. `cold` includes computing the
 * cosine rows on first use; `warm` is a second run on the same pool. Lists are distinct concept
 * sets (duplicates rejected), draws include the rejected ones. Prints one JSON line.
 * Run: npx tsx test/bench/sampler.bench.ts
 */
import { DIFFICULTY_LEVELS } from '../../schemas/config.js';
import type { ConceptSet } from '../../schemas/records.js';
import { createRng } from '../../core/rng.js';
import { buildConceptPool, sampleConceptLists, type CategorySampleReport } from '../../core/sampler.js';

const CONCEPTS = 2_000;
const PROBLEMS = 1_000;
const DIM = 1_024;
const LISTS = 20_000;

const rng = createRng(1);
const gauss = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
const centres = Array.from({ length: 40 }, () => Float32Array.from({ length: DIM }, gauss));
const embeddings = new Map<string, Float32Array>();
for (let c = 0; c < CONCEPTS; c++) {
  const centre = centres[c % centres.length] as Float32Array;
  embeddings.set(
    `concept ${c}`,
    centre.map((x) => x + 0.5 * gauss()),
  );
}
// every concept appears at least once; the remaining slots follow a Zipf-like popularity
const sets: ConceptSet[] = Array.from({ length: PROBLEMS }, (_, index) => {
  const concepts = new Set<string>();
  for (let k = 0; concepts.size < 5; k++) {
    const slot = index * 5 + k;
    const c = slot < CONCEPTS ? slot : Math.floor(CONCEPTS * rng.next() ** 3);
    concepts.add(`concept ${c}`);
  }
  return { index, category: 'Algebra', concepts: [...concepts] };
});

let t = performance.now();
const pool = buildConceptPool(sets, embeddings);
const buildMs = performance.now() - t;
const opts = { conceptsPerList: 5, temperature: 0.2, levels: DIFFICULTY_LEVELS };
// CPU seconds as well as wall seconds: on a shared machine the wall clock measures the neighbours
const run = (seed: number) => {
  t = performance.now();
  const cpu = process.cpuUsage();
  const out = sampleConceptLists({ Algebra: pool }, { Algebra: LISTS }, seed, opts);
  const { user, system } = process.cpuUsage(cpu);
  const wallSeconds = (performance.now() - t) / 1000;
  const cpuSeconds = (user + system) / 1e6;
  const r = out.report.Algebra as CategorySampleReport;
  const draws = r.produced + r.duplicatesRejected;
  return {
    listsPerWallSecond: Math.round(r.produced / wallSeconds),
    listsPerCpuSecond: Math.round(r.produced / cpuSeconds),
    drawsPerCpuSecond: Math.round(draws / cpuSeconds),
    duplicatesRejected: r.duplicatesRejected,
  };
};
const cold = run(1);
const warm = run(2);
console.log(
  JSON.stringify({
    bench: 'concept-sampler',
    concepts: pool.size,
    dim: DIM,
    lists: LISTS,
    buildMs: Math.round(buildMs),
    cold,
    warm,
    rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20),
  }),
);
