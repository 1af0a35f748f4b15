/**
 * SwS weakness-driven selection: instead of generating a problem for each sampled concept list,
 * take the pool problems whose embeddings are nearest (cosine) to the mean embedding of the list's
 * concepts. Candidates stream past once; each list keeps a short list of its best ones, and the
 * final assignment gives every candidate to at most one list, best pairs first.
 */

/** Mean of the vectors (the sampler's mean(e_chosen)); an error names the first missing one. */
export function meanVector(
  names: readonly string[],
  lookup: (name: string) => ArrayLike<number> | undefined,
) {
  let sum: Float64Array | undefined;
  for (const name of names) {
    const v = lookup(name);
    if (!v) throw new Error(`no embedding for concept "${name}"`);
    sum ??= new Float64Array(v.length);
    if (v.length !== sum.length) {
      throw new Error(`embedding of "${name}" has dimension ${v.length}, expected ${sum.length}`);
    }
    for (let i = 0; i < v.length; i++) sum[i] = (sum[i] as number) + (v[i] as number);
  }
  if (!sum) throw new Error('mean of no vectors');
  return sum.map((x) => x / names.length);
}

function unit(v: ArrayLike<number>): Float64Array {
  let sq = 0;
  for (let i = 0; i < v.length; i++) sq += (v[i] as number) ** 2;
  const norm = Math.sqrt(sq);
  return Float64Array.from(v, (x) => (norm > 0 ? x / norm : 0));
}

interface Scored {
  candidate: number;
  score: number;
}

export interface NearestOptions {
  perQuery: number;
  /** candidates each query remembers; the spare ones replace candidates a better query took */
  shortlist?: number;
}

export class NearestSelector {
  private readonly queries: Float64Array[];
  private readonly best: Scored[][];
  private readonly perQuery: number;
  private readonly shortlist: number;

  constructor(queries: readonly ArrayLike<number>[], opts: NearestOptions) {
    if (!Number.isInteger(opts.perQuery) || opts.perQuery < 1) {
      throw new Error(`perQuery must be a positive integer, got ${opts.perQuery}`);
    }
    this.perQuery = opts.perQuery;
    this.shortlist = Math.max(opts.shortlist ?? 8 * opts.perQuery, opts.perQuery);
    this.queries = queries.map(unit);
    this.best = queries.map(() => []);
  }

  /** Scores one candidate against every query; `candidate` ids must be distinct. */
  offer(candidate: number, vector: ArrayLike<number>): void {
    const u = unit(vector);
    this.queries.forEach((q, i) => {
      if (q.length !== u.length) {
        throw new Error(`candidate ${candidate}: embedding dimension ${u.length}, expected ${q.length}`);
      }
      let score = 0;
      for (let t = 0; t < u.length; t++) score += (q[t] as number) * (u[t] as number);
      const list = this.best[i] as Scored[];
      if (list.length === this.shortlist && score <= (list[list.length - 1] as Scored).score) return;
      let at = list.length;
      while (at > 0 && (list[at - 1] as Scored).score < score) at--;
      list.splice(at, 0, { candidate, score });
      if (list.length > this.shortlist) list.pop();
    });
  }

  /**
   * Per query, the candidates it gets: all (query, candidate) pairs by descending cosine (ties:
   * lower query, then earlier candidate), each taken while the query has room and the candidate
   * is free. A query comes out short when its whole short list went to better-matching queries.
   */
  assign(): Scored[][] {
    const pairs = this.best.flatMap((list, query) => list.map((s) => ({ query, ...s })));
    pairs.sort((a, b) => b.score - a.score || a.query - b.query || a.candidate - b.candidate);
    const taken = new Set<number>();
    const out: Scored[][] = this.best.map(() => []);
    for (const p of pairs) {
      const mine = out[p.query] as Scored[];
      if (mine.length === this.perQuery || taken.has(p.candidate)) continue;
      taken.add(p.candidate);
      mine.push({ candidate: p.candidate, score: p.score });
    }
    return out;
  }
}
