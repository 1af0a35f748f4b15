import { ApplicationFailure } from '@temporalio/common';
import { createHash } from 'node:crypto';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { FAILURE_TYPES } from '../../contract/failures.js';
import type { ArtifactRef } from '../../schemas/artifact.js';
import { Category } from '../../schemas/config.js';
import { Problem } from '../../schemas/records.js';
import { cachedStep } from '../cache.js';
import type { ArtifactStore } from '../storage/store.js';

/**
 * Datasets arrive in the shapes public files have (MATH: problem/subject/level "Level 3";
 * GSM8K: question/answer). One row schema accepts those aliases, so a user points the config at
 * their file and gets an error naming the line when a row is unusable.
 */
const SourceRow = z
  .object({
    index: z.number().int().nonnegative().optional(),
    id: z.union([z.string(), z.number()]).optional(),
    problem: z.string().min(1).optional(),
    question: z.string().min(1).optional(),
    answer: z.union([z.string(), z.number()]),
    category: Category.optional(),
    subject: Category.optional(),
    level: z.union([z.number().int(), z.string().regex(/^Level \d$/), z.null()]).optional(),
    solution: z.string().optional(),
  })
  .refine((r) => r.problem ?? r.question, {
    message: 'needs a "problem" (or "question") field',
    path: ['problem'],
  });

function toProblem(row: z.infer<typeof SourceRow>, line: number, name: string): Problem {
  const level = typeof row.level === 'string' ? Number(row.level.slice(6)) : row.level;
  return Problem.parse({
    index: row.index ?? line - 1,
    id: row.id === undefined ? `${name}-${line - 1}` : String(row.id),
    problem: row.problem ?? row.question,
    answer: String(row.answer),
    category: row.category ?? row.subject,
    level,
    solution: row.solution,
    source: 'original',
  });
}

/** ours: far above any real problem with its solution (MATH's longest is ~10 KB), far below memory trouble. */
export const MAX_ROW_CHARS = 1 << 20;

/** What makes a raw line unusable before JSON: undecodable bytes or a runaway length. */
function rowProblem(text: string): string | undefined {
  if (text.length > MAX_ROW_CHARS)
    return `${text.length} characters, over the ${MAX_ROW_CHARS}-character limit of one row`;
  // The line reader turns bytes that are not UTF-8 into U+FFFD; a dataset never means that character.
  if (text.includes('\uFFFD')) return 'not valid UTF-8 (save the file as UTF-8)';
  return undefined;
}

async function sha256OfUri(store: ArtifactStore, uri: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of await store.openUri(uri)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export interface IngestOutput {
  problems: ArtifactRef;
  byCategory: Record<string, number>;
  unlabelled: number;
}

/** Reads a dataset by URI into Problem records; a bad row is a non-retryable error naming its line. */
export async function ingestProblems(
  store: ArtifactStore,
  uri: string,
  name: string,
  clock?: () => Date,
): Promise<IngestOutput & { cached: boolean }> {
  let sourceSha: string;
  try {
    sourceSha = await sha256OfUri(store, uri);
  } catch (err) {
    throw ApplicationFailure.nonRetryable(
      `dataset ${name}: cannot read ${uri}: ${(err as Error).message}`,
      FAILURE_TYPES.invalidData,
    );
  }
  const source: ArtifactRef = { uri, sha256: sourceSha, count: 0, schema: 'Problem' };
  const result = await cachedStep(
    store,
    { step: 'ingest', params: { name, version: 1 }, inputs: [source] },
    async (prefix) => {
      const byCategory: Record<string, number> = {};
      const seen = new Set<number>();
      const ids = new Set<string>();
      let unlabelled = 0;
      async function* rows() {
        const input = await store.openUri(uri);
        try {
          yield* parsed(createInterface({ input, crlfDelay: Infinity }));
        } finally {
          // Leaving readline's loop early (a bad row) closes neither readline nor its input.
          input.destroy();
        }
      }
      async function* parsed(lines: AsyncIterable<string>) {
        let line = 0;
        for await (const text of lines) {
          line++;
          if (!text.trim()) continue;
          const bad = rowProblem(text);
          if (bad)
            throw ApplicationFailure.nonRetryable(`${uri} line ${line}: ${bad}`, FAILURE_TYPES.invalidData);
          let raw: unknown;
          try {
            raw = JSON.parse(text);
          } catch (err) {
            throw ApplicationFailure.nonRetryable(
              `${uri} line ${line}: not JSON (${(err as Error).message})`,
              FAILURE_TYPES.invalidData,
            );
          }
          const parsed = SourceRow.safeParse(raw);
          if (!parsed.success) {
            throw ApplicationFailure.nonRetryable(
              `${uri} line ${line}: ${z.prettifyError(parsed.error)}`,
              FAILURE_TYPES.invalidData,
            );
          }
          const p = toProblem(parsed.data, line, name);
          if (seen.has(p.index)) {
            throw ApplicationFailure.nonRetryable(
              `${uri} line ${line}: index ${p.index} appears twice`,
              FAILURE_TYPES.invalidData,
            );
          }
          seen.add(p.index);
          if (ids.has(p.id)) {
            throw ApplicationFailure.nonRetryable(
              `${uri} line ${line}: id ${JSON.stringify(p.id)} appears twice`,
              FAILURE_TYPES.invalidData,
            );
          }
          ids.add(p.id);
          if (p.category) byCategory[p.category] = (byCategory[p.category] ?? 0) + 1;
          else unlabelled++;
          yield p;
        }
      }
      const problems = await store.writeJsonl(`${prefix}/problems.jsonl`, rows(), 'Problem');
      if (problems.count === 0)
        throw ApplicationFailure.nonRetryable(
          `dataset ${name} at ${uri} has no rows`,
          FAILURE_TYPES.invalidData,
        );
      return { problems, byCategory, unlabelled };
    },
    clock,
  );
  return { ...result.output, cached: result.cached };
}
