import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type pino from 'pino';
import type { ArtifactRef, RecordSchemaName } from '../../schemas/artifact.js';
import { addUsage, emptyUsage, type LlmUsage } from '../../core/usage.js';
import { llmMetrics } from '../metrics.js';
import { ArtifactFormatError, ArtifactIntegrityError, type ArtifactStore } from '../storage/store.js';
import type { BatchContext } from './context.js';
import { inputError } from './errors.js';
import { joinParts } from './join-parts.js';
import { markerKey, partKey, partsPrefix, Progress, ShardMarker, writtenShards } from './shard-layout.js';

export interface ShardedJob<T, R> {
  store: ArtifactStore;
  /** JSONL input, one item per line. */
  source: ArtifactRef;
  outKey: string;
  /** Names the parts folder: see shard-layout.ts. */
  tag: string;
  /** The final artifact's key and schema. */
  resultKey: string;
  schema: RecordSchemaName;
  shardSize: number;
  /** Items in flight at most. */
  concurrency: number;
  /** Validates one input line (1-based `line`); throws a non-retryable failure naming the line. */
  parse(raw: unknown, line: number): T;
  /** The work for one item; rejects only for failures that must stop the batch. */
  run(item: T, signal: AbortSignal): Promise<R>;
  /** The accounting of one shard's results, kept in its marker (unpriced: see usage.ts). */
  usageOf(results: R[]): LlmUsage;
  ctx: BatchContext;
  /** Sent with every heartbeat besides the progress (e.g. the Batch API's batch id). */
  details?: Record<string, unknown>;
  heartbeatMs: number;
  logger?: pino.Logger;
}

/** Part writes in flight at most: each holds a shard's results in memory. */
const MAX_WRITES = 4;

interface OpenShard<R> {
  results: R[];
  pending: number;
  /** All of the shard's lines have been dispatched. */
  sealed: boolean;
}

/**
 * Runs job.run over every input line with bounded concurrency, durably: results are written per
 * shard of consecutive lines as soon as a shard is complete, progress is heartbeated, and a
 * later attempt skips every shard already written. Memory holds at most the shards in flight:
 * dispatch waits when it runs more than shardSize + 2·concurrency lines ahead of the oldest
 * shard still waiting for results, or when MAX_WRITES parts are being written. At the end the
 * parts' bytes are concatenated in input order into job.resultKey; the usage is the sum of the
 * markers' (so accounting covers earlier attempts too).
 */
export async function runSharded<T, R>(
  job: ShardedJob<T, R>,
): Promise<{ result: ArtifactRef; usage: LlmUsage }> {
  const { store, shardSize, concurrency, ctx } = job;
  const prefix = partsPrefix(job.outKey, job.tag);
  const written = writtenShards(await store.list(prefix), prefix);
  const nonce = randomBytes(4).toString('hex');
  logResume(job, written);

  const controller = new AbortController();
  // Every in-flight call listens on this signal.
  setMaxListeners(0, controller.signal);
  let failure: unknown;
  const fail = (err: unknown): void => {
    if (failure !== undefined) return;
    failure = err;
    controller.abort(err);
  };
  const onCancel = (): void => fail(ctx.signal.reason);
  if (ctx.signal.aborted) onCancel();
  else ctx.signal.addEventListener('abort', onCancel, { once: true });

  // lowest: the first shard not yet written (what a resume may skip to). frontier: the first
  // shard still waiting for results; dispatch runs ahead of it, not of lowest, so slow part
  // writes (fsync, an S3 PUT) do not stall the calls.
  const complete = new Set(written);
  let lowest = 0;
  let frontier = 0;
  const advance = (): void => {
    while (written.has(lowest)) lowest += 1;
    while (complete.has(frontier)) frontier += 1;
  };
  advance();
  let active = 0;
  const metrics = llmMetrics();
  // Items already in written parts count as done; the rate covers this attempt's items only.
  const startedAt = Date.now();
  const doneBefore = Math.min(written.size * shardSize, job.source.count);
  let finished = 0;
  const beat = (): void =>
    ctx.heartbeat({
      ...job.details,
      shard: lowest,
      offset: lowest * shardSize,
      done: doneBefore + finished,
      total: job.source.count,
      inFlight: active,
      rate: finished / Math.max((Date.now() - startedAt) / 1000, 1e-3),
    } satisfies Progress);
  beat();
  const timer = setInterval(beat, job.heartbeatMs);

  let wake: (() => void) | undefined;
  const notify = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const changed = (): Promise<void> => new Promise((resolve) => (wake = resolve));

  const open = new Map<number, OpenShard<R>>();
  const writes = new Set<Promise<void>>();
  const maxAhead = shardSize + 2 * concurrency;

  const persist = (shard: number, results: R[]): void => {
    open.delete(shard);
    complete.add(shard);
    advance();
    const write = (async () => {
      const part = await store.writeJsonl(partKey(prefix, shard, nonce), results, job.schema);
      const marker: ShardMarker = { part, usage: job.usageOf(results) };
      await store.putText(markerKey(prefix, shard), JSON.stringify(marker), { ifAbsent: true });
      metrics.shard(marker.usage);
      written.add(shard);
      advance();
      beat();
    })()
      .catch(fail)
      .finally(() => {
        writes.delete(write);
        notify();
      });
    writes.add(write);
  };
  const settle = (shard: number, s: OpenShard<R>): void => {
    if (s.sealed && s.pending === 0 && failure === undefined) persist(shard, s.results);
  };

  let lines = 0;
  try {
    for await (const raw of store.readJsonl(job.source)) {
      const index = lines++;
      const shard = Math.floor(index / shardSize);
      if (written.has(shard)) continue;
      const item = job.parse(raw, index + 1);
      while (
        failure === undefined &&
        (active >= concurrency || index >= frontier * shardSize + maxAhead || writes.size >= MAX_WRITES)
      ) {
        await changed();
      }
      if (failure !== undefined) break;
      let s = open.get(shard);
      if (!s) open.set(shard, (s = { results: [], pending: 0, sealed: false }));
      const slot = index - shard * shardSize;
      const state = s;
      state.pending += 1;
      if (slot === shardSize - 1) state.sealed = true;
      active += 1;
      metrics.inFlight(1);
      const done = (): void => {
        active -= 1;
        finished += 1;
        metrics.inFlight(-1);
        metrics.itemDone();
        state.pending -= 1;
        settle(shard, state);
        notify();
      };
      job.run(item, controller.signal).then(
        (result) => {
          state.results[slot] = result;
          done();
        },
        (err: unknown) => {
          fail(err);
          done();
        },
      );
    }
    const last = open.get(Math.floor((lines - 1) / shardSize));
    if (last && failure === undefined) {
      last.sealed = true;
      settle(Math.floor((lines - 1) / shardSize), last);
    }
  } catch (err) {
    fail(err);
  }
  while (active > 0 || writes.size > 0) await changed();
  ctx.signal.removeEventListener('abort', onCancel);
  try {
    if (failure !== undefined) throw asFailure(failure);
    const markers = await readMarkers(job, prefix, Math.ceil(lines / shardSize));
    // The timer keeps heartbeating while a large result is concatenated.
    const result = await joinParts(
      store,
      markers.map((m) => m.part),
      job.resultKey,
      job.schema,
    );
    return { result, usage: markers.reduce((u, m) => addUsage(u, m.usage), emptyUsage()) };
  } finally {
    clearInterval(timer);
  }
}

/** The markers of shards 0 … shards-1, in order. */
async function readMarkers<T, R>(
  job: ShardedJob<T, R>,
  prefix: string,
  shards: number,
): Promise<ShardMarker[]> {
  const markers: ShardMarker[] = [];
  for (let shard = 0; shard < shards; shard++) {
    const key = markerKey(prefix, shard);
    const text = await job.store.getText(key);
    if (text === undefined)
      throw new Error(`part ${shard} of ${job.resultKey} vanished before concatenation`);
    const marker = ShardMarker.safeParse(JSON.parse(text));
    if (!marker.success) throw new Error(`${key}: not a shard marker (${marker.error.message})`);
    markers.push(marker.data);
  }
  return markers;
}

/** The markers decide what is skipped; the last attempt's heartbeat says what they should show. */
function logResume<T, R>(job: ShardedJob<T, R>, written: Set<number>): void {
  const resumedAt = Progress.safeParse(job.ctx.heartbeatDetails);
  if (written.size === 0 && !resumedAt.success) return;
  const heartbeat = resumedAt.success ? resumedAt.data : undefined;
  const missing = Array.from({ length: heartbeat?.shard ?? 0 }, (_, k) => k).filter((k) => !written.has(k));
  if (missing.length > 0)
    job.logger?.warn({ heartbeat, missing }, 'parts the last heartbeat reported are gone; redoing them');
  job.logger?.info({ heartbeat, shardsWritten: written.size }, 'resuming batch');
}

/** Bad input bytes cannot be fixed by a retry. */
function asFailure(err: unknown): unknown {
  if (err instanceof ArtifactFormatError || err instanceof ArtifactIntegrityError)
    return inputError(err.message);
  return err;
}
