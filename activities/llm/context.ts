import { Context } from '@temporalio/activity';

/**
 * What a batch needs from its surroundings: the Temporal activity context inside a worker, or
 * a plain stand-in (benchmarks, scripts) so the same code path runs outside Temporal.
 */
export interface BatchContext {
  readonly signal: AbortSignal;
  /** The details of the last heartbeat of a previous attempt, if any. */
  readonly heartbeatDetails: unknown;
  heartbeat(details: unknown): void;
}

/** The current activity's context; outside an activity, a context that never cancels. */
export function currentBatchContext(): BatchContext {
  let ctx: Context;
  try {
    ctx = Context.current();
  } catch {
    return standaloneContext();
  }
  return {
    signal: ctx.cancellationSignal,
    heartbeatDetails: ctx.info.heartbeatDetails,
    heartbeat: (details) => ctx.heartbeat(details),
  };
}

export function standaloneContext(opts: Partial<BatchContext> = {}): BatchContext {
  return {
    signal: opts.signal ?? new AbortController().signal,
    heartbeatDetails: opts.heartbeatDetails,
    heartbeat: opts.heartbeat ?? (() => {}),
  };
}
