import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gpuHours, JobRefused, type JobBackend, type JobHandle } from '../../activities/jobs/backend.js';
import type { JobSpec, JobState } from '../../schemas/job.js';
import { testSpec } from './spec.js';

/** What a backend's test file provides to the shared behavioural suite. */
export interface BackendHarness {
  /** A backend instance; every call makes a new one, as a restarted worker would. */
  backend(): JobBackend;
  /** How many times the cluster was actually asked to start this job name (sbatch calls, Ray submissions…). */
  submissions(name: string): Promise<number>;
  /** Specs this backend must refuse (under its own settings, or the given ones), each with the field its error must name. */
  refusals: { spec: Partial<JobSpec>; field: string; backend?: JobBackend }[];
  /** Seconds a poll may take to see a state change (the scheduler's own latency). */
  settleSeconds: number;
  close(): Promise<void>;
}

/** Polls until the job reaches one of `states`; returns the status and how long that took. */
export async function waitFor(backend: JobBackend, handle: JobHandle, states: JobState[], timeoutS = 60) {
  const start = Date.now();
  for (;;) {
    const s = await backend.status(handle);
    if (states.includes(s.state)) return { ...s, waitedMs: Date.now() - start };
    if (Date.now() - start > timeoutS * 1000) {
      throw new Error(`job ${handle.name} is ${s.state}, not ${states.join('/')}, after ${timeoutS}s`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The same behaviour from every job backend: the cases run against real local processes, Slurm and Ray. */
export function backendConformance(name: string, setup: () => Promise<BackendHarness>): void {
  void describe(`${name} job backend (conformance)`, () => {
    let h: BackendHarness;
    let scratch: string;
    // Unique per test run: job names are cluster-wide on Slurm and Ray.
    const unique = `${Date.now().toString(36)}${process.pid}`;
    const jobName = (n: string) => `conf-${name}-${n}-${unique}`;
    before(async () => {
      h = await setup();
      scratch = await mkdtemp(join(tmpdir(), `drill-conf-${name}-`));
    });
    after(() => h?.close());

    void it('submits once by name: a second submit, even from a fresh backend, re-attaches', async () => {
      const spec = testSpec(jobName('once'));
      const marker = join(scratch, 'once.txt');
      // The spec path arrives as the last argument; the job prints the name in it.
      const cmd = [
        'sh',
        '-c',
        'echo started >> "$0"; sleep 3; grep -o "conf-[a-z]*-once-[a-z0-9]*" "$1" | head -n 1',
        marker,
      ];
      const first = await h.backend().submit(spec, cmd);
      assert.equal(first.attached, false);
      const again = await h.backend().submit(spec, cmd);
      assert.equal(again.attached, true);
      assert.deepEqual(again.handle, first.handle);
      const fresh = h.backend();
      assert.deepEqual(await fresh.find(spec.name), first.handle);
      const done = await waitFor(fresh, first.handle, ['succeeded', 'failed'], 90);
      assert.equal(done.state, 'succeeded', await fresh.logs(first.handle));
      assert.equal(done.exitCode, 0);
      assert.equal(await readFile(marker, 'utf8'), 'started\n', 'the command ran once');
      assert.equal(await h.submissions(spec.name), 1);
      assert.match(await fresh.logs(first.handle), new RegExp(spec.name));
      // Attaching to a finished job gives its outcome, not a new run.
      const late = await h.backend().submit(spec, cmd);
      assert.equal(late.attached, true);
      assert.equal(await h.submissions(spec.name), 1);
    });

    void it('accounts GPU-hours as nodes × GPUs × the wall time the backend measured', async () => {
      const spec = testSpec(jobName('hours'), { resources: { nodes: 1, gpusPerNode: 2 } });
      const { handle } = await h.backend().submit(spec, ['sh', '-c', 'sleep 2']);
      const done = await waitFor(h.backend(), handle, ['succeeded', 'failed'], 90);
      assert.equal(done.state, 'succeeded', await h.backend().logs(handle));
      const elapsed = done.elapsedSeconds ?? -1;
      assert.ok(elapsed >= 2 && elapsed < 2 + 30, `elapsed ${elapsed}s for a 2 s job`);
      assert.equal(gpuHours(spec, elapsed), (2 * elapsed) / 3600);
    });

    void it('reports a failure with its exit code and logs; a new submission starts afresh', async () => {
      const spec = testSpec(jobName('fail'));
      const { handle } = await h
        .backend()
        .submit(spec, ['sh', '-c', 'echo "DRILL_ERROR kind=oom boom" >&2; exit 3']);
      const failed = await waitFor(h.backend(), handle, ['failed', 'succeeded'], 90);
      assert.equal(failed.state, 'failed');
      assert.equal(failed.exitCode, 3);
      assert.match(await h.backend().logs(handle), /DRILL_ERROR kind=oom boom/);
      const retry = await h.backend().submit(spec, ['true']);
      assert.equal(retry.attached, false);
      assert.notEqual(retry.handle.id, handle.id);
      assert.equal(
        (await waitFor(h.backend(), retry.handle, ['succeeded', 'failed'], 90)).state,
        'succeeded',
      );
      assert.equal(await h.submissions(spec.name), 2);
    });

    void it('submitters racing after a failed job start one new job, and all attach to it', async () => {
      const spec = testSpec(jobName('race'));
      const { handle } = await h.backend().submit(spec, ['sh', '-c', 'exit 3']);
      assert.equal((await waitFor(h.backend(), handle, ['failed', 'succeeded'], 90)).state, 'failed');
      // Four workers (fresh backends) retry the same activity at once: each sees the failed job.
      const claims = await Promise.all(
        [1, 2, 3, 4].map(() => h.backend().submit(spec, ['sh', '-c', 'sleep 5'])),
      );
      assert.equal(claims.filter((c) => !c.attached).length, 1, JSON.stringify(claims));
      assert.equal(new Set(claims.map((c) => c.handle.id)).size, 1, JSON.stringify(claims));
      assert.equal(await h.submissions(spec.name), 2);
      await h.backend().cancel(claims[0]!.handle);
    });

    void it('a cancel that arrives after the job succeeded leaves it succeeded', async () => {
      const spec = testSpec(jobName('late-cancel'));
      const { handle } = await h.backend().submit(spec, ['true']);
      assert.equal((await waitFor(h.backend(), handle, ['succeeded', 'failed'], 90)).state, 'succeeded');
      // The activity was cancelled while the job was finishing: its cancel comes too late.
      await h.backend().cancel(handle);
      await new Promise((r) => setTimeout(r, h.settleSeconds * 1000));
      const after = await h.backend().status(handle);
      assert.equal(after.state, 'succeeded');
      assert.equal(after.exitCode, 0);
      // So the next run attaches to the finished job instead of training it again.
      assert.equal((await h.backend().submit(spec, ['true'])).attached, true);
      assert.equal(await h.submissions(spec.name), 1);
    });

    void it('cancels a running job', async () => {
      const spec = testSpec(jobName('cancel'));
      const { handle } = await h.backend().submit(spec, ['sh', '-c', 'sleep 60']);
      await waitFor(h.backend(), handle, ['running'], 90);
      const t0 = Date.now();
      await h.backend().cancel(handle);
      const s = await waitFor(h.backend(), handle, ['cancelled', 'failed', 'succeeded'], 30);
      assert.equal(s.state, 'cancelled');
      const ms = Date.now() - t0;
      console.log(`[conformance] ${name}: cancel → cancelled in ${ms} ms`);
      assert.ok(ms < (h.settleSeconds + 10) * 1000, `cancel took ${ms} ms`);
    });

    void it('refuses a spec it can never run with one error naming the field', async () => {
      for (const { spec, field, backend = h.backend() } of h.refusals) {
        const full = testSpec(jobName('refused'), spec);
        await assert.rejects(backend.submit(full, ['true']), (err: unknown) => {
          assert.ok(err instanceof JobRefused, `not a JobRefused: ${String(err)}`);
          assert.equal(err.field, field);
          return true;
        });
        assert.equal(await backend.find(full.name), undefined, 'nothing was submitted');
      }
    });
  });
}
