import {
  ApiException,
  BatchV1Api,
  CoreV1Api,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  type V1Job,
  type V1Pod,
} from '@kubernetes/client-node';
import type { KubernetesBackendConfig } from '../../schemas/jobs-config.js';
import { JobRefused, type JobBackend, type JobHandle, type JobStatus } from './backend.js';
import {
  ANNOTATION_CANCELLED,
  ANNOTATION_NAME,
  ANNOTATION_SUBMISSION,
  jobManifest,
  kubernetesName,
  LABEL_JOB,
} from './kubernetes-manifest.js';

/** Pod and container reasons that say the node, not the job, failed: submitting again may succeed. */
const RETRYABLE_REASONS = new Set([
  'OOMKilled',
  'Evicted',
  'Preempting',
  'DeletionByTaintManager',
  'NodeLost',
  'Terminated',
  'Shutdown',
]);

const code = (err: unknown) => (err instanceof ApiException ? err.code : undefined);

/**
 * Jobs on a Kubernetes cluster as batch/v1 Jobs through @kubernetes/client-node. The Job's name is
 * derived from the job's deterministic name (kubernetes-manifest.ts), so creating it twice is
 * refused by the API server (409) and the second submitter attaches to the first one's Job.
 * Cancel suspends the Job (its pods stop; the Job and its logs stay) and marks it cancelled.
 */
export function createKubernetesBackend(config: KubernetesBackendConfig): JobBackend {
  const kc = new KubeConfig();
  if (config.kubeconfig) kc.loadFromFile(config.kubeconfig);
  else kc.loadFromDefault();
  if (config.context) kc.setCurrentContext(config.context);
  const batch = kc.makeApiClient(BatchV1Api);
  const core = kc.makeApiClient(CoreV1Api);
  const namespace = config.namespace;

  const submissionOf = (job: V1Job) => Number(job.metadata?.annotations?.[ANNOTATION_SUBMISSION] ?? 1);

  /** The latest submission of this job name, if any. */
  async function latest(name: string): Promise<V1Job | undefined> {
    const { items } = await batch.listNamespacedJob({
      namespace,
      labelSelector: `${LABEL_JOB}=${kubernetesName(name)}`,
    });
    return items
      .filter((j) => j.metadata?.annotations?.[ANNOTATION_NAME] === name)
      .sort((a, b) => submissionOf(b) - submissionOf(a))[0];
  }

  async function pods(id: string): Promise<V1Pod[]> {
    const { items } = await core.listNamespacedPod({ namespace, labelSelector: `job-name=${id}` });
    return items;
  }

  const handleOf = (name: string, job: V1Job): JobHandle => ({
    name,
    backend: 'kubernetes',
    id: job.metadata!.name!,
  });

  async function statusOf(job: V1Job): Promise<JobStatus> {
    const s = job.status ?? {};
    const condition = (type: string) => s.conditions?.find((c) => c.type === type && c.status === 'True');
    const started = s.startTime ? new Date(s.startTime).getTime() : undefined;
    const failed = condition('Failed');
    const ended = s.completionTime ?? failed?.lastTransitionTime;
    const elapsedSeconds =
      started === undefined
        ? undefined
        : Math.max(0, ((ended ? new Date(ended).getTime() : Date.now()) - started) / 1000);
    // A Job that completed before the cancel suspended it keeps its outcome: its pods finished and
    // its checkpoint is published (the rule of job-folders.ts `recorded`).
    if (condition('Complete')) return { state: 'succeeded', exitCode: 0, elapsedSeconds };
    if (job.metadata?.annotations?.[ANNOTATION_CANCELLED]) return { state: 'cancelled', elapsedSeconds };
    if (failed) {
      // The pods tell why: a container's exit code, an OOM kill, an eviction or a lost node.
      const terminated = (await pods(job.metadata!.name!)).flatMap((p) => [
        ...(p.status?.reason ? [{ reason: p.status.reason, exitCode: undefined }] : []),
        ...(p.status?.containerStatuses ?? []).flatMap((c) =>
          c.state?.terminated ? [c.state.terminated] : [],
        ),
      ]);
      const reasons = terminated.map((t) => t.reason ?? '');
      return {
        state: 'failed',
        exitCode: terminated.find((t) => t.exitCode !== undefined)?.exitCode,
        message:
          `Kubernetes ${failed.reason ?? 'Failed'}: ${failed.message ?? ''} ${reasons.join(' ')}`.trim(),
        elapsedSeconds,
        retryable: reasons.some((r) => RETRYABLE_REASONS.has(r)),
      };
    }
    return { state: (s.active ?? 0) > 0 ? 'running' : 'pending', elapsedSeconds };
  }

  async function status(handle: JobHandle): Promise<JobStatus> {
    try {
      return await statusOf(await batch.readNamespacedJob({ name: handle.id, namespace }));
    } catch (err) {
      if (code(err) !== 404) throw err;
      return {
        state: 'failed',
        message: `Kubernetes has no Job ${handle.id} in namespace ${namespace} (deleted?)`,
        retryable: true,
      };
    }
  }

  /** The API server's refusal of a manifest, naming the field it found at fault. */
  function refusal(err: ApiException<unknown>): JobRefused {
    const body = (typeof err.body === 'string' ? safeJson(err.body) : err.body) as
      { message?: string; details?: { causes?: { field?: string; message?: string }[] } } | undefined;
    const field = body?.details?.causes?.[0]?.field;
    return new JobRefused(
      err.code === 403 ? 'jobs.backend.namespace' : `jobs.backend (Job ${field ?? 'manifest'})`,
      `Kubernetes refused the Job (HTTP ${err.code}): ${body?.message ?? String(err.body)}`,
    );
  }

  return {
    kind: 'kubernetes',
    async find(name) {
      const job = await latest(name);
      return job && handleOf(name, job);
    },
    status,

    async submit(spec, command) {
      for (;;) {
        const existing = await latest(spec.name);
        if (existing) {
          const { state } = await statusOf(existing);
          if (state !== 'failed' && state !== 'cancelled') {
            return { handle: handleOf(spec.name, existing), attached: true };
          }
        }
        const body = jobManifest(config, spec, command, existing ? submissionOf(existing) + 1 : 1);
        try {
          const created = await batch.createNamespacedJob({ namespace, body });
          return { handle: handleOf(spec.name, created), attached: false };
        } catch (err) {
          // 409: another submitter created this very Job first: look again and attach to it.
          if (code(err) === 409) continue;
          if (err instanceof ApiException && [400, 403, 422].includes(err.code)) throw refusal(err);
          throw err;
        }
      }
    },

    async cancel(handle) {
      try {
        await batch.patchNamespacedJob(
          {
            name: handle.id,
            namespace,
            body: {
              metadata: { annotations: { [ANNOTATION_CANCELLED]: new Date().toISOString() } },
              spec: { suspend: true },
            },
          },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
        );
      } catch (err) {
        if (code(err) !== 404) throw err;
      }
    },

    async logs(handle, lines = 20) {
      const parts: string[] = [];
      for (const pod of await pods(handle.id)) {
        const podName = pod.metadata!.name!;
        try {
          const text = await core.readNamespacedPodLog({ name: podName, namespace, tailLines: lines });
          parts.push(`--- ${podName}\n${String(text).trimEnd()}`);
        } catch (err) {
          // A pod still pulling its image has no log yet.
          if (code(err) !== 400 && code(err) !== 404) throw err;
        }
      }
      return parts.join('\n');
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
