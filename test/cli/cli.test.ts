import assert from 'node:assert/strict';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runDrill as run } from './run-drill.js';

void describe('drill CLI', () => {
  void it('validate refuses a bad YAML config with every bad field, exit code 2', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'drill-cli-'));
    const path = join(dir, 'run.yaml');
    await writeFile(
      path,
      [
        'runId: demo',
        'model: m',
        'data: { trainSet: "http://not-allowed", benchmarks: [] }',
        'endpoints: { e: { baseURLs: ["http://127.0.0.1:1/v1"], model: m, apiKeyEnv: sk-live-123 } }',
        'roles: { student: e, classifier: e, conceptExtractor: e, generator: e, judges: [e, e], labeller: e, embedder: e, committee: [e, e] }',
        'store: { kind: file, root: /tmp/x }',
        'stages: { weakness: { strict: "yes" } }',
      ].join('\n'),
    );
    const r = await run(['validate', path]);
    assert.equal(r.code, 2);
    for (const field of [
      'data.trainSet',
      'data.benchmarks',
      'endpoints.e.apiKeyEnv',
      'roles.committee',
      'stages.weakness.strict',
    ]) {
      assert.ok(r.stderr.includes(field), `names ${field}:\n${r.stderr}`);
    }
    assert.ok(!r.stderr.includes('sk-live-123'), 'a value that looks like a key is never echoed');
    assert.deepEqual((await readdir(dir)).sort(), ['run.yaml'], 'nothing written');
  });

  void it('weakness prints one JSON line per problem with the rule applied', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'drill-cli-'));
    const path = join(dir, 'acc_records.json');
    // 0: best 0.5, slope -0.25 → failed only when non-strict; 1: rising → kept; 2: never solved → failed
    await writeFile(
      path,
      JSON.stringify({ train: { '0': [0.5, 0.25, 0], '1': [0, 0.5, 1], '2': [0, 0, 0] } }),
    );
    const loose = await run(['weakness', '--records', path]);
    assert.equal(loose.code, 0, loose.stderr);
    const rows = loose.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      rows.map((r) => [r.index, r.best, r.slope, r.failed]),
      [
        [0, 0.5, -0.25, true],
        [1, 1, 0.5, false],
        [2, 0, 0, true],
      ],
    );
    const strict = await run(['weakness', '--records', path, '--strict']);
    assert.deepEqual(
      strict.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).failed),
      [false, false, false],
    );
  });

  void it('schema prints the RunConfig JSON Schema with defaults', async () => {
    const r = await run(['schema']);
    assert.equal(r.code, 0, r.stderr);
    const schema = JSON.parse(r.stdout);
    assert.equal(schema.properties.stages.properties.sampler.properties.temperature.default, 0.2);
    assert.ok(schema.required.includes('roles'));
  });
});
