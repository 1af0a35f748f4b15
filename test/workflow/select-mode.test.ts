import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { ingestProblems } from '../../activities/stages/ingest.js';
import { createFileStore } from '../../activities/storage/file-store.js';
import { demoConfig } from '../../cli/demo-config.js';
import { generateBank } from '../../infra/simulator/bank.js';
import { RunConfig } from '../../schemas/config.js';
import type { Problem, SyntheticProblem } from '../../schemas/records.js';
import { taskQueues } from '../../contract/queues.js';
import { synthesisStage, type SynthesisResult } from '../../workflows/stages/synthesis.js';
import { createHarness, type Harness } from './harness.js';

/** The synthesis stage in `select` mode on the dev server: pool problems instead of generated ones. */
void describe('synthesis stage, weakness-driven selection from a pool', () => {
  let h: Harness;
  let result: SynthesisResult;
  const selected: SyntheticProblem[] = [];
  const poolProblems = generateBank({ seed: 5, perCategory: 10, idPrefix: 'pool' });

  before(async () => {
    h = await createHarness('select');
    await h.startWorkers();
    const poolPath = join(h.dir, 'pool.jsonl');
    await writeFile(poolPath, poolProblems.map((p) => JSON.stringify(p)).join('\n') + '\n');
    const input = await demoConfig({
      dir: h.dir,
      runId: `select-${Math.random().toString(36).slice(2, 8)}`,
      simulatorUrl: h.sim.url,
      trainPerCategory: 12,
      benchmarkPerCategory: 4,
      rounds: 1,
      stages: { sampler: { budget: 20 }, synthesis: { mode: 'select', perList: 2 } },
    });
    const config = RunConfig.parse({ ...input, data: { ...input.data, pool: pathToFileURL(poolPath).href } });
    if (config.store.kind !== 'file') throw new Error('the demo config uses a file store');
    const store = createFileStore(config.store.root);
    const train = await ingestProblems(store, config.data.trainSet, 'train');
    const weak = new Set(['Geometry', 'Counting & Probability']);
    const all: Problem[] = [];
    for await (const p of store.readJsonl(train.problems)) all.push(p as Problem);
    const failed = all.filter((p) => weak.has(p.category!)).slice(0, 16);
    const failuresByCategory: Record<string, number> = {};
    for (const p of failed) failuresByCategory[p.category!] = (failuresByCategory[p.category!] ?? 0) + 1;
    result = await h.client.workflow.execute(synthesisStage, {
      workflowId: `${config.runId}/r0/synthesis`,
      taskQueue: taskQueues(h.settings.queuePrefix).orchestration,
      args: [
        {
          ctx: { runId: config.runId, round: 0, stage: 'synthesis', config },
          failed: await store.writeJsonl('test/failed.jsonl', failed, 'Problem'),
          failuresByCategory,
          sizeByCategory: { Geometry: 12, 'Counting & Probability': 12 },
          checkpoint: {
            name: 'sim-base',
            weightsUri: 'sim-base',
            parent: null,
            stage: 'base',
            simulated: true,
          },
          against: [train.problems],
        },
      ],
    });
    for await (const r of store.readJsonl(result.synthetic)) selected.push(r as SyntheticProblem);
  });
  after(async () => {
    await h?.close();
  });

  void it('selects pool problems for the concept lists and skips generation, judging and labelling', () => {
    const f = result.funnel;
    assert.equal(f.pool, poolProblems.length);
    assert.ok(f['concept lists']! > 0);
    assert.ok(f['selected from pool']! > 0 && f['selected from pool']! <= 2 * f['concept lists']!);
    assert.ok(f['in band']! <= f['selected from pool']!);
    assert.ok(f['after dedup/decontamination']! <= f['in band']!);
    for (const step of ['generated', 'judged', 'answer-verified']) assert.equal(f[step], undefined, step);
  });

  void it('keeps the pool answers, no pool problem twice', () => {
    const byText = new Map(poolProblems.map((p) => [p.problem, p]));
    for (const s of selected) {
      const p = byText.get(s.problem);
      assert.ok(p, `${s.id} comes from the pool`);
      assert.equal(s.answer, p.answer);
      assert.match(s.id, new RegExp(`^r0-.+/${p.id}$`));
    }
    assert.equal(new Set(selected.map((s) => s.problem)).size, selected.length);
  });
});
