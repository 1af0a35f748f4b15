import type { ArtifactRef } from '../../schemas/artifact.js';
import { AccuracyLog } from '../../schemas/records.js';
import type { ArtifactStore } from '../storage/store.js';
import type { AssessedProblem } from './student-steps.js';
import { records } from './artifacts.js';

/**
 * The SwS accuracy log after one assessment pass: each problem's accuracy now, appended to its
 * history from earlier rounds when one is given (with a one-point history the slope is 0 and the
 * strict rule could never fire). Problems absent from this pass keep their history.
 */
export async function buildAccuracyLog(
  store: ArtifactStore,
  assessed: ArtifactRef,
  prefix: string,
  history?: ArtifactRef,
) {
  const log: AccuracyLog = history ? AccuracyLog.parse(await store.readJson(history)) : { train: {} };
  for await (const a of records<AssessedProblem>(store, assessed)) {
    log.train[String(a.index)] = [...(log.train[String(a.index)] ?? []), a.accuracy];
  }
  return { accuracyLog: await store.writeJson(`${prefix}/accuracy_log.json`, log, 'AccuracyLog') };
}
