/**
 * One full round with the real tiny student (trainers/make_tiny_model.py): rl → weakness →
 * synthesis → exam → gold → sft → dpo → augmented-rl, each followed by evaluation. Every
 * checkpoint is trained by a TRL recipe and uploaded to the S3 store; every stage that asks the
 * student asks a `transformers serve` job for that checkpoint, started once per checkpoint and
 * kept across the stages that ask it; only the teacher roles are on the simulator. The worker (its
 * own process) is SIGKILLed while the SFT job runs and a new one re-attaches to the same job and
 * upload: the checkpoint is produced once. It is SIGKILLed again while the SFT checkpoint's server
 * comes up: the next worker re-attaches to that serve job by its name, it does not start another.
 */
import { GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { demoConfig } from '../../cli/demo-config.js';
import { withRealTinyStudent } from '../../cli/real-student.js';
import { startRun } from '../../cli/run.js';
import type { RunStatus } from '../../workflows/contract.js';
import { createLocalBackend } from '../../activities/jobs/local.js';
import { RunConfig } from '../../schemas/config.js';
import type { JobSpec } from '../../schemas/job.js';
import { s3TestEnv } from '../store/s3-env.js';
import { createHarness, type Harness } from '../workflow/harness.js';

const DRILL = fileURLToPath(new URL('../../bin/drill.js', import.meta.url));
const s3env = s3TestEnv();
const s3 = new S3Client({
  endpoint: s3env.endpoint,
  region: s3env.region,
  forcePathStyle: true,
  credentials: s3env.credentials,
});

function spawnWorker(h: Harness): ChildProcess {
  return spawn(process.execPath, [DRILL, 'worker'], {
    env: { ...process.env, DRILL_QUEUE_PREFIX: h.settings.queuePrefix, DRILL_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 900_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

function s3Location(uri: string): { Bucket: string; Key: string } {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  assert.ok(m, `${uri} is an s3:// URI`);
  return { Bucket: m[1]!, Key: m[2]! };
}

async function s3Json(uri: string): Promise<Record<string, unknown>> {
  const out = await s3.send(new GetObjectCommand(s3Location(uri)));
  return JSON.parse(await out.Body!.transformToString()) as Record<string, unknown>;
}

let h: Harness;
let jobsDir: string;
let status: RunStatus;
let specs: JobSpec[];
let sftJob: string;
let sftServer: string;
let trainIndexes: number[];
const workers: ChildProcess[] = [];

before(async () => {
  h = await createHarness('real');
  const input = await demoConfig({
    dir: h.dir,
    runId: `real-${h.settings.queuePrefix.split('-')[2]!.replace('/', '')}`,
    simulatorUrl: h.sim.url,
    trainPerCategory: 2,
    benchmarkPerCategory: 1,
    rounds: 1,
    stages: {
      sampler: { budget: 7 },
      exam: { candidatesPerMember: 2, keep: 4 },
      // One DPO round is enough here: repeating rounds is covered by test/workflow/branches.test.ts.
      dpo: { rounds: 1 },
      augmentedRl: { enabled: true },
    },
  });
  trainIndexes = (await readFile(fileURLToPath(input.data.trainSet), 'utf8'))
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { index: number }).index);
  const config = RunConfig.parse({
    ...withRealTinyStudent(input, h.dir),
    store: { kind: 's3', bucket: s3env.bucket, endpoint: s3env.endpoint, prefix: `test-${input.runId}` },
  });
  const { backend } = config.jobs;
  assert.ok(backend.kind === 'local', 'the real round runs jobs as local processes');
  jobsDir = backend.workdir;
  workers.push(spawnWorker(h));
  const handle = await startRun(h.client, config, h.settings.queuePrefix);

  // Kill the worker while the SFT job (its own process) trains.
  sftJob = await until('the SFT job to start', async () => {
    if (!existsSync(jobsDir)) return undefined;
    return (await readdir(jobsDir)).find(
      (n) =>
        n.includes('-r0-sft-') &&
        existsSync(join(jobsDir, n, 'handle.json')) &&
        !existsSync(join(jobsDir, n, 'exit_code')),
    );
  });
  workers[0]!.kill('SIGKILL');
  await new Promise((r) => workers[0]!.once('exit', r));
  workers.push(spawnWorker(h));

  // Kill it again while the SFT checkpoint's server is starting (the loop waits for it to answer).
  sftServer = await until('the SFT checkpoint to be served', async () =>
    (await readdir(jobsDir)).find(
      (n) => n.includes('-r0-evaluation.sft-serve-') && existsSync(join(jobsDir, n, 'handle.json')),
    ),
  );
  workers[1]!.kill('SIGKILL');
  await new Promise((r) => workers[1]!.once('exit', r));
  workers.push(spawnWorker(h));
  status = (await handle.result()) as RunStatus;
  specs = [];
  for (const name of await readdir(jobsDir)) {
    const path = join(jobsDir, name, 'spec.json');
    if (existsSync(path)) specs.push(JSON.parse(await readFile(path, 'utf8')) as JobSpec);
  }
});
after(async () => {
  for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
  s3.destroy();
  await h?.close();
});

void describe('one round with the real tiny student', () => {
  void it('runs every stage of the round, each training stage followed by evaluation', () => {
    assert.equal(status.phase, 'completed');
    const stages = status.stages.map((s) => s.stage);
    for (const s of ['rl', 'weakness', 'synthesis', 'exam', 'gold', 'sft', 'dpo-1', 'augmented-rl'])
      assert.ok(stages.includes(s), `stage ${s} ran (have ${stages.join(', ')})`);
    for (const s of ['rl', 'sft', 'dpo-1', 'augmented-rl'])
      assert.ok(stages.includes(`evaluation.${s}`), `evaluation after ${s}`);
  });

  void it('every checkpoint is a real weights folder in the S3 store, checked by sha256', async () => {
    const training = specs.filter((s) => s.kind !== 'serve');
    // DPO runs a round while failures remain (up to stages.dpo.rounds): one job per dpo-N stage.
    const dpoRounds = status.stages.filter((s) => /^dpo-\d+$/.test(s.stage)).length;
    assert.ok(dpoRounds >= 1, 'at least one DPO round ran');
    const expected = ['rl', 'rl', 'sft', ...Array<string>(dpoRounds).fill('dpo')].sort();
    assert.deepEqual(training.map((s) => s.kind).sort(), expected);
    for (const spec of training) {
      const checkpoint = await s3Json(`${spec.outputUri}checkpoint.json`);
      assert.equal(checkpoint.simulated, false);
      assert.equal(checkpoint.weightsUri, `${spec.outputUri}weights/`);
      const manifest = (await s3Json(`${spec.outputUri}weights/manifest.json`)) as {
        files: Record<string, { sha256: string; bytes: number }>;
      };
      for (const f of ['config.json', 'model.safetensors', 'tokenizer.json'])
        assert.ok(manifest.files[f], `${spec.name} has ${f}`);
      const head = await s3.send(
        new HeadObjectCommand(s3Location(`${spec.outputUri}weights/model.safetensors`)),
      );
      assert.equal(head.Metadata?.sha256, manifest.files['model.safetensors']!.sha256);
      assert.ok(head.ContentLength! > 100_000, `${spec.name}: ${head.ContentLength} bytes of weights`);
      const metrics = await s3Json(`${spec.outputUri}metrics.json`);
      assert.equal(metrics.simulated, false);
      assert.ok((metrics.steps as number) > 0);
      const scratch = (await readdir(tmpdir())).filter((d) => d.startsWith(`drill-${spec.name}-`));
      assert.deepEqual(scratch, [], `${spec.name} removed its trainer's scratch folder`);
      const record = status.stages.find(
        (s) => s.checkpoint === checkpoint.name && !s.stage.startsWith('evaluation'),
      );
      assert.ok(record, `a stage record names checkpoint ${String(checkpoint.name)}`);
      assert.equal(record.simulated, false);
    }
  });

  void it('the accuracy log comes from the GRPO reward: every training problem graded when sampled', async () => {
    const initial = specs.find((s) => s.kind === 'rl' && s.name.includes('-r0-rl-'))!;
    const log = (await s3Json(`${initial.outputUri}accuracy_log.json`)) as {
      train: Record<string, number[]>;
    };
    assert.deepEqual(
      Object.keys(log.train)
        .map(Number)
        .sort((a, b) => a - b),
      [...trainIndexes].sort((a, b) => a - b),
    );
    for (const accs of Object.values(log.train)) {
      assert.ok(accs.length >= 1);
      for (const a of accs) assert.ok(a === 0 || a === 0.5 || a === 1, `accuracy over 2 rollouts, got ${a}`);
    }
  });

  void it('each checkpoint was served once, across the stages that ask it, and stopped', async () => {
    const backend = createLocalBackend({ workdir: jobsDir });
    const serves = specs.filter((j) => j.kind === 'serve');
    const submitted = (await readFile(join(jobsDir, 'submissions.log'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => l.split(' ')[1]!);
    // Checkpoints asked: base (evaluation), RL (evaluation, synthesis, exam), SFT (evaluation,
    // DPO rollouts), DPO (evaluation), augmented RL (evaluation).
    const asked = status.stages.filter((r) => r.stage.startsWith('evaluation.')).map((r) => r.checkpoint);
    assert.deepEqual(
      serves.map((j) => j.base.name).sort(),
      [...new Set(asked)].sort(),
      'one serve job per checkpoint',
    );
    for (const serve of serves) {
      assert.equal(submitted.filter((n) => n === serve.name).length, 1, `${serve.name} was submitted once`);
      const endpoint = await s3Json(`${serve.outputUri}endpoint.json`);
      assert.match(String(endpoint.baseURL), /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
      const handle = await backend.find(serve.name);
      assert.equal((await backend.status(handle!)).state, 'cancelled', `${serve.name} was stopped`);
    }
    const rl = serves.find((j) => j.name.includes('-r0-evaluation.rl-serve-'));
    assert.ok(rl, 'the RL checkpoint was brought up for its evaluation and kept for synthesis and exam');
    // The server starting when its worker was killed is the one that served the SFT checkpoint.
    assert.ok(
      serves.some((j) => j.name === sftServer),
      `${sftServer} served (have ${serves.map((j) => j.name).join(', ')})`,
    );
    for (const s of status.stages.filter((r) => r.stage.startsWith('evaluation.'))) {
      assert.equal(s.simulated, false, s.stage);
      const student = s.llm!.lanes.filter((l) => l.role === 'student');
      assert.ok(
        student.length > 0 && student.every((l) => !l.simulated && l.requests > 0),
        `${s.stage}: the real student answered`,
      );
    }
  });

  void it('nothing is labelled simulated except the teacher roles', () => {
    for (const s of status.stages) {
      assert.notEqual(s.simulated, true, `${s.stage} is not simulated`);
      for (const lane of s.llm?.lanes ?? [])
        if (lane.simulated) assert.notEqual(lane.role, 'student', `${s.stage}: the student lane is real`);
    }
  });

  void it('the SFT job outlived the killed worker and was re-attached, not submitted again', async () => {
    const submitted = (await readFile(join(jobsDir, 'submissions.log'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => l.split(' ')[1]!);
    assert.equal(submitted.filter((n) => n === sftJob).length, 1, 'the SFT job was submitted once');
    const training = submitted.filter((n) => !n.includes('-serve-'));
    assert.equal(new Set(training).size, training.length, 'no training job was submitted twice');
    assert.equal((await readFile(join(jobsDir, sftJob, 'exit_code'), 'utf8')).trim(), '0');
    assert.equal(
      (await readFile(join(jobsDir, sftJob, 'stdout.log'), 'utf8')).match(/\[drill\] checkpoint /g)?.length,
      1,
    );
  });
});
