import { z } from 'zod';
import { EnvVarName } from './env-var.js';
import { TrlTrainer, VerlTrainer } from './recipe-trainers.js';

/**
 * Where GPU jobs run and what runs in them. Each backend is one member of `JobBackendConfig`
 * (its settings) plus one file in activities/jobs/ (its implementation, registered in
 * activities/jobs/registry.ts).
 */

export const LocalBackendConfig = z
  .object({
    kind: z.literal('local'),
    workdir: z
      .string()
      .min(1)
      .default('.drill/jobs')
      .describe('job folders: spec, logs, exit status (relative to the worker cwd)'),
  })
  .strict();

/** A value Slurm takes as one option argument: no whitespace or control characters. */
const SlurmWord = z.string().regex(/^[^\s]+$/, 'one word, no spaces');

export const SlurmBackendConfig = z
  .object({
    kind: z.literal('slurm'),
    workdir: z
      .string()
      .min(1)
      .describe(
        'job folders (spec, Slurm output, exit status) on a filesystem the worker and the compute nodes share, e.g. under $HOME or scratch',
      ),
    partition: SlurmWord.optional().describe("sbatch --partition (default: the cluster's default partition)"),
    account: SlurmWord.optional().describe('sbatch --account'),
    qos: SlurmWord.optional().describe('sbatch --qos'),
    timeLimit: z
      .string()
      .regex(/^(\d+-)?\d+(:\d+){0,2}$/, 'Slurm time: minutes, H:MM:SS or D-HH:MM:SS')
      .optional()
      .describe("sbatch --time (default: the partition's limit)"),
    cpusPerTask: z.number().int().positive().optional().describe('sbatch --cpus-per-task'),
    memory: z
      .string()
      .regex(/^\d+[KMGT]?$/, 'Slurm memory, e.g. 64G')
      .optional()
      .describe('sbatch --mem (per node)'),
    constraint: SlurmWord.optional().describe('sbatch --constraint (node features)'),
    containerImage: SlurmWord.optional().describe(
      'run the trainer in this container through pyxis/enroot (srun --container-image)',
    ),
    binDir: z
      .string()
      .min(1)
      .optional()
      .describe('folder holding sbatch, squeue, scontrol, scancel (default: found on PATH)'),
  })
  .strict();
export type SlurmBackendConfig = z.infer<typeof SlurmBackendConfig>;

export const RayBackendConfig = z
  .object({
    kind: z.literal('ray'),
    address: z
      .url()
      .default('http://127.0.0.1:8265')
      .describe("the Ray dashboard's HTTP address, which serves the Jobs REST API (default: Ray's own)"),
    passEnv: z
      .array(EnvVarName)
      .default([])
      .describe(
        "names of worker environment variables copied into each job's runtime_env, e.g. the store's credential variables; Ray shows a job's runtime_env in its dashboard, so prefer credentials set on the cluster's nodes (ours)",
      ),
    timeoutSeconds: z
      .number()
      .positive()
      .default(30)
      .describe('how long one Jobs API request may take before it counts as failed (ours)'),
  })
  .strict();
export type RayBackendConfig = z.infer<typeof RayBackendConfig>;

/** A Kubernetes object name (RFC 1123 label): namespaces, secrets, service accounts. */
const K8sName = z
  .string()
  .max(63)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a Kubernetes name: lowercase letters, digits and -');

export const KubernetesBackendConfig = z
  .object({
    kind: z.literal('kubernetes'),
    image: z
      .string()
      .min(1)
      .describe(
        'container image holding the trainers and their environment; no default: nothing runs without one',
      ),
    namespace: K8sName.default('default').describe('namespace the Jobs are created in'),
    kubeconfig: z
      .string()
      .min(1)
      .optional()
      .describe('kubeconfig file (default: $KUBECONFIG, ~/.kube/config, or the in-cluster service account)'),
    context: z.string().min(1).optional().describe('kubeconfig context (default: its current one)'),
    gpuResource: z
      .string()
      .regex(/^[a-z0-9.-]+\/[a-z0-9.-]+$/, 'an extended resource name, e.g. nvidia.com/gpu')
      .default('nvidia.com/gpu')
      .describe("the GPU resource each node advertises (NVIDIA's device plugin's name)"),
    cpu: z.string().min(1).optional().describe('CPU request per pod, a Kubernetes quantity (e.g. "16")'),
    memory: z
      .string()
      .min(1)
      .optional()
      .describe('memory request per pod, a Kubernetes quantity (e.g. 64Gi)'),
    nodeSelector: z.record(z.string(), z.string()).default({}).describe('pod nodeSelector'),
    tolerations: z
      .array(
        z
          .object({
            key: z.string().min(1).optional(),
            operator: z.enum(['Exists', 'Equal']).optional(),
            value: z.string().optional(),
            effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']).optional(),
            tolerationSeconds: z.number().int().optional(),
          })
          .strict(),
      )
      .default([])
      .describe('pod tolerations, e.g. of GPU nodes tainted nvidia.com/gpu:NoSchedule'),
    secretEnv: z
      .array(
        z
          .object({
            env: EnvVarName.describe("the job's environment variable"),
            secret: K8sName.describe('an existing Kubernetes Secret in the namespace'),
            key: z.string().min(1).describe('the key inside that Secret'),
          })
          .strict(),
      )
      .default([])
      .describe(
        "job environment variables read from existing Kubernetes Secrets by name (secretKeyRef), e.g. the store's credentials: values never pass through drillmaster (ours)",
      ),
    serviceAccountName: K8sName.optional().describe("the pods' service account"),
  })
  .strict();
export type KubernetesBackendConfig = z.infer<typeof KubernetesBackendConfig>;

export const JobBackendConfig = z.discriminatedUnion('kind', [
  LocalBackendConfig,
  SlurmBackendConfig,
  RayBackendConfig,
  KubernetesBackendConfig,
]);
export type JobBackendConfig = z.infer<typeof JobBackendConfig>;

export const TrainerConfig = z
  .discriminatedUnion('kind', [
    z
      .object({ kind: z.literal('simulated') })
      .strict()
      .describe(
        'the in-repo simulated trainer (infra/simulator/trainer.ts); every figure it writes is SIMULATED',
      ),
    z
      .object({
        kind: z.literal('command'),
        argv: z
          .array(z.string().min(1))
          .min(1)
          .describe('program and arguments; the job spec path is appended as the last argument'),
      })
      .strict(),
    TrlTrainer,
    VerlTrainer,
  ])
  .describe('what a training job runs (ours)');
export type TrainerConfig = z.infer<typeof TrainerConfig>;

/** The older array form of `jobs.trainer`: `["simulated"]` or a command. */
export const legacyTrainer = (argv: string[]): TrainerConfig =>
  argv.length === 1 && argv[0] === 'simulated' ? { kind: 'simulated' } : { kind: 'command', argv };

export const JobResources = z
  .object({
    nodes: z.number().int().positive().default(1).describe('nodes per job (ours)'),
    gpusPerNode: z
      .number()
      .int()
      .nonnegative()
      .default(8)
      .describe('GPUs per node (8: the SwS and WarriorMath runs used 8-GPU nodes)'),
  })
  .strict();
export type JobResources = z.infer<typeof JobResources>;
