import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, Next } from '@temporalio/worker';
import { recordFailure } from '../activities/metrics.js';

/** Why an activity attempt failed, as a metric tag: the failure type clients match on. */
function reasonOf(err: unknown): string {
  if (err instanceof ApplicationFailure) return err.type ?? 'ApplicationFailure';
  if (err instanceof CancelledFailure) return 'cancelled';
  return (err as Error)?.name ?? 'unknown';
}

/** Counts failed activity attempts by reason (drill_activity_failures) on every queue's worker. */
export class FailureMetrics implements ActivityInboundCallsInterceptor {
  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>) {
    try {
      return await next(input);
    } catch (err) {
      recordFailure(reasonOf(err));
      throw err;
    }
  }
}
