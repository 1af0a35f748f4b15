import type { ArtifactRef } from '../../schemas/artifact.js';
import type { AccuracyLog } from '../../schemas/records.js';
import type { ArtifactStore } from '../storage/store.js';
import type { AssessedProblem } from './student-steps.js';
import { records } from './artifacts.js';

/** The SwS accuracy log from one assessment pass (one entry per problem: a single "epoch"). */
export async function buildAccuracyLog(store: ArtifactStore, assessed: ArtifactRef, prefix: string) {
  const log: AccuracyLog = { train: {} };
  for await (const a of records<AssessedProblem>(store, assessed)) log.train[String(a.index)] = [a.accuracy];
  return { accuracyLog: await store.writeJson(`${prefix}/accuracy_log.json`, log, 'AccuracyLog') };
}
