import { WorkflowNotFoundError } from '@temporalio/client';
import { CommanderError } from 'commander';
import { ConfigError } from './config-file.js';

/** Exit codes of every `drill` command; scripts can tell "no such run" from "no server". */
export enum ExitCode {
  Ok = 0,
  Failure = 1,
  BadInput = 2,
  NotFound = 3,
  Unavailable = 4,
}

/** An error the CLI reports as one line with its exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** gRPC status codes that mean the server could not be reached or did not answer in time. */
const UNREACHABLE = new Set([4 /* DEADLINE_EXCEEDED */, 14 /* UNAVAILABLE */]);

function grpcCode(err: unknown): number | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (typeof e.code === 'number') return e.code;
  }
  return undefined;
}

/** The first line of an error's message: gRPC messages repeat their details over several lines. */
const firstLine = (err: unknown) => String((err as Error)?.message ?? err).split('\n')[0]!;

/**
 * The one place a failed command becomes a line and an exit code. No stack trace unless
 * DRILL_DEBUG=1: the operator needs what went wrong and what to do, not where in the code.
 */
export function explain(err: unknown, address: string): { line: string; code: ExitCode } {
  if (err instanceof CommanderError)
    return { line: '', code: err.exitCode === 0 ? ExitCode.Ok : ExitCode.BadInput };
  if (err instanceof CliError) return { line: err.message, code: err.exitCode };
  if (err instanceof ConfigError) return { line: err.message, code: ExitCode.BadInput };
  if (err instanceof WorkflowNotFoundError)
    return {
      line: `no run with ID "${err.workflowId ?? '?'}" on ${address} (drill list shows the runs)`,
      code: ExitCode.NotFound,
    };
  const code = grpcCode(err);
  if (code === 5 /* NOT_FOUND */) return { line: firstLine(err), code: ExitCode.NotFound };
  if (code !== undefined && UNREACHABLE.has(code))
    return { line: unreachable(address, err), code: ExitCode.Unavailable };
  return { line: firstLine(err), code: ExitCode.Failure };
}

export function unreachable(address: string, err: unknown): string {
  return `cannot reach the Temporal server at ${address} (${firstLine(err)}); start it with \`bash infra/stack.sh start\` or set DRILL_TEMPORAL_ADDRESS`;
}
