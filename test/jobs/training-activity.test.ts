import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import pino from 'pino';
import { createTrainingActivities } from '../../activities/jobs/training.js';
import { createLocalBackend } from '../../activities/jobs/local.js';
import { createStore } from '../../activities/storage/index.js';
import { JobsConfig, type StoreConfig } from '../../schemas/config.js';
import { FAILURE_TYPES } from '../../contract/failures.js';

// A job can end with exit 0 and no checkpoint (a trainer that exits 0 when it is stopped): that is
// a failed job, said once, not a succeeded one whose missing checkpoint is retried for ever.
void it('a training job that exits 0 without publishing checkpoint.json fails, not retried', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'drill-train-'));
  try {
    const store: StoreConfig = { kind: 'file', root: join(dir, 'store') };
    const jobs = JobsConfig.parse({
      backend: { kind: 'local', workdir: join(dir, 'jobs') },
      trainer: { kind: 'command', argv: ['true'] },
      pollSeconds: 0.2,
    });
    const acts = createTrainingActivities({
      storeFor: (c) => createStore(c),
      backendFor: () => createLocalBackend({ workdir: join(dir, 'jobs') }),
      env: process.env,
      clock: () => new Date(),
      logger: pino({ level: 'silent' }),
    });
    const input = {
      runId: 'run',
      stage: 'r0-sft',
      kind: 'sft' as const,
      base: { name: 'base', weightsUri: 'base', parent: null, stage: 'base', simulated: true },
      inputs: {},
      hyperparams: {},
      seed: 0,
      store,
      jobs,
    };
    await assert.rejects(new MockActivityEnvironment().run(acts.runTrainingJob, input), (err) => {
      assert.ok(err instanceof ApplicationFailure, String(err));
      assert.equal(err.type, FAILURE_TYPES.trainingJobFailed);
      assert.equal(err.nonRetryable, true);
      assert.match(err.message, /exited 0 but published no checkpoint\.json/);
      return true;
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
