/** Every config in examples/ validates, and each expresses its paper's method as a role or stage choice. */
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadRunConfig } from '../../cli/config-file.js';

const dir = fileURLToPath(new URL('../../examples/', import.meta.url));
const load = (name: string) => loadRunConfig(`${dir}${name}`);

describe('examples/', () => {
  it('holds the five reproductions, and every one validates', async () => {
    const files = (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort();
    assert.deepEqual(files, [
      'selection.yaml',
      'self-evolving.yaml',
      'sws-qwen2.5-7b.yaml',
      'warriormath.yaml',
      'weak-to-strong.yaml',
    ]);
    for (const f of files) await load(f);
  });

  it('SwS: initial RL → synthesis → augmented RL, no committee training', async () => {
    const c = await load('sws-qwen2.5-7b.yaml');
    assert.equal(c.model, 'Qwen2.5-7B');
    assert.deepEqual(
      [c.stages.synthesis.enabled, c.stages.exam.enabled, c.stages.gold.enabled],
      [true, false, false],
    );
    assert.equal(c.stages.augmentedRl.enabled, true);
    assert.deepEqual(c.stages.rl.initialGroupFilter, [0, 1]);
    assert.equal(c.stages.rl.epochs, 30);
  });

  it('WarriorMath: a committee of 5 → SFT → 3 DPO rounds, no SwS synthesis or augmented RL', async () => {
    const c = await load('warriormath.yaml');
    assert.equal(new Set(c.roles.committee).size, 5);
    assert.deepEqual(
      [c.stages.synthesis.enabled, c.stages.exam.enabled, c.stages.gold.enabled],
      [false, true, true],
    );
    assert.equal(c.stages.dpo.rounds, 3);
    assert.equal(c.stages.augmentedRl.enabled, false);
  });

  it('the variants are role and mode choices', async () => {
    const self = await load('self-evolving.yaml');
    const { embedder, ...roles } = self.roles;
    assert.notEqual(embedder, self.roles.student);
    assert.deepEqual(new Set(Object.values(roles).flat()), new Set([self.roles.student]));
    const w2s = await load('weak-to-strong.yaml');
    assert.notEqual(w2s.roles.labeller, w2s.roles.student);
    assert.equal(w2s.stages.referenceAnswer.studentAgreement, 0.25);
    const sel = await load('selection.yaml');
    assert.equal(sel.stages.synthesis.mode, 'select');
    assert.ok(sel.data.pool);
  });
});
