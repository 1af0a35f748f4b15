import { ApplicationFailure } from '@temporalio/common';
import { FAILURE_TYPES } from '../../contract/failures.js';
import { detectWeaknesses } from '../../core/weakness.js';
import type { ArtifactRef } from '../../schemas/artifact.js';
import type { StagesConfig } from '../../schemas/config.js';
import { AccuracyLog, type Problem } from '../../schemas/records.js';
import type { ArtifactStore } from '../storage/store.js';
import { bump, records, type Counts } from './artifacts.js';

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
