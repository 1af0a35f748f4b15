import { conceptKey, dedupConcepts } from '../../core/concepts.js';
import { allocateBudget, buildConceptPools, sampleConceptLists } from '../../core/sampler.js';
import type { ArtifactRef } from '../../schemas/artifact.js';
import type { Category, StagesConfig } from '../../schemas/config.js';
import type { ConceptSet } from '../../schemas/records.js';
import type { ArtifactStore } from '../storage/store.js';
import { records, type Counts } from './artifacts.js';

/** The distinct concepts of all concept sets, by normalised key, as embedding inputs. */
export async function conceptTexts(store: ArtifactStore, conceptSets: ArtifactRef, prefix: string) {
  const seen = new Set<string>();
  async function* texts() {
    for await (const s of records<ConceptSet>(store, conceptSets)) {
      for (const c of s.concepts) {
        const key = conceptKey(c);
        if (!key || seen.has(key)) continue;
        seen.add(key);
        yield { id: key, text: key };
      }
    }
  }
  return { texts: await store.writeJsonl(`${prefix}/concepts.jsonl`, texts(), 'Embedding') };
}

/**
 * SwS stages D (dedup) and E: concepts merged by spelling and embedding similarity, the budget
 * split by failure ratio, then seeded concept-combination sampling.
 */
export async function sampleConcepts(
  store: ArtifactStore,
  input: {
    conceptSets: ArtifactRef;
    vectors: ArtifactRef;
    failuresByCategory: Counts;
    sizeByCategory: Counts;
    sampler: StagesConfig['sampler'];
    mergeSimilarity: number;
    seed: number;
    /** Makes list (and so synthetic problem) ids unique across rounds. */
    idPrefix: string;
  },
  prefix: string,
) {
  const sets: ConceptSet[] = [];
  for await (const s of records<ConceptSet>(store, input.conceptSets)) if (s.concepts.length) sets.push(s);
  const embeddings = new Map<string, number[]>();
  for await (const v of records<{ id: string; embedding: number[] }>(store, input.vectors))
    embeddings.set(v.id, v.embedding);
  const allocation = allocateBudget(input.sampler.budget, input.failuresByCategory, input.sizeByCategory);
  const deduped = dedupConcepts(sets, embeddings, { mergeSimilarity: input.mergeSimilarity });
  const pools = buildConceptPools(deduped.sets, deduped.embeddings);
  const { lists, report } = sampleConceptLists(
    pools,
    allocation as Partial<Record<Category, number>>,
    input.seed,
    {
      conceptsPerList: input.sampler.conceptsPerList,
      temperature: input.sampler.temperature,
      levels: input.sampler.levels,
    },
  );
  const out = await store.writeJsonl(
    `${prefix}/concept-lists.jsonl`,
    lists.map((l) => ({ ...l, id: `${input.idPrefix}${l.id}` })),
    'ConceptList',
  );
  const duplicates = Object.values(report).reduce((s, r) => s + (r?.duplicatesRejected ?? 0), 0);
  return {
    lists: out,
    allocation,
    counts: { sampled: out.count, 'duplicate lists rejected': duplicates, 'concepts merged': deduped.merged },
  };
}
