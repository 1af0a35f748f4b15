import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createStore } from '../../activities/storage/index.js';
import { folderUri } from '../../activities/storage/folder-uri.js';
import type { ArtifactRef } from '../../schemas/artifact.js';
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

// The job reads its inputs from and writes its outputs to the store its spec names.
const storeConfig = { kind: 'file' as const, root: join(dir, 'store') };
const store = createStore(storeConfig);

const writeJsonl = (name: string, rows: readonly unknown[]): Promise<ArtifactRef> =>
  store.writeJsonl(`inputs/${name}`, rows, 'SftExample');

/** An output the job wrote under its outputUri. */
async function output(out: string, file: string): Promise<unknown> {
  const text = await store.getText(`jobs/${out}/${file}`);
  assert.ok(text !== undefined, `job wrote no ${file}`);
  return JSON.parse(text);
}

const baseSpec = (kind: JobSpec['kind'], train: ArtifactRef, out: string): JobSpec => ({
  name: `test-${kind}`,
  kind,
  base: { name: 'sim-base', weightsUri: 'sim://sim-base', parent: null, stage: 'base', simulated: true },
  inputs: { train },
  outputUri: folderUri(store, `jobs/${out}`),
  store: storeConfig,
  recipe: { epochs: 3 },
  resources: { nodes: 1, gpusPerNode: 8 },
  seed: 1,
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
  void it('SFT on Geometry data lifts Geometry and registers a simulated checkpoint', async () => {
    const geometry = generateBank({ seed: 4, perCategory: 50, idPrefix: 'g' }).filter(
      (p) => p.category === 'Geometry',
    );
    const rows: SftExample[] = geometry.map((p) => ({
      messages: [
        { role: 'user', content: PROMPTS.solve.render({ problem: p.problem }).user },
        { role: 'assistant', content: p.solution ?? '' },
      ],
    }));
    const out = 'sft-out';
    const r = runTrainer(baseSpec('sft', await writeJsonl('sft.jsonl', rows), out));
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /progress 10\/10/);
    const checkpoint = Checkpoint.parse(await output(out, 'checkpoint.json'));
    assert.match(checkpoint.name, /^sim-sft-[0-9a-f]{10}$/);
    assert.equal(checkpoint.simulated, true);
    assert.equal(checkpoint.parent, 'sim-base');
    const model = SimModelFile.parse(
      JSON.parse(readFileSync(join(home, 'models', `${checkpoint.name}.json`), 'utf8')),
    );
    assert.ok(model.skills.Geometry > BASE_SKILLS.Geometry + 0.1, `Geometry ${model.skills.Geometry}`);
    assert.equal(model.skills.Algebra, BASE_SKILLS.Algebra);
    const metrics = JobMetrics.parse(await output(out, 'metrics.json'));
    assert.deepEqual([metrics.examples, metrics.steps, metrics.simulated], [50, Math.ceil(150 / 32), true]);
    assert.ok(metrics.gpuHours > 0);
  });

  void it('RL writes an SwS accuracy log where weak-category problems fail more often', async () => {
    const bank = generateBank({ seed: 6, perCategory: 60, idPrefix: 'rl' });
    const out = 'rl-out';
    const r = runTrainer({
      ...baseSpec('rl', await writeJsonl('rl.jsonl', bank), out),
      recipe: { epochs: 4, rollouts: 8 },
    });
    assert.equal(r.status, 0, r.stderr);
    const log = AccuracyLog.parse(await output(out, 'accuracy_log.json'));
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

  void it('fails with a classified DRILL_ERROR line naming the field or record', async () => {
    const missing = runTrainer({ name: 'x', kind: 'sft' });
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /^DRILL_ERROR kind=invalid-spec spec .* is invalid/m);
    assert.match(missing.stderr, /base/);
    const train = await writeJsonl('ok.jsonl', []);
    const noTrain = runTrainer({ ...baseSpec('sft', train, 'x'), inputs: {} });
    assert.match(noTrain.stderr, /DRILL_ERROR kind=invalid-spec spec\.inputs\.train is missing/);
    const badBase = runTrainer({
      ...baseSpec('sft', train, 'x'),
      base: { name: 'gpt-9', weightsUri: 'x', parent: null, stage: 'base' },
    });
    assert.match(
      badBase.stderr,
      /DRILL_ERROR kind=invalid-spec spec\.base\.name "gpt-9" is not a simulated student/,
    );
    const badLine = runTrainer(baseSpec('dpo', await writeJsonl('bad.jsonl', [{ prompt: [] }]), 'x'));
    assert.equal(badLine.status, 2);
    assert.match(badLine.stderr, /DRILL_ERROR kind=invalid-input .*bad\.jsonl line 1:/);
    const tampered = runTrainer(baseSpec('sft', { ...train, sha256: '0'.repeat(64) }, 'x'));
    assert.equal(tampered.status, 2);
    assert.match(tampered.stderr, /DRILL_ERROR kind=invalid-input cannot read input .*ok\.jsonl/);
    assert.equal(
      await store.getText('jobs/x/checkpoint.json'),
      undefined,
      'a failed job writes no checkpoint',
    );
  });
});
