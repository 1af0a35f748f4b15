import { resolve } from 'node:path';
import type { JobBackendConfig } from '../../schemas/jobs-config.js';
import type { JobBackend } from './backend.js';
import { createKubernetesBackend } from './kubernetes.js';
import { createLocalBackend } from './local.js';
import { createRayBackend } from './ray.js';
import { createSlurmBackend } from './slurm.js';

/**
 * The backend a run's config names. Adding a backend: its settings as a member of
 * JobBackendConfig (schemas/jobs-config.ts), its implementation in one file here, one entry below.
 */
type Factories = {
  [K in JobBackendConfig['kind']]: (
    config: Extract<JobBackendConfig, { kind: K }>,
    cwd: string,
  ) => JobBackend;
};

const FACTORIES: Factories = {
  local: (config, cwd) => createLocalBackend({ workdir: resolve(config.workdir), cwd }),
  slurm: (config) => createSlurmBackend({ ...config, workdir: resolve(config.workdir) }),
  ray: (config) => createRayBackend(config),
  kubernetes: (config) => createKubernetesBackend(config),
};

export function createBackend(config: JobBackendConfig, cwd: string): JobBackend {
  const make = FACTORIES[config.kind] as (c: JobBackendConfig, cwd: string) => JobBackend;
  return make(config, cwd);
}
