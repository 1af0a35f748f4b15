import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildAccuracyLog } from '../../activities/stages/assess-data.js';
import { createFileStore } from '../../activities/storage/file-store.js';
import type { ArtifactStore } from '../../activities/storage/store.js';
import { detectWeaknesses } from '../../core/weakness.js';
import { AccuracyLog } from '../../schemas/records.js';

let root: string;
let store: ArtifactStore;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'drill-acc-log-'));
  store = createFileStore(root);
});
after(() => rm(root, { recursive: true, force: true }));

describe('buildAccuracyLog', () => {
  it('appends this round’s accuracy to each problem’s history, so the strict rule can fire', async () => {
    const assessed = await store.writeJsonl(
      'in/assessed.jsonl',
      [
        { index: 1, accuracy: 0 },
        { index: 2, accuracy: 0.75 },
      ],
      'Rollout',
    );
    const history = await store.writeJson(
      'in/history.json',
      { train: { '1': [0.25, 0.25], '2': [0.5], '3': [0.125] } },
      'AccuracyLog',
    );
    const { accuracyLog } = await buildAccuracyLog(store, assessed, 'out/with-history', history);
    const log = AccuracyLog.parse(await store.readJson(accuracyLog));
    // 1: [0.25, 0.25] + 0; 2: [0.5] + 0.75; 3 was not assessed this round and keeps its history
    assert.deepEqual(log.train, { '1': [0.25, 0.25, 0], '2': [0.5, 0.75], '3': [0.125] });

    // strict rule (best < 0.5 and slope < 0): problem 1's slope over [0.25, 0.25, 0] is −0.125 → failed;
    // a fresh one-point history [0] has slope 0 and never fails under the strict rule.
    const strict = { bestAccuracyBelow: 0.5, slopeBelow: 0, strict: true };
    const failed = (l: AccuracyLog) =>
      detectWeaknesses(l, strict)
        .filter((r) => r.failed)
        .map((r) => r.index);
    assert.deepEqual(failed(log), [1]);
    const { accuracyLog: fresh } = await buildAccuracyLog(store, assessed, 'out/fresh');
    assert.deepEqual(failed(AccuracyLog.parse(await store.readJson(fresh))), []);
  });
});
