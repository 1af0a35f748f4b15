import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ArtifactRef } from '../../schemas/artifact.js';

/**
 * Where a batch keeps its progress: one part file per shard of consecutive input lines, and a
 * marker holding the part's ArtifactRef and usage, written after the part (so a marker means a
 * whole part, and the batch's accounting never needs the part's lines read back).
 * Each attempt names its part files with its own nonce and writes markers only if absent: should
 * a timed-out attempt still be running beside its retry, the first marker wins and always names
 * the part it was written for.
 * The parts folder is named by a tag of everything that shapes the results, so a rerun with
 * other inputs under the same outKey never picks up stale parts.
 */

/** Large batches use shards of MAX_SHARD; small ones smaller shards, so a crash loses little. */
const MAX_SHARD = 1000;
const MIN_SHARD = 100;

export function shardSizeFor(count: number): number {
  return Math.min(MAX_SHARD, Math.max(MIN_SHARD, Math.ceil(count / 500)));
}

/** Bumped when the markers' shape changes, so parts of an older layout are never read as this one. */
const LAYOUT = 2;

export function runTag(parts: unknown[]): string {
  return createHash('sha256')
    .update(JSON.stringify([LAYOUT, ...parts]))
    .digest('hex')
    .slice(0, 16);
}

export function partsPrefix(outKey: string, tag: string): string {
  return `${outKey}/parts/${tag}/`;
}

const pad = (shard: number): string => String(shard).padStart(6, '0');

export function partKey(prefix: string, shard: number, nonce: string): string {
  return `${prefix}${pad(shard)}.${nonce}.jsonl`;
}

export function markerKey(prefix: string, shard: number): string {
  return `${prefix}${pad(shard)}.ref.json`;
}

/** The shards whose marker is among keys. */
export function writtenShards(keys: string[], prefix: string): Set<number> {
  const done = new Set<number>();
  for (const key of keys) {
    const m = /^(\d+)\.ref\.json$/.exec(key.slice(prefix.length));
    if (key.startsWith(prefix) && m) done.add(Number(m[1]));
  }
  return done;
}

/** Heartbeat details: every shard before `shard` is written; `offset` is its first line (0-based). */
export const Progress = z.object({
  shard: z.number().int().nonnegative(),
  offset: z.number().int().nonnegative(),
  /** For people watching (drill watch, the Temporal UI): items done of total, calls in flight. */
  done: z.number().int().nonnegative().optional(),
  total: z.number().int().nonnegative().optional(),
  inFlight: z.number().int().nonnegative().optional(),
  /** Items per second in this attempt. */
  rate: z.number().nonnegative().optional(),
});
export type Progress = z.infer<typeof Progress>;

const count = z.number().nonnegative();

/** A marker's content: the part it names and the accounting of the part's results. */
export const ShardMarker = z.object({
  part: ArtifactRef,
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
export type ShardMarker = z.infer<typeof ShardMarker>;
