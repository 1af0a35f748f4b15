import type { LlmUsage } from '../../core/usage.js';
import type { ArtifactRef } from '../../schemas/artifact.js';
import type { Endpoint } from '../../schemas/config.js';

/** The activity contract the workflows call; everything here is plain JSON. */
export interface LlmBatchInput {
  /** e.g. 'demo/r0/synthesis/generate': for accounting and logs. */
  stage: string;
  /** e.g. 'generator', 'judges.0', 'student': named in errors. */
  role: string;
  endpointName: string;
  endpoint: Endpoint;
  /** Overrides endpoint.model (the student role passes its checkpoint name). */
  model?: string;
  /** JSONL of LlmRequest. */
  requests: ArtifactRef;
  /** Store key prefix for the results artifact and its part files. */
  outKey: string;
  /** A prompt name: each choice is validated with its parser; one repair re-ask, then recorded invalid. */
  parser?: string;
  /**
   * 'sync' (default): one call per request. 'batch-api': the OpenAI Batch API (half the price,
   * answers within its 24 h window; repair re-asks still go as single calls).
   */
  mode?: 'sync' | 'batch-api';
}

export type { LlmUsage };

export interface LlmBatchOutput {
  /** JSONL of LlmResult, in request order. */
  results: ArtifactRef;
  usage: LlmUsage;
}

export interface EmbedBatchInput {
  stage: string;
  role: string;
  endpointName: string;
  endpoint: Endpoint;
  model?: string;
  /** JSONL of {id, text}. */
  inputs: ArtifactRef;
  outKey: string;
  /** Texts per embeddings.create call (default 64). */
  batchSize?: number;
}

export interface EmbedBatchOutput {
  /** JSONL of {id, embedding}, in input order. */
  vectors: ArtifactRef;
  usage: LlmUsage;
}
