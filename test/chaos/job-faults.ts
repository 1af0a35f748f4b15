import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * Faults on the local backend's training jobs (activities/jobs/local.ts): each job is a shell
 * wrapper (its own process group, pid in handle.json) running the trainer as its child.
 */
const run = promisify(execFile);

export const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Jobs whose process is running and has recorded no exit status yet, in submission order. */
export async function runningJobs(jobsDir: string): Promise<{ name: string; pid: number }[]> {
  if (!existsSync(join(jobsDir, 'submissions.log'))) return [];
  // A line being appended (or left by a worker killed mid-append) may not have its name yet.
  const names = (await readFile(join(jobsDir, 'submissions.log'), 'utf8'))
    .split('\n')
    .map((l) => l.split(' ')[1])
    .filter((name): name is string => name !== undefined && name !== '');
  const running = [];
  for (const name of new Set(names)) {
    const dir = join(jobsDir, name);
    if (!existsSync(join(dir, 'handle.json')) || existsSync(join(dir, 'exit_code'))) continue;
    const { id } = JSON.parse(await readFile(join(dir, 'handle.json'), 'utf8')) as { id: string };
    // Started (the wrapper writes started_at before it runs the trainer) and not stopped: a
    // cancelled job's wrapper dies with it and records no exit status.
    if (existsSync(join(dir, 'started_at')) && alive(Number(id))) running.push({ name, pid: Number(id) });
  }
  return running;
}

/** The job's node is lost: its whole process group dies at once and records no exit status. */
export function loseJob(pid: number): void {
  process.kill(-pid, 'SIGKILL');
}

/** The scheduler preempts the job: SIGTERM to the trainer, which reports `kind=preempted` and exits. */
export async function preemptJob(pid: number): Promise<boolean> {
  const { stdout } = await run('pgrep', ['-P', String(pid)]).catch(() => ({ stdout: '' }));
  const children = stdout.split('\n').filter(Boolean).map(Number);
  // Like a scheduler's grace period: the trainer has loaded and set up its handler by then.
  await new Promise((r) => setTimeout(r, 1_500));
  const signalled = children.filter(alive);
  for (const child of signalled) process.kill(child, 'SIGTERM');
  return signalled.length > 0;
}

/**
 * Submissions beyond one per job name that no failed or cancelled attempt explains: a job whose
 * attempt failed is moved aside (`<name>.failed-<ms>`, `<name>.cancelled-<ms>`) and submitted
 * again, which is wanted; any other second submission pays for the same training twice.
 */
export async function duplicateSubmissions(jobsDir: string): Promise<number> {
  if (!existsSync(join(jobsDir, 'submissions.log'))) return 0;
  const submitted = new Map<string, number>();
  for (const line of (await readFile(join(jobsDir, 'submissions.log'), 'utf8')).trim().split('\n')) {
    const name = line.split(' ')[1]!;
    submitted.set(name, (submitted.get(name) ?? 0) + 1);
  }
  const entries = await readdir(jobsDir);
  let duplicates = 0;
  for (const [name, n] of submitted) {
    const retried = entries.filter(
      (e) => /^\.(failed|cancelled)-\d+$/.test(e.slice(name.length)) && e.startsWith(name),
    );
    duplicates += Math.max(0, n - 1 - retried.length);
  }
  return duplicates;
}
