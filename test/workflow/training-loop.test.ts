import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { startRun } from '../../cli/run.js';
import { STAGE_KINDS, stageKind } from '../../contract/stages.js';
import { RunConfig } from '../../schemas/config.js';
import { JobSpec } from '../../schemas/job.js';
import { searchAttributes, trainingLoopWorkflowId, type RunStatus } from '../../workflows/contract.js';
import { runningJobs } from '../chaos/job-faults.js';
import { createHarness, recordHistories, type Harness } from './harness.js';

/** The simulated trainer behind the recipe path (trainers' python), serve jobs included. */
const SIM_PYTHON = fileURLToPath(new URL('../../infra/simulator/recipe-python.sh', import.meta.url));

/** The simulator's student is weak in these (infra/simulator/profiles.ts BASE_SKILLS). */
const WEAK = ['Geometry', 'Counting & Probability', 'Precalculus'];

void describe('trainingLoop on the real dev server', () => {
  let h: Harness;
  let status: RunStatus;
  let runId: string;
  let jobsDir: string;

  before(async () => {
    h = await createHarness('loop');
    await h.startWorkers();
    // Without augmented RL, round 1 starts by assessing the new checkpoint: every stage type runs.
    const simulated = await h.config({
      rounds: 2,
      stages: {
        sampler: { budget: 60 },
        dpo: { rounds: 1, rollouts: 8 },
        evaluation: { samples: 2 },
        augmentedRl: { enabled: false },
      },
    });
    // Each checkpoint is served by a serve job (jobs.serve "per-checkpoint"), as on a GPU cluster:
    // the kept histories (DRILL_RECORD_HISTORIES) then cover the loop's student servers.
    const config = RunConfig.parse({
      ...simulated,
      jobs: {
        ...simulated.jobs,
        trainer: { kind: 'trl', python: SIM_PYTHON },
        serve: { mode: 'per-checkpoint', gpus: 0, recipe: { baseURL: h.sim.url } },
      },
    });
    const { backend } = config.jobs;
    assert.ok(backend.kind === 'local');
    jobsDir = backend.workdir;
    runId = config.runId;
    const handle = await startRun(h.client, config, h.settings.queuePrefix);
    status = (await handle.result()) as RunStatus;
  });
  after(async () => {
    try {
      if (process.env.DRILL_RECORD_HISTORIES === '1') await recordHistories(h, status);
    } finally {
      await h?.close();
    }
  });

  void it('completes both rounds, continuing as new between them', async () => {
    assert.equal(status.phase, 'completed');
    assert.equal(status.round, 1);
    const runs = [];
    for await (const r of h.client.workflow.list({
      query: `WorkflowId = "${trainingLoopWorkflowId(runId)}"`,
    }))
      runs.push(r);
    assert.equal(runs.length, 2, 'one workflow run per outer round');
    assert.deepEqual(runs.map((r) => r.status.name).sort(), ['COMPLETED', 'CONTINUED_AS_NEW']);
  });

  void it('runs every stage as its own child workflow with a deterministic ID', async () => {
    const kinds = new Set<string>();
    for (const s of status.stages) {
      assert.equal(s.workflowId, `${runId}/r${s.round}/${s.stage}`);
      const d = await h.client.workflow.getHandle(s.workflowId).describe();
      assert.equal(d.status.name, 'COMPLETED', s.workflowId);
      kinds.add(stageKind(s.stage));
    }
    // augmented RL is off in this run (the crash test covers it)
    for (const k of Object.keys(STAGE_KINDS).filter((k) => k !== 'augmented-rl'))
      assert.ok(kinds.has(k), `stage ${k} ran`);
  });

  void it('keeps the parent history short and tags the run with search attributes', async () => {
    let events = 0;
    for await (const r of h.client.workflow.list({
      query: `WorkflowId = "${trainingLoopWorkflowId(runId)}"`,
    })) {
      const d = await h.client.workflow.getHandle(r.workflowId, r.runId).describe();
      events += d.historyLength;
    }
    assert.ok(events < 2000, `parent histories hold ${events} events`);
    const d = await h.client.workflow.getHandle(trainingLoopWorkflowId(runId)).describe();
    assert.equal(d.typedSearchAttributes.get(searchAttributes.model), 'sim-base');
    assert.equal(d.typedSearchAttributes.get(searchAttributes.round), 1);
    assert.equal(d.typedSearchAttributes.get(searchAttributes.stage), status.stages.at(-1)!.stage);
  });

  void it('detects the weak categories and reports the funnel, accuracies and costs', () => {
    const weakness = status.stages.find((s) => s.stage === 'weakness' && s.round === 0)!;
    const ratio = (cat: string) => (weakness.counts[`failed ${cat}`] ?? 0) / 12;
    const weakRatio = WEAK.reduce((a, c) => a + ratio(c), 0) / WEAK.length;
    const strong = ['Prealgebra', 'Algebra', 'Number Theory', 'Intermediate Algebra'];
    const strongRatio = strong.reduce((a, c) => a + ratio(c), 0) / strong.length;
    assert.ok(weakRatio > strongRatio, `weak categories fail more (${weakRatio} vs ${strongRatio})`);

    const funnel = status.funnel['round 0']!;
    const steps = [
      'generated',
      'RL-suitable',
      'judged',
      'answer-verified',
      'in band',
      'after dedup/decontamination',
    ];
    for (let i = 1; i < steps.length; i++)
      assert.ok(funnel[steps[i]!]! <= funnel[steps[i - 1]!]!, `funnel narrows at ${steps[i]}`);
    assert.ok(funnel.generated! > 0);

    // The exam aims at the weak categories and hands gold selection SwS's problems and its own.
    const exam = status.stages.find((s) => s.stage === 'exam' && s.round === 0)!;
    const examWeak = Object.keys(exam.counts)
      .filter((k) => k.startsWith('weak: '))
      .sort((a, b) => exam.counts[a]! - exam.counts[b]!)
      .map((k) => k.slice('weak: '.length));
    assert.ok(WEAK.includes(examWeak[0]!), `the weakest category ${examWeak[0]} is a weak one`);
    assert.ok(WEAK.filter((c) => examWeak.includes(c)).length >= 2, `examined on ${examWeak.join(', ')}`);
    const examFunnel = status.funnel['round 0 exam']!;
    assert.equal(examFunnel['exam tasks'], 3 * 16, '3 members × candidatesPerMember');
    assert.ok(examFunnel['defects, all rounds']! > 0);
    assert.ok(examFunnel['kept (k-center)']! <= Math.min(16, examFunnel['after dedup/decontamination']!));
    const gold = status.stages.find((s) => s.stage === 'gold' && s.round === 0)!;
    assert.ok(
      gold.counts.problems! <= funnel['after dedup/decontamination']! + examFunnel['kept (k-center)']!,
    );
    assert.ok(gold.counts.problems! > funnel['after dedup/decontamination']!, 'gold sees the exam problems');

    const evals = status.stages.filter((s) => s.eval);
    assert.ok(evals.length >= 4);
    for (const e of evals) {
      // The base checkpoint too: its server says it is simulated (ServeEndpoint.simulated).
      assert.equal(e.eval!.simulated, true, 'simulator figures are labelled simulated');
      assert.ok(Object.keys(e.eval!.byCategory).length >= 7);
    }
    assert.ok(status.totals.gpuHours > 0);
    assert.ok(status.totals.llm.requests > 0);
    // Accounting per role and model: the student per checkpoint, every lane adding up to the totals.
    const lanes = status.totals.llm.lanes;
    const studentModels = lanes.filter((l) => l.role === 'student').map((l) => l.model);
    assert.ok(
      studentModels.length >= 2 && new Set(studentModels).size === studentModels.length,
      String(studentModels),
    );
    assert.ok(lanes.some((l) => l.role === 'embedder') && lanes.some((l) => l.role.startsWith('judges')));
    assert.ok(
      lanes.every((l) => l.simulated),
      'every lane is served by the simulator here',
    );
    for (const key of ['requests', 'failed', 'promptTokens', 'completionTokens'] as const)
      assert.equal(
        lanes.reduce((sum, l) => sum + l[key], 0),
        status.totals.llm[key],
        key,
      );
  });

  void it('serves each evaluated checkpoint once, across the stages and the round boundary, and stops every server', async () => {
    const serve: JobSpec[] = [];
    for (const name of await readdir(jobsDir)) {
      const path = join(jobsDir, name, 'spec.json');
      if (!existsSync(path)) continue;
      const spec = JobSpec.parse(JSON.parse(await readFile(path, 'utf8')));
      if (spec.kind === 'serve') serve.push(spec);
    }
    const evaluated = status.stages.filter((s) => s.eval).map((s) => s.checkpoint!);
    assert.ok(evaluated.length >= 4, evaluated.join(', '));
    // One server per checkpoint: later stages (synthesis, exam, DPO's rollouts) were lent it.
    assert.deepEqual(serve.map((s) => s.base.name).sort(), [...new Set(evaluated)].sort());
    // Round 0's last checkpoint answers round 1's assessment on the server carried across continue-as-new.
    assert.ok(status.stages.some((s) => s.round === 1 && s.stage === 'assess'));
    assert.deepEqual(
      serve.filter((s) => s.name.includes('-r1-assess-')).map((s) => s.name),
      [],
      'no server started for round 1 assessment',
    );
    assert.deepEqual(await runningJobs(jobsDir), [], 'no job is left running');
  });
});
