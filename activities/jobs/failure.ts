import { ApplicationFailure } from '@temporalio/common';
import { DRILL_ERROR, RETRYABLE_FAILURES } from '../../schemas/job.js';
import { FAILURE_TYPES } from '../../contract/failures.js';
import type { JobStatus } from './backend.js';

/**
 * Turns a job that ended without success into the activity's failure. The job's own
 * `DRILL_ERROR kind=…` line decides first (invalid-* fails the same way on every attempt); then
 * the backend's view (node failure, preemption, a vanished process). A retryable failure is
 * retried (a fresh submission) until `maxAttempts`, then given up.
 */
export function jobFailure(
  jobName: string,
  status: JobStatus,
  logs: string,
  attempt: number,
  maxAttempts: number,
): ApplicationFailure {
  const reported = DRILL_ERROR.exec(logs);
  const kind = reported?.[1];
  const exit = status.exitCode !== undefined ? ` (exit ${status.exitCode})` : '';
  const why = reported ? `: ${kind}: ${reported[2]}` : status.message ? `: ${status.message}` : '';
  const message = `training job ${jobName} ${status.state}${exit}${why}\n${logs}`;
  const retryable =
    status.state === 'failed' &&
    (kind !== undefined
      ? (RETRYABLE_FAILURES as readonly string[]).includes(kind)
      : status.retryable === true || killedBySignal(status.exitCode));
  if (retryable && attempt < maxAttempts) {
    return ApplicationFailure.retryable(
      `${message}\n(attempt ${attempt} of ${maxAttempts}; submitting again)`,
      FAILURE_TYPES.trainingJobInterrupted,
    );
  }
  return ApplicationFailure.nonRetryable(message, FAILURE_TYPES.trainingJobFailed);
}

/**
 * A job that exits 128 + SIGTERM or SIGKILL without saying why was stopped from outside (a
 * preemption before the trainer could report it, the OOM killer, a node drain): it is submitted
 * again like a preempted one. A job cancelled on purpose is recorded as cancelled, not failed.
 */
const killedBySignal = (exitCode: number | undefined): boolean => exitCode === 143 || exitCode === 137;
