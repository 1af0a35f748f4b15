import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { JobMetrics, type JobSpec } from '../../schemas/job.js';
import { AccuracyLog, Checkpoint, type SftExample } from '../../schemas/records.js';
import { PROMPTS } from '../../core/prompts/index.js';
import { generateBank } from '../../infra/simulator/bank.js';
import { BASE_SKILLS, SimModelFile } from '../../infra/simulator/profiles.js';
import { trainedSkills } from '../../infra/simulator/training.js';

const dir = mkdtempSync(join(tmpdir(), 'drill-trainer-'));
const home = join(dir, 'sim');
after(() => rmSync(dir, { recursive: true, force: true }));

function runTrainer(spec: unknown): { status: number | null; stdout: string; stderr: string } {
  const path = join(dir, `spec-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify(spec));
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'infra/simulator/trainer.ts', path], {
    env: { ...process.env, DRILL_SIM_HOME: home, DRILL_SIM_TRAIN_SECONDS: '0.2' },
    encoding: 'utf8',
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const writeJsonl = (name: string, rows: readonly unknown[]): string => {
  const path = join(dir, name);
  writeFileSync(path, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return path;
};

const baseSpec = (kind: JobSpec['kind'], train: string, outputDir: string): JobSpec => ({
  name: `test-${kind}`,
  kind,
  base: { name: 'sim-base', weightsUri: 'sim://sim-base', parent: null, stage: 'base', simulated: true },
  inputs: { train },
  outputDir,
  hyperparams: { epochs: 3 },
  seed: 1,
  gpus: 8,
});

void describe('skill updates', () => {
  void it('lift the categories trained on, weak ones most, saturating; DPO moves less than SFT', () => {
    const sft = trainedSkills(BASE_SKILLS, 'sft', { Geometry: 300, Prealgebra: 300 }, 3);
    const dpo = trainedSkills(BASE_SKILLS, 'dpo', { Geometry: 300, Prealgebra: 300 }, 3);
    assert.ok(sft.Geometry - BASE_SKILLS.Geometry > sft.Prealgebra - BASE_SKILLS.Prealgebra);
    assert.equal(sft.Algebra, BASE_SKILLS.Algebra);
    assert.ok(dpo.Geometry - BASE_SKILLS.Geometry < sft.Geometry - BASE_SKILLS.Geometry);
    // volume ≈ 1 (600·3 examples), share 1/2: lift = 0.6·(1 − e^{−1.5})·(1 − 0.25) ≈ 0.3496
    assert.ok(Math.abs(sft.Geometry - 0.25 - 0.6 * (1 - Math.exp(-1.5)) * 0.75 * (1 - Math.exp(-6))) < 1e-9);
    assert.deepEqual(trainedSkills(BASE_SKILLS, 'sft', {}, 3), BASE_SKILLS);
  });
});

void describe('simulated trainer CLI', () => {
  void it('SFT on Geometry data lifts Geometry and registers a simulated checkpoint', () => {
    const geometry = generateBank({ seed: 4, perCategory: 50, idPrefix: 'g' }).filter(
      (p) => p.category === 'Geometry',
    );
    const rows: SftExample[] = geometry.map((p) => ({
      messages: [
        { role: 'user', content: PROMPTS.solve.render({ problem: p.problem }).user },
        { role: 'assistant', content: p.solution ?? '' },
      ],
    }));
    const out = join(dir, 'sft-out');
    const r = runTrainer(baseSpec('sft', writeJsonl('sft.jsonl', rows), out));
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /progress 10\/10/);
    const checkpoint = Checkpoint.parse(JSON.parse(readFileSync(join(out, 'checkpoint.json'), 'utf8')));
    assert.match(checkpoint.name, /^sim-sft-[0-9a-f]{10}$/);
    assert.equal(checkpoint.simulated, true);
    assert.equal(checkpoint.parent, 'sim-base');
    const model = SimModelFile.parse(
      JSON.parse(readFileSync(join(home, 'models', `${checkpoint.name}.json`), 'utf8')),
    );
    assert.ok(model.skills.Geometry > BASE_SKILLS.Geometry + 0.1, `Geometry ${model.skills.Geometry}`);
    assert.equal(model.skills.Algebra, BASE_SKILLS.Algebra);
    const metrics = JobMetrics.parse(JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')));
    assert.deepEqual([metrics.examples, metrics.steps, metrics.simulated], [50, Math.ceil(150 / 32), true]);
    assert.ok(metrics.gpuHours > 0);
  });

  void it('RL writes an SwS accuracy log where weak-category problems fail more often', () => {
    const bank = generateBank({ seed: 6, perCategory: 60, idPrefix: 'rl' });
    const out = join(dir, 'rl-out');
    const r = runTrainer({
      ...baseSpec('rl', writeJsonl('rl.jsonl', bank), out),
      hyperparams: { epochs: 4, rollouts: 8 },
    });
    assert.equal(r.status, 0, r.stderr);
    const log = AccuracyLog.parse(JSON.parse(readFileSync(join(out, 'accuracy_log.json'), 'utf8')));
    assert.deepEqual(
      Object.keys(log.train)
        .map(Number)
        .sort((a, b) => a - b),
      bank.map((p) => p.index),
    );
    for (const accs of Object.values(log.train)) {
      assert.equal(accs.length, 4);
      for (const a of accs) assert.equal(a * 8, Math.round(a * 8), 'accuracy is a fraction of 8 rollouts');
    }
    // The released SwS rule: failed ⇔ best ≤ 0.5 and least-squares slope ≤ 0.
    const failed = (accs: number[]): boolean => {
      const mean = accs.reduce((a, b) => a + b, 0) / accs.length;
      const tMean = (accs.length - 1) / 2;
      const slope = accs.reduce((s, a, t) => s + (t - tMean) * (a - mean), 0);
      return Math.max(...accs) <= 0.5 && slope <= 0;
    };
    const rate = (category: string): number => {
      const ps = bank.filter((p) => p.category === category);
      return ps.filter((p) => failed(log.train[String(p.index)]!)).length / ps.length;
    };
    assert.ok(
      rate('Geometry') > rate('Prealgebra') + 0.1,
      `Geometry ${rate('Geometry')} vs Prealgebra ${rate('Prealgebra')}`,
    );
    assert.ok(rate('Counting & Probability') > rate('Algebra'));
  });

  void it('fails with a clear message on a bad spec', () => {
    const missing = runTrainer({ name: 'x', kind: 'sft' });
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /bad spec: spec .* is invalid/);
    assert.match(missing.stderr, /base/);
    const noTrain = runTrainer({ ...baseSpec('sft', '/nonexistent', join(dir, 'x')), inputs: {} });
    assert.match(noTrain.stderr, /spec\.inputs\.train is missing/);
    const badBase = runTrainer({
      ...baseSpec('sft', '/nonexistent', join(dir, 'x')),
      base: { name: 'gpt-9', weightsUri: 'x', parent: null, stage: 'base' },
    });
    assert.match(badBase.stderr, /spec\.base\.name "gpt-9" is not a simulated student/);
    const badLine = runTrainer(baseSpec('dpo', writeJsonl('bad.jsonl', [{ prompt: [] }]), join(dir, 'x')));
    assert.equal(badLine.status, 2);
    assert.match(badLine.stderr, /bad\.jsonl line 1:/);
  });
});
