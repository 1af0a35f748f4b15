import assert from 'node:assert/strict';
import { it } from 'node:test';
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
