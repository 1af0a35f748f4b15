import { createRng } from '../../core/rng.js';
import * as A from '../../core/sampler.js';
import * as B from '../../core/_ab_twopass.js';
const rng = createRng(1);
const DIM = 1024, CONCEPTS = 2000;
const gauss = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
const centres = Array.from({ length: 40 }, () => Float32Array.from({ length: DIM }, gauss));
const emb = new Map<string, Float32Array>();
for (let c = 0; c < CONCEPTS; c++) emb.set(`c${c}`, centres[c % 40]!.map((x) => x + 0.5 * gauss()));
const sets = Array.from({ length: 1000 }, (_, index) => {
  const s = new Set<string>();
  for (let k = 0; s.size < 5; k++) { const slot = index * 5 + k; s.add(`c${slot < CONCEPTS ? slot : Math.floor(CONCEPTS * rng.next() ** 3)}`); }
  return { index, category: 'Algebra' as const, concepts: [...s] };
});
const pa = A.buildConceptPool(sets, emb), pb = B.buildConceptPool(sets, emb);
for (let c = 0; c < CONCEPTS; c++) { pa.similarityRow(c); pb.similarityRow(c); }
const opts = { conceptsPerList: 5, temperature: 0.2, levels: ['AIME'] as const };
for (let rep = 0; rep < 3; rep++) {
  for (const [name, f, p] of [['fused', A.sampleConceptLists, pa], ['twopass', B.sampleConceptLists, pb]] as const) {
    const cpu = process.cpuUsage();
    (f as typeof A.sampleConceptLists)({ Algebra: p as A.ConceptPool }, { Algebra: 20000 }, rep, opts);
    const u = process.cpuUsage(cpu);
    console.log(name, Math.round(20000 / ((u.user + u.system) / 1e6)));
  }
}
