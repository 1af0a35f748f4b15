import { spawn } from 'node:child_process';
import { appendFile, mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { JobSpec } from '../../schemas/job.js';
import type { JobBackend, JobHandle, JobStatus } from './backend.js';

/** A submission lock older than this with no handle means the submitter died mid-spawn. */
const STALE_LOCK_MS = 30_000;

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

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
  const root = resolve(opts.workdir);

  async function attach(dir: string): Promise<JobHandle | undefined> {
    const text = await readIfExists(join(dir, 'handle.json'));
    return text === undefined ? undefined : (JSON.parse(text) as JobHandle);
  }

  return {
    kind: 'local',
    jobDir: (name) => join(root, name),
    find: (name) => attach(join(root, name)),

    async submit(spec: JobSpec, command: string[]) {
      const dir = join(root, spec.name);
      await mkdir(dir, { recursive: true });
      const existing = await attach(dir);
      if (existing) {
        const { state } = await this.status(existing);
        if (state !== 'failed' && state !== 'cancelled') return { handle: existing, attached: true };
        // A failed job is kept for its logs; the new submission gets a fresh folder.
        await rename(dir, `${dir}.${state}-${Date.now()}`);
        await mkdir(dir, { recursive: true });
      }

      const lockPath = join(dir, 'submit.lock');
      try {
        await (await open(lockPath, 'wx')).close();
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const age = Date.now() - (await stat(lockPath)).mtimeMs;
        const raced = await attach(dir);
        if (raced) return { handle: raced, attached: true };
        if (age < STALE_LOCK_MS) throw new Error(`job ${spec.name} is being submitted by another attempt`);
        await rm(lockPath, { force: true });
        return this.submit(spec, command);
      }

      await writeFile(join(dir, 'spec.json'), JSON.stringify(spec, null, 2));
      const wrapper =
        '"$@" >stdout.log 2>stderr.log; code=$?; date -u +%FT%TZ >finished_at; echo $code >exit_code.tmp; mv exit_code.tmp exit_code';
      const child = spawn('sh', ['-c', wrapper, 'drill-job', ...command, join(dir, 'spec.json')], {
        cwd: dir,
        detached: true,
        stdio: 'ignore',
        env: { ...process.env, ...opts.env, DRILL_JOB_CWD: opts.cwd ?? process.cwd() },
      });
      if (child.pid === undefined)
        throw new Error(`could not start job ${spec.name}: ${command[0]} did not spawn`);
      child.unref();
      // Logged before the handle is written: a worker killed between the two leaves a job that a
      // retry attaches to, and the log must still show that it was started.
      await appendFile(
        join(root, 'submissions.log'),
        `${new Date().toISOString()} ${spec.name} pid=${child.pid}\n`,
      );
      const handle: JobHandle = { name: spec.name, backend: 'local', dir, id: String(child.pid) };
      await writeFile(join(dir, 'handle.json'), JSON.stringify(handle));
      return { handle, attached: false };
    },

    async status(handle: JobHandle): Promise<JobStatus> {
      const code = await readIfExists(join(handle.dir, 'exit_code'));
      if (code !== undefined) {
        const exitCode = Number(code.trim());
        if (await readIfExists(join(handle.dir, 'cancelled'))) return { state: 'cancelled', exitCode };
        return exitCode === 0 ? { state: 'succeeded', exitCode } : { state: 'failed', exitCode };
      }
      if (alive(Number(handle.id))) return { state: 'running' };
      // A cancelled job's wrapper is killed with it, so no exit status is written.
      if (await readIfExists(join(handle.dir, 'cancelled'))) return { state: 'cancelled' };
      return {
        state: 'failed',
        message: 'the job process is gone without an exit status (killed or machine restarted)',
      };
    },

    async cancel(handle: JobHandle) {
      await writeFile(join(handle.dir, 'cancelled'), new Date().toISOString());
      try {
        process.kill(-Number(handle.id), 'SIGTERM');
      } catch {
        // already gone
      }
    },

    async logs(handle: JobHandle, lines = 20) {
      const parts: string[] = [];
      for (const f of ['stdout.log', 'stderr.log']) {
        const text = await readIfExists(join(handle.dir, f));
        if (text) parts.push(`--- ${f}\n${text.split('\n').slice(-lines).join('\n')}`);
      }
      return parts.join('\n');
    },
  };
}
