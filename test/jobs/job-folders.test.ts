import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import type { JobHandle, JobStatus } from '../../activities/jobs/backend.js';
import { jobFolders } from '../../activities/jobs/job-folders.js';

// A claimer does not wait on another's submission for longer than its activity may go without a
// heartbeat: it fails (Temporal retries it), and once the first claim is done the job is attached.
void it('a claim waits a few seconds for a submission in progress, then fails, and later attaches', async () => {
  const workdir = await mkdtemp(join(tmpdir(), 'drill-claim-'));
  try {
    const folders = jobFolders(workdir);
    const running = async (): Promise<JobStatus> => ({ state: 'running' });
    let finishStart!: (h: JobHandle) => void;
    const slowStart = new Promise<JobHandle>((r) => (finishStart = r));
    const first = folders.claim('job', '{}', running, () => slowStart);
    // Let the first claim take the lock before the second asks.
    await new Promise((r) => setTimeout(r, 300));
    const t0 = Date.now();
    await assert.rejects(
      folders.claim('job', '{}', running, () => Promise.reject(new Error('must not start'))),
      /job job is being submitted by another attempt/,
    );
    const waited = Date.now() - t0;
    console.log(`[claim] the second claimer gave up after ${waited} ms`);
    assert.ok(waited > 1000, `gave up after ${waited} ms without waiting`);
    finishStart({ name: 'job', backend: 'test', id: '1' });
    assert.deepEqual(await first, { handle: { name: 'job', backend: 'test', id: '1' }, attached: false });
    const later = await folders.claim('job', '{}', running, () =>
      Promise.reject(new Error('must not start')),
    );
    assert.deepEqual(later, { handle: { name: 'job', backend: 'test', id: '1' }, attached: true });
  } finally {
    await rm(workdir, { recursive: true, force: true });
  }
});
