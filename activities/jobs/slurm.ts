import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { JobSpec } from '../../schemas/job.js';
import type { SlurmBackendConfig } from '../../schemas/jobs-config.js';
import { JobRefused, type JobBackend, type JobHandle, type JobStatus } from './backend.js';
import { jobFolders, readIfExists } from './job-folders.js';

const run = promisify(execFile);
const JOB_SCRIPT = fileURLToPath(new URL('./slurm-job.sh', import.meta.url));

/** Slurm job states → ours; the scheduler's own failures (node, preemption, OOM) are retryable. */
const STATES: Record<string, JobStatus['state']> = {
  PENDING: 'pending',
  CONFIGURING: 'pending',
  REQUEUED: 'pending',
  REQUEUE_FED: 'pending',
  REQUEUE_HOLD: 'pending',
  RESV_DEL_HOLD: 'pending',
  SUSPENDED: 'pending',
  RUNNING: 'running',
  COMPLETING: 'running',
  STAGE_OUT: 'running',
  SIGNALING: 'running',
  RESIZING: 'running',
  COMPLETED: 'succeeded',
  CANCELLED: 'cancelled',
};
const RETRYABLE_STATES = new Set(['NODE_FAIL', 'PREEMPTED', 'OUT_OF_MEMORY', 'BOOT_FAIL']);

/** sbatch refusals → the config field to fix. Order matters: the first match names the field. */
const REFUSALS: [RegExp, string][] = [
  [/invalid partition/i, 'jobs.backend.partition'],
  [/invalid account|account.*(not valid|invalid)/i, 'jobs.backend.account'],
  [/invalid qos/i, 'jobs.backend.qos'],
  [/invalid feature|constraint/i, 'jobs.backend.constraint'],
  [/time limit/i, 'jobs.backend.timeLimit'],
  [/memory/i, 'jobs.backend.memory'],
  [/generic resource|gres|gpu/i, 'resources.gpusPerNode'],
  [/node count|too many nodes/i, 'resources.nodes'],
];

/**
 * Jobs on a Slurm cluster through its commands: `sbatch --parsable` of a fixed job script with the
 * trainer command as arguments, `squeue`/`scontrol` for state, `scancel`. The job's name is the
 * spec's deterministic name, so a worker that crashed between sbatch and writing the handle
 * finds its job again by name (squeue) or by the id the script recorded in the job folder.
 */
export function createSlurmBackend(
  config: SlurmBackendConfig,
  env: NodeJS.ProcessEnv = process.env,
): JobBackend {
  const folders = jobFolders(config.workdir);
  const bin = (name: string) => (config.binDir ? join(config.binDir, name) : name);
  const slurm = async (cmd: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}) =>
    (await run(bin(cmd), args, { env: { ...env, ...extraEnv }, maxBuffer: 16 << 20 })).stdout;

  async function discover(name: string): Promise<JobHandle | undefined> {
    const ids = (await slurm('squeue', ['--noheader', '--states=all', `--name=${name}`, '--format=%i']))
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    const recorded = (await readIfExists(join(folders.dir(name), 'job_id')))?.trim();
    const id = ids.length > 0 ? ids.sort((a, b) => Number(b) - Number(a))[0] : recorded;
    if (!id) return undefined;
    const handle = { name, backend: 'slurm', id };
    await folders.saveHandle(handle);
    return handle;
  }

  /** `scontrol show job` as key → value, or undefined once Slurm has forgotten the job. */
  async function scontrol(id: string): Promise<Record<string, string> | undefined> {
    try {
      const out = await slurm('scontrol', ['show', 'job', '--oneliner', id]);
      return Object.fromEntries(
        out
          .trim()
          .split(/\s+/)
          .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
      );
    } catch (err) {
      if (/invalid job id/i.test(String((err as { stderr?: string }).stderr))) return undefined;
      throw err;
    }
  }

  async function status(handle: JobHandle): Promise<JobStatus> {
    const first = await folders.recorded(handle.name);
    if (first && first.state !== 'cancelled') return first;
    const job = await scontrol(handle.id);
    // A job writes its exit status before it ends, perhaps after the first read: read it again
    // once Slurm has answered, so the job's own record decides (job-folders.ts).
    const recorded = (await folders.recorded(handle.name)) ?? first;
    if (recorded && recorded.state !== 'cancelled') return recorded;
    const elapsedSeconds = await folders.elapsed(handle.name);
    if (job === undefined) {
      return (
        recorded ?? {
          state: 'failed',
          message: `Slurm no longer knows job ${handle.id} and it recorded no exit status`,
          elapsedSeconds,
          retryable: true,
        }
      );
    }
    const slurmState = job.JobState ?? 'UNKNOWN';
    const exitCode = Number((job.ExitCode ?? '').split(':')[0]);
    const state = recorded?.state ?? STATES[slurmState] ?? 'failed';
    return {
      state,
      exitCode:
        Number.isFinite(exitCode) && state !== 'running' && state !== 'pending' ? exitCode : undefined,
      message:
        state === 'failed' || state === 'pending'
          ? `Slurm ${slurmState} (${job.Reason ?? 'no reason'})`
          : undefined,
      elapsedSeconds,
      retryable: RETRYABLE_STATES.has(slurmState),
    };
  }

  /**
   * Refuses what the partition can never run, before sbatch: Slurm would otherwise accept a job
   * wanting more nodes than the partition has and leave it pending forever.
   */
  async function checkResources(spec: JobSpec): Promise<void> {
    const rows = (await slurm('sinfo', ['--noheader', '--format=%P|%G|%D']))
      .trim()
      .split('\n')
      .map((r) => r.split('|'))
      .filter(([p]) => (config.partition ? p?.replace(/\*$/, '') === config.partition : p?.endsWith('*')));
    if (rows.length === 0) {
      throw new JobRefused(
        config.partition ? 'jobs.backend.partition' : 'jobs.backend',
        config.partition
          ? `no partition ${config.partition} on this cluster`
          : 'the cluster has no default partition',
      );
    }
    const gpus = Math.max(
      0,
      ...rows.map(([, g]) => Number(/gpu(?::[^:,(]+)?:(\d+)/.exec(g ?? '')?.[1] ?? 0)),
    );
    const nodes = rows.reduce((n, [, , d]) => n + Number(d ?? 0), 0);
    const where = `partition ${config.partition ?? rows[0]![0]!.replace(/\*$/, '')}`;
    if (spec.resources.gpusPerNode > gpus) {
      throw new JobRefused(
        'resources.gpusPerNode',
        `${spec.resources.gpusPerNode} GPUs per node requested; nodes of ${where} have at most ${gpus}`,
      );
    }
    if (spec.resources.nodes > nodes) {
      throw new JobRefused(
        'resources.nodes',
        `${spec.resources.nodes} nodes requested; ${where} has ${nodes}`,
      );
    }
  }

  async function sbatch(spec: JobSpec, command: string[]): Promise<JobHandle> {
    const dir = folders.dir(spec.name);
    const { nodes, gpusPerNode } = spec.resources;
    const options = [
      '--parsable',
      `--job-name=${spec.name}`,
      `--chdir=${dir}`,
      `--output=${join(dir, 'stdout.log')}`,
      `--error=${join(dir, 'stderr.log')}`,
      '--open-mode=append',
      `--nodes=${nodes}`,
      '--ntasks-per-node=1',
      ...(gpusPerNode > 0 ? [`--gpus-per-node=${gpusPerNode}`] : []),
      ...(config.partition ? [`--partition=${config.partition}`] : []),
      ...(config.account ? [`--account=${config.account}`] : []),
      ...(config.qos ? [`--qos=${config.qos}`] : []),
      ...(config.timeLimit ? [`--time=${config.timeLimit}`] : []),
      ...(config.cpusPerTask ? [`--cpus-per-task=${config.cpusPerTask}`] : []),
      ...(config.memory ? [`--mem=${config.memory}`] : []),
      ...(config.constraint ? [`--constraint=${config.constraint}`] : []),
    ];
    let out: string;
    try {
      // The worker's environment (store credentials under their configured names) goes with the job.
      out = await slurm('sbatch', [...options, JOB_SCRIPT, ...command, join(dir, 'spec.json')], {
        DRILL_CONTAINER_IMAGE: config.containerImage ?? '',
      });
    } catch (err) {
      const stderr = String((err as { stderr?: string }).stderr ?? (err as Error).message).trim();
      if (/not available/i.test(stderr)) {
        throw new JobRefused('jobs.backend (cpusPerTask, memory or constraint)', `sbatch: ${stderr}`);
      }
      const refusal = REFUSALS.find(([re]) => re.test(stderr));
      if (refusal) throw new JobRefused(refusal[1], `sbatch: ${stderr}`);
      throw new Error(`sbatch failed for job ${spec.name}: ${stderr}`);
    }
    const id = out.trim().split(';')[0];
    if (!id || !/^\d+$/.test(id)) throw new Error(`sbatch printed no job id for ${spec.name}: ${out}`);
    return { name: spec.name, backend: 'slurm', id };
  }

  return {
    kind: 'slurm',
    find: async (name) => (await folders.handle(name)) ?? discover(name),
    status,

    async submit(spec, command) {
      await checkResources(spec);
      return folders.claim(
        spec.name,
        JSON.stringify(spec, null, 2),
        status,
        () => sbatch(spec, command),
        () => discover(spec.name),
      );
    },

    async cancel(handle) {
      if (!(await folders.markCancelled(handle.name))) return;
      await slurm('scancel', [handle.id]);
    },

    logs: (handle, lines = 20) => folders.logs(handle.name, lines),
  };
}
