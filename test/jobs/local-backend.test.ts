import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalBackend } from '../../activities/jobs/local.js';
import { readIfExists } from '../../activities/jobs/job-folders.js';
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
