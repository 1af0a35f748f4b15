import { WorkflowFailedError } from '@temporalio/client';
import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { startRun } from '../../cli/run.js';
import { FAILURE_TYPES } from '../../contract/failures.js';
import { taskQueues } from '../../contract/queues.js';
import { createHarness, rootFailure, type Harness } from './harness.js';

void describe('bad input started straight through Temporal', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness('badinput');
    await h.startWorkers();
  });
  after(() => h?.close());

  void it('fails at once, non-retryable, naming every bad config field', async () => {
    const good = await h.config();
    const bad = {
      ...good,
      runId: 'Not A Slug',
      roles: { ...good.roles, judges: ['judge', 'nobody'] },
      stages: { ...good.stages, difficulty: { ...good.stages.difficulty, band: [0.9, 0.1] } },
    };
    const started = Date.now();
    const handle = await h.client.workflow.start('trainingLoop', {
      taskQueue: taskQueues(h.settings.queuePrefix).orchestration,
      workflowId: `badinput-config-${started}`,
      args: [{ config: bad }],
    });
    const err = await handle.result().then(
      () => assert.fail('the run should fail'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof WorkflowFailedError);
    const { message, type } = rootFailure(err);
    assert.equal(type, FAILURE_TYPES.invalidConfig);
    for (const path of ['runId', 'roles.judges[1]', 'stages.difficulty.band'])
      assert.match(message, new RegExp(path.replace(/[[\].]/g, '\\$&')));
    assert.ok(Date.now() - started < 15_000, 'failed without retrying');
    const history = await handle.fetchHistory();
    assert.ok(!history.events?.some((e) => e.activityTaskScheduledEventAttributes), 'no activity ran');
  });

  void it('refuses a run started under a workflow ID other than its runId', async () => {
    const config = await h.config();
    const handle = await h.client.workflow.start('trainingLoop', {
      taskQueue: taskQueues(h.settings.queuePrefix).orchestration,
      workflowId: `${config.runId}-elsewhere`,
      args: [{ config }],
    });
    const err = await handle.result().then(
      () => assert.fail('the run should fail'),
      (e: unknown) => e,
    );
    const { message, type } = rootFailure(err);
    assert.equal(type, FAILURE_TYPES.invalidConfig);
    assert.match(message, new RegExp(`--workflow-id ${config.runId}`));
  });

  void it('names the dataset line that is bad and writes no stage output', async () => {
    const config = await h.config();
    const path = join(h.dir, 'bad-train.jsonl');
    await writeFile(path, '{"problem": "1+1?", "answer": "2", "subject": "Algebra"}\n{"problem": "2+2?"}\n');
    const handle = await startRun(
      h.client,
      {
        ...config,
        runId: `${config.runId}-data`,
        data: { ...config.data, trainSet: pathToFileURL(path).href },
      },
      h.settings.queuePrefix,
    );
    const err = await handle.result().then(
      () => assert.fail('the run should fail'),
      (e: unknown) => e,
    );
    const { message, type } = rootFailure(err);
    assert.equal(type, FAILURE_TYPES.invalidData);
    assert.match(message, /bad-train\.jsonl line 2/);
    assert.match(message, /answer/);
    const cache: string[] = await readdir(join(h.dir, 'store', 'cache')).catch(() => []);
    assert.ok(!cache.includes('ingest'), 'the bad dataset left no ingest output');
  });
});
