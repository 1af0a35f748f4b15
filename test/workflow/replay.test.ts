import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { it } from 'node:test';
import * as workflows from '../../workflows/index.js';
import { HISTORIES_DIR, sharedBundle } from './harness.js';

/**
 * Recorded histories of a real run (parent and every stage type) must replay on the current
 * workflow code: a change that would break running workflows fails here, not in production.
 */
void it('replays recorded histories of every workflow type without non-determinism', async () => {
  const files = (await readdir(HISTORIES_DIR)).filter((f) => f.endsWith('.json')).sort();
  const types = files.map((f) => f.replace(/\.json$/, ''));
  assert.deepEqual(types, Object.keys(workflows).sort(), 'one recorded history per workflow type');
  const histories = await Promise.all(
    files.map(async (f) => {
      const saved = JSON.parse(await readFile(join(HISTORIES_DIR, f), 'utf8')) as {
        workflowId: string;
        history: unknown;
      };
      return { workflowId: saved.workflowId, history: historyFromJSON(saved.history) };
    }),
  );
  const bundle = await sharedBundle();
  let replayed = 0;
  for await (const result of Worker.runReplayHistories({ workflowBundle: bundle }, histories)) {
    assert.equal(result.error, undefined, `${result.workflowId}: ${result.error?.message}`);
    replayed++;
  }
  assert.equal(replayed, files.length);
});
