import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { demoConfig } from '../../cli/demo-config.js';
import type { RunPlan } from '../../core/plan.js';
import { runDrill as run } from './run-drill.js';

void describe('drill plan', () => {
  void it('counts the datasets of the config and prints every stage, its bound and the totals', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'drill-plan-'));
    const config = await demoConfig({
      dir,
      runId: 'plan-cli',
      simulatorUrl: 'http://127.0.0.1:1/v1',
      trainPerCategory: 3,
      benchmarkPerCategory: 2,
      rounds: 1,
    });
    const path = join(dir, 'run.json');
    await writeFile(path, JSON.stringify(config));

    const json = await run(['plan', path, '--json']);
    assert.equal(json.code, 0, json.stderr);
    const plan = JSON.parse(json.stdout) as RunPlan & { sizes: { train: number; benchmarks: object } };
    // The demo bank writes perCategory problems in each of its 7 categories.
    assert.deepEqual(plan.sizes, { train: 21, benchmarks: { 'bank-bench': 14 } });
    const stages = new Set(plan.calls.map((c) => c.stage));
    for (const s of ['ingest', 'evaluation.base', 'synthesis', 'exam', 'gold', 'evaluation.sft', 'dpo-1'])
      assert.ok(stages.has(s), `plans ${s}`);
    assert.deepEqual(
      plan.jobs.map((j) => j.stage),
      ['rl', 'sft', 'dpo-1', 'dpo-2', 'augmented-rl'],
    );
    assert.equal(plan.unpriced, true, 'the simulator endpoints carry no price');

    const text = await run(['plan', path, '--train-size', '1000']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /Datasets: train 1000, benchmarks bank-bench 14/);
    assert.match(text.stdout, /≤ .* GPU-hours/);
    assert.match(text.stdout, /augmented-rl/);
  });

  void it('an unreadable dataset is one line naming the flag that overrides it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'drill-plan-'));
    const config = await demoConfig({ dir, runId: 'plan-cli', simulatorUrl: 'http://127.0.0.1:1/v1' });
    config.data.trainSet = 's3://bucket/train.jsonl';
    const path = join(dir, 'run.json');
    await writeFile(path, JSON.stringify(config));
    const r = await run(['plan', path]);
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /s3:\/\/bucket\/train\.jsonl.*--train-size/);
    const bad = await run(['plan', path, '--train-size', 'many']);
    assert.match(bad.stderr, /--train-size: expected a count, got "many"/);
  });
});
