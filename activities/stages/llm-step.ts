import type { ArtifactRef, RecordSchemaName } from '../../schemas/artifact.js';
import type { LlmResult } from '../llm/records.js';
import type { ArtifactStore } from '../storage/store.js';

/**
 * An LLM step turns each input record into requests on one or more lanes (a lane is one
 * endpoint: a judge, a committee member, the student), and each record's results back into
 * output records. Render and collect are separate activities around the batch calls, and both
 * walk the data as streams: records and results are joined in order, never held whole.
 */

export interface StepRequest {
  lane: number;
  prompt: string;
  user: string;
  system?: string;
  n?: number;
  temperature?: number;
  top_p?: number;
  max_tokens?: number;
}

/** The part of an LLM layer result line that steps read. */
export type LlmResultLine = Pick<LlmResult, 'custom_id' | 'ok' | 'contents' | 'parsed' | 'invalid' | 'error'>;

export interface Collected<Out> {
  out: Out[];
  /** Why nothing (or less) came out of this record: counted per reason in the step's funnel. */
  dropped?: string;
}

/** One LLM step's logic; its name is its key in the registry (registry.ts). */
export interface LlmStepDef<In, Out, P> {
  /** Bumped with the step's logic; prompt versions are folded in by the caller's params. */
  version: number;
  lanes(params: P): number;
  outputSchema: RecordSchemaName;
  /** The prompt whose parser validates every lane's answers (with one repair re-ask). */
  parser?: string;
  requests(rec: In, params: P): StepRequest[];
  /** `results[i]` answers `requests(rec)[i]`. */
  collect(rec: In, results: LlmResultLine[], params: P): Collected<Out>;
}

export interface RenderedLane {
  lane: number;
  requests: ArtifactRef;
}

/** Renders every lane's request file; `open` re-opens the input stream once per lane. */
export async function renderLanes<In, P>(
  store: ArtifactStore,
  def: LlmStepDef<In, unknown, P>,
  open: () => AsyncIterable<In>,
  params: P,
  prefix: string,
): Promise<RenderedLane[]> {
  const rendered: RenderedLane[] = [];
  for (let lane = 0; lane < def.lanes(params); lane++) {
    async function* lines() {
      let i = 0;
      for await (const rec of open()) {
        const reqs = def.requests(rec, params);
        for (let j = 0; j < reqs.length; j++) {
          const r = reqs[j]!;
          if (r.lane !== lane) continue;
          const messages = [
            ...(r.system ? [{ role: 'system', content: r.system }] : []),
            { role: 'user', content: r.user },
          ];
          yield {
            custom_id: `${i}:${j}`,
            body: { messages, n: r.n, temperature: r.temperature, top_p: r.top_p, max_tokens: r.max_tokens },
          };
        }
        i++;
      }
    }
    rendered.push({
      lane,
      requests: await store.writeJsonl(`${prefix}/requests.lane${lane}.jsonl`, lines(), 'LlmRequest'),
    });
  }
  return rendered;
}

export interface CollectOutcome {
  output: ArtifactRef;
  counts: Record<string, number>;
}

/** Joins records with their results (lane by lane, in order) and writes what `collect` keeps. */
export async function collectLanes<In, Out, P>(
  store: ArtifactStore,
  def: LlmStepDef<In, Out, P>,
  records: AsyncIterable<In>,
  results: ArtifactRef[],
  params: P,
  key: string,
): Promise<CollectOutcome> {
  const cursors = results.map((ref) =>
    (store.readJsonl(ref) as AsyncIterable<LlmResultLine>)[Symbol.asyncIterator](),
  );
  const counts: Record<string, number> = { in: 0, out: 0 };
  async function* kept() {
    let i = 0;
    for await (const rec of records) {
      const reqs = def.requests(rec, params);
      const answers: LlmResultLine[] = [];
      for (let j = 0; j < reqs.length; j++) {
        const cursor = cursors[reqs[j]!.lane];
        const next = cursor ? await cursor.next() : undefined;
        if (!next || next.done || next.value.custom_id !== `${i}:${j}`) {
          throw new Error(
            `${key}: results of lane ${reqs[j]!.lane} do not line up with the requests at record ${i} (expected ${i}:${j}, got ${next && !next.done ? next.value.custom_id : 'end of file'})`,
          );
        }
        answers.push(next.value);
      }
      const c = def.collect(rec, answers, params);
      counts.in!++;
      counts.out! += c.out.length;
      if (c.dropped) counts[`dropped: ${c.dropped}`] = (counts[`dropped: ${c.dropped}`] ?? 0) + 1;
      yield* c.out;
      i++;
    }
  }
  try {
    const output = await store.writeJsonl(key, kept(), def.outputSchema);
    return { output, counts };
  } finally {
    // A cursor stopped at its last line (or before, on an error) still holds its file or connection.
    await Promise.all(cursors.map((cursor) => cursor.return?.()));
  }
}
