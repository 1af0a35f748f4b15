import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JobStatus } from '../../activities/jobs/backend.js';
import { jobFailure } from '../../activities/jobs/failure.js';
import { FAILURE_TYPES } from '../../contract/failures.js';

const failed = (exitCode: number) => ({ state: 'failed' as const, exitCode });

void it('submits again a job killed by SIGTERM or SIGKILL that reported nothing (preempted, OOM-killed)', () => {
  for (const code of [143, 137]) {
    const f = jobFailure('j', failed(code), 'Terminated', 1, 3);
    assert.equal(f.nonRetryable, false, `exit ${code}`);
    assert.equal(f.type, FAILURE_TYPES.trainingJobInterrupted);
  }
  // Out of attempts: given up.
  assert.equal(jobFailure('j', failed(143), '', 3, 3).nonRetryable, true);
});

void it('does not retry a job that failed on its own or reported a non-retryable kind', () => {
  assert.equal(jobFailure('j', failed(1), 'Traceback…', 1, 3).nonRetryable, true);
  const invalid = jobFailure(
    'j',
    failed(143),
    'DRILL_ERROR kind=invalid-spec recipe.lr: expected a number',
    1,
    3,
  );
  assert.equal(invalid.nonRetryable, true);
  assert.match(invalid.message, /invalid-spec: recipe\.lr/);
  assert.equal(jobFailure('j', { state: 'cancelled', exitCode: 143 }, '', 1, 3).nonRetryable, true);
});

// The one rule of docs/methods.md ("Failed jobs"): the job's DRILL_ERROR kind decides, then the
// backend's view; retryable failures are submitted again until jobs.maxAttempts.
const failedJob: JobStatus = { state: 'failed', exitCode: 1 };
const retried = (logs: string, status = failedJob, attempt = 1, max = 3) =>
  !jobFailure('job-1', status, logs, attempt, max).nonRetryable;

void describe('job failure classification', () => {
  void it('retries an out-of-memory job until maxAttempts, then gives up', () => {
    const oom = 'Traceback …\nDRILL_ERROR kind=oom out of memory: CUDA out of memory\n';
    assert.equal(retried(oom, failedJob, 1, 3), true);
    assert.equal(retried(oom, failedJob, 2, 3), true);
    assert.equal(retried(oom, failedJob, 3, 3), false);
    assert.match(jobFailure('job-1', failedJob, oom, 1, 3).message, /oom: out of memory.*attempt 1 of 3/s);
  });

  void it('never retries an invalid spec or input, or a plain failure, whatever the backend says', () => {
    const node = { ...failedJob, retryable: true };
    assert.equal(retried('DRILL_ERROR kind=invalid-spec recipe.lr: not a number', node), false);
    assert.equal(retried('DRILL_ERROR kind=invalid-input train: sha256 mismatch', node), false);
    assert.equal(retried('DRILL_ERROR kind=failed ValueError: x', node), false);
  });

  void it("without a DRILL_ERROR line, the backend's view decides (node failure, preemption, OOM kill)", () => {
    assert.equal(retried('', { ...failedJob, retryable: true }), true);
    assert.equal(retried('', failedJob), false);
    assert.equal(retried('DRILL_ERROR kind=oom x', { state: 'cancelled', exitCode: 1 }), false);
  });
});
