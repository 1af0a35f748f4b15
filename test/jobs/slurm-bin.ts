import { chmod, mkdir, mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';

/**
 * A bin folder for the Slurm backend's `binDir`: the real squeue/scontrol/scancel/sinfo, and an
 * sbatch that logs each call's --job-name before running the real one, so tests count actual
 * sbatch invocations (not what the backend says it did).
 */
export interface CountingSlurmBin {
  binDir: string;
  sbatchCalls(name: string): Promise<number>;
  /** --job-name of every sbatch call, in order. */
  submitted(): Promise<string[]>;
}

export async function countingSlurmBin(): Promise<CountingSlurmBin> {
  const binDir = await mkdtemp(join(tmpdir(), 'drill-slurm-bin-'));
  await mkdir(binDir, { recursive: true });
  const which = (cmd: string) => execFileSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).trim();
  for (const cmd of ['squeue', 'scontrol', 'scancel', 'sinfo']) await symlink(which(cmd), join(binDir, cmd));
  const log = join(binDir, 'sbatch.log');
  await writeFile(
    join(binDir, 'sbatch'),
    `#!/bin/sh\nfor a in "$@"; do case "$a" in --job-name=*) echo "\${a#--job-name=}" >>'${log}';; esac; done\nexec '${which('sbatch')}' "$@"\n`,
  );
  await chmod(join(binDir, 'sbatch'), 0o755);
  const submitted = async (): Promise<string[]> =>
    (await readFile(log, 'utf8').catch(() => '')).split('\n').filter(Boolean);
  return {
    binDir,
    submitted,
    sbatchCalls: async (name) => (await submitted()).filter((l) => l === name).length,
  };
}
