import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { jobManifest, kubernetesName } from '../../activities/jobs/kubernetes-manifest.js';
import { KubernetesBackendConfig } from '../../schemas/jobs-config.js';
import { testSpec } from './spec.js';

const run = promisify(execFile);

// No Kubernetes API server can be installed here from the package registries (kube-apiserver is
// in none of Debian, PyPI or npm, and k8s.io/kubernetes cannot be `go install`ed), so the Jobs the
// backend creates are checked against the Kubernetes OpenAPI schema (kubernetes-models' validator,
// generated from it), and the container's command is run here for real.
const config = KubernetesBackendConfig.parse({
  kind: 'kubernetes',
  image: 'registry.example/drill-trainers:1.0',
  namespace: 'training',
  cpu: '16',
  memory: '64Gi',
  nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3' },
  tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
  secretEnv: [
    { env: 'AWS_ACCESS_KEY_ID', secret: 'drill-store', key: 'access-key-id' },
    { env: 'AWS_SECRET_ACCESS_KEY', secret: 'drill-store', key: 'secret-access-key' },
  ],
});
// A path with a space and a quote: argv elements reach the container as they are, no shell parses them.
const command = ['python', "/opt/drill/it's trainers/sft.py"];

void describe('Kubernetes Job manifests', () => {
  void it('a one-node job: GPUs, node selector, tolerations, image, secrets by reference; valid batch/v1', () => {
    const spec = testSpec('run-1-r0-sft-0123456789', { resources: { nodes: 1, gpusPerNode: 4 } });
    const job = jobManifest(config, spec, command, 1);
    new Job(job as never).validate();
    assert.equal(job.metadata?.name, 'run-1-r0-sft-0123456789');
    assert.equal(job.metadata?.namespace, 'training');
    assert.equal(job.spec?.backoffLimit, 0, 'retries are the stage policy, each a new submission');
    assert.equal(job.spec?.completionMode, undefined);
    const pod = job.spec!.template.spec!;
    assert.equal(pod.restartPolicy, 'Never');
    assert.deepEqual(pod.nodeSelector, config.nodeSelector);
    assert.deepEqual(pod.tolerations, config.tolerations);
    const [container] = pod.containers;
    assert.equal(container!.image, config.image);
    assert.deepEqual(container!.command!.slice(-2), command);
    assert.deepEqual(container!.resources, {
      limits: { 'nvidia.com/gpu': '4' },
      requests: { cpu: '16', memory: '64Gi' },
    });
    const env = Object.fromEntries(container!.env!.map((e) => [e.name, e]));
    assert.deepEqual(JSON.parse(env.DRILL_JOB_SPEC!.value!), spec);
    assert.deepEqual(env.AWS_SECRET_ACCESS_KEY, {
      name: 'AWS_SECRET_ACCESS_KEY',
      valueFrom: { secretKeyRef: { name: 'drill-store', key: 'secret-access-key' } },
    });
  });

  void it('a multi-node job is an Indexed Job with one pod per node; valid batch/v1', () => {
    const spec = testSpec('run-1-r0-rl-0123456789', { kind: 'rl', resources: { nodes: 4, gpusPerNode: 8 } });
    const job = jobManifest(config, spec, command, 1);
    new Job(job as never).validate();
    assert.equal(job.spec?.completionMode, 'Indexed');
    assert.equal(job.spec?.completions, 4);
    assert.equal(job.spec?.parallelism, 4);
    const env = job.spec!.template.spec!.containers[0]!.env!;
    assert.equal(env.find((e) => e.name === 'DRILL_NODES')?.value, '4');
  });

  void it('the validator is real: it refuses a Job the API server would refuse', () => {
    const job = jobManifest(config, testSpec('x'), command, 1);
    const broken = { ...job, spec: { ...job.spec!, backoffLimit: 'none' } };
    assert.throws(() => new Job(broken as never).validate(), /backoffLimit must be integer/);
  });

  void it('the container command writes the spec from the environment and appends its path', async () => {
    const spec = testSpec('run-1-r0-dpo-1-0123456789');
    const job = jobManifest(config, spec, ['sh', '-c', 'cat "$0"'], 1);
    const container = job.spec!.template.spec!.containers[0]!;
    const env = Object.fromEntries(container.env!.filter((e) => e.value).map((e) => [e.name, e.value!]));
    const [program, ...args] = container.command!;
    const { stdout } = await run(program!, args, { env: { PATH: process.env.PATH, ...env } });
    assert.deepEqual(JSON.parse(stdout), spec);
  });

  void it('Kubernetes names: RFC 1123 labels of ≤ 63 characters, one per job name and submission', () => {
    const names = [
      'run-1-r0-sft-0123456789',
      'Run_1.r0-sft-0123456789',
      'run-1-r0-sft-0123456789'.replace('run', 'RUN'),
      `${'a'.repeat(110)}-r0-sft-0123456789`,
      `${'a'.repeat(110)}-r0-sft-9876543210`,
    ];
    const k8s = names.flatMap((n) => [kubernetesName(n), kubernetesName(n, 2), kubernetesName(n, 12)]);
    for (const k of k8s) assert.match(k, /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, k);
    assert.equal(new Set(k8s).size, k8s.length, 'no two job names or submissions share a name');
    assert.equal(kubernetesName('run-1-r0-sft-0123456789'), 'run-1-r0-sft-0123456789');
    assert.equal(kubernetesName('run-1-r0-sft-0123456789', 2), 'run-1-r0-sft-0123456789-s2');
    assert.equal(kubernetesName(names[3]!), kubernetesName(names[3]!), 'deterministic');
  });

  void it('a config without an image is refused, naming the field', () => {
    const r = KubernetesBackendConfig.safeParse({ kind: 'kubernetes' });
    assert.equal(r.success, false);
    assert.deepEqual(
      r.error?.issues.map((i) => i.path.join('.')),
      ['image'],
    );
  });
});
