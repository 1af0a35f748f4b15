import { ApplicationFailure } from '@temporalio/common';
import { FAILURE_TYPES } from '../../contract/failures.js';

/** Failure types the workflow can match on; all are non-retryable (retrying cannot fix them). */
export const LLM_ENDPOINT_ERROR = FAILURE_TYPES.llmEndpoint;
export const LLM_REQUEST_ERROR = FAILURE_TYPES.llmRequest;

export interface EndpointWhere {
  role: string;
  endpointName: string;
}

/** Unknown model, bad key, unreachable endpoint: names the role and endpoint, never the key. */
export function endpointError(where: EndpointWhere, problem: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(
    `role "${where.role}", endpoint "${where.endpointName}": ${problem}`,
    LLM_ENDPOINT_ERROR,
  );
}

/** A request or input artifact line that cannot be sent. */
export function requestLineError(uri: string, line: number, problem: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(`${uri}: line ${line}: ${problem}`, LLM_REQUEST_ERROR);
}

/** A bad input artifact as a whole (e.g. a line that is not JSON, reported by the store). */
export function inputError(message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, LLM_REQUEST_ERROR);
}
