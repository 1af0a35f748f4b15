import { summarise, type ProblemOutcome } from '../../core/passk.js';
import type { ArtifactRef } from '../../schemas/artifact.js';
import type { EvalSummary } from '../../contract/records.js';
import type { ArtifactStore } from '../storage/store.js';
import type { EvalRecord } from './student-steps.js';
import { records } from './artifacts.js';

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
