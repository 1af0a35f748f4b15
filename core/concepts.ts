import type { Category } from '../schemas/config.js';
import type { ConceptSet } from '../schemas/records.js';

/**
 * SwS stage D's dedup: concepts written differently by the extractor ("Modular arithmetic." and
 * "modular  arithmetic") or meaning the same thing (embeddings nearly parallel) become one concept,
 * so co-occurrence counts and frequencies are not split between spellings.
 */

/** A concept as written, tidied: NFKC, single spaces, no trailing punctuation (case kept). */
function tidy(raw: string): string {
  return raw
    .normalize('NFKC')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[\s.,;:!?]+$/u, '');
}

/** The identity of a concept string: its tidy form in lower case. */
export function conceptKey(raw: string): string {
  return tidy(raw).toLowerCase();
}

export interface ConceptDedupOptions {
  /** cosine at or above which two concepts of a category are merged */
  mergeSimilarity: number;
}

export interface DedupedConcepts {
  /** the sets with every concept renamed to its merged name, repeats within a set removed */
  sets: ConceptSet[];
  /** merged name → embedding (the kept concept's) */
  embeddings: Map<string, ArrayLike<number>>;
  /** distinct keys folded into another by similarity */
  merged: number;
}

interface Entry {
  key: string;
  /** failed problems of the category naming it */
  frequency: number;
  /** surface form → how often it was written so */
  spellings: Map<string, number>;
  firstSeen: number;
}

function unit(v: ArrayLike<number>, name: string): Float64Array {
  let sq = 0;
  for (let i = 0; i < v.length; i++) sq += (v[i] as number) ** 2;
  const norm = Math.sqrt(sq);
  if (!(norm > 0) || !Number.isFinite(norm)) throw new Error(`concept "${name}": embedding has norm ${norm}`);
  return Float64Array.from(v, (x) => x / norm);
}

/** The most frequent way of writing a concept; ties go to the first written. */
function displayName(e: Entry): string {
  let best = '';
  let count = 0;
  for (const [s, n] of e.spellings) if (n > count) [best, count] = [s, n];
  return best;
}

/**
 * Per category: concepts are pooled by `conceptKey`, then visited from most to least frequent
 * (ties by first appearance); each joins the first kept concept whose embedding has cosine ≥
 * mergeSimilarity with its own, else is kept. So the more frequent name wins, and a merge never
 * chains through an absorbed concept. `embeddings` are looked up by key.
 */
export function dedupConcepts(
  conceptSets: readonly ConceptSet[],
  embeddings: ReadonlyMap<string, ArrayLike<number>>,
  opts: ConceptDedupOptions,
): DedupedConcepts {
  if (!(opts.mergeSimilarity > -1 && opts.mergeSimilarity <= 1)) {
    throw new Error(`mergeSimilarity must be in (-1, 1], got ${opts.mergeSimilarity}`);
  }
  const byCategory = new Map<Category, Map<string, Entry>>();
  let seen = 0;
  for (const set of conceptSets) {
    let entries = byCategory.get(set.category);
    if (!entries) byCategory.set(set.category, (entries = new Map()));
    const counted = new Set<string>();
    for (const raw of set.concepts) {
      const spelling = tidy(raw);
      const key = spelling.toLowerCase();
      if (!key) continue;
      let e = entries.get(key);
      if (!e) entries.set(key, (e = { key, frequency: 0, spellings: new Map(), firstSeen: seen++ }));
      e.spellings.set(spelling, (e.spellings.get(spelling) ?? 0) + 1);
      if (!counted.has(key)) e.frequency++;
      counted.add(key);
    }
  }

  const rename = new Map<Category, Map<string, string>>();
  const out = new Map<string, ArrayLike<number>>();
  let merged = 0;
  for (const [category, entries] of byCategory) {
    const order = [...entries.values()].sort(
      (a, b) => b.frequency - a.frequency || a.firstSeen - b.firstSeen,
    );
    const kept: { name: string; unit: Float64Array }[] = [];
    const names = new Map<string, string>();
    for (const e of order) {
      const v = embeddings.get(e.key);
      if (!v) throw new Error(`concepts of "${category}": no embedding for concept "${e.key}"`);
      const u = unit(v, e.key);
      const into = kept.find((k) => {
        if (k.unit.length !== u.length) {
          throw new Error(`concept "${e.key}": embedding dimension ${u.length}, expected ${k.unit.length}`);
        }
        let dot = 0;
        for (let i = 0; i < u.length; i++) dot += (u[i] as number) * (k.unit[i] as number);
        return dot >= opts.mergeSimilarity;
      });
      if (into) {
        names.set(e.key, into.name);
        merged++;
      } else {
        const name = displayName(e);
        kept.push({ name, unit: u });
        names.set(e.key, name);
        out.set(name, v);
      }
    }
    rename.set(category, names);
  }

  const sets = conceptSets.map((set) => {
    const names = rename.get(set.category)!;
    const concepts = [
      ...new Set(
        set.concepts
          .map(conceptKey)
          .filter(Boolean)
          .map((k) => names.get(k) as string),
      ),
    ];
    return { ...set, concepts };
  });
  return { sets, embeddings: out, merged };
}
