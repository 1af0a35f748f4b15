import type { JobSpec, JobState } from '../../schemas/job.js';

/**
 * Where GPU jobs run. Submission is idempotent by the spec's deterministic name: submitting a
 * name that already has a live or finished job re-attaches to it (from any worker, even a new
 * process), so a retried activity never starts a second job. A failed or cancelled job is kept
 * for its logs and a new submission starts afresh.
 */
export interface JobHandle {
  name: string;
  backend: string;
  /** Backend-specific id (pid, Slurm job id, Ray submission id, Kubernetes Job name). */
  id: string;
}

export interface JobStatus {
  state: JobState;
  exitCode?: number;
  message?: string;
  /** Seconds the job has run (until now, or until it ended), from the backend's own accounting. */
  elapsedSeconds?: number;
  /** The backend saw a node failure, preemption or OOM kill: submitting again may succeed. */
  retryable?: boolean;
}

/** The backend refused the spec (unknown partition, GPUs it cannot provide, …): never retried. */
export class JobRefused extends Error {
  constructor(
    /** The config or spec field at fault, e.g. `jobs.backend.partition`. */
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'JobRefused';
  }
}

export interface JobBackend {
  readonly kind: string;
  /** The handle of a job already submitted under this name, if any (the latest attempt). */
  find(name: string): Promise<JobHandle | undefined>;
  /**
   * Runs `command` with the spec file's path appended, or attaches to the job of that name.
   * Throws JobRefused when the backend will never run the spec.
   */
  submit(spec: JobSpec, command: string[]): Promise<{ handle: JobHandle; attached: boolean }>;
  status(handle: JobHandle): Promise<JobStatus>;
  cancel(handle: JobHandle): Promise<void>;
  /** The last lines of the job's output, for errors, heartbeats and the UI. */
  logs(handle: JobHandle, lines?: number): Promise<string>;
}

/** GPU-hours by the backend's accounting: nodes × GPUs per node × elapsed wall time. */
export function gpuHours(spec: Pick<JobSpec, 'resources'>, elapsedSeconds: number): number {
  return (spec.resources.nodes * spec.resources.gpusPerNode * elapsedSeconds) / 3600;
}
