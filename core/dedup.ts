/**
 * Near-duplicate removal (MinHash + LSH) and benchmark decontamination (word n-gram overlap).
 * Both build an index once and then check items one at a time, so a stage can stream.
 */

/** Lower-cased NFKC words: runs of letters or digits. LaTeX commands keep their name (\frac → frac). */
export function tokenize(text: string): string[] {
  return (
    text
      .normalize('NFKC')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  );
}

/** cyrb53: a 53-bit string hash, so millions of n-grams fit in a Map<number> with negligible collisions. */
function hash53(s: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** Distinct hashes of the word n-grams; a text shorter than n yields none. */
function ngramHashes(tokens: readonly string[], n: number): Set<number> {
  const out = new Set<number>();
  for (let i = 0; i + n <= tokens.length; i++) out.add(hash53(tokens.slice(i, i + n).join(' ')));
  return out;
}

// ---------------------------------------------------------------- decontamination

export interface NgramIndexOptions {
  /** n-gram length in words; 13 as in GPT-3 and most decontamination reports */
  n?: number;
  /**
   * Texts shorter than n words (e.g. "Compute $\dbinom{31}{28}$.") are indexed as one gram of
   * their full length when they have at least this many words, so a problem that contains them
   * verbatim is caught; shorter ones are too generic to mean anything.
   */
  minShortTokens?: number;
}

export interface NgramIndex {
  readonly n: number;
  readonly minShortTokens: number;
  /** gram hash → the first source text holding it */
  readonly grams: Map<number, number>;
  /** lengths of the short texts indexed whole: a query checks its grams of these lengths too */
  readonly shortLengths: Set<number>;
  sources: number;
}

export function createNgramIndex(opts: NgramIndexOptions = {}): NgramIndex {
  const n = opts.n ?? 13;
  const minShortTokens = opts.minShortTokens ?? 4;
  if (!Number.isInteger(n) || n < 1) throw new Error(`n-gram index: n must be a positive integer, got ${n}`);
  return { n, minShortTokens, grams: new Map(), shortLengths: new Set(), sources: 0 };
}

/** Adds one source text; returns its source number (0, 1, … in the order added). */
export function addToNgramIndex(index: NgramIndex, text: string): number {
  const source = index.sources++;
  const tokens = tokenize(text);
  let length = index.n;
  if (tokens.length < index.n) {
    if (tokens.length < index.minShortTokens) return source;
    length = tokens.length;
    index.shortLengths.add(length);
  }
  for (const h of ngramHashes(tokens, length)) if (!index.grams.has(h)) index.grams.set(h, source);
  return source;
}

export function buildNgramIndex(texts: Iterable<string>, opts: NgramIndexOptions = {}): NgramIndex {
  const index = createNgramIndex(opts);
  for (const t of texts) addToNgramIndex(index, t);
  return index;
}

export interface Overlap {
  /** distinct grams of the text found in the index */
  overlap: number;
  /** the source numbers they came from, ascending */
  sources: number[];
}

export function ngramOverlap(text: string, index: NgramIndex): Overlap {
  const tokens = tokenize(text);
  const sources = new Set<number>();
  let overlap = 0;
  for (const length of [index.n, ...index.shortLengths]) {
    for (const h of ngramHashes(tokens, length)) {
      const source = index.grams.get(h);
      if (source === undefined) continue;
      overlap++;
      sources.add(source);
    }
  }
  return { overlap, sources: [...sources].sort((a, b) => a - b) };
}

/** Contaminated when at least `minOverlap` (default 1) of the text's grams occur in the index. */
export function isContaminated(text: string, index: NgramIndex, opts: { minOverlap?: number } = {}): boolean {
  return ngramOverlap(text, index).overlap >= (opts.minOverlap ?? 1);
}

// ---------------------------------------------------------------- near-duplicates

export interface MinHashOptions {
  /** signature length */
  numPerm?: number;
  /** shingle length in words */
  shingle?: number;
}

/** murmur3's finaliser: a bijection on 32-bit integers, so x ↦ fmix32(x ^ s) is a permutation. */
function fmix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/**
 * MinHash signature over word shingles: entry i is the minimum of permutation i over the
 * shingle hashes. A text shorter than one shingle is a single shingle of all its words.
 */
export function minhashSignature(text: string, opts: MinHashOptions = {}, seed = 0): Uint32Array {
  const numPerm = opts.numPerm ?? 128;
  const shingle = opts.shingle ?? 5;
  if (!Number.isInteger(numPerm) || numPerm < 1)
    throw new Error(`minhash: numPerm must be a positive integer, got ${numPerm}`);
  if (!Number.isInteger(shingle) || shingle < 1)
    throw new Error(`minhash: shingle must be a positive integer, got ${shingle}`);
  const tokens = tokenize(text);
  const shingles = [...ngramHashes(tokens, Math.min(shingle, Math.max(tokens.length, 1)))].map(
    (h) => h >>> 0,
  );
  const sig = new Uint32Array(numPerm).fill(0xffffffff);
  for (let i = 0; i < numPerm; i++) {
    const salt = fmix32((seed ^ Math.imul(i + 1, 0x9e3779b9)) >>> 0);
    let min = 0xffffffff;
    for (const s of shingles) {
      const v = fmix32((s ^ salt) >>> 0);
      if (v < min) min = v;
    }
    sig[i] = min;
  }
  return sig;
}

/** Fraction of equal entries: the MinHash estimate of the Jaccard similarity of the shingle sets. */
export function estimatedJaccard(x: Uint32Array, y: Uint32Array): number {
  if (x.length !== y.length) throw new Error(`minhash: signatures of length ${x.length} and ${y.length}`);
  let same = 0;
  for (let i = 0; i < x.length; i++) if (x[i] === y[i]) same++;
  return same / x.length;
}

/**
 * LSH banding: the most rows per band (fewest false candidates) for which a pair at exactly the
 * threshold still becomes a candidate with probability ≥ minRecall. Candidates are then checked
 * against the threshold, so a low band threshold costs time, never precision.
 */
export function lshBands(
  numPerm: number,
  threshold: number,
  minRecall = 0.95,
): { bands: number; rows: number } {
  for (let rows = numPerm; rows >= 1; rows--) {
    const bands = Math.floor(numPerm / rows);
    if (1 - (1 - threshold ** rows) ** bands >= minRecall) return { bands, rows };
  }
  return { bands: numPerm, rows: 1 };
}

/** One LSH bucket key per band of `rows` signature entries: texts sharing a key are candidates. */
export function lshBandKeys(sig: Uint32Array, rows: number, bands: number): number[] {
  return Array.from({ length: bands }, (_, b) => hash53(sig.subarray(b * rows, (b + 1) * rows).join(','), b));
}

export interface NearDuplicateOptions extends MinHashOptions {
  /** estimated Jaccard at or above which two texts are near-duplicates */
  threshold?: number;
  seed?: number;
}

export class NearDuplicateIndex<Id> {
  private readonly numPerm: number;
  private readonly shingle: number;
  private readonly threshold: number;
  private readonly seed: number;
  private readonly rows: number;
  private readonly buckets: Map<number, number[]>[];
  private readonly kept: { id: Id; signature: Uint32Array }[] = [];

  constructor(opts: NearDuplicateOptions = {}) {
    this.numPerm = opts.numPerm ?? 128;
    this.shingle = opts.shingle ?? 5;
    this.threshold = opts.threshold ?? 0.8;
    this.seed = opts.seed ?? 0;
    if (!(this.threshold > 0 && this.threshold <= 1)) {
      throw new Error(`near-duplicates: threshold must be in (0, 1], got ${this.threshold}`);
    }
    const { bands, rows } = lshBands(this.numPerm, this.threshold);
    this.rows = rows;
    this.buckets = Array.from({ length: bands }, () => new Map());
  }

  private bandKeys(sig: Uint32Array): number[] {
    return lshBandKeys(sig, this.rows, this.buckets.length);
  }

  private match(sig: Uint32Array, keys: readonly number[]): Id | null {
    const candidates = new Set<number>();
    keys.forEach((key, b) => {
      for (const slot of this.buckets[b]?.get(key) ?? []) candidates.add(slot);
    });
    for (const slot of [...candidates].sort((a, b) => a - b)) {
      const other = this.kept[slot] as { id: Id; signature: Uint32Array };
      if (estimatedJaccard(sig, other.signature) >= this.threshold) return other.id;
    }
    return null;
  }

  /** The id of the earliest kept text this one nearly duplicates, or null. */
  find(text: string): Id | null {
    const sig = minhashSignature(text, { numPerm: this.numPerm, shingle: this.shingle }, this.seed);
    return this.match(sig, this.bandKeys(sig));
  }

  /**
   * Keeps the text under `id` unless it nearly duplicates a kept one, whose id is then returned.
   * Dropped texts are not indexed: a cluster is represented by its first member only.
   */
  offer(id: Id, text: string): Id | null {
    const sig = minhashSignature(text, { numPerm: this.numPerm, shingle: this.shingle }, this.seed);
    const keys = this.bandKeys(sig);
    const dup = this.match(sig, keys);
    if (dup !== null) return dup;
    const slot = this.kept.push({ id, signature: sig }) - 1;
    keys.forEach((key, b) => {
      const bucket = this.buckets[b] as Map<number, number[]>;
      const slots = bucket.get(key);
      if (slots) slots.push(slot);
      else bucket.set(key, [slot]);
    });
    return null;
  }
}

export interface Deduped<T> {
  kept: T[];
  duplicates: { item: T; duplicateOf: T }[];
}

/** Keeps the first item of each near-duplicate cluster, in input order. */
export function dedupe<T>(
  items: readonly T[],
  textOf: (item: T) => string,
  opts: NearDuplicateOptions = {},
): Deduped<T> {
  const index = new NearDuplicateIndex<number>(opts);
  const out: Deduped<T> = { kept: [], duplicates: [] };
  items.forEach((item, i) => {
    const dup = index.offer(i, textOf(item));
    if (dup === null) out.kept.push(item);
    else out.duplicates.push({ item, duplicateOf: items[dup] as T });
  });
  return out;
}
