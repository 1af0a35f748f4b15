import type { Context } from '@temporalio/activity';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, Next } from '@temporalio/worker';

/** Beats this many times per heartbeat timeout, so one late timer tick is not a missed deadline. */
const BEATS_PER_TIMEOUT = 4;

/**
 * Heartbeats an activity from a timer while it runs, so the server notices a dead worker within
 * the activity's heartbeat timeout instead of its start-to-close timeout (30 min for the
 * orchestration queue: a SIGKILLed worker stalled the run that long). Registered only on the
 * orchestration queue, whose activities send no heartbeat details of their own: a plain heartbeat
 * would overwrite the progress the LLM and GPU activities heartbeat (a retry resumes from it).
 * The timer only runs while the event loop does, so a step that computes for long yields to it
 * (see core/kcenter.ts).
 */
export class BackgroundHeartbeat implements ActivityInboundCallsInterceptor {
  constructor(private readonly ctx: Context) {}

  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>) {
    const timeoutMs = this.ctx.info.heartbeatTimeoutMs;
    if (!timeoutMs) return next(input);
    const timer = setInterval(() => this.ctx.heartbeat(), timeoutMs / BEATS_PER_TIMEOUT);
    try {
      return await next(input);
    } finally {
      clearInterval(timer);
    }
  }
}
