import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { LlmStepName } from '../../activities/stages/registry.js';
import { demoConfig, type DemoSetup } from '../../cli/demo-config.js';
import { taskQueues } from '../../contract/queues.js';
import type { StageRecord } from '../../contract/records.js';
import { roundStages } from '../../core/serving-plan.js';
import { emptyUsage } from '../../core/usage.js';
import type { ArtifactRef } from '../../schemas/artifact.js';
import { RunConfig, type RunConfigInput } from '../../schemas/config.js';
import type { Checkpoint } from '../../schemas/records.js';
import { loadSettings } from '../../workers/settings.js';
import { pauseSignal, resumeSignal, statusQuery, type RunStatus } from '../../workflows/contract.js';
import { trainingLoop } from '../../workflows/training-loop.js';
import { sharedBundle } from './harness.js';

/**
 * Branches of the loop that a full run on the simulator reaches only by chance: the workflows run
 * on the dev server against mocked activities (the workflow code is real, the activities return
 * artifact references with chosen counts), each test on its own task queues.
 */

interface Script {
  /** Records an LLM step keeps (the `count` of its output); 4 for steps not named. */
  kept?: Partial<Record<LlmStepName, number>>;
  /** Synthetic problems left after dedup/decontamination. */
  synthetic?: number;
  /** Exam problems the student solves too often, in every assessment round. */
  solvedTooOften?: number;
  /** Lanes an LLM step renders (one per judge or committee member); 1 for steps not named. */
  lanes?: Partial<Record<LlmStepName, number>>;
  /** Runs first in the weakness stage's activity: to fail it, or hold it while the test acts. */
  weakness?: () => Promise<void>;
  /** Runs first in each evaluation's summary activity, with the checkpoint evaluated. */
  evaluation?: (checkpoint: string) => Promise<void>;
}

const ref = (name: string, count: number): ArtifactRef => ({
  uri: `file:///mock/${name}`,
  sha256: '0'.repeat(64),
  count,
  schema: 'Problem',
});

/** An LLM batch as the mocked llm queue saw it: where it ran, for which role, asking which model. */
interface Call {
  round: number;
  stage: string;
  role: string;
  model?: string;
  /** The server the batch went to, when the stage was lent one. */
  baseURL?: string;
}

/** What the mocked serve and training jobs saw, in order: `start <checkpoint>`, `stop <checkpoint>`, `train <kind> (<servers up>)`. */
type ServeEvent = string;

/** The mocked activities of the three queues, the LLM steps they rendered and the batches they ran. */
function mockActivities(script: Script) {
  const steps: string[] = [];
  const calls: Call[] = [];
  const orchestration = {
    ingest: async (i: { name: string }) => ({
      problems: ref(i.name, 8),
      byCategory: {},
      unlabelled: 0,
      cached: false,
    }),
    renderLlmStep: async (i: { step: LlmStepName }) => {
      steps.push(i.step);
      const lanes = Array.from({ length: script.lanes?.[i.step] ?? 1 }, (_, lane) => ({
        lane,
        requests: ref(`${i.step}-requests-${lane}`, 1),
      }));
      return { lanes, cached: false };
    },
    collectLlmStep: async (i: { step: LlmStepName }) => ({
      output: ref(i.step, script.kept?.[i.step] ?? 4),
      counts: {},
      cached: false,
    }),
    summariseEvaluation: async (i: { checkpoint: string; samples: number }) => {
      await script.evaluation?.(i.checkpoint);
      return {
        summary: {
          checkpoint: i.checkpoint,
          samples: i.samples,
          overall: { avgAtK: 0, passAtK: 0, majAtK: 0, problems: 0 },
          byCategory: {},
          byLevel: {},
          byBenchmark: {},
          simulated: true,
        },
        report: ref('report', 1),
        cached: false,
      };
    },
    buildAccuracyLog: async () => ({ accuracyLog: ref('log', 1), cached: false }),
    detectWeakness: async () => {
      await script.weakness?.();
      return {
        failed: ref('failed', 4),
        failuresByCategory: { Algebra: 4 },
        sizeByCategory: { Algebra: 8 },
        counts: {},
        cached: false,
      };
    },
    conceptTexts: async () => ({ texts: ref('concept-texts', 4), cached: false }),
    sampleConcepts: async () => ({ lists: ref('lists', 4), allocation: {}, counts: {}, cached: false }),
    dedupAndDecontaminate: async () => ({
      synthetic: ref('synthetic', script.synthetic ?? 4),
      counts: {},
      cached: false,
    }),
    selectGoldAnswers: async () => ({
      gold: ref('gold', 4),
      sft: ref('sft', 4),
      ratings: {},
      counts: {},
      cached: false,
    }),
    mergeTrainSet: async () => ({
      trainSet: ref('merged', 12),
      parquet: ref('merged-parquet', 12),
      cached: false,
    }),
    planExam: async () => ({ tasks: ref('tasks', 4), weakCategories: ['Algebra'], cached: false }),
    splitDefects: async () => ({
      defects: ref('defects', 1),
      solvedTooOften: ref('solved-too-often', script.solvedTooOften ?? 0),
      cached: false,
    }),
    concatProblems: async (i: { sets: ArtifactRef[] }) => ({
      problems: ref(
        'concat',
        i.sets.reduce((n, s) => n + s.count, 0),
      ),
      cached: false,
    }),
    problemTexts: async () => ({ texts: ref('problem-texts', 4), cached: false }),
    selectDiverse: async (i: { problems: ArtifactRef }) => ({ problems: i.problems, cached: false }),
    writeRunReport: async () => ({ report: ref('report.html', 1), configDigest: '0'.repeat(64) }),
  };
  const llm = {
    llmCall: async (i: { stage: string; role: string; model?: string; endpoint: { baseURLs: string[] } }) => {
      // stage is `<runId>/r<round>/<stage>/<step>`
      const [, round, stage] = /\/r(\d+)\/([^/]+)\/[^/]+$/.exec(i.stage)!;
      const baseURL = i.endpoint.baseURLs[0]!;
      calls.push({
        round: Number(round),
        stage: stage!,
        role: i.role,
        model: i.model,
        ...(baseURL.startsWith('http://serve.test/') ? { baseURL } : {}),
      });
      return { results: ref('results', 1), usage: emptyUsage(), cached: false };
    },
    embedCall: async () => ({ vectors: ref('vectors', 1), usage: emptyUsage(), cached: false }),
  };
  const serving: ServeEvent[] = [];
  /** The `stage` each server was started for (`r0-synthesis`): the serve job's name comes from it. */
  const servedFor: string[] = [];
  const up = new Set<string>();
  const gpuJobs = {
    startServing: async (i: { checkpoint: Checkpoint; stage: string }) => {
      serving.push(`start ${i.checkpoint.name}`);
      servedFor.push(i.stage);
      up.add(i.checkpoint.name);
      const baseURL = `http://serve.test/${encodeURIComponent(i.checkpoint.name)}/v1`;
      return { jobName: `serve ${i.checkpoint.name}`, baseURL, model: i.checkpoint.name };
    },
    // Stopping is idempotent, as on every job backend (cancelling a finished job does nothing).
    stopServing: async (i: { jobName: string }) => {
      const name = i.jobName.replace(/^serve /, '');
      if (up.delete(name)) serving.push(`stop ${name}`);
    },
    runTrainingJob: async (i: { kind: string; base: Checkpoint }) => {
      serving.push(`train ${i.kind} (${[...up].join(', ')})`);
      return {
        jobName: `${i.base.name}-${i.kind}`,
        checkpoint: { ...i.base, name: `${i.base.name}+${i.kind}`, parent: i.base.name, stage: i.kind },
        checkpointRef: ref('checkpoint', 1),
        accuracyLog: i.kind === 'rl' ? ref('log', 1) : undefined,
        metrics: { examples: 1, steps: 1, gpuHours: 0, simulated: true },
        cached: false,
      };
    },
  };
  return { steps, calls, serving, servedFor, up, activities: { orchestration, llm, gpuJobs } };
}

/** Neither the exam nor augmented RL: the round ends with the last DPO round. */
const withoutExtras = { exam: { enabled: false }, augmentedRl: { enabled: false } };

void describe('training loop branches with mocked activities', () => {
  let env: TestWorkflowEnvironment;
  let dir: string;

  before(async () => {
    const settings = loadSettings();
    env = await TestWorkflowEnvironment.createFromExistingServer({
      address: settings.temporalAddress,
      namespace: settings.namespace,
    });
    dir = await mkdtemp(join(tmpdir(), 'drill-branches-'));
  });
  after(async () => {
    await env?.teardown();
    await rm(dir, { recursive: true, force: true });
  });

  type RunOptions = {
    rounds?: number;
    roles?: Partial<RunConfigInput['roles']>;
    /** jobs.serve "per-checkpoint": the mocked gpu-jobs queue serves each checkpoint. */
    serve?: boolean;
  };

  /** Starts a run on fresh task queues (one round unless told) with its workers; `done` stops them. */
  async function launch(name: string, script: Script, stages: DemoSetup['stages'], opts: RunOptions = {}) {
    const suffix = Math.random().toString(36).slice(2, 8);
    const queues = taskQueues(`test-branches-${name}-${suffix}/`);
    const input = await demoConfig({
      dir: join(dir, name),
      runId: `branches-${name}-${suffix}`,
      simulatorUrl: 'http://127.0.0.1:9',
      trainPerCategory: 2,
      benchmarkPerCategory: 1,
      rounds: opts.rounds ?? 1,
      stages,
    });
    const config = RunConfig.parse({
      ...input,
      roles: { ...input.roles, ...opts.roles },
      ...(opts.serve ? { jobs: { ...input.jobs, serve: { mode: 'per-checkpoint' } } } : {}),
    });
    const mock = mockActivities(script);
    const workers = await Promise.all(
      (['orchestration', 'llm', 'gpuJobs'] as const).map(async (q) =>
        Worker.create({
          connection: env.nativeConnection,
          namespace: env.namespace,
          taskQueue: queues[q],
          activities: mock.activities[q],
          ...(q === 'orchestration' ? { workflowBundle: await sharedBundle() } : {}),
        }),
      ),
    );
    const running = workers.map((w) => w.run());
    const handle = await env.client.workflow.start(trainingLoop, {
      taskQueue: queues.orchestration,
      workflowId: config.runId,
      args: [{ config }],
    });
    const done = async () => {
      workers.forEach((w) => w.shutdown());
      await Promise.all(running);
    };
    return { handle, mock, done };
  }

  /** A run to its end; returns its stages, LLM steps, batches and serve events. */
  async function run(name: string, script: Script, stages: DemoSetup['stages'], opts: RunOptions = {}) {
    const { handle, mock, done } = await launch(name, script, stages, opts);
    try {
      const status = await handle.result();
      const names = status.stages.map((s) => s.stage);
      return { status, names, steps: mock.steps, calls: mock.calls, serving: mock.serving };
    } finally {
      await done();
    }
  }

  void it('runs every DPO round while the checkpoint keeps failing', async () => {
    const { names } = await run('dpo-all', {}, { dpo: { rounds: 2 }, ...withoutExtras });
    assert.deepEqual(names.slice(names.indexOf('sft')), [
      'sft',
      'evaluation.sft',
      'dpo-1',
      'evaluation.dpo-1',
      'dpo-2',
      'evaluation.dpo-2',
    ]);
  });

  void it('stops DPO at the first round with no preference pairs, keeping the checkpoint', async () => {
    const { status, names } = await run(
      'dpo-exit',
      { kept: { 'preference-pairs': 0 } },
      { dpo: { rounds: 3 }, ...withoutExtras },
    );
    assert.deepEqual(names.slice(names.indexOf('sft')), ['sft', 'evaluation.sft', 'dpo-1']);
    const dpo = status.stages.find((s) => s.stage === 'dpo-1')!;
    assert.equal(dpo.counts.pairs, 0);
    assert.equal(dpo.checkpoint, status.stages.find((s) => s.stage === 'sft')!.checkpoint);
    assert.equal(status.checkpoint, dpo.checkpoint);
  });

  void it('skips gold, SFT, DPO and augmented RL when synthesis yields no problems', async () => {
    const { status, names } = await run(
      'no-problems',
      { synthetic: 0 },
      { augmentedRl: { enabled: true }, exam: { enabled: false } },
    );
    assert.deepEqual(names, ['ingest', 'evaluation.base', 'rl', 'evaluation.rl', 'weakness', 'synthesis']);
    assert.equal(status.phase, 'completed');
    assert.equal(status.checkpoint, status.stages.find((s) => s.stage === 'rl')!.checkpoint);
  });

  void it('refines the defects at most refineRounds times while every revision stays a defect', async () => {
    const { status, steps } = await run(
      'refine-cap',
      { solvedTooOften: 3 },
      { exam: { enabled: true, refineRounds: 2 }, dpo: { rounds: 1 } },
    );
    assert.equal(steps.filter((s) => s === 'critique').length, 2);
    assert.equal(steps.filter((s) => s === 'refine').length, 2);
    const exam: StageRecord = status.stages.find((s) => s.stage === 'exam')!;
    // Problems solved too often from the start show no defect: dropped, not refined.
    assert.equal(exam.counts['dropped: solved too often (no defect)'], 3);
    assert.equal(exam.counts['refinement 2: solved too often, earlier version kept'], 3);
    assert.equal(exam.counts['refinement 3: solved too often, earlier version kept'], undefined);
    // Three assessment rounds (the first and one per refinement), each keeping its defect.
    assert.equal(exam.counts['defects, all rounds'], 3);
  });

  void it('self-evolving: every role on the student endpoint asks for the current checkpoint, round after round', async () => {
    // SwS's self-evolving variant with WarriorMath's committee on the student too: only the
    // embedder is another model.
    const committee = 3;
    const { status, calls } = await run(
      'self-evolving',
      {
        lanes: {
          judge: 2,
          examine: committee,
          refine: committee,
          critique: committee,
          'committee-answers': committee,
          battles: committee,
        },
      },
      { dpo: { rounds: 1 }, augmentedRl: { enabled: false } },
      {
        rounds: 2,
        roles: {
          classifier: 'student',
          conceptExtractor: 'student',
          generator: 'student',
          judges: ['student', 'student'],
          labeller: 'student',
          committee: ['student', 'student', 'student'],
        },
      },
    );
    // The mocked trainer names each checkpoint after its parent: sim-base+rl, sim-base+rl+sft, …
    const rl = 'sim-base+rl';
    const sft = `${rl}+sft`;
    const dpo = `${sft}+dpo`;
    const models = (round: number, stage: string) => {
      const at = calls.filter((c) => c.round === round && c.stage === stage);
      assert.ok(at.length > 0, `r${round} ${stage} asked some role`);
      return [...new Set(at.map((c) => c.model))];
    };
    const roles = (round: number, stage: string) =>
      [...new Set(calls.filter((c) => c.round === round && c.stage === stage).map((c) => c.role))].sort();
    // Round 0: after the initial RL every role (teachers and student alike) is the RL checkpoint.
    assert.deepEqual(models(0, 'evaluation.base'), ['sim-base']);
    assert.deepEqual(roles(0, 'synthesis'), [
      'conceptExtractor',
      'generator',
      'judges.0',
      'judges.1',
      'labeller',
      'student',
    ]);
    assert.deepEqual(models(0, 'synthesis'), [rl]);
    assert.deepEqual(roles(0, 'exam'), ['committee.0', 'committee.1', 'committee.2', 'labeller', 'student']);
    assert.deepEqual(models(0, 'exam'), [rl]);
    assert.deepEqual(models(0, 'gold'), [rl]);
    assert.deepEqual(models(0, 'dpo-1'), [sft]);
    assert.deepEqual(models(0, 'evaluation.dpo-1'), [dpo]);
    // Round 1 (a new workflow run after continue-as-new) starts from round 0's last checkpoint.
    assert.deepEqual(models(1, 'assess'), [dpo]);
    assert.deepEqual(models(1, 'synthesis'), [dpo]);
    assert.deepEqual(models(1, 'exam'), [dpo]);
    assert.deepEqual(models(1, 'gold'), [dpo]);
    assert.deepEqual(models(1, 'dpo-1'), [`${dpo}+sft`]);
    assert.equal(status.checkpoint, `${dpo}+sft+dpo`);
    // The base model answers nothing after the initial RL.
    const late = calls.filter((c) => c.model === 'sim-base' && c.stage !== 'evaluation.base');
    assert.deepEqual(late, []);
  });

  void describe('jobs.serve "per-checkpoint": one server per checkpoint', () => {
    const everyStage = { dpo: { rounds: 1 }, exam: { enabled: true }, augmentedRl: { enabled: true } };

    void it('starts each checkpoint once, keeps it across the stages that ask it, never through training', async () => {
      const { status, calls, serving } = await run('serve-once', {}, everyStage, { rounds: 2, serve: true });
      // The mocked trainer names each checkpoint after its parent.
      const r = 'sim-base+rl';
      const [s, d, a] = [`${r}+sft`, `${r}+sft+dpo`, `${r}+sft+dpo+rl`];
      const [s1, d1, a1] = [`${a}+sft`, `${a}+sft+dpo`, `${a}+sft+dpo+rl`];
      // base: evaluation.base, stopped before rl. R: evaluation.rl, synthesis, exam, stopped
      // before gold. S: evaluation.sft and dpo-1's rollouts, stopped by dpo-1 before its job. A:
      // evaluation.augmented-rl, then (carried into round 1) synthesis and exam.
      // Each checkpoint: started once, stopped once, then (no server up) the job that supersedes it.
      const served = (checkpoint: string, thenTrain?: string) => [
        `start ${checkpoint}`,
        `stop ${checkpoint}`,
        ...(thenTrain ? [`train ${thenTrain} ()`] : []),
      ];
      assert.deepEqual(serving, [
        ...served('sim-base', 'rl'),
        ...served(r, 'sft'),
        ...served(s, 'dpo'),
        ...served(d, 'rl'),
        ...served(a, 'sft'),
        ...served(s1, 'dpo'),
        ...served(d1, 'rl'),
        ...served(a1),
      ]);
      // Every student batch went to the server of the checkpoint it asked for.
      const student = calls.filter((c) => c.role === 'student');
      assert.ok(student.length >= 14, `${student.length} student batches`);
      for (const c of student)
        assert.equal(
          c.baseURL,
          `http://serve.test/${encodeURIComponent(c.model!)}/v1`,
          `${c.stage} ${c.model}`,
        );
      const examModels = calls.filter((c) => c.round === 1 && c.stage === 'exam' && c.role === 'student');
      assert.deepEqual([...new Set(examModels.map((c) => c.model))], [a]);
      // The plan the servers follow is the loop's own order.
      const shape = { rounds: 2, synthesis: true, exam: true, gold: true, dpoRounds: 1, augmentedRl: true };
      for (const round of [0, 1])
        assert.deepEqual(
          status.stages.filter((x) => x.round === round).map((x) => x.stage),
          roundStages(shape, round),
        );
    });

    void it('stops the server when a stage fails while it is up', async () => {
      const failing = {
        weakness: () => Promise.reject(ApplicationFailure.nonRetryable('weakness broke', 'TestFailure')),
      };
      const { handle, mock, done } = await launch('serve-failure', failing, everyStage, { serve: true });
      try {
        await assert.rejects(handle.result(), /Workflow execution failed/);
      } finally {
        await done();
      }
      const r = 'sim-base+rl';
      assert.deepEqual(mock.serving, [
        'start sim-base',
        'stop sim-base',
        'train rl ()',
        `start ${r}`,
        `stop ${r}`,
      ]);
      assert.deepEqual([...mock.up], []);
    });

    /** A promise the test resolves: an activity that awaits it holds its stage until then. */
    function gate() {
      let open!: () => void;
      const opened = new Promise<void>((resolve) => (open = resolve));
      return { open, opened };
    }

    async function untilPaused(handle: { query: (q: typeof statusQuery) => Promise<RunStatus> }) {
      for (let i = 0; i < 600; i++) {
        const s = await handle.query(statusQuery);
        if (s.phase === 'paused') return s;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('the run never reported paused');
    }

    // A user pausing for hours expects no GPU held idle: the server stops once the run holds (the
    // stage running when the pause came finishes first), and the next stage that asks the student
    // starts it again under its own deterministic name.
    void it('stops the server while the run is paused and starts it again for the next stage on resume', async () => {
      const [reached, held] = [gate(), gate()];
      const holding = {
        weakness: async () => {
          reached.open();
          await held.opened;
        },
      };
      const { handle, mock, done } = await launch('serve-pause', holding, everyStage, { serve: true });
      const r = 'sim-base+rl';
      try {
        await reached.opened;
        await handle.signal(pauseSignal);
        held.open();
        const paused = await untilPaused(handle);
        assert.equal(paused.stages.at(-1)!.stage, 'weakness', 'the running stage finished first');
        assert.deepEqual([...mock.up], [], 'no server is up while the run is paused');
        assert.deepEqual(mock.serving.slice(-2), [`start ${r}`, `stop ${r}`]);
        await new Promise((resolve) => setTimeout(resolve, 1000));
        assert.equal((await handle.query(statusQuery)).stages.length, paused.stages.length, 'no stage ran');
        await handle.signal(resumeSignal);
        assert.equal((await handle.result()).phase, 'completed');
      } finally {
        await done();
      }
      // R: up for evaluation.rl, down for the pause, up again for synthesis and exam, down before SFT.
      assert.deepEqual(mock.serving.slice(3, 8), [
        `start ${r}`,
        `stop ${r}`,
        `start ${r}`,
        `stop ${r}`,
        'train sft ()',
      ]);
      assert.deepEqual(mock.servedFor.slice(1, 3), ['r0-evaluation.rl', 'r0-synthesis']);
      const count = (verb: string) => mock.serving.filter((e) => e.startsWith(`${verb} `)).length;
      assert.equal(
        count('start'),
        6,
        'five checkpoints (base, RL, SFT, DPO, augmented RL), RL started twice',
      );
      assert.equal(count('stop'), count('start'), 'every server started was stopped');
      assert.deepEqual([...mock.up], []);
    });

    void it('a pause during the last stage of a round holds the next round, its carried server stopped', async () => {
      // The augmented-RL checkpoint is evaluated last in round 0 and asked again by round 1's synthesis.
      const a = 'sim-base+rl+sft+dpo+rl';
      const [reached, held] = [gate(), gate()];
      const holding = {
        evaluation: async (checkpoint: string) => {
          if (checkpoint !== a) return;
          reached.open();
          await held.opened;
        },
      };
      const { handle, mock, done } = await launch('serve-pause-round', holding, everyStage, {
        rounds: 2,
        serve: true,
      });
      try {
        await reached.opened;
        await handle.signal(pauseSignal);
        held.open();
        const paused = await untilPaused(handle);
        assert.equal(paused.round, 1, 'the pause outlived continue-as-new');
        assert.equal(paused.stages.at(-1)!.stage, 'evaluation.augmented-rl');
        assert.deepEqual([...mock.up], [], 'the server carried into round 1 is stopped while paused');
        assert.deepEqual(mock.serving.slice(-2), [`start ${a}`, `stop ${a}`]);
        await handle.signal(resumeSignal);
        const status = await handle.result();
        assert.equal(status.phase, 'completed');
        const shape = { rounds: 2, synthesis: true, exam: true, gold: true, dpoRounds: 1, augmentedRl: true };
        assert.deepEqual(
          status.stages.filter((s) => s.round === 1).map((s) => s.stage),
          roundStages(shape, 1),
          'round 1 ran every stage once resumed',
        );
      } finally {
        await done();
      }
      const at = mock.servedFor.indexOf('r0-evaluation.augmented-rl');
      assert.deepEqual(mock.servedFor.slice(at, at + 2), ['r0-evaluation.augmented-rl', 'r1-synthesis']);
      assert.equal(
        mock.serving.filter((e) => e.startsWith('stop ')).length,
        mock.serving.filter((e) => e.startsWith('start ')).length,
      );
      assert.deepEqual([...mock.up], []);
    });

    void it('stops the server when the run is cancelled while it is up', async () => {
      let reached!: () => void;
      const inWeakness = new Promise<void>((resolve) => (reached = resolve));
      // The weakness stage holds (the RL checkpoint's server waits for synthesis) until cancelled.
      const holding = {
        weakness: async () => {
          reached();
          await Context.current().sleep(300_000);
        },
      };
      const { handle, mock, done } = await launch('serve-cancel', holding, everyStage, { serve: true });
      try {
        await inWeakness;
        assert.deepEqual([...mock.up], ['sim-base+rl'], 'the RL checkpoint is served while weakness runs');
        await handle.cancel();
        await assert.rejects(handle.result(), /Workflow execution cancelled/);
      } finally {
        await done();
      }
      assert.deepEqual(mock.serving.slice(-2), ['start sim-base+rl', 'stop sim-base+rl']);
      assert.deepEqual([...mock.up], []);
    });
  });
});
