import { z } from 'zod';

/** Names of the record schemas an artifact can hold; one name per concept (see docs/methods.md). */
export const RecordSchemaName = z.enum([
  'Problem',
  'Rollout',
  'AccuracyLog',
  'FailedProblem',
  'ConceptSet',
  'ConceptList',
  'ExamTask',
  'SyntheticProblem',
  'CommitteeAnswer',
  'GoldAnswer',
  'SftExample',
  'PreferencePair',
  'Checkpoint',
  'EvalReport',
  'LlmRequest',
  'LlmResult',
  'Embedding',
  'ParquetTable',
  'RunReport',
]);
export type RecordSchemaName = z.infer<typeof RecordSchemaName>;

/**
 * A reference to a dataset or checkpoint in the artifact store. Workflows pass these, never data:
 * the hash makes reads verifiable and stage outputs addressable by content.
 */
export const ArtifactRef = z.object({
  uri: z
    .string()
    .regex(/^(file|s3):\/\//, 'must be a file:// or s3:// URI')
    .describe('file:///abs/path or s3://bucket/key'),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be a hex sha256'),
  count: z
    .number()
    .int()
    .nonnegative()
    .describe('records (JSONL lines) in the artifact; 1 for a single object'),
  schema: RecordSchemaName,
});
export type ArtifactRef = z.infer<typeof ArtifactRef>;
