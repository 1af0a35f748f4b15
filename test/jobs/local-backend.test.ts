import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { createLocalBackend } from '../../activities/jobs/local.js';
import { readIfExists } from '../../activities/jobs/job-folders.js';
import { testSpec } from './spec.js';
import { backendConformance } from './suite.js';

backendConformance('local', async () => {
  const workdir = await mkdtemp(join(tmpdir(), 'drill-jobs-'));
  return {
    backend: () => createLocalBackend({ workdir }),
    async submissions(name) {
      const log = (await readIfExists(join(workdir, 'submissions.log'))) ?? '';
      return log.split('\n').filter((l) => l.split(' ')[1] === name).length;
    },
    refusals: [{ spec: { resources: { nodes: 2, gpusPerNode: 1 } }, field: 'resources.nodes' }],
    settleSeconds: 1,
    close: () => rm(workdir, { recursive: true, force: true }),
  };
});

// A job that ends between the read of its exit status and the liveness check was once reported
// failed without an exit code (CI, stop 17). Polling short jobs without pause hits that window.
void it('a job that ends while it is polled is reported with its exit code, never as vanished', async () => {
  const workdir = await mkdtemp(join(tmpdir(), 'drill-jobs-race-'));
  try {
    const backend = createLocalBackend({ workdir });
    const outcomes: string[] = [];
    for (let i = 0; i < 30; i++) {
      const { handle } = await backend.submit(testSpec(`race-${i}`), ['sh', '-c', 'exit 3']);
      for (;;) {
        const s = await backend.status(handle);
        if (s.state === 'running') continue;
        outcomes.push(`${s.state}:${s.exitCode}`);
        break;
      }
    }
    assert.deepEqual(outcomes, Array<string>(30).fill('failed:3'));
  } finally {
    await rm(workdir, { recursive: true, force: true });
  }
});
