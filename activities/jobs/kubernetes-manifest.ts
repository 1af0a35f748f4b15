import { createHash } from 'node:crypto';
import type { V1Job } from '@kubernetes/client-node';
import type { JobSpec } from '../../schemas/job.js';
import type { KubernetesBackendConfig } from '../../schemas/jobs-config.js';
import { specEnv, specFromEnvCommand } from './spec-env.js';

/** Labels and annotations drillmaster puts on its Jobs (and, by the template, on their pods). */
export const LABEL_JOB = 'drillmaster.io/job';
export const ANNOTATION_NAME = 'drillmaster.io/name';
export const ANNOTATION_SUBMISSION = 'drillmaster.io/submission';
export const ANNOTATION_CANCELLED = 'drillmaster.io/cancelled';

const MAX_NAME = 63;

/**
 * The Kubernetes name of a job's n-th submission: an RFC 1123 label of at most 63 characters
 * (the Job controller copies the name into a pod label). A job name that is not already one
 * (upper case, `.` or `_`, too long) is shortened and keeps 8 hex digits of its sha256, so two job
 * names never share a Kubernetes name. `-s<n>` marks a resubmission after a failed one.
 */
export function kubernetesName(jobName: string, submission = 1): string {
  const suffix = submission > 1 ? `-s${submission}` : '';
  const clean = jobName
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .replace(/^-+|-+$/g, '');
  if (clean === jobName && clean.length + suffix.length <= MAX_NAME) return clean + suffix;
  const hash = createHash('sha256').update(jobName).digest('hex').slice(0, 8);
  const room = MAX_NAME - suffix.length - hash.length - 1;
  return `${clean.slice(0, room).replace(/-+$/, '')}-${hash}${suffix}`;
}

/**
 * The batch/v1 Job for one submission. No retries inside Kubernetes (backoffLimit 0): a retry is
 * the stage's policy and a new submission. Several nodes: an Indexed Job with one pod per node
 * (JOB_COMPLETION_INDEX tells each pod its rank; DRILL_NODES the size). Secrets are referenced by
 * name (secretKeyRef) and resolved by the kubelet: no value goes through the worker or the spec.
 */
export function jobManifest(
  config: KubernetesBackendConfig,
  spec: JobSpec,
  command: string[],
  submission: number,
): V1Job {
  const name = kubernetesName(spec.name, submission);
  const labels = { [LABEL_JOB]: kubernetesName(spec.name) };
  const { nodes, gpusPerNode } = spec.resources;
  const requests: Record<string, string> = {
    ...(config.cpu ? { cpu: config.cpu } : {}),
    ...(config.memory ? { memory: config.memory } : {}),
  };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name,
      namespace: config.namespace,
      labels,
      annotations: { [ANNOTATION_NAME]: spec.name, [ANNOTATION_SUBMISSION]: String(submission) },
    },
    spec: {
      backoffLimit: 0,
      ...(nodes > 1 ? { completionMode: 'Indexed', completions: nodes, parallelism: nodes } : {}),
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          ...(config.serviceAccountName ? { serviceAccountName: config.serviceAccountName } : {}),
          ...(Object.keys(config.nodeSelector).length > 0 ? { nodeSelector: config.nodeSelector } : {}),
          ...(config.tolerations.length > 0 ? { tolerations: config.tolerations } : {}),
          containers: [
            {
              name: 'job',
              image: config.image,
              command: specFromEnvCommand(command),
              env: [
                ...Object.entries(specEnv(spec)).map(([k, value]) => ({ name: k, value })),
                ...config.secretEnv.map((s) => ({
                  name: s.env,
                  valueFrom: { secretKeyRef: { name: s.secret, key: s.key } },
                })),
              ],
              resources: {
                ...(gpusPerNode > 0 ? { limits: { [config.gpuResource]: String(gpusPerNode) } } : {}),
                ...(Object.keys(requests).length > 0 ? { requests } : {}),
              },
            },
          ],
        },
      },
    },
  };
}
