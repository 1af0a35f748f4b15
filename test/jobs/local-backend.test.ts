import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createLocalBackend } from '../../activities/jobs/local.js';
import type { JobBackend, JobHandle } from '../../activities/jobs/backend.js';
import type { JobSpec } from '../../schemas/job.js';

const spec = (name: string): JobSpec => ({
  name,
  kind: 'sft',
  base: { name: 'base', weightsUri: 'base', parent: null, stage: 'base', simulated: true },
  inputs: {},
  outputDir: '/nonexistent',
  hyperparams: {},
  seed: 0,
  gpus: 1,
});

async function waitFor(backend: JobBackend, handle: JobHandle, state: string) {
  for (let i = 0; i < 100; i++) {
    const s = await backend.status(handle);
    if (s.state === state) return s;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`job ${handle.name} never reached ${state}`);
}

void describe('local job backend', () => {
  void it('submits once: a second submit (even from a new backend) re-attaches to the running job', async () => {
    const workdir = await mkdtemp(join(tmpdir(), 'drill-jobs-'));
    const cmd = ['sh', '-c', 'echo started >> runs.txt; sleep 1'];
    const a = createLocalBackend({ workdir });
    const first = await a.submit(spec('j1'), cmd);
    assert.equal(first.attached, false);
    assert.equal((await a.status(first.handle)).state, 'running');
    const b = createLocalBackend({ workdir }); // a restarted worker
    const again = await b.submit(spec('j1'), cmd);
    assert.equal(again.attached, true);
    assert.deepEqual(await b.find('j1'), first.handle);
    const done = await waitFor(b, again.handle, 'succeeded');
    assert.equal(done.exitCode, 0);
    assert.equal(await readFile(join(workdir, 'j1', 'runs.txt'), 'utf8'), 'started\n');
    assert.equal((await readFile(join(workdir, 'submissions.log'), 'utf8')).trim().split('\n').length, 1);
  });

  void it('reports a failed job with its exit code and logs, and a new submission starts afresh', async () => {
    const workdir = await mkdtemp(join(tmpdir(), 'drill-jobs-'));
    const backend = createLocalBackend({ workdir });
    const { handle } = await backend.submit(spec('j2'), ['sh', '-c', 'echo boom >&2; exit 3']);
    const s = await waitFor(backend, handle, 'failed');
    assert.equal(s.exitCode, 3);
    assert.match(await backend.logs(handle), /boom/);
    const retry = await backend.submit(spec('j2'), ['sh', '-c', 'exit 0']);
    assert.equal(retry.attached, false);
    await waitFor(backend, retry.handle, 'succeeded');
    const dirs = await readdir(workdir);
    assert.ok(
      dirs.some((d) => d.startsWith('j2.failed-')),
      'the failed attempt is kept for its logs',
    );
  });

  void it('cancels a running job', async () => {
    const workdir = await mkdtemp(join(tmpdir(), 'drill-jobs-'));
    const backend = createLocalBackend({ workdir });
    const { handle } = await backend.submit(spec('j3'), ['sh', '-c', 'sleep 30']);
    await backend.cancel(handle);
    assert.equal((await waitFor(backend, handle, 'cancelled')).state, 'cancelled');
  });
});
