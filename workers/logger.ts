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

export function installRuntimeLogger(logger: pino.Logger): void {
  Runtime.install({
    // Core (Rust) logs go through the same logger instead of straight to stderr.
    telemetryOptions: { logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} } },
    logger: new DefaultLogger('INFO', (entry) => {
      const meta: LogMetadata = entry.meta ?? {};
      logger[LEVELS[entry.level]](meta, entry.message);
    }),
  });
}
