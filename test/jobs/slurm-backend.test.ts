import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSlurmBackend } from '../../activities/jobs/slurm.js';
import { countingSlurmBin } from './slurm-bin.js';
import { backendConformance } from './suite.js';

// Against the one-node Slurm cluster infra/slurm.sh starts (partition `gpu`, 8 GPUs on the node).
backendConformance('slurm', async () => {
  const workdir = await mkdtemp(join(tmpdir(), 'drill-slurm-jobs-'));
  const bin = await countingSlurmBin();
  const config = { kind: 'slurm' as const, workdir, partition: 'gpu', binDir: bin.binDir };
  return {
    backend: () => createSlurmBackend(config),
    submissions: (name) => bin.sbatchCalls(name),
    refusals: [
      { spec: { resources: { nodes: 1, gpusPerNode: 16 } }, field: 'resources.gpusPerNode' },
      { spec: { resources: { nodes: 4, gpusPerNode: 1 } }, field: 'resources.nodes' },
      {
        spec: {},
        field: 'jobs.backend.partition',
        backend: createSlurmBackend({ ...config, partition: 'no-such-partition' }),
      },
    ],
    settleSeconds: 2,
    close: () => rm(workdir, { recursive: true, force: true }),
  };
});
