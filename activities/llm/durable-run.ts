import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type pino from 'pino';
import type { ArtifactRef, RecordSchemaName } from '../../schemas/artifact.js';
import { addUsage, emptyUsage, type LlmUsage } from '../../core/usage.js';
import { llmMetrics } from '../metrics.js';
import { ArtifactFormatError, ArtifactIntegrityError, type ArtifactStore } from '../storage/store.js';
import type { BatchContext } from './context.js';
import { inputError } from './errors.js';
import { InFlight } from './in-flight.js';
import { joinParts } from './join-parts.js';
import { LineSet } from './line-set.js';
import {
  indexKey,
  indexKeys,
  PartIndex,
  partKey,
  partsPrefix,
  Progress,
  runsLength,
  toRuns,
} from './part-layout.js';

export interface DurableJob<T, R> {
  store: ArtifactStore;
  /** JSONL input, one item per line. */
  source: ArtifactRef;
  outKey: string;
  /** Names the parts folder: see part-layout.ts. */
  tag: string;
  /** The final artifact's name (see joinParts) and schema. */
  resultName: string;
  schema: RecordSchemaName;
  /** Results per part file. */
  partSize: number;
  /** A part is written once its oldest result has waited this long, even if not full. */
  partMaxAgeMs: number;
  /** Items in flight at most. */
  concurrency: number;
  /** Validates one input line (1-based `line`); throws a non-retryable failure naming the line. */
  parse(raw: unknown, line: number): T;
  /** The work for one item; rejects only for failures that must stop the batch. */
  run(item: T, signal: AbortSignal): Promise<R>;
  /** The accounting of one part's results, kept in its index (unpriced: see usage.ts). */
  usageOf(results: R[]): LlmUsage;
  /** Calls cut at their timeout so far, for the progress. */
  timedOut?: () => number;
  ctx: BatchContext;
  /** Sent with every heartbeat besides the progress (e.g. the Batch API's batch id). */
  details?: Record<string, unknown>;
  heartbeatMs: number;
  logger?: pino.Logger;
}

/** Part writes in flight at most: each holds a part's results in memory. */
const MAX_WRITES = 4;

interface Finished<R> {
  line: number;
  result: R;
}

/**
 * Runs job.run over every input line not yet durably done, with bounded concurrency, durably:
 * results are gathered in the order calls finish and written a part at a time (part-layout.ts),
 * progress is heartbeated, and a later attempt skips every line an index file lists. Dispatch
 * follows input order but never waits for a slow call, only for a free slot or, when MAX_WRITES
 * parts are being written, for a write: memory holds the calls in flight and at most
 * (MAX_WRITES + 1) parts. At the end the join writes the results in input order into
 * job.resultName; the usage is the sum of the indexes' (so accounting covers earlier attempts).
 */
export async function runDurable<T, R>(
  job: DurableJob<T, R>,
): Promise<{ result: ArtifactRef; usage: LlmUsage }> {
  const { store, ctx } = job;
  const prefix = partsPrefix(job.outKey, job.tag);
  const total = job.source.count;
  const done = new LineSet(total);
  const indexes = await readIndexes(job, prefix, done);
  const nonce = randomBytes(4).toString('hex');
  logResume(job, done, indexes.length);

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

  const inFlight = new InFlight();
  const metrics = llmMetrics();
  const startedAt = performance.now();
  const doneBefore = done.size;
  const beat = (): void => {
    const now = performance.now();
    ctx.heartbeat({
      ...job.details,
      done: done.size,
      total,
      inFlight: inFlight.size,
      oldestInFlightMs: Math.round(inFlight.oldestAgeMs(now)),
      timedOut: job.timedOut?.() ?? 0,
      rate: (done.size - doneBefore) / Math.max((now - startedAt) / 1000, 1e-3),
    } satisfies Progress);
  };

  let wake: (() => void) | undefined;
  const notify = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const changed = (): Promise<void> => new Promise((resolve) => (wake = resolve));

  let pending: Finished<R>[] = [];
  let pendingSince = 0;
  let seq = 0;
  const writes = new Set<Promise<void>>();
  const persist = (): void => {
    const finished = pending.sort((a, b) => a.line - b.line);
    pending = [];
    const key = seq++;
    const write = (async () => {
      const results = finished.map((f) => f.result);
      const part = await store.writeJsonl(partKey(prefix, nonce, key), results, job.schema);
      const lines = toRuns(finished.map((f) => f.line));
      const index: PartIndex = { part, lines, usage: job.usageOf(results) };
      await store.putText(indexKey(prefix, nonce, key), JSON.stringify(index));
      metrics.part(index.usage);
      indexes.push(index);
      for (const f of finished) done.add(f.line);
      beat();
    })()
      .catch(fail)
      .finally(() => {
        writes.delete(write);
        notify();
      });
    writes.add(write);
  };

  beat();
  const timer = setInterval(() => {
    if (pending.length > 0 && failure === undefined && performance.now() - pendingSince >= job.partMaxAgeMs)
      persist();
    beat();
  }, job.heartbeatMs);

  let active = 0;
  let lines = 0;
  try {
    for await (const raw of store.readJsonl(job.source)) {
      const line = lines++;
      if (done.has(line)) continue;
      const item = job.parse(raw, line + 1);
      while (failure === undefined && (active >= job.concurrency || writes.size >= MAX_WRITES))
        await changed();
      if (failure !== undefined) break;
      active += 1;
      metrics.inFlight(1);
      inFlight.start(line, performance.now());
      job
        .run(item, controller.signal)
        .then((result) => {
          if (pending.length === 0) pendingSince = performance.now();
          pending.push({ line, result });
          if (pending.length >= job.partSize && failure === undefined) persist();
        }, fail)
        .finally(() => {
          active -= 1;
          metrics.inFlight(-1);
          metrics.itemDone();
          inFlight.end(line);
          notify();
        });
    }
  } catch (err) {
    fail(err);
  }
  while (active > 0) await changed();
  if (pending.length > 0 && failure === undefined) persist();
  while (writes.size > 0) await changed();
  ctx.signal.removeEventListener('abort', onCancel);
  try {
    if (failure !== undefined) throw asFailure(failure);
    // The timer keeps heartbeating while a large result is joined.
    const result = await joinParts(store, indexes, total, job.resultName, job.schema);
    return { result, usage: indexes.reduce((u, index) => addUsage(u, index.usage), emptyUsage()) };
  } finally {
    clearInterval(timer);
  }
}

/**
 * The indexes earlier attempts wrote, with their lines added to done. An index whose lines are
 * all done already (an attempt that ran beside another) is left out, so its calls are not
 * counted twice.
 */
async function readIndexes<T, R>(job: DurableJob<T, R>, prefix: string, done: LineSet): Promise<PartIndex[]> {
  const indexes: PartIndex[] = [];
  for (const key of indexKeys(await job.store.list(prefix), prefix)) {
    const text = await job.store.getText(key);
    if (text === undefined) throw new Error(`${key} vanished while the batch was resuming`);
    const index = PartIndex.safeParse(JSON.parse(text));
    if (!index.success) throw new Error(`${key}: not a part index (${index.error.message})`);
    if (runsLength(index.data.lines) !== index.data.part.count)
      throw new Error(
        `${key}: lists ${runsLength(index.data.lines)} lines for a part of ${index.data.part.count}`,
      );
    if (done.covers(index.data.lines)) continue;
    done.addRuns(index.data.lines);
    indexes.push(index.data);
  }
  return indexes;
}

/** The indexes decide what is skipped; the last attempt's heartbeat says what they should show. */
function logResume<T, R>(job: DurableJob<T, R>, done: LineSet, parts: number): void {
  const resumedAt = Progress.safeParse(job.ctx.heartbeatDetails);
  if (parts === 0 && !resumedAt.success) return;
  const heartbeat = resumedAt.success ? resumedAt.data : undefined;
  if (heartbeat && heartbeat.done > done.size)
    job.logger?.warn(
      { heartbeat, done: done.size },
      'parts the last heartbeat reported are gone; redoing them',
    );
  job.logger?.info({ heartbeat, done: done.size, parts }, 'resuming batch');
}

/** Bad input bytes cannot be fixed by a retry. */
function asFailure(err: unknown): unknown {
  if (err instanceof ArtifactFormatError || err instanceof ArtifactIntegrityError)
    return inputError(err.message);
  return err;
}
