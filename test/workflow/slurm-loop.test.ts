import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { countingSlurmBin } from '../jobs/slurm-bin.js';
import { clusterLoopTests } from './cluster-loop.js';

const run = promisify(execFile);
const bin = await countingSlurmBin();

// Against the one-node Slurm cluster infra/slurm.sh starts; sbatch calls counted by a wrapper.
clusterLoopTests('slurm', {
  backend: async (dir) => ({
    kind: 'slurm',
    workdir: join(dir, 'slurm-jobs'),
    partition: 'gpu',
    binDir: bin.binDir,
  }),
  submitted: () => bin.submitted(),
  async clusterState(name) {
    const { stdout } = await run('squeue', ['--noheader', '--states=all', `--name=${name}`, '--format=%T']);
    return stdout.trim().split('\n').filter(Boolean).at(-1);
  },
  running: 'RUNNING',
  cancelled: 'CANCELLED',
});
