import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';

/**
 * What a failed call means for the batch. `transient` failures are retried with backoff;
 * `replica` says how much the failure counts against the replica that served it.
 */
export type CallFailure =
  | { kind: 'auth'; status: number }
  | { kind: 'model'; message: string }
  | { kind: 'request'; message: string }
  | { kind: 'redirect' }
  | {
      kind: 'transient';
      message: string;
      retryAfterMs?: number;
      replica: 'healthy' | 'suspect' | 'down';
      /** Cut at the call's timeout: a hung connection or a generation slower than its budget. */
      timedOut?: true;
    }
  | { kind: 'aborted' };

interface HeaderLookup {
  get(name: string): string | null;
}

/** Classifies an error thrown by the openai client; undefined for errors that are bugs, not calls failing. */
export function classify(err: unknown, now = Date.now()): CallFailure | undefined {
  if (err instanceof APIUserAbortError) return { kind: 'aborted' };
  if (err instanceof APIConnectionTimeoutError)
    return { kind: 'transient', message: 'timed out', replica: 'suspect', timedOut: true };
  if (err instanceof APIConnectionError) {
    const cause = err.cause instanceof Error ? `: ${causeText(err.cause)}` : '';
    return { kind: 'transient', message: `connection failed${cause}`, replica: 'down' };
  }
  if (err instanceof APIError && err.status !== undefined) {
    const status = err.status;
    if (status === 401 || status === 403) return { kind: 'auth', status };
    if (status === 404) return { kind: 'model', message: err.message };
    // Never followed (lean-fetch.ts): a redirected POST means a misconfigured base URL.
    if (status >= 300 && status < 400) return { kind: 'redirect' };
    const retryAfterMs = err.headers ? retryAfter(err.headers, now) : undefined;
    if (status === 408 || status === 409 || status === 429) {
      return { kind: 'transient', message: `HTTP ${status}`, retryAfterMs, replica: 'healthy' };
    }
    if (status >= 500)
      return { kind: 'transient', message: `HTTP ${status}`, retryAfterMs, replica: 'suspect' };
    return { kind: 'request', message: err.message };
  }
  // A 200 whose body is not JSON (a proxy's error page, a truncated answer).
  if (err instanceof SyntaxError)
    return { kind: 'transient', message: `unreadable response: ${err.message}`, replica: 'suspect' };
  return undefined;
}

function causeText(cause: Error): string {
  const code = (cause as { code?: unknown }).code ?? (cause.cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : cause.message;
}

/** retry-after-ms, or retry-after in seconds or as an HTTP date. */
export function retryAfter(headers: HeaderLookup, now: number): number | undefined {
  const ms = Number(headers.get('retry-after-ms'));
  if (headers.get('retry-after-ms') !== null && Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers.get('retry-after');
  if (value === null) return undefined;
  const seconds = Number(value);
  if (value.trim() !== '' && Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export interface Backoff {
  baseMs: number;
  capMs: number;
}

/** The server's wait is never longer than this: a runaway retry-after must not stall a batch for hours. */
const MAX_RETRY_AFTER_MS = 5 * 60_000;

/**
 * Delay before retry number `retry` (1-based): the server's retry-after plus up to 10% jitter so
 * a fleet does not return in lock-step, else exponential with "equal jitter" (half fixed, half random).
 */
export function backoffMs(
  retry: number,
  retryAfterMs: number | undefined,
  random: number,
  b: Backoff,
): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, MAX_RETRY_AFTER_MS) * (1 + 0.1 * random);
  const ceiling = Math.min(b.capMs, b.baseMs * 2 ** (retry - 1));
  return ceiling / 2 + (ceiling / 2) * random;
}
