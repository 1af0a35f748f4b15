import { spawn } from 'node:child_process';
import type { JobSpec } from '../../schemas/job.js';
import { JobRefused, type JobBackend, type JobHandle, type JobStatus } from './backend.js';
import { jobFolders } from './job-folders.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Records start time, output, end time and exit status in the job's folder (see job-folders.ts). */
const WRAPPER =
  'date -u +%FT%T.%3NZ >started_at; "$@" >stdout.log 2>stderr.log; code=$?; date -u +%FT%T.%3NZ >finished_at; echo $code >exit_code.tmp; mv exit_code.tmp exit_code';

/**
 * Jobs as local processes. Each job runs detached in its own session, so it outlives the worker
 * that started it; a shell wrapper writes the exit status next to the logs, so the outcome is
 * known even when no process of ours was there to see it end.
 */
export function createLocalBackend(opts: {
  workdir: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}): JobBackend {
  const folders = jobFolders(opts.workdir);

  async function status(handle: JobHandle): Promise<JobStatus> {
    const recorded = await folders.recorded(handle.name);
    if (recorded) return recorded;
    const elapsedSeconds = await folders.elapsed(handle.name);
    if (alive(Number(handle.id))) return { state: 'running', elapsedSeconds };
    // The job may have written its exit status and ended between the first read and the check.
    const endedMeanwhile = await folders.recorded(handle.name);
    if (endedMeanwhile) return endedMeanwhile;
    return {
      state: 'failed',
      message: 'the job process is gone without an exit status (killed or machine restarted)',
      elapsedSeconds,
      retryable: true,
    };
  }

  return {
    kind: 'local',
    find: (name) => folders.handle(name),
    status,

    async submit(spec: JobSpec, command: string[]) {
      if (spec.resources.nodes > 1) {
        throw new JobRefused(
          'resources.nodes',
          `the local backend runs jobs on one node, not ${spec.resources.nodes}`,
        );
      }
      const dir = folders.dir(spec.name);
      return folders.claim(spec.name, JSON.stringify(spec, null, 2), status, async () => {
        const child = spawn('sh', ['-c', WRAPPER, 'drill-job', ...command, `${dir}/spec.json`], {
          cwd: dir,
          detached: true,
          stdio: 'ignore',
          env: { ...process.env, ...opts.env, DRILL_JOB_CWD: opts.cwd ?? process.cwd() },
        });
        if (child.pid === undefined)
          throw new Error(`could not start job ${spec.name}: ${command[0]} did not spawn`);
        child.unref();
        return { name: spec.name, backend: 'local', id: String(child.pid) };
      });
    },

    async cancel(handle: JobHandle) {
      if (!(await folders.markCancelled(handle.name))) return;
      try {
        process.kill(-Number(handle.id), 'SIGTERM');
      } catch {
        // already gone
      }
    },

    logs: (handle, lines = 20) => folders.logs(handle.name, lines),
  };
}
