import type { JobSpec } from '../../schemas/job.js';

/**
 * For backends whose nodes need not share a filesystem with the worker (Ray, Kubernetes): the
 * spec travels in the job's environment, and `sh -c SPEC_FROM_ENV drill-job <argv…>` writes it to
 * a fresh folder on the node and appends that path to the command, as the other backends do. The
 * job reads its inputs from and writes its outputs to the store the spec names.
 */
export const SPEC_FROM_ENV =
  'd="$(mktemp -d)" && cd "$d" && printf %s "$DRILL_JOB_SPEC" >spec.json && exec "$@" "$d/spec.json"';

/** The command a job's container or entrypoint runs: the wrapper, then the trainer's argv. */
export const specFromEnvCommand = (command: string[]): string[] => [
  'sh',
  '-c',
  SPEC_FROM_ENV,
  'drill-job',
  ...command,
];

/** The job's own variables: its spec, and how many nodes it spans (multi-node launchers read it). */
export const specEnv = (spec: JobSpec): Record<string, string> => ({
  DRILL_JOB_SPEC: JSON.stringify(spec),
  DRILL_NODES: String(spec.resources.nodes),
});
