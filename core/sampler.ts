import { CATEGORIES, type Category, type DIFFICULTY_LEVELS } from '../schemas/config.js';
import type { ConceptList, ConceptSet } from '../schemas/records.js';
import { createRng, hashSeed, type Rng } from './rng.js';

/**
 * SwS stage E: turn the concepts of failed problems into concept lists for problem generation.
 * The budget is split across categories by failure ratio; within a category a list starts from a
 * concept drawn by frequency and grows by softmax(s/τ) over
 *   s_j = Σ_{c∈chosen} C[c,j] + cos(e_j, mean(e_chosen)),
 * with chosen concepts masked (SwS src/data_synthesis.py, FastConceptSampler).
 */

export type DifficultyLevel = (typeof DIFFICULTY_LEVELS)[number];

/**
 * Integer split of `budget` ∝ failures/size per category by the largest-remainder method, so the
 * parts sum to `budget`. Equal remainders go to the higher ratio, then the category name in
 * code-unit order. Categories without failures get 0; when no category has any, all get 0.
 */
export function allocateBudget<K extends string>(
  budget: number,
  failuresByCategory: Readonly<Record<K, number>>,
  sizeByCategory: Readonly<Partial<Record<K, number>>>,
): Record<K, number> {
  if (!Number.isInteger(budget) || budget < 0) {
    throw new Error(`budget must be a non-negative integer, got ${budget}`);
  }
  const ratios = (Object.entries(failuresByCategory) as [K, number][]).map(([cat, failures]) => {
    const size = sizeByCategory[cat];
    if (!Number.isInteger(failures) || failures < 0) {
      throw new Error(`category "${cat}": failures must be a non-negative integer, got ${failures}`);
    }
    if (failures === 0) return { cat, ratio: 0 };
    if (size === undefined || !Number.isInteger(size) || size < failures) {
      throw new Error(`category "${cat}": size must be an integer ≥ its ${failures} failures, got ${size}`);
    }
    return { cat, ratio: failures / size };
  });
  const total = ratios.reduce((s, r) => s + r.ratio, 0);
  const parts = ratios.map(({ cat, ratio }) => {
    const quota = total === 0 ? 0 : (budget * ratio) / total;
    return { cat, ratio, count: Math.floor(quota), remainder: quota - Math.floor(quota) };
  });
  const left = total === 0 ? 0 : budget - parts.reduce((s, p) => s + p.count, 0);
  const byRemainder = parts
    .filter((p) => p.ratio > 0)
    .sort((x, y) => y.remainder - x.remainder || y.ratio - x.ratio || (x.cat < y.cat ? -1 : 1));
  for (let i = 0; i < left; i++) (byRemainder[i] as (typeof parts)[number]).count += 1;
  return Object.fromEntries(parts.map((p) => [p.cat, p.count])) as Record<K, number>;
}

interface SparseRow {
  cols: Int32Array;
  counts: Float64Array;
}

/** One category's concepts with everything the sampler needs precomputed. */
export class ConceptPool {
  /** cosine rows, computed on first use: only concepts that get chosen need one */
  private readonly similarity: (Float64Array | undefined)[];
  readonly cumulativeFrequency: Float64Array;

  constructor(
    readonly category: Category,
    readonly concepts: readonly string[],
    /** failed problems whose concept list holds the concept */
    readonly frequency: Float64Array,
    /** C[c, ·]: failed problems holding both c and the column concept */
    readonly cooccurrence: readonly SparseRow[],
    /** |e_c| */
    readonly norms: Float64Array,
    /** e_c / |e_c|, concatenated */
    private readonly unit: Float64Array,
    private readonly dim: number,
  ) {
    this.similarity = new Array(concepts.length);
    let sum = 0;
    this.cumulativeFrequency = frequency.map((f) => (sum += f));
  }

  get size(): number {
    return this.concepts.length;
  }

  similarityRow(c: number): Float64Array {
    const cached = this.similarity[c];
    if (cached) return cached;
    const n = this.concepts.length;
    const d = this.dim;
    const row = new Float64Array(n);
    const base = c * d;
    const u = this.unit;
    const e = u.subarray(base, base + d);
    // four partial sums: independent chains let the CPU overlap the multiply-adds (≈1.2× here)
    for (let j = 0; j < n; j++) {
      const off = j * d;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let t = 0;
      for (; t + 3 < d; t += 4) {
        s0 += (e[t] as number) * (u[off + t] as number);
        s1 += (e[t + 1] as number) * (u[off + t + 1] as number);
        s2 += (e[t + 2] as number) * (u[off + t + 2] as number);
        s3 += (e[t + 3] as number) * (u[off + t + 3] as number);
      }
      for (; t < d; t++) s0 += (e[t] as number) * (u[off + t] as number);
      row[j] = s0 + s1 + (s2 + s3);
    }
    this.similarity[c] = row;
    return row;
  }
}

/**
 * A pool from one category's concept sets. A problem counts once per concept even if its list
 * repeats one. Every concept needs a non-zero embedding (stage D embeds them all); a missing one
 * is an error naming it.
 */
export function buildConceptPool(
  conceptSets: readonly ConceptSet[],
  embeddings: ReadonlyMap<string, ArrayLike<number>>,
): ConceptPool {
  const first = conceptSets[0];
  if (!first) throw new Error('concept pool: no concept sets');
  const category = first.category;
  const ids = new Map<string, number>();
  const lists: number[][] = [];
  for (const set of conceptSets) {
    if (set.category !== category) {
      throw new Error(
        `concept pool for "${category}": problem ${set.index} is in category "${set.category}"`,
      );
    }
    const list = [...new Set(set.concepts)].map((concept) => {
      let id = ids.get(concept);
      if (id === undefined) ids.set(concept, (id = ids.size));
      return id;
    });
    lists.push(list);
  }
  const concepts = [...ids.keys()];
  const n = concepts.length;
  const frequency = new Float64Array(n);
  const pairs: Map<number, number>[] = Array.from({ length: n }, () => new Map());
  for (const list of lists) {
    for (const c of list) {
      frequency[c] = (frequency[c] as number) + 1;
      const row = pairs[c] as Map<number, number>;
      for (const j of list) if (j !== c) row.set(j, (row.get(j) ?? 0) + 1);
    }
  }
  const cooccurrence = pairs.map((row) => {
    const cols = Int32Array.from([...row.keys()].sort((a, b) => a - b));
    return { cols, counts: Float64Array.from(cols, (j) => row.get(j) as number) };
  });

  const dim = embeddings.get(concepts[0] ?? '')?.length ?? 0;
  const unit = new Float64Array(n * dim);
  const norms = new Float64Array(n);
  concepts.forEach((concept, c) => {
    const e = embeddings.get(concept);
    if (!e) throw new Error(`concept pool for "${category}": no embedding for concept "${concept}"`);
    if (e.length !== dim) {
      throw new Error(
        `concept pool for "${category}": embedding of "${concept}" has dimension ${e.length}, expected ${dim}`,
      );
    }
    let sq = 0;
    for (let t = 0; t < dim; t++) sq += (e[t] as number) ** 2;
    const norm = Math.sqrt(sq);
    if (!(norm > 0) || !Number.isFinite(norm)) {
      throw new Error(`concept pool for "${category}": embedding of "${concept}" has norm ${norm}`);
    }
    norms[c] = norm;
    for (let t = 0; t < dim; t++) unit[c * dim + t] = (e[t] as number) / norm;
  });
  return new ConceptPool(category, concepts, frequency, cooccurrence, norms, unit, dim);
}

/** One pool per category present in the sets. */
export function buildConceptPools(
  conceptSets: readonly ConceptSet[],
  embeddings: ReadonlyMap<string, ArrayLike<number>>,
): Partial<Record<Category, ConceptPool>> {
  const byCategory = new Map<Category, ConceptSet[]>();
  for (const set of conceptSets) {
    const sets = byCategory.get(set.category);
    if (sets) sets.push(set);
    else byCategory.set(set.category, [set]);
  }
  return Object.fromEntries([...byCategory].map(([cat, sets]) => [cat, buildConceptPool(sets, embeddings)]));
}

/**
 * The running sums of one list under construction, so adding a concept costs O(pool) and the
 * scores need no pass over the chosen ones:
 *   co[j]  = Σ_c C[c,j]
 *   dot[j] = Σ_c |e_c| cos(e_c, e_j)            (= e_j · Σ_c e_c / |e_j|)
 *   mm     = Σ_{a,b} |e_a||e_b| cos(e_a, e_b)   (= |Σ_c e_c|²)
 * so cos(e_j, mean(e_chosen)) = dot[j] / √mm.
 */
class ListDraft {
  readonly co: Float64Array;
  readonly dot: Float64Array;
  readonly weights: Float64Array;
  readonly cumulative: Float64Array;
  mm = 0;
  chosen: number[] = [];
  /** the last added concept, whose dense `dot` update is fused into the next scoring pass */
  private pending = -1;

  constructor(readonly pool: ConceptPool) {
    this.co = new Float64Array(pool.size);
    this.dot = new Float64Array(pool.size);
    this.weights = new Float64Array(pool.size);
    this.cumulative = new Float64Array(pool.size);
  }

  reset(): void {
    this.co.fill(0);
    this.dot.fill(0);
    this.mm = 0;
    this.chosen = [];
    this.pending = -1;
  }

  flush(): void {
    if (this.pending < 0) return;
    const row = this.pool.similarityRow(this.pending);
    const ne = this.pool.norms[this.pending] as number;
    const { dot } = this;
    for (let j = 0; j < row.length; j++) dot[j] = (dot[j] as number) + ne * (row[j] as number);
    this.pending = -1;
  }

  /** Choosing c masks it by setting co[c] = −∞, which makes its logit −∞ and its weight 0. */
  add(c: number): void {
    const { pool, co, dot } = this;
    if (c < 0 || c >= pool.size || !Number.isInteger(c)) throw new Error(`concept ${c} is not in the pool`);
    if (co[c] === -Infinity) throw new Error(`concept "${pool.concepts[c]}" is already chosen`);
    this.flush();
    const ne = pool.norms[c] as number;
    this.mm += 2 * ne * (dot[c] as number) + ne * ne * (pool.similarityRow(c)[c] as number);
    const { cols, counts } = pool.cooccurrence[c] as SparseRow;
    for (let t = 0; t < cols.length; t++) {
      const j = cols[t] as number;
      co[j] = (co[j] as number) + (counts[t] as number);
    }
    co[c] = -Infinity;
    this.chosen.push(c);
    this.pending = c;
  }

  /**
   * Fills `weights` with the unnormalised probabilities of the next pick and `cumulative` with
   * their running sums, and returns the total (0 when the pool is used up). The first pick is
   * ∝ frequency; later ones exp(s_j/τ − max), the log-sum-exp shift that keeps τ = 0.2 with
   * co-occurrence counts in the hundreds finite.
   */
  nextWeights(temperature: number): number {
    const { pool, co, dot, weights, cumulative } = this;
    const n = pool.size;
    if (this.chosen.length === 0) {
      weights.set(pool.frequency);
      cumulative.set(pool.cumulativeFrequency);
      return cumulative[n - 1] as number;
    }
    const c = this.pending;
    const row = c < 0 ? null : pool.similarityRow(c);
    const ne = c < 0 ? 0 : (pool.norms[c] as number);
    this.pending = -1;
    const invNorm = this.mm > 0 ? 1 / Math.sqrt(this.mm) : 0;
    const invT = 1 / temperature;
    let max = -Infinity;
    for (let j = 0; j < n; j++) {
      const d = row ? (dot[j] as number) + ne * (row[j] as number) : (dot[j] as number);
      dot[j] = d;
      const logit = ((co[j] as number) + d * invNorm) * invT;
      weights[j] = logit;
      if (logit > max) max = logit;
    }
    let sum = 0;
    for (let j = 0; j < n; j++) {
      const w = expNonPositive((weights[j] as number) - max);
      weights[j] = w;
      sum += w;
      cumulative[j] = sum;
    }
    return sum;
  }
}

/** The first index whose running sum exceeds u · total: a draw ∝ the weights, by binary search. */
function pickCumulative(cumulative: Float64Array, total: number, rng: Rng): number {
  const target = rng.next() * total;
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((cumulative[mid] as number) > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

const EXP_INV_STEP = 64 / Math.LN2;
// ln2/64 split in two so n · EXP_STEP_HI is exact for every n reached here
const EXP_STEP_HI = 0.010830424696223417;
const EXP_STEP_LO = 2.572804622327669e-14;
const ROUND_MAGIC = 6755399441055744; // 1.5 · 2^52: adding then subtracting it rounds to an integer
const EXP_FRACTIONS = Float64Array.from({ length: 64 }, (_, j) => 2 ** (j / 64));
const EXP_HALVINGS = Float64Array.from({ length: 1100 }, (_, m) => 2 ** -m);

/**
 * e^x for x ≤ 0, within 5e-16 relative of Math.exp. Math.exp is an out-of-line call costing
 * ~12 ns here and the sampler needs one per concept per pick (most of its time); this is
 * 2^(n/64) from tables times a degree-5 polynomial on |r| ≤ ln2/128 (error r^6/720 < 4e-17).
 */
export function expNonPositive(x: number): number {
  if (x < -700) return x < -746 ? 0 : Math.exp(x);
  const n = x * EXP_INV_STEP + ROUND_MAGIC - ROUND_MAGIC;
  const r = x - n * EXP_STEP_HI - n * EXP_STEP_LO;
  const poly = 1 + r * (1 + r * (1 / 2 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120)))));
  const ni = n | 0;
  return (EXP_FRACTIONS[ni & 63] as number) * (EXP_HALVINGS[-(ni >> 6)] as number) * poly;
}

export interface SamplingOptions {
  conceptsPerList: number;
  /** softmax temperature τ */
  temperature: number;
}

function checkSampling(opts: SamplingOptions): void {
  if (!Number.isInteger(opts.conceptsPerList) || opts.conceptsPerList < 1) {
    throw new Error(`conceptsPerList must be a positive integer, got ${opts.conceptsPerList}`);
  }
  if (!(opts.temperature > 0)) throw new Error(`temperature must be positive, got ${opts.temperature}`);
}

/**
 * The exact distribution of the next pick (indices into pool.concepts) given the chosen ones:
 * ∝ frequency when none are chosen, else softmax(s/τ) with the chosen masked. All zeros when
 * nothing is left to pick.
 */
export function nextConceptDistribution(
  pool: ConceptPool,
  chosen: readonly number[],
  temperature: number,
): Float64Array {
  checkSampling({ conceptsPerList: 1, temperature });
  const draft = new ListDraft(pool);
  for (const c of chosen) draft.add(c);
  const sum = draft.nextWeights(temperature);
  return draft.weights.map((w) => (sum > 0 ? w / sum : 0));
}

/**
 * `afterFirst[c]`, when given, memoises the running sums of the second pick after first concept c:
 * they depend on c alone, so repeated draws skip a quarter of the scoring, for 8 bytes × pool per entry.
 */
function drawList(
  draft: ListDraft,
  rng: Rng,
  opts: SamplingOptions,
  afterFirst?: (Float64Array | undefined)[],
): number[] {
  draft.reset();
  while (draft.chosen.length < opts.conceptsPerList) {
    const first = draft.chosen.length === 1 ? (draft.chosen[0] as number) : -1;
    const cached = first >= 0 ? afterFirst?.[first] : undefined;
    let cumulative = draft.cumulative;
    if (cached) {
      draft.flush();
      cumulative = cached;
    } else {
      draft.nextWeights(opts.temperature);
      if (first >= 0 && afterFirst) afterFirst[first] = cumulative.slice();
    }
    const total = cumulative[cumulative.length - 1] as number;
    if (!(total > 0)) break;
    draft.add(pickCumulative(cumulative, total, rng));
  }
  return draft.chosen;
}

/** One concept list; shorter than asked only when the pool has fewer concepts. */
export function sampleConceptList(pool: ConceptPool, rng: Rng, opts: SamplingOptions): string[] {
  checkSampling(opts);
  return drawList(new ListDraft(pool), rng, opts).map((c) => pool.concepts[c] as string);
}

export interface SamplerOptions extends SamplingOptions {
  levels: readonly DifficultyLevel[];
  /** give up on a category after requested × this many draws (duplicates included) */
  maxAttemptsPerList?: number;
}

export interface CategorySampleReport {
  requested: number;
  produced: number;
  /** draws dropped because the same set of concepts was already drawn */
  duplicatesRejected: number;
  /** kept lists with fewer than conceptsPerList concepts (the pool ran out) */
  short: number;
}

export interface SampledLists {
  lists: ConceptList[];
  report: Partial<Record<Category, CategorySampleReport>>;
}

const slug = (category: string): string => category.toLowerCase().replace(/[^a-z0-9]+/g, '-');

/**
 * Draw allocation[cat] distinct concept lists per category, each with a level drawn uniformly
 * from `levels`. Each category has its own stream, hashSeed(seed, category), so one category's
 * draws do not depend on the others. Lists are duplicates when they hold the same set of concepts
 * in any order. A category without a pool produces nothing and says so in the report.
 */
export function sampleConceptLists(
  pools: Readonly<Partial<Record<Category, ConceptPool>>>,
  allocation: Readonly<Partial<Record<Category, number>>>,
  seed: number,
  opts: SamplerOptions,
): SampledLists {
  checkSampling(opts);
  if (opts.levels.length === 0) throw new Error('sampler: no difficulty levels configured');
  const attemptsPerList = opts.maxAttemptsPerList ?? 20;
  const lists: ConceptList[] = [];
  const report: Partial<Record<Category, CategorySampleReport>> = {};
  for (const category of CATEGORIES) {
    const requested = allocation[category];
    if (requested === undefined) continue;
    if (!Number.isInteger(requested) || requested < 0) {
      throw new Error(
        `sampler: allocation for "${category}" must be a non-negative integer, got ${requested}`,
      );
    }
    const stats: CategorySampleReport = { requested, produced: 0, duplicatesRejected: 0, short: 0 };
    report[category] = stats;
    const pool = pools[category];
    if (!pool || pool.size === 0 || requested === 0) continue;
    const rng = createRng(hashSeed(seed, category));
    const draft = new ListDraft(pool);
    const afterFirst: (Float64Array | undefined)[] = new Array(pool.size);
    const seen = new Set<string>();
    for (let attempt = 0; stats.produced < requested && attempt < requested * attemptsPerList; attempt++) {
      const chosen = drawList(draft, rng, opts, afterFirst);
      const key = chosen
        .slice()
        .sort((a, b) => a - b)
        .join(',');
      if (seen.has(key)) {
        stats.duplicatesRejected++;
        continue;
      }
      seen.add(key);
      if (chosen.length < opts.conceptsPerList) stats.short++;
      lists.push({
        id: `${slug(category)}-${stats.produced}`,
        category,
        concepts: chosen.map((c) => pool.concepts[c] as string),
        level: rng.pick(opts.levels),
      });
      stats.produced++;
    }
  }
  return { lists, report };
}
