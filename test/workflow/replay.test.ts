import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { it } from 'node:test';
import * as workflows from '../../workflows/index.js';
import { HISTORIES_DIR, sharedBundle } from './harness.js';

/**
 * Recorded histories of real runs, one folder per released version (parent and every stage type
 * that version had), must all replay on the current workflow code: a run started on any kept
 * version can finish on a worker of this one. A change that would break them fails here, not in
 * production; see the README, "Deploying a new worker while runs are in flight".
 */
const versions = (await readdir(HISTORIES_DIR, { withFileTypes: true }))
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

void it('keeps the histories of at least one version, the newest with every workflow type', async () => {
  assert.ok(versions.length > 0, `no version folders in ${HISTORIES_DIR}`);
  // Versions sort by their numbers, not as strings (0.10.0 after 0.9.0).
  const newest = [...versions].sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).at(-1)!;
  const types = (await readdir(join(HISTORIES_DIR, newest))).map((f) => f.replace(/\.json$/, '')).sort();
  assert.deepEqual(types, Object.keys(workflows).sort(), `${newest}: one recorded history per workflow type`);
});

for (const version of versions) {
  void it(`replays every history recorded on ${version} without non-determinism`, async () => {
    const dir = join(HISTORIES_DIR, version);
    const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
    for (const f of files) {
      const type = f.replace(/\.json$/, '');
      assert.ok(
        type in workflows,
        `${version}/${f}: workflow type ${type} is gone, but its runs may be in flight`,
      );
    }
    const histories = await Promise.all(
      files.map(async (f) => {
        const saved = JSON.parse(await readFile(join(dir, f), 'utf8')) as {
          workflowId: string;
          history: unknown;
        };
        return { workflowId: saved.workflowId, history: historyFromJSON(saved.history) };
      }),
    );
    let replayed = 0;
    for await (const result of Worker.runReplayHistories(
      { workflowBundle: await sharedBundle() },
      histories,
    )) {
      assert.equal(result.error, undefined, `${version}: ${result.workflowId}: ${result.error?.message}`);
      replayed++;
    }
    assert.equal(replayed, files.length);
  });
}
