import type { JobSpec, JobState } from '../../schemas/job.js';

/**
 * Where GPU jobs run. Submission is idempotent: submitting a job name that already exists
 * re-attaches to it, so a retried activity (after a worker crash) never starts a second job.
 */
export interface JobHandle {
  name: string;
  backend: string;
  /** Folder holding the job's spec, inputs, outputs and logs (shared with the job). */
  dir: string;
  /** Backend-specific id (pid, Slurm job id, …). */
  id: string;
}

export interface JobStatus {
  state: JobState;
  exitCode?: number;
  message?: string;
}

export interface JobBackend {
  readonly kind: string;
  /** The job's folder; the caller stages inputs there before submit. */
  jobDir(name: string): string;
  /** The handle of a job already submitted under this name, if any. */
  find(name: string): Promise<JobHandle | undefined>;
  submit(spec: JobSpec, command: string[]): Promise<{ handle: JobHandle; attached: boolean }>;
  status(handle: JobHandle): Promise<JobStatus>;
  cancel(handle: JobHandle): Promise<void>;
  /** The last lines of the job's output, for errors and the UI. */
  logs(handle: JobHandle, lines?: number): Promise<string>;
}
