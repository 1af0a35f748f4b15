import { conceptKey } from '../../core/concepts.js';
import { NearestSelector, meanVector } from '../../core/retrieval.js';
import type { ArtifactRef } from '../../schemas/artifact.js';
import type { ConceptList, Problem, SyntheticProblem } from '../../schemas/records.js';
import type { ArtifactStore } from '../storage/store.js';

/**
 * SwS weakness-driven selection (the `select` synthesis mode): pool problems stand in for generated
 * ones. Pool problems come with their reference answers, so they skip generation, the two judges
 * and self-consistency labelling — the costly steps the selection variant exists to avoid — and go
 * straight to the policy's difficulty band and to dedup/decontamination.
 */

interface Vector {
  id: string;
  embedding: number[];
}

/** Every pool problem's text as an embedding input, keyed by its index. */
export async function poolTexts(store: ArtifactStore, pool: ArtifactRef, prefix: string) {
  async function* texts() {
    for await (const p of store.readJsonl(pool) as AsyncIterable<Problem>) {
      yield { id: String(p.index), text: p.problem };
    }
  }
  return { texts: await store.writeJsonl(`${prefix}/pool-texts.jsonl`, texts(), 'Embedding') };
}

/**
 * For each concept list, the `perList` pool problems nearest the mean embedding of its concepts,
 * no pool problem twice. Memory holds the lists, the concept vectors and the short lists, never
 * the pool: its vectors and its problems are each streamed once.
 */
export async function selectFromPool(
  store: ArtifactStore,
  input: {
    lists: ArtifactRef;
    conceptVectors: ArtifactRef;
    pool: ArtifactRef;
    poolVectors: ArtifactRef;
    perList: number;
  },
  prefix: string,
) {
  const concepts = new Map<string, number[]>();
  for await (const v of store.readJsonl(input.conceptVectors) as AsyncIterable<Vector>)
    concepts.set(v.id, v.embedding);
  const lists: ConceptList[] = [];
  for await (const l of store.readJsonl(input.lists) as AsyncIterable<ConceptList>) lists.push(l);
  const selector = new NearestSelector(
    lists.map((l) => meanVector(l.concepts, (c) => concepts.get(conceptKey(c)))),
    { perQuery: input.perList },
  );
  for await (const v of store.readJsonl(input.poolVectors) as AsyncIterable<Vector>)
    selector.offer(Number(v.id), v.embedding);

  const chosenBy = new Map<number, ConceptList>();
  let short = 0;
  selector.assign().forEach((picked, i) => {
    if (picked.length < input.perList) short++;
    for (const p of picked) chosenBy.set(p.candidate, lists[i]!);
  });
  async function* selected() {
    for await (const p of store.readJsonl(input.pool) as AsyncIterable<Problem>) {
      const list = chosenBy.get(p.index);
      if (!list) continue;
      const row: SyntheticProblem & { solution?: string } = {
        id: `${list.id}/${p.id}`,
        category: p.category ?? list.category,
        level: list.level,
        concepts: list.concepts,
        problem: p.problem,
        answer: p.answer,
        solution: p.solution,
      };
      yield row;
    }
  }
  const out = await store.writeJsonl(`${prefix}/selected.jsonl`, selected(), 'SyntheticProblem');
  return {
    selected: out,
    counts: { lists: lists.length, selected: out.count, 'lists short of matches': short },
  };
}
