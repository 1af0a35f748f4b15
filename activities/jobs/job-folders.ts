import { appendFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import lockfile from 'proper-lockfile';
import type { JobHandle, JobStatus } from './backend.js';

/**
 * The claim lock of a job name. Its holder refreshes it every 15 s, so a slow sbatch keeps it; one
 * not refreshed for STALE_LOCK_MS means the submitter died mid-submit and is taken over. A claimer
 * waits about 4 s for it (the activity does not heartbeat meanwhile, and its heartbeat timeout is
 * 10 s at least), then fails, to be retried by Temporal like any failed attempt.
 */
const STALE_LOCK_MS = 30_000;
const CLAIM_LOCK = {
  realpath: false,
  stale: STALE_LOCK_MS,
  retries: { retries: 10, minTimeout: 100, maxTimeout: 500 },
} as const;

export async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * One folder per job name under a root the worker and the job both see (the local disk, or a
 * cluster's shared filesystem): spec.json, handle.json, stdout.log / stderr.log, and the outcome
 * the job's wrapper records itself — started_at, finished_at, exit_code — so it is known even
 * when the scheduler has forgotten the job and no worker was there to see it end.
 * `submissions.log` in the root gets one line per job started, for audits and tests.
 */
export function jobFolders(workdir: string) {
  const root = resolve(workdir);
  const dir = (name: string) => join(root, name);
  const file = (name: string, f: string) => join(root, name, f);

  async function handle(name: string): Promise<JobHandle | undefined> {
    const text = await readIfExists(file(name, 'handle.json'));
    return text === undefined ? undefined : (JSON.parse(text) as JobHandle);
  }

  return {
    root,
    dir,
    handle,
    async saveHandle(h: JobHandle): Promise<void> {
      await writeFile(file(h.name, 'handle.json'), JSON.stringify(h));
    },

    /**
     * Attaches to the job of this name or starts it, once: a live or succeeded job is attached
     * to; a failed or cancelled one is moved aside (kept for its logs) and a fresh one started.
     * The whole check-then-start holds a lock on the name (outside the folder, which the check
     * may move aside): two claimers that both saw the same failed job would otherwise each move
     * the folder aside — the second one moving the first one's fresh job — and start two jobs.
     */
    async claim(
      name: string,
      specJson: string,
      /** The backend's status: a failed or cancelled job is kept for its logs and submitted anew. */
      status: (h: JobHandle) => Promise<JobStatus>,
      start: () => Promise<JobHandle>,
      discover: () => Promise<JobHandle | undefined> = async () => undefined,
    ): Promise<{ handle: JobHandle; attached: boolean }> {
      await mkdir(root, { recursive: true });
      const release = await lockfile
        .lock(dir(name), {
          ...CLAIM_LOCK,
          lockfilePath: join(root, `.${name}.claim`),
          // A lock lost while held (its refresh failed for longer than `stale`) fails this claim
          // when it releases; the default would throw from a timer and end the worker.
          onCompromised: () => undefined,
        })
        .catch((err: NodeJS.ErrnoException) => {
          if (err.code !== 'ELOCKED') throw err;
          throw new Error(`job ${name} is being submitted by another attempt`);
        });
      try {
        await mkdir(dir(name), { recursive: true });
        const existing = (await handle(name)) ?? (await discover());
        if (existing) {
          const { state } = await status(existing);
          if (state !== 'failed' && state !== 'cancelled') return { handle: existing, attached: true };
          await rename(dir(name), `${dir(name)}.${state}-${Date.now()}`);
          await mkdir(dir(name), { recursive: true });
        }
        await writeFile(file(name, 'spec.json'), specJson);
        const started = await start();
        // Logged before the handle is written: a worker killed between the two leaves a job that a
        // retry attaches to, and the log must still show that it was started.
        await appendFile(
          join(root, 'submissions.log'),
          `${new Date().toISOString()} ${name} id=${started.id}\n`,
        );
        await writeFile(file(name, 'handle.json'), JSON.stringify(started));
        return { handle: started, attached: false };
      } finally {
        await release();
      }
    },

    /**
     * The outcome the job's wrapper recorded, if it got to record one. Exit 0 stands even when a
     * cancel was requested: the cancel's signal stops the wrapper with its job, so a recorded exit
     * status means the job ended on its own first, and a trainer exits 0 only after publishing its
     * checkpoint (checkpoint.json last). A cancel that arrived too late must not make a finished
     * checkpoint look cancelled, which the next claim would train again. Any other ending after a
     * cancel request is the cancel's doing: cancelled.
     */
    async recorded(name: string): Promise<JobStatus | undefined> {
      const code = await readIfExists(file(name, 'exit_code'));
      const cancelled = (await readIfExists(file(name, 'cancelled'))) !== undefined;
      const elapsedSeconds = await this.elapsed(name);
      if (code === undefined) return cancelled ? { state: 'cancelled', elapsedSeconds } : undefined;
      const exitCode = Number(code.trim());
      if (exitCode === 0) return { state: 'succeeded', exitCode, elapsedSeconds };
      return { state: cancelled ? 'cancelled' : 'failed', exitCode, elapsedSeconds };
    },

    /** Wall time from the wrapper's own timestamps: start until exit (or until now while running). */
    async elapsed(name: string): Promise<number | undefined> {
      const started = await readIfExists(file(name, 'started_at'));
      if (started === undefined) return undefined;
      const finished = await readIfExists(file(name, 'finished_at'));
      const end = finished === undefined ? Date.now() : Date.parse(finished.trim());
      return Math.max(0, (end - Date.parse(started.trim())) / 1000);
    },

    /**
     * Records a cancel request; false, recording nothing, when the job has already ended: it keeps
     * its outcome, and nothing is left to stop (its pid may belong to another process by now).
     */
    async markCancelled(name: string): Promise<boolean> {
      if ((await this.recorded(name))?.exitCode !== undefined) return false;
      await writeFile(file(name, 'cancelled'), new Date().toISOString());
      return true;
    },

    async logs(name: string, lines: number): Promise<string> {
      const parts: string[] = [];
      for (const f of ['stdout.log', 'stderr.log']) {
        const text = await readIfExists(file(name, f));
        if (text) parts.push(`--- ${f}\n${text.trimEnd().split('\n').slice(-lines).join('\n')}`);
      }
      return parts.join('\n');
    },
  };
}
