/**
 * Failure types that cross the activity/workflow boundary: activities raise them, workflows mark
 * them non-retryable and clients match on them. One constant per type, so a typo does not compile.
 */
export const FAILURE_TYPES = {
  /** The run config does not parse, or names a run other than its workflow ID. */
  invalidConfig: 'InvalidConfig',
  /** An input dataset or artifact is unusable; the message names the file and line. */
  invalidData: 'InvalidData',
  /** A GPU training job failed, was cancelled or wrote no outputs. */
  trainingJobFailed: 'TrainingJobFailed',
  /** A GPU job lost to its node, preemption or OOM: submitted again by the activity's retry policy. */
  trainingJobInterrupted: 'TrainingJobInterrupted',
  /** An LLM endpoint refuses the run's requests (unknown model, bad key, unreachable). */
  llmEndpoint: 'LlmEndpointError',
  /** An LLM request file line cannot be sent. */
  llmRequest: 'LlmRequestError',
} as const;

export type FailureType = (typeof FAILURE_TYPES)[keyof typeof FAILURE_TYPES];
