import { DefaultLogger, Runtime, type LogLevel, type LogMetadata } from '@temporalio/worker';
import pino from 'pino';

/** One pino logger for the process; the Temporal runtime logs through it too. */
export function createLogger(level: string): pino.Logger {
  return pino({ level, base: { service: 'drillmaster' } });
}

const LEVELS: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * Installs the process's Temporal runtime: its logs through the logger and, given an address, a
 * Prometheus endpoint (/metrics) with Temporal's worker metrics and drillmaster's own
 * (activities/metrics.ts). Once per process, before the first worker starts.
 */
export function installRuntimeLogger(logger: pino.Logger, metricsAddress?: string): void {
  Runtime.install({
    telemetryOptions: {
      // Core (Rust) logs go through the same logger instead of straight to stderr.
      logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} },
      ...(metricsAddress
        ? { metrics: { prometheus: { bindAddress: metricsAddress, countersTotalSuffix: true } } }
        : {}),
    },
    logger: new DefaultLogger('INFO', (entry) => {
      const meta: LogMetadata = entry.meta ?? {};
      logger[LEVELS[entry.level]](meta, entry.message);
    }),
  });
}
