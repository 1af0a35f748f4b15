import { addToNgramIndex, createNgramIndex, isContaminated } from '../../core/dedup.js';
import type { ArtifactRef } from '../../schemas/artifact.js';
import type { Problem, SyntheticProblem } from '../../schemas/records.js';
import type { ArtifactStore } from '../storage/store.js';
import { spillDedup } from './spill-dedup.js';
import { bump, records, type Counts } from './artifacts.js';

/**
 * Near-duplicate removal (MinHash) among synthetic problems and decontamination (13-gram
 * overlap) against every benchmark and the original training set. The near-duplicate index
 * spills to temp files, so memory does not grow with the number of synthetic problems.
 */
export async function dedupAndDecontaminate(
  store: ArtifactStore,
  input: { synthetic: ArtifactRef; against: ArtifactRef[]; seed: number },
  prefix: string,
) {
  const index = createNgramIndex({ n: 13 });
  for (const ref of input.against) {
    for await (const p of records<Problem>(store, ref)) addToNgramIndex(index, p.problem);
  }
  const counts: Counts = { in: 0 };
  async function* kept() {
    const verdicts = spillDedup(
      () => records<SyntheticProblem>(store, input.synthetic),
      (s) => s.problem,
      (s) => isContaminated(s.problem, index),
      { threshold: 0.8, seed: input.seed, expected: input.synthetic.count },
    );
    for await (const { record, verdict } of verdicts) {
      counts.in!++;
      if (verdict === 'excluded') bump(counts, 'dropped: overlaps a benchmark or training problem');
      else if (verdict === 'duplicate') bump(counts, 'dropped: near-duplicate');
      else yield record;
    }
  }
  const out = await store.writeJsonl(`${prefix}/synthetic.jsonl`, kept(), 'SyntheticProblem');
  return { synthetic: out, counts: { ...counts, out: out.count } };
}
