import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ArtifactRef } from '../../schemas/artifact.js';

/**
 * Where a batch keeps its progress. Results are written in the order calls finish: each part
 * file holds up to partSize results (sorted by input line within the part), and its index file,
 * written after the part, names the part, the input lines it holds and their accounting. So an
 * index file means a whole part, a resume skips exactly the lines the index files list, and one
 * slow call never holds back the writing of the calls that finished after it. The join restores
 * input order (join-parts.ts).
 * Every attempt names its files with its own nonce and a sequence number, so an attempt never
 * overwrites another's: should a timed-out attempt still be running beside its retry, both
 * write parts and the join takes each line once.
 * The parts folder is named by a tag of everything that shapes the results, so a rerun with
 * other inputs under the same outKey never picks up stale parts.
 */

/** Large batches use parts of MAX_PART; small ones smaller parts, so a crash loses little. */
const MAX_PART = 1000;
const MIN_PART = 100;

export function partSizeFor(count: number): number {
  return Math.min(MAX_PART, Math.max(MIN_PART, Math.ceil(count / 500)));
}

/** Bumped when the layout changes, so parts of an older layout are never read as this one. */
const LAYOUT = 3;

export function runTag(parts: unknown[]): string {
  return createHash('sha256')
    .update(JSON.stringify([LAYOUT, ...parts]))
    .digest('hex')
    .slice(0, 16);
}

export function partsPrefix(outKey: string, tag: string): string {
  return `${outKey}/parts/${tag}/`;
}

const name = (nonce: string, seq: number): string => `${nonce}-${String(seq).padStart(6, '0')}`;

export function partKey(prefix: string, nonce: string, seq: number): string {
  return `${prefix}${name(nonce, seq)}.jsonl`;
}

export function indexKey(prefix: string, nonce: string, seq: number): string {
  return `${prefix}${name(nonce, seq)}.index.json`;
}

/** The index files among keys, sorted (so every attempt joins the same parts in the same order). */
export function indexKeys(keys: string[], prefix: string): string[] {
  return keys.filter((key) => key.startsWith(prefix) && key.endsWith('.index.json')).sort();
}

/**
 * Sorted line numbers (0-based) as runs: [start, end, start, end, …], each end exclusive. Lines
 * finishing together are mostly consecutive, so a part's index stays small.
 */
export function toRuns(sorted: number[]): number[] {
  const runs: number[] = [];
  for (const line of sorted) {
    if (runs.length > 0 && runs[runs.length - 1] === line) runs[runs.length - 1] = line + 1;
    else runs.push(line, line + 1);
  }
  return runs;
}

export function* linesOf(runs: number[]): Generator<number> {
  for (let k = 0; k < runs.length; k += 2) for (let line = runs[k]!; line < runs[k + 1]!; line++) yield line;
}

export function runsLength(runs: number[]): number {
  let n = 0;
  for (let k = 0; k < runs.length; k += 2) n += runs[k + 1]! - runs[k]!;
  return n;
}

const count = z.number().nonnegative();

/** An index file: the part, its lines in the part's order (as runs), and their accounting. */
export const PartIndex = z.object({
  part: ArtifactRef,
  lines: z
    .array(z.number().int().nonnegative())
    .refine((runs) => runs.length % 2 === 0 && runs.every((x, k) => k === 0 || x > runs[k - 1]!), {
      message: 'lines must be increasing [start, end) runs',
    }),
  usage: z.object({
    requests: count,
    ok: count,
    invalid: count,
    failed: count,
    promptTokens: count,
    completionTokens: count,
    costUsd: count,
    retries: count,
  }),
});
export type PartIndex = z.infer<typeof PartIndex>;

/**
 * Heartbeat details: lines durably written (by every attempt so far) of all, and the calls in
 * flight with the age of the oldest, so a stage held up by a few slow generations shows it.
 * `timedOut` counts calls this attempt cut at their timeout (each was retried).
 */
export const Progress = z.object({
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  inFlight: z.number().int().nonnegative(),
  oldestInFlightMs: z.number().nonnegative(),
  timedOut: z.number().int().nonnegative(),
  /** Items per second in this attempt, for ETAs (drill watch). */
  rate: z.number().nonnegative().optional(),
});
export type Progress = z.infer<typeof Progress>;
