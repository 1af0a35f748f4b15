import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { concatProblems, planExam, selectDiverse, splitDefects } from '../../activities/stages/exam-data.js';
import type { ExamTask } from '../../activities/stages/exam-steps.js';
import { createFileStore } from '../../activities/storage/file-store.js';
import type { ArtifactStore } from '../../activities/storage/store.js';
import type { ArtifactRef } from '../../schemas/artifact.js';

let root: string;
let store: ArtifactStore;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'drill-exam-data-'));
  store = createFileStore(root);
});
after(() => rm(root, { recursive: true, force: true }));

async function all<T>(ref: ArtifactRef): Promise<T[]> {
  const out: T[] = [];
  for await (const r of store.readJsonl(ref)) out.push(r as T);
  return out;
}

void describe('planExam', () => {
  void it('spreads each member over the weak categories with seeds from the same category', async () => {
    const failed = await store.writeJsonl(
      'in/failed.jsonl',
      [
        { index: 3, id: 'g3', problem: 'geometry 3', answer: '1', category: 'Geometry' },
        { index: 5, id: 'a5', problem: 'algebra 5', answer: '1', category: 'Algebra' },
        { index: 8, id: 'p8', problem: 'precalc 8', answer: '1', category: 'Precalculus' },
      ],
      'Problem',
    );
    // ratios: Geometry 4/10, Precalculus 3/10, Algebra 1/10; overall 8/30 → Geometry, Precalculus.
    const plan = await planExam(
      store,
      {
        failed,
        failuresByCategory: { Geometry: 4, Precalculus: 3, Algebra: 1 },
        sizeByCategory: { Geometry: 10, Precalculus: 10, Algebra: 10 },
        members: 2,
        perMember: 2,
        seed: 1,
        idPrefix: 'r0-exam-',
      },
      'out/plan',
    );
    assert.deepEqual(plan.weakCategories, ['Geometry', 'Precalculus']);
    const tasks = await all<ExamTask>(plan.tasks);
    // One failed problem per weak category, so every slot of a category gets that one seed.
    assert.deepEqual(
      tasks.map((t) => [t.id, t.member, t.category, t.seedIndex]),
      [
        ['r0-exam-m0-0', 0, 'Geometry', 3],
        ['r0-exam-m0-1', 0, 'Precalculus', 8],
        ['r0-exam-m1-0', 1, 'Precalculus', 8],
        ['r0-exam-m1-1', 1, 'Geometry', 3],
      ],
    );
    assert.equal(tasks[0]!.seedProblem, 'geometry 3');
    assert.deepEqual(tasks[0]!.weakCategories, ['Geometry', 'Precalculus']);
    assert.deepEqual(plan.counts, { 'weak categories': 2, tasks: 4 });
  });
});

void describe('splitDefects', () => {
  void it('keeps accuracy ≤ maxAccuracy as defects and sends the rest to refinement', async () => {
    const assessed = await store.writeJsonl(
      'in/assessed.jsonl',
      [
        { id: 'a', studentAccuracy: 0 },
        { id: 'b', studentAccuracy: 0.25 }, // 4 of 16: still a defect
        { id: 'c', studentAccuracy: 0.3125 }, // 5 of 16
        { id: 'd', studentAccuracy: 1 },
      ],
      'SyntheticProblem',
    );
    const s = await splitDefects(store, { assessed, maxAccuracy: 0.25 }, 'out/split');
    assert.deepEqual(
      (await all<{ id: string }>(s.defects)).map((p) => p.id),
      ['a', 'b'],
    );
    assert.deepEqual(
      (await all<{ id: string }>(s.solvedTooOften)).map((p) => p.id),
      ['c', 'd'],
    );
  });
});

void describe('selectDiverse', () => {
  const problems = async () =>
    store.writeJsonl(
      'in/diverse.jsonl',
      ['near-0', 'far', 'near-1'].map((id) => ({ id, problem: id })),
      'SyntheticProblem',
    );
  const vectors = async () =>
    store.writeJsonl(
      'in/vectors.jsonl',
      [
        { id: 'far', embedding: [10, 0] },
        { id: 'near-0', embedding: [0, 0] },
        { id: 'near-1', embedding: [0, 0.1] },
      ],
      'Embedding',
    );

  void it('keeps one of two close problems and the far one, whatever the seeded first pick', async () => {
    for (const seed of [0, 1, 2, 3]) {
      const d = await selectDiverse(
        store,
        { problems: await problems(), vectors: await vectors(), keep: 2, seed },
        `out/kc${seed}`,
      );
      const ids = (await all<{ id: string }>(d.problems)).map((p) => p.id);
      assert.equal(ids.length, 2);
      assert.ok(ids.includes('far'), `seed ${seed}: ${ids}`);
      assert.equal(ids.filter((id) => id.startsWith('near')).length, 1, `seed ${seed}: ${ids}`);
      assert.deepEqual(d.counts, { in: 3, out: 2, 'dropped: not picked by k-center': 1 });
    }
  });

  void it('keeps every problem, in file order, when keep ≥ their number', async () => {
    const d = await selectDiverse(
      store,
      { problems: await problems(), vectors: await vectors(), keep: 64, seed: 0 },
      'out/kc-all',
    );
    assert.deepEqual(
      (await all<{ id: string }>(d.problems)).map((p) => p.id),
      ['near-0', 'far', 'near-1'],
    );
  });

  void it('names the problem that has no embedding', async () => {
    const some = await store.writeJsonl('in/v1.jsonl', [{ id: 'far', embedding: [1] }], 'Embedding');
    await assert.rejects(
      selectDiverse(store, { problems: await problems(), vectors: some, keep: 2, seed: 0 }, 'out/kc-bad'),
      /problem "near-0" .* has no embedding/,
    );
  });
});

void describe('concatProblems', () => {
  void it('writes the sets one after the other', async () => {
    const a = await store.writeJsonl('in/a.jsonl', [{ id: 'x' }, { id: 'y' }], 'SyntheticProblem');
    const b = await store.writeJsonl('in/b.jsonl', [{ id: 'z' }], 'SyntheticProblem');
    const c = await concatProblems(store, { sets: [a, b] }, 'out/cat');
    assert.deepEqual(
      (await all<{ id: string }>(c.problems)).map((p) => p.id),
      ['x', 'y', 'z'],
    );
  });

  void it('with latestRevision keeps each task’s highest revision: a refined defect replaces its first version', async () => {
    // round 0 defects: t1 v0, t2 v0, t3 v0; refinement 1 still defects: t1 v1, t3 v1; refinement 2: t1 v2
    const r0 = await store.writeJsonl(
      'in/r0.jsonl',
      [
        { id: 't1', taskId: 't1', revision: 0 },
        { id: 't2', taskId: 't2', revision: 0 },
        { id: 't3', taskId: 't3', revision: 0 },
      ],
      'SyntheticProblem',
    );
    const r1 = await store.writeJsonl(
      'in/r1.jsonl',
      [
        { id: 't1-v1', taskId: 't1', revision: 1 },
        { id: 't3-v1', taskId: 't3', revision: 1 },
      ],
      'SyntheticProblem',
    );
    const r2 = await store.writeJsonl(
      'in/r2.jsonl',
      [{ id: 't1-v2', taskId: 't1', revision: 2 }],
      'SyntheticProblem',
    );
    const c = await concatProblems(store, { sets: [r0, r1, r2], latestRevision: true }, 'out/latest');
    assert.deepEqual(
      (await all<{ id: string }>(c.problems)).map((p) => p.id),
      ['t2', 't3-v1', 't1-v2'],
    );
  });

  void it('refuses a repeated id, naming it', async () => {
    const a = await store.writeJsonl('in/a2.jsonl', [{ id: 'x' }], 'SyntheticProblem');
    const b = await store.writeJsonl('in/b2.jsonl', [{ id: 'x' }], 'SyntheticProblem');
    await assert.rejects(
      concatProblems(store, { sets: [a, b] }, 'out/cat2'),
      /problem id "x" appears in both/,
    );
  });
});
