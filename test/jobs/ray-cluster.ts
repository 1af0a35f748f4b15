import { request } from 'undici';
import { createRayBackend } from '../../activities/jobs/ray.js';
import { RayBackendConfig } from '../../schemas/jobs-config.js';

/**
 * The local Ray head infra/ray.sh starts (8 stand-in GPUs on one node), and the cluster's own
 * view of what was submitted: one Ray job per actual submission, under the job's name or
 * `<name>.<n>` (not what the backend says it did).
 */
const address = process.env.DRILL_RAY_ADDRESS;
if (!address)
  throw new Error('DRILL_RAY_ADDRESS is not set: bash infra/ray.sh start && source .drill/ray/env');

export const rayConfig = RayBackendConfig.parse({ kind: 'ray', address });

interface RayJobRow {
  submission_id: string;
  status: string;
  start_time: number;
}

async function jobs(): Promise<RayJobRow[]> {
  // undici's request: Ray refuses fetch (its Sec-Fetch-Mode header) as browser traffic.
  const res = await request(`${address}/api/jobs/`);
  if (res.statusCode !== 200) throw new Error(`Ray Jobs API list: HTTP ${res.statusCode}`);
  return ((await res.body.json()) as RayJobRow[]).sort((a, b) => a.start_time - b.start_time);
}

/** The job name a submission id belongs to (`<name>` or `<name>.<n>`). */
const nameOf = (id: string) => id.replace(/\.\d+$/, '');

export const ray = {
  backend: () => createRayBackend(rayConfig),
  /** Every submission Ray accepted, by job name, oldest first. */
  submitted: async () => (await jobs()).map((j) => nameOf(j.submission_id)),
  submissions: async (name: string) => (await jobs()).filter((j) => nameOf(j.submission_id) === name).length,
  /** Ray's status of the latest submission of this name (RUNNING, STOPPED, …). */
  state: async (name: string) =>
    (await jobs()).filter((j) => nameOf(j.submission_id) === name).at(-1)?.status,
};
