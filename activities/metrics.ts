import { Context } from '@temporalio/activity';
import { noopMetricMeter, type MetricMeter } from '@temporalio/common';
import type { LlmUsage } from '../core/usage.js';

/**
 * drillmaster's own metrics, recorded through the activity's Temporal metric meter: the worker
 * exports them on the same Prometheus endpoint as Temporal's runtime metrics (see
 * workers/logger.ts), tagged with the namespace, task queue and activity type. Outside an
 * activity (benchmarks, scripts) they go nowhere.
 */
function meter(): MetricMeter {
  try {
    return Context.current().metricMeter;
  } catch {
    return noopMetricMeter;
  }
}

/** Calls in flight per activity type in this process, so concurrent batches add up. */
const inFlightByType = new Map<string, number>();

export function llmMetrics() {
  const m = meter();
  let type = 'none';
  try {
    type = Context.current().info.activityType;
  } catch {
    // standalone: no activity type
  }
  const items = m.createCounter('drill_llm_items', 'items', 'LLM batch items finished');
  const requests = m.createCounter(
    'drill_llm_requests',
    'requests',
    'LLM requests by outcome (ok, invalid, failed)',
  );
  const tokens = m.createCounter('drill_llm_tokens', 'tokens', 'LLM tokens by kind (prompt, completion)');
  const inFlight = m.createGauge('drill_llm_calls_in_flight', 'int', 'calls', 'LLM calls in flight');
  return {
    itemDone: () => items.add(1),
    inFlight(delta: number) {
      const n = (inFlightByType.get(type) ?? 0) + delta;
      inFlightByType.set(type, n);
      inFlight.set(n);
    },
    /** One written part's accounting. */
    part(u: LlmUsage) {
      requests.add(u.ok, { outcome: 'ok' });
      requests.add(u.invalid, { outcome: 'invalid' });
      requests.add(u.failed, { outcome: 'failed' });
      tokens.add(u.promptTokens, { kind: 'prompt' });
      tokens.add(u.completionTokens, { kind: 'completion' });
    },
  };
}

/** GPU time of a finished training job, in seconds (Prometheus' unit for time). */
export function recordGpuHours(gpuHours: number, simulated: boolean): void {
  meter()
    .createCounter('drill_gpu_seconds', 's', 'GPU time of finished training jobs')
    .add(Math.round(gpuHours * 3600), { simulated: String(simulated) });
}

/** A failed activity attempt, by its failure type (e.g. LlmEndpointError, TrainingJobFailed). */
export function recordFailure(reason: string): void {
  meter()
    .createCounter('drill_activity_failures', 'failures', 'failed activity attempts by reason')
    .add(1, { reason });
}
