import type { JobSpec } from '../../schemas/job.js';

/** A job spec for backend tests: the command under test ignores it, the backend only names and sizes the job. */
export const testSpec = (name: string, overrides: Partial<JobSpec> = {}): JobSpec => ({
  name,
  kind: 'sft',
  base: { name: 'base', weightsUri: 'base', parent: null, stage: 'base', simulated: true },
  inputs: {},
  outputUri: `file:///nonexistent/jobs/${name}/`,
  store: { kind: 'file', root: '/nonexistent' },
  recipe: {},
  resources: { nodes: 1, gpusPerNode: 1 },
  seed: 0,
  ...overrides,
});
