import { ApplicationFailure } from '@temporalio/common';
import { FAILURE_TYPES } from '../../contract/failures.js';
import { assignSeeds, examSlots, seedReservoirs, weakCategories } from '../../core/exam.js';
import { kCenterGreedy } from '../../core/kcenter.js';
import { createRng, hashSeed } from '../../core/rng.js';
import type { ArtifactRef } from '../../schemas/artifact.js';
import type { Category } from '../../schemas/config.js';
import type { Problem } from '../../schemas/records.js';
import type { ArtifactStore } from '../storage/store.js';
import { records } from './artifacts.js';
import type { ExamProblem, ExamTask } from './exam-steps.js';

/** The WarriorMath exam's data steps around its LLM calls: plan, split by defect, diversity, merge. */

/**
 * Stage 1's tasks: every member's candidates spread over the weak categories, each with a seed
 * problem drawn (seeded, streaming) from the failed problems of its category.
 */
export async function planExam(
  store: ArtifactStore,
  input: {
    failed: ArtifactRef;
    failuresByCategory: Record<string, number>;
    sizeByCategory: Record<string, number>;
    members: number;
    perMember: number;
    seed: number;
    /** Makes task (and so exam problem) ids unique across rounds and apart from SwS ids. */
    idPrefix: string;
  },
  prefix: string,
) {
  const weak = weakCategories(input.failuresByCategory, input.sizeByCategory);
  const slots = examSlots(weak, input.members, input.perMember);
  const reservoirs = seedReservoirs<Problem>(slots, input.seed);
  for await (const p of records<Problem>(store, input.failed))
    reservoirs.get(p.category ?? 'Other')?.offer(p);
  const samples = new Map([...reservoirs].map(([cat, r]) => [cat, r.items]));
  const tasks = assignSeeds(slots, samples).map((s): ExamTask => ({
    id: `${input.idPrefix}m${s.member}-${s.slot}`,
    member: s.member,
    category: s.category as Category,
    weakCategories: weak,
    seedIndex: s.seed.index,
    seedProblem: s.seed.problem,
  }));
  const out = await store.writeJsonl(`${prefix}/exam-tasks.jsonl`, tasks, 'ExamTask');
  return { tasks: out, weakCategories: weak, counts: { 'weak categories': weak.length, tasks: out.count } };
}

/**
 * Stage 2's decision over assessed problems: a defect is one the student solves at most
 * `maxAccuracy` of the time; the rest go to critique and refinement.
 */
export async function splitDefects(
  store: ArtifactStore,
  input: { assessed: ArtifactRef; maxAccuracy: number },
  prefix: string,
) {
  const isDefect = (p: ExamProblem) => (p.studentAccuracy ?? 0) <= input.maxAccuracy;
  async function* where(keep: boolean) {
    for await (const p of records<ExamProblem>(store, input.assessed)) if (isDefect(p) === keep) yield p;
  }
  const defects = await store.writeJsonl(`${prefix}/defects.jsonl`, where(true), 'SyntheticProblem');
  const solvedTooOften = await store.writeJsonl(`${prefix}/solved.jsonl`, where(false), 'SyntheticProblem');
  return { defects, solvedTooOften };
}

/** Problem statements as embedding inputs, keyed by problem id. */
export async function problemTexts(store: ArtifactStore, problems: ArtifactRef, prefix: string) {
  async function* texts() {
    for await (const p of records<{ id: string; problem: string }>(store, problems))
      yield { id: p.id, text: p.problem };
  }
  return { texts: await store.writeJsonl(`${prefix}/problem-texts.jsonl`, texts(), 'Embedding') };
}

/**
 * Stage 4: KCenterGreedy over the problems' embeddings from a seeded first pick; the kept problems
 * are written in file order.
 */
export async function selectDiverse(
  store: ArtifactStore,
  input: { problems: ArtifactRef; vectors: ArtifactRef; keep: number; seed: number },
  prefix: string,
) {
  const byId = new Map<string, number[]>();
  for await (const v of records<{ id: string; embedding: number[] }>(store, input.vectors))
    byId.set(v.id, v.embedding);
  const vectors: number[][] = [];
  for await (const p of records<{ id: string }>(store, input.problems)) {
    const v = byId.get(p.id);
    if (!v) {
      throw ApplicationFailure.nonRetryable(
        `problem "${p.id}" of ${input.problems.uri} has no embedding in ${input.vectors.uri}`,
        FAILURE_TYPES.invalidData,
      );
    }
    vectors.push(v);
  }
  const first = vectors.length ? createRng(hashSeed(input.seed, 'kcenter')).int(vectors.length) : 0;
  const picked = new Set(await kCenterGreedy(vectors, input.keep, first));
  async function* kept() {
    let i = 0;
    for await (const p of records<unknown>(store, input.problems)) if (picked.has(i++)) yield p;
  }
  const out = await store.writeJsonl(`${prefix}/diverse.jsonl`, kept(), 'SyntheticProblem');
  return {
    problems: out,
    counts: {
      in: vectors.length,
      out: out.count,
      'dropped: not picked by k-center': vectors.length - out.count,
    },
  };
}

/** Several problem sets as one, in order; a repeated id is an error, since ids key gold answers. */
export async function concatProblems(
  store: ArtifactStore,
  input: { sets: ArtifactRef[]; latestRevision?: boolean },
  prefix: string,
) {
  // With latestRevision, only the highest revision of each exam task is kept: a refined defect
  // replaces its earlier version, which stays when the refinement was not a defect any more.
  const latest = new Map<string, number>();
  if (input.latestRevision) {
    for (const ref of input.sets) {
      for await (const p of records<{ taskId?: string; revision?: number }>(store, ref)) {
        if (p.taskId !== undefined)
          latest.set(p.taskId, Math.max(latest.get(p.taskId) ?? 0, p.revision ?? 0));
      }
    }
  }
  const superseded = (p: { taskId?: string; revision?: number }) =>
    p.taskId !== undefined && latest.has(p.taskId) && (p.revision ?? 0) < latest.get(p.taskId)!;
  const seen = new Map<string, string>();
  async function* rows() {
    for (const ref of input.sets) {
      for await (const p of records<{ id: string; taskId?: string; revision?: number }>(store, ref)) {
        if (superseded(p)) continue;
        const before = seen.get(p.id);
        if (before !== undefined) {
          throw ApplicationFailure.nonRetryable(
            `problem id "${p.id}" appears in both ${before} and ${ref.uri}: ids must be unique`,
            FAILURE_TYPES.invalidData,
          );
        }
        seen.set(p.id, ref.uri);
        yield p;
      }
    }
  }
  return { problems: await store.writeJsonl(`${prefix}/problems.jsonl`, rows(), 'SyntheticProblem') };
}
