import { request } from 'undici';
import type { JobSpec } from '../../schemas/job.js';
import type { RayBackendConfig } from '../../schemas/jobs-config.js';
import { JobRefused, type JobBackend, type JobHandle, type JobStatus } from './backend.js';
import { specEnv, specFromEnvCommand } from './spec-env.js';

/** What the Jobs API says about one job (the fields we read of Ray's JobDetails). */
interface RayJob {
  submission_id: string;
  status: 'PENDING' | 'RUNNING' | 'STOPPED' | 'SUCCEEDED' | 'FAILED';
  message?: string | null;
  error_type?: string | null;
  /** Unix ms: when Ray accepted the submission, and when the job reached a terminal state. */
  start_time?: number | null;
  end_time?: number | null;
  driver_exit_code?: number | null;
  /** The node whose agent holds the job's log; none until the job's driver has started. */
  driver_node_id?: string | null;
}

const STATES: Record<RayJob['status'], JobStatus['state']> = {
  PENDING: 'pending',
  RUNNING: 'running',
  SUCCEEDED: 'succeeded',
  FAILED: 'failed',
  STOPPED: 'cancelled',
};

/**
 * Ray's failures outside the job's own code: the supervisor actor (and so its node) died or could
 * not start, or the node's memory monitor killed the job. Submitting again may succeed.
 */
const RETRYABLE_ERRORS = new Set([
  'JOB_SUPERVISOR_ACTOR_DIED',
  'JOB_SUPERVISOR_ACTOR_UNKNOWN_FAILURE',
  'JOB_SUPERVISOR_ACTOR_START_TIMEOUT',
]);
const OOM = /out of memory|\bOOM\b|memory monitor/i;

/** POSIX single quoting: Ray runs the entrypoint through a shell, so every argv element is quoted. */
const quote = (arg: string) => `'${arg.replaceAll("'", `'\\''`)}'`;

/**
 * Submission ids: the job's deterministic name for its first submission, `<name>.<n>` for the
 * n-th after failed ones (Ray refuses a second submission with an id it has seen, and keeps a
 * failed job's logs under its id). Job names never contain `.<digits>` at their end.
 */
const submissionNumber = (name: string, id: string): number | undefined => {
  if (id === name) return 1;
  const m = id.startsWith(`${name}.`) ? /^\d+$/.exec(id.slice(name.length + 1)) : null;
  return m ? Number(m[0]) : undefined;
};

/**
 * Jobs on a Ray cluster through the Jobs REST API of its dashboard: submit with a deterministic
 * `submission_id` (a retry, or a new worker, finds the job instead of starting another: Ray itself
 * refuses the same id twice), status, stop, logs. GPU-hours come from Ray's own start and end
 * times of the job × the GPUs it requested.
 */
export function createRayBackend(config: RayBackendConfig, env: NodeJS.ProcessEnv = process.env): JobBackend {
  const base = config.address.replace(/\/+$/, '');

  /**
   * One Jobs API request through undici's `request`, not `fetch`: fetch always sends
   * `Sec-Fetch-Mode`, which Ray's dashboard takes for browser traffic and refuses for POST.
   */
  async function api(
    path: string,
    method: 'GET' | 'POST' = 'GET',
    body?: unknown,
  ): Promise<{ status: number; text: string }> {
    try {
      const res = await request(`${base}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(config.timeoutSeconds * 1000),
      });
      return { status: res.statusCode, text: await res.body.text() };
    } catch (err) {
      throw new Error(`Ray Jobs API at ${base} unreachable (${method} ${path}): ${(err as Error).message}`);
    }
  }

  /** The response's JSON body; any status but 200 is an error naming the request. */
  function body<T>(res: { status: number; text: string }, what: string): T {
    if (res.status !== 200) throw new Error(`Ray Jobs API ${what}: HTTP ${res.status} ${res.text}`);
    return JSON.parse(res.text) as T;
  }

  /** Each job's driver node, once known: it never changes, and logs() needs it on every heartbeat. */
  const driverNodes = new Map<string, string>();

  async function job(id: string): Promise<RayJob | undefined> {
    const res = await api(`/api/jobs/${encodeURIComponent(id)}`);
    if (res.status === 404) return undefined;
    const found = body<RayJob>(res, `job ${id}`);
    if (found.driver_node_id) driverNodes.set(id, found.driver_node_id);
    return found;
  }

  /** The latest submission of this name, by submission number. */
  async function latest(name: string): Promise<{ job: RayJob; n: number } | undefined> {
    const jobs = body<RayJob[]>(await api('/api/jobs/'), 'list jobs');
    let found: { job: RayJob; n: number } | undefined;
    for (const j of jobs) {
      const n = submissionNumber(name, j.submission_id ?? '');
      if (n !== undefined && (!found || n > found.n)) found = { job: j, n };
    }
    return found;
  }

  const handleOf = (name: string, id: string): JobHandle => ({ name, backend: 'ray', id });

  function statusOf(j: RayJob): JobStatus {
    const state = STATES[j.status] ?? 'failed';
    const end = j.end_time ?? Date.now();
    const failed = state === 'failed';
    return {
      state,
      exitCode: j.driver_exit_code ?? undefined,
      message: failed || state === 'pending' ? `Ray ${j.status}: ${j.message ?? ''}`.trim() : undefined,
      elapsedSeconds: j.start_time ? Math.max(0, (end - j.start_time) / 1000) : undefined,
      retryable: failed && (RETRYABLE_ERRORS.has(j.error_type ?? '') || OOM.test(j.message ?? '')),
    };
  }

  async function status(handle: JobHandle): Promise<JobStatus> {
    const j = await job(handle.id);
    if (j) return statusOf(j);
    return {
      state: 'failed',
      message: `Ray no longer knows job ${handle.id} (the head restarted without persistent state?)`,
      retryable: true,
    };
  }

  /** Refuses what the cluster can never schedule: Ray would keep such a job pending forever. */
  async function checkResources(spec: JobSpec): Promise<void> {
    type Nodes = { state: string; resources_total?: Record<string, number> }[];
    const listed = body<{ data: { result: { result: Nodes } } }>(
      await api('/api/v0/nodes?limit=10000'),
      'list nodes',
    );
    const gpus = listed.data.result.result
      .filter((n) => n.state === 'ALIVE')
      .map((n) => n.resources_total?.GPU ?? 0);
    const { nodes, gpusPerNode } = spec.resources;
    const most = Math.max(0, ...gpus);
    if (gpusPerNode > most) {
      throw new JobRefused(
        'resources.gpusPerNode',
        `${gpusPerNode} GPUs per node requested; nodes of the Ray cluster at ${base} have at most ${most}`,
      );
    }
    const fitting = gpus.filter((g) => g >= gpusPerNode).length;
    if (nodes > fitting) {
      throw new JobRefused(
        'resources.nodes',
        `${nodes} nodes requested; the Ray cluster at ${base} has ${fitting} with ${gpusPerNode} GPUs`,
      );
    }
  }

  async function post(spec: JobSpec, command: string[], id: string): Promise<'submitted' | 'exists'> {
    const single = spec.resources.nodes === 1;
    const res = await api('/api/jobs/', 'POST', {
      submission_id: id,
      entrypoint: specFromEnvCommand(command).map(quote).join(' '),
      // One node: the entrypoint holds the job's GPUs. Several: the entrypoint is a Ray driver
      // (the verl launcher) that places its own GPU workers on the cluster.
      entrypoint_num_gpus: single ? spec.resources.gpusPerNode : 0,
      runtime_env: {
        env_vars: {
          ...specEnv(spec),
          ...Object.fromEntries(config.passEnv.filter((k) => env[k] !== undefined).map((k) => [k, env[k]!])),
        },
      },
      metadata: { drill_job: spec.name, drill_kind: spec.kind },
    });
    if (res.status === 200) return 'submitted';
    const { text } = res;
    // The head answers 400 when it sees the id taken itself, but 500 wrapping its agent's 400 when
    // a concurrent submission took the id first (measured on ray 2.60.0).
    if ((res.status === 400 || res.status === 500) && /already exists/i.test(text)) return 'exists';
    if (res.status === 400) throw new JobRefused('jobs.backend', `Ray refused job ${id}: ${text}`);
    throw new Error(`Ray Jobs API submit ${id}: HTTP ${res.status} ${text}`);
  }

  return {
    kind: 'ray',
    async find(name) {
      const found = await latest(name);
      return found && handleOf(name, found.job.submission_id);
    },
    status,

    async submit(spec, command) {
      await checkResources(spec);
      for (;;) {
        const found = await latest(spec.name);
        if (found) {
          const { state } = statusOf(found.job);
          if (state !== 'failed' && state !== 'cancelled') {
            return { handle: handleOf(spec.name, found.job.submission_id), attached: true };
          }
        }
        const id = found ? `${spec.name}.${found.n + 1}` : spec.name;
        // Another worker that got there first owns this id: look again and attach to its job.
        if ((await post(spec, command, id)) === 'submitted') {
          return { handle: handleOf(spec.name, id), attached: false };
        }
      }
    },

    async cancel(handle) {
      const res = await api(`/api/jobs/${encodeURIComponent(handle.id)}/stop`, 'POST');
      if (res.status !== 200 && res.status !== 404) {
        throw new Error(`Ray Jobs API stop ${handle.id}: HTTP ${res.status} ${res.text}`);
      }
    },

    /**
     * Only the last lines, through the State API's log endpoint: the Jobs API's `/logs` sends the
     * whole log (a training job's grows to many MB, and heartbeats ask often) and `/logs/tail` is
     * a websocket that follows it from its start. The endpoint needs the driver's node.
     */
    async logs(handle, lines = 20) {
      const node = driverNodes.get(handle.id) ?? (await job(handle.id))?.driver_node_id;
      if (!node) return '';
      const query = new URLSearchParams({ node_id: node, submission_id: handle.id, lines: String(lines) });
      const res = await api(`/api/v0/logs/file?${query}`);
      // The driver has a node but has not written its log yet.
      if (res.status === 500 && /could not find a log file/i.test(res.text)) return '';
      if (res.status !== 200) throw new Error(`Ray log of ${handle.id}: HTTP ${res.status} ${res.text}`);
      return res.text.trimEnd();
    },
  };
}
