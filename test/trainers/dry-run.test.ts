/**
 * Every trainer recipe's --dry-run (trainers/*.py) on good and bad specs: it runs on a bare python3
 * (no torch), prints the settings it would train with, and refuses an unknown, missing or ill-typed
 * field with a DRILL_ERROR line naming it. The verl launcher's overrides are also composed with
 * verl's own config schema in the verl-check venv (infra/python-env.sh verl-check).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

const dir = mkdtempSync(join(tmpdir(), 'drill-dry-run-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const ref = (schema: string) => ({ uri: 'file:///data/x.jsonl', sha256: '0'.repeat(64), count: 3, schema });

function spec(kind: string, inputs: Record<string, unknown>, recipe: Record<string, unknown> = {}) {
  return {
    name: `run1-r0-${kind}-ab12cd34ef`,
    kind,
    base: {
      name: 'tiny',
      weightsUri: 's3://bucket/models/tiny/weights/',
      parent: null,
      stage: 'base',
      simulated: false,
    },
    inputs,
    outputUri: 's3://bucket/run1/jobs/x/',
    store: { kind: 's3', bucket: 'bucket', endpoint: 'http://127.0.0.1:1' },
    recipe,
    resources: { nodes: 1, gpusPerNode: 8 },
    seed: 0,
  };
}

function dryRun(recipe: string, value: unknown, python = 'python3') {
  const path = join(dir, `${recipe}-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify(value));
  const r = spawnSync(python, [`trainers/${recipe}.py`, '--dry-run', path], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const recipes = [
  { recipe: 'sft', good: spec('sft', { train: ref('SftExample') }, { learningRate: 2e-5, epochs: 1 }) },
  { recipe: 'dpo', good: spec('dpo', { train: ref('PreferencePair') }, { beta: 0.1, nllWeight: 1 }) },
  {
    recipe: 'grpo',
    good: spec('rl', { train: ref('Problem') }, { rollouts: 8, groupFilter: [0.125, 0.875] }),
  },
  { recipe: 'verl_grpo', good: spec('rl', { parquet: ref('ParquetTable') }, { epochs: 30 }) },
  { recipe: 'serve', good: spec('serve', {}, { engine: 'transformers' }) },
];

void describe('trainer recipes --dry-run', () => {
  for (const { recipe, good } of recipes) {
    void it(`${recipe}: a good spec prints its settings with their sources; bad ones name the field`, () => {
      const ok = dryRun(recipe, good);
      assert.equal(ok.status, 0, ok.stderr);
      assert.match(ok.stdout, new RegExp(`${good.kind} job ${good.name}`));
      assert.match(ok.stdout, /\[(SwS|WarriorMath|TRL|ours|verl)[^\]]*\]/, 'every setting names its source');

      const unknown = dryRun(recipe, { ...good, recipe: { ...good.recipe, learningRat: 1 } });
      assert.equal(unknown.status, 2);
      assert.match(unknown.stderr, /DRILL_ERROR kind=invalid-spec spec\.recipe\.learningRat: unknown key/);

      const { outputUri: _, ...noOutput } = good;
      const missing = dryRun(recipe, noOutput);
      assert.equal(missing.status, 2);
      assert.match(missing.stderr, /DRILL_ERROR kind=invalid-spec spec\.outputUri: missing/);

      const wrongKind = dryRun(recipe, { ...good, kind: 'bogus' });
      assert.match(wrongKind.stderr, /spec\.kind: this recipe runs/);
    });
  }

  void it('refuses ill-typed settings and inputs the recipe needs but lacks', () => {
    const typed = dryRun('sft', spec('sft', { train: ref('SftExample') }, { epochs: 1.5 }));
    assert.match(typed.stderr, /spec\.recipe\.epochs: must be int, got 1\.5/);
    const noTrain = dryRun('dpo', spec('dpo', { pairs: ref('PreferencePair') }));
    assert.match(noTrain.stderr, /spec\.inputs\.train: missing/);
    const simulatedBase = dryRun('sft', {
      ...spec('sft', { train: ref('SftExample') }),
      base: { name: 'sim-base', weightsUri: 'sim://x', simulated: true },
    });
    assert.match(
      simulatedBase.stderr,
      /DRILL_ERROR kind=invalid-input spec\.base: checkpoint sim-base is simulated/,
    );
  });

  void it('GRPO refuses an accuracy band its trainer cannot apply, naming the field', () => {
    const narrow = dryRun(
      'grpo',
      spec('rl', { train: ref('Problem') }, { rollouts: 8, groupFilter: [0.25, 0.75] }),
    );
    assert.equal(narrow.status, 2);
    assert.match(
      narrow.stderr,
      /spec\.recipe\.groupFilter: .*must include 0\.125 and 0\.875, got \[0\.25, 0\.75\]/,
    );
  });
});

void describe('verl launcher against verl’s config schema', () => {
  const python = execFileSync('bash', ['infra/python-env.sh', 'verl-check'], { encoding: 'utf8' }).trim();

  void it('composes ppo_trainer.yaml with the generated overrides carrying SwS settings', () => {
    const r = dryRun('verl_grpo', recipes[3]!.good, python);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /actor_rollout_ref\.rollout\.n=8/);
    assert.match(r.stdout, /actor_rollout_ref\.actor\.clip_ratio_high=0\.28/);
    assert.match(r.stdout, /ppo_trainer composed with \d+ overrides \(n=8\)/);
  });

  void it('the schema check refuses a key verl does not have', () => {
    const r = spawnSync(
      python,
      [
        '-c',
        'import sys; sys.path.insert(0, "trainers"); import verl_grpo; verl_grpo.check_against_verl_schema(["trainer.nope=1"])',
      ],
      { encoding: 'utf8' },
    );
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /nope/);
  });
});

void describe('trainer recipes on bad input (before any model is loaded)', () => {
  const file = (name: string, rows: unknown[]) => {
    const path = join(dir, name);
    const text = rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
    writeFileSync(path, text);
    return {
      uri: `file://${path}`,
      sha256: createHash('sha256').update(text).digest('hex'),
      count: rows.length,
    };
  };
  const local = (kind: string, inputs: Record<string, unknown>, weightsUri: string) => ({
    ...spec(kind, inputs),
    base: { name: 'tiny', weightsUri, parent: null, stage: 'base', simulated: false },
    outputUri: `file://${dir}/out/`,
    store: { kind: 'file', root: dir },
  });
  const run = (recipe: string, value: unknown) => {
    const path = join(dir, `${recipe}-run-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(path, JSON.stringify(value));
    return spawnSync('python3', [`trainers/${recipe}.py`, path], { encoding: 'utf8' });
  };

  void it('an input with the wrong columns names the input, file and line', () => {
    const rows = file('pairs.jsonl', [
      { prompt: [], chosen: [], rejected: [] },
      { prompt: [], chosen: [] },
    ]);
    const r = run('dpo', local('dpo', { train: { ...rows, schema: 'PreferencePair' } }, '/nonexistent'));
    assert.equal(r.status, 2);
    assert.match(
      r.stderr,
      /DRILL_ERROR kind=invalid-input spec\.inputs\.train \(file:\/\/.*pairs\.jsonl\) line 2: missing column 'rejected'/,
    );
  });

  void it('an input whose bytes do not match its sha256 is refused', () => {
    const rows = file('sft.jsonl', [{ messages: [] }]);
    const r = run(
      'sft',
      local('sft', { train: { ...rows, sha256: 'f'.repeat(64), schema: 'SftExample' } }, '/x'),
    );
    assert.match(
      r.stderr,
      /DRILL_ERROR kind=invalid-input spec\.inputs\.train: sha256 of file:\/\/.* is [0-9a-f]{64}, the spec says f{64}/,
    );
  });

  void it('a base checkpoint that does not exist names spec.base.weightsUri', () => {
    const rows = file('problems.jsonl', [{ index: 0, problem: '1+1?', answer: '2' }]);
    const missingFolder = run(
      'grpo',
      local('rl', { train: { ...rows, schema: 'Problem' } }, join(dir, 'no-such-model')),
    );
    assert.equal(missingFolder.status, 2);
    assert.match(
      missingFolder.stderr,
      /DRILL_ERROR kind=invalid-input spec\.base\.weightsUri \(tiny\): .*no-such-model is not a checkpoint folder/,
    );
    const missingUri = run(
      'grpo',
      local('rl', { train: { ...rows, schema: 'Problem' } }, `file://${dir}/gone/weights/`),
    );
    assert.match(
      missingUri.stderr,
      /DRILL_ERROR kind=invalid-input spec\.base\.weightsUri \(tiny\): file:\/\/.*gone\/weights\/manifest\.json does not exist/,
    );
  });
});
