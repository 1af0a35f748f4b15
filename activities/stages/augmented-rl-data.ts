import type { ArtifactRef } from '../../schemas/artifact.js';
import type { Problem, SyntheticProblem } from '../../schemas/records.js';
import type { ArtifactStore } from '../storage/store.js';
import { writeVerlParquet } from './verl-parquet.js';
import { records } from './artifacts.js';

/**
 * SwS stage J's training set: original ∪ synthetic, synthetic rows tagged and given fresh indices
 * after the largest original index, so the accuracy log stays keyed uniquely. Written twice: as
 * Problem JSONL (what our jobs read) and, from that file, as the verl Parquet an RL recipe reads.
 */
export async function mergeTrainSet(
  store: ArtifactStore,
  input: { original: ArtifactRef; synthetic: ArtifactRef[] },
  prefix: string,
) {
  let next = 0;
  async function* rows() {
    for await (const p of records<Problem>(store, input.original)) {
      next = Math.max(next, p.index + 1);
      yield p;
    }
    for (const ref of input.synthetic) {
      for await (const s of records<SyntheticProblem & { solution?: string }>(store, ref)) {
        const row: Problem = {
          index: next++,
          id: s.id,
          problem: s.problem,
          answer: s.answer!,
          category: s.category,
          solution: s.solution,
          source: 'synthetic',
        };
        yield row;
      }
    }
  }
  const trainSet = await store.writeJsonl(`${prefix}/train.jsonl`, rows(), 'Problem');
  const parquet = await writeVerlParquet(store, `${prefix}/train.parquet`, records<Problem>(store, trainSet));
  return { trainSet, parquet };
}
