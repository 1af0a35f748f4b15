import { ApplicationFailure } from '@temporalio/common';
import { FAILURE_TYPES } from '../../contract/failures.js';
import { conceptKey, dedupConcepts } from '../../core/concepts.js';
import { addToNgramIndex, createNgramIndex, isContaminated } from '../../core/dedup.js';
import { eloRatings, normaliseRatings, selectGold, type Battle } from '../../core/elo.js';
import { summarise, type ProblemOutcome } from '../../core/passk.js';
import { allocateBudget, buildConceptPools, sampleConceptLists } from '../../core/sampler.js';
import { equivalenceClasses } from '../../core/stats.js';
import { detectWeaknesses } from '../../core/weakness.js';
import { equivalent } from '../../core/verify/index.js';
import type { ArtifactRef } from '../../schemas/artifact.js';
import type { Category, StagesConfig } from '../../schemas/config.js';
import {
  AccuracyLog,
  type ConceptSet,
  type Problem,
  type SftExample,
  type SyntheticProblem,
} from '../../schemas/records.js';
import type { EvalSummary } from '../../contract/records.js';
import type { ArtifactStore } from '../storage/store.js';
import type { JudgedProblem } from './committee-steps.js';
import type { AssessedProblem, EvalRecord, GoldItem } from './student-steps.js';
import { spillDedup } from './spill-dedup.js';
import { writeVerlParquet } from './verl-parquet.js';

/** The non-LLM steps between LLM calls: each reads artifacts, runs core logic, writes artifacts. */

type Counts = Record<string, number>;

async function* records<T>(store: ArtifactStore, ref: ArtifactRef): AsyncIterable<T> {
  yield* store.readJsonl(ref) as AsyncIterable<T>;
}

const bump = (c: Counts, k: string, by = 1) => void (c[k] = (c[k] ?? 0) + by);

/** The SwS accuracy log from one assessment pass (one entry per problem: a single "epoch"). */
export async function buildAccuracyLog(store: ArtifactStore, assessed: ArtifactRef, prefix: string) {
  const log: AccuracyLog = { train: {} };
  for await (const a of records<AssessedProblem>(store, assessed)) log.train[String(a.index)] = [a.accuracy];
  return { accuracyLog: await store.writeJson(`${prefix}/accuracy_log.json`, log, 'AccuracyLog') };
}

export interface WeaknessOutput {
  failed: ArtifactRef;
  failuresByCategory: Counts;
  sizeByCategory: Counts;
  counts: Counts;
}

/** SwS stage B over the whole training set: the failed problems, with their categories. */
export async function detectWeakness(
  store: ArtifactStore,
  log: ArtifactRef,
  problems: ArtifactRef,
  opts: StagesConfig['weakness'],
  prefix: string,
): Promise<WeaknessOutput> {
  const parsed = AccuracyLog.safeParse(await store.readJson(log));
  if (!parsed.success)
    throw ApplicationFailure.nonRetryable(
      `accuracy log ${log.uri}: ${parsed.error.message}`,
      FAILURE_TYPES.invalidData,
    );
  const known = new Set<number>();
  const sizeByCategory: Counts = {};
  for await (const p of records<Problem>(store, problems)) {
    known.add(p.index);
    bump(sizeByCategory, p.category ?? 'Other');
  }
  let assessments;
  try {
    assessments = detectWeaknesses(
      parsed.data,
      { bestAccuracyBelow: opts.bestAccuracyBelow, slopeBelow: opts.slopeBelow, strict: opts.strict },
      known,
    );
  } catch (err) {
    throw ApplicationFailure.nonRetryable((err as Error).message, FAILURE_TYPES.invalidData);
  }
  const failedIdx = new Set(assessments.filter((a) => a.failed).map((a) => a.index));
  const failuresByCategory: Counts = {};
  async function* failed() {
    for await (const p of records<Problem>(store, problems)) {
      if (!failedIdx.has(p.index)) continue;
      bump(failuresByCategory, p.category ?? 'Other');
      yield p;
    }
  }
  const out = await store.writeJsonl(`${prefix}/failed.jsonl`, failed(), 'Problem');
  return {
    failed: out,
    failuresByCategory,
    sizeByCategory,
    counts: { assessed: assessments.length, failed: out.count },
  };
}

/** The distinct concepts of all concept sets, by normalised key, as embedding inputs. */
export async function conceptTexts(store: ArtifactStore, conceptSets: ArtifactRef, prefix: string) {
  const seen = new Set<string>();
  async function* texts() {
    for await (const s of records<ConceptSet>(store, conceptSets)) {
      for (const c of s.concepts) {
        const key = conceptKey(c);
        if (!key || seen.has(key)) continue;
        seen.add(key);
        yield { id: key, text: key };
      }
    }
  }
  return { texts: await store.writeJsonl(`${prefix}/concepts.jsonl`, texts(), 'Embedding') };
}

/**
 * SwS stages D (dedup) and E: concepts merged by spelling and embedding similarity, the budget
 * split by failure ratio, then seeded concept-combination sampling.
 */
export async function sampleConcepts(
  store: ArtifactStore,
  input: {
    conceptSets: ArtifactRef;
    vectors: ArtifactRef;
    failuresByCategory: Counts;
    sizeByCategory: Counts;
    sampler: StagesConfig['sampler'];
    mergeSimilarity: number;
    seed: number;
    /** Makes list (and so synthetic problem) ids unique across rounds. */
    idPrefix: string;
  },
  prefix: string,
) {
  const sets: ConceptSet[] = [];
  for await (const s of records<ConceptSet>(store, input.conceptSets)) if (s.concepts.length) sets.push(s);
  const embeddings = new Map<string, number[]>();
  for await (const v of records<{ id: string; embedding: number[] }>(store, input.vectors))
    embeddings.set(v.id, v.embedding);
  const allocation = allocateBudget(input.sampler.budget, input.failuresByCategory, input.sizeByCategory);
  const deduped = dedupConcepts(sets, embeddings, { mergeSimilarity: input.mergeSimilarity });
  const pools = buildConceptPools(deduped.sets, deduped.embeddings);
  const { lists, report } = sampleConceptLists(
    pools,
    allocation as Partial<Record<Category, number>>,
    input.seed,
    {
      conceptsPerList: input.sampler.conceptsPerList,
      temperature: input.sampler.temperature,
      levels: input.sampler.levels,
    },
  );
  const out = await store.writeJsonl(
    `${prefix}/concept-lists.jsonl`,
    lists.map((l) => ({ ...l, id: `${input.idPrefix}${l.id}` })),
    'ConceptList',
  );
  const duplicates = Object.values(report).reduce((s, r) => s + (r?.duplicatesRejected ?? 0), 0);
  return {
    lists: out,
    allocation,
    counts: { sampled: out.count, 'duplicate lists rejected': duplicates, 'concepts merged': deduped.merged },
  };
}

/**
 * Near-duplicate removal (MinHash) among synthetic problems and decontamination (13-gram
 * overlap) against every benchmark and the original training set. The near-duplicate index
 * spills to temp files, so memory does not grow with the number of synthetic problems.
 */
export async function dedupAndDecontaminate(
  store: ArtifactStore,
  input: { synthetic: ArtifactRef; against: ArtifactRef[]; seed: number },
  prefix: string,
) {
  const index = createNgramIndex({ n: 13 });
  for (const ref of input.against) {
    for await (const p of records<Problem>(store, ref)) addToNgramIndex(index, p.problem);
  }
  const counts: Counts = { in: 0 };
  async function* kept() {
    const verdicts = spillDedup(
      () => records<SyntheticProblem>(store, input.synthetic),
      (s) => s.problem,
      (s) => isContaminated(s.problem, index),
      { threshold: 0.8, seed: input.seed, expected: input.synthetic.count },
    );
    for await (const { record, verdict } of verdicts) {
      counts.in!++;
      if (verdict === 'excluded') bump(counts, 'dropped: overlaps a benchmark or training problem');
      else if (verdict === 'duplicate') bump(counts, 'dropped: near-duplicate');
      else yield record;
    }
  }
  const out = await store.writeJsonl(`${prefix}/synthetic.jsonl`, kept(), 'SyntheticProblem');
  return { synthetic: out, counts: { ...counts, out: out.count } };
}

/**
 * WarriorMath stage 6 over the whole judged set: Elo from every battle (problems in file order),
 * then per problem the answer with the top score of w·normElo + (1−w)·vote share.
 */
export async function selectGoldAnswers(
  store: ArtifactStore,
  input: { judged: ArtifactRef; members: string[]; eloK: number; eloWeight: number },
  prefix: string,
) {
  const battles: Battle[] = [];
  for await (const j of records<JudgedProblem>(store, input.judged)) battles.push(...j.battles);
  const ratings = eloRatings(input.members, battles, { k: input.eloK });
  const norm = normaliseRatings(ratings);
  const counts: Counts = { problems: 0, battles: battles.length };
  async function* golds() {
    for await (const j of records<JudgedProblem>(store, input.judged)) {
      counts.problems!++;
      const keys = equivalenceClasses(
        j.answers.map((a) => a.answer),
        equivalent,
      );
      const choice = selectGold(
        j.answers.map((a, i) => ({ member: a.member, answer: a.answer, equivalenceKey: keys[i] ?? null })),
        norm,
        input.eloWeight,
      );
      if (!choice) {
        bump(counts, 'dropped: no gold answer');
        continue;
      }
      const a = j.answers[choice.index]!;
      bump(counts, `gold from ${a.member}`);
      const item: GoldItem = {
        problemId: j.id,
        problem: j.problem,
        category: j.category,
        answer: a.answer!,
        solution: a.solution,
      };
      yield item;
    }
  }
  const gold = await store.writeJsonl(`${prefix}/gold.jsonl`, golds(), 'GoldAnswer');
  async function* sftRows() {
    for await (const g of records<GoldItem>(store, gold)) {
      const row: SftExample = {
        messages: [
          { role: 'user', content: g.problem },
          { role: 'assistant', content: g.solution },
        ],
        category: g.category as Category,
      };
      yield row;
    }
  }
  const sft = await store.writeJsonl(`${prefix}/sft.jsonl`, sftRows(), 'SftExample');
  return { gold, sft, ratings, counts: { ...counts, gold: gold.count } };
}

/**
 * SwS stage J's training set: original ∪ synthetic, synthetic rows tagged and given fresh indices
 * after the largest original index, so the accuracy log stays keyed uniquely. Written twice: as
 * Problem JSONL (what our jobs read) and, from that file, as the verl Parquet an RL recipe reads.
 */
export async function mergeTrainSet(
  store: ArtifactStore,
  input: { original: ArtifactRef; synthetic: ArtifactRef[] },
  prefix: string,
) {
  let next = 0;
  async function* rows() {
    for await (const p of records<Problem>(store, input.original)) {
      next = Math.max(next, p.index + 1);
      yield p;
    }
    for (const ref of input.synthetic) {
      for await (const s of records<SyntheticProblem & { solution?: string }>(store, ref)) {
        const row: Problem = {
          index: next++,
          id: s.id,
          problem: s.problem,
          answer: s.answer!,
          category: s.category,
          solution: s.solution,
          source: 'synthetic',
        };
        yield row;
      }
    }
  }
  const trainSet = await store.writeJsonl(`${prefix}/train.jsonl`, rows(), 'Problem');
  const parquet = await writeVerlParquet(store, `${prefix}/train.parquet`, records<Problem>(store, trainSet));
  return { trainSet, parquet };
}

/** Avg@k, Pass@k and maj@k per benchmark and per category. */
export async function summariseEvaluation(
  store: ArtifactStore,
  input: { records: ArtifactRef[]; checkpoint: string; samples: number; simulated: boolean },
): Promise<EvalSummary> {
  const outcomes: ProblemOutcome[] = [];
  for (const ref of input.records) {
    for await (const r of records<EvalRecord>(store, ref)) {
      if (r.n === 0) continue;
      outcomes.push({
        groups: [
          'all',
          `benchmark:${r.benchmark}`,
          `category:${r.category}`,
          `level:${r.level ?? 'unknown'}`,
        ],
        n: r.n,
        c: r.c,
        majCorrect: r.majCorrect,
      });
    }
  }
  const k = input.samples;
  const groups = outcomes.length ? summarise(outcomes, [k]) : {};
  const pick = (prefix: string) =>
    Object.fromEntries(
      Object.entries(groups)
        .filter(([g]) => g.startsWith(prefix))
        .map(([g, s]) => [g.slice(prefix.length), s]),
    );
  const full = (s: (typeof groups)[string] | undefined) => ({
    avgAtK: s?.avg ?? 0,
    passAtK: s?.passAtK[String(k)] ?? 0,
    majAtK: s?.maj ?? 0,
    problems: s?.problems ?? 0,
  });
  return {
    checkpoint: input.checkpoint,
    samples: k,
    overall: full(groups.all),
    byBenchmark: Object.fromEntries(Object.entries(pick('benchmark:')).map(([b, s]) => [b, full(s)])),
    byCategory: Object.fromEntries(
      Object.entries(pick('category:')).map(([c, s]) => [c, { avgAtK: s.avg, problems: s.problems }]),
    ),
    byLevel: Object.fromEntries(
      Object.entries(pick('level:')).map(([l, s]) => [l, { avgAtK: s.avg, problems: s.problems }]),
    ),
    simulated: input.simulated,
  };
}
