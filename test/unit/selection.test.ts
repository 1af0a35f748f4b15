import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { z } from 'zod';
import { poolTexts, selectFromPool } from '../../activities/stages/selection-data.js';
import { createFileStore } from '../../activities/storage/file-store.js';
import { RunConfig, type RunConfigInput } from '../../schemas/config.js';
import type { ConceptList, Problem } from '../../schemas/records.js';

const endpoint = { baseURLs: ['http://127.0.0.1:1/v1'], model: 'm' };
const config = (over: Partial<RunConfigInput['data']>, mode?: 'generate' | 'select'): RunConfigInput => ({
  runId: 'sel',
  model: 'm',
  data: { trainSet: 'file:///t.jsonl', benchmarks: [{ name: 'b', uri: 'file:///b.jsonl' }], ...over },
  endpoints: { e: endpoint },
  roles: {
    student: 'e',
    classifier: 'e',
    conceptExtractor: 'e',
    generator: 'e',
    judges: ['e', 'e'],
    labeller: 'e',
    embedder: 'e',
    committee: ['e', 'e', 'e'],
  },
  store: { kind: 'file', root: '/tmp/x' },
  stages: mode ? { synthesis: { mode } } : {},
});

void describe('select mode config', () => {
  void it('defaults to generate and needs data.pool for select', () => {
    assert.equal(RunConfig.parse(config({})).stages.synthesis.mode, 'generate');
    const bad = RunConfig.safeParse(config({}, 'select'));
    assert.equal(bad.success, false);
    assert.match(z.prettifyError(bad.error!), /needs data\.pool[\s\S]*→ at data\.pool/);
    assert.equal(
      RunConfig.parse(config({ pool: 'file:///pool.jsonl' }, 'select')).data.pool,
      'file:///pool.jsonl',
    );
  });
});

void describe('selecting pool problems for concept lists', () => {
  const dirs: string[] = [];
  after(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  void it('takes the pool problem nearest each list mean, never one twice, with its answer', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'drill-select-'));
    dirs.push(dir);
    const store = createFileStore(dir);
    const pool: Problem[] = [
      {
        index: 0,
        id: 'p-tri',
        problem: 'Triangle with legs 3 and 4: area?',
        answer: '6',
        source: 'original',
      },
      {
        index: 1,
        id: 'p-quad',
        problem: 'Roots of x^2-5x+6?',
        answer: '2,3',
        category: 'Algebra',
        source: 'original',
      },
      { index: 2, id: 'p-mix', problem: 'A mixed one.', answer: '0', source: 'original' },
      { index: 3, id: 'p-far', problem: 'Unrelated.', answer: '1', source: 'original' },
    ];
    const poolRef = await store.writeJsonl('in/pool.jsonl', pool, 'Problem');
    const texts = await poolTexts(store, poolRef, 'out');
    const inputs: unknown[] = [];
    for await (const t of store.readJsonl(texts.texts)) inputs.push(t);
    assert.deepEqual(inputs[1], { id: '1', text: 'Roots of x^2-5x+6?' });

    // Concept vectors are keyed by normalised concept (as conceptTexts writes them).
    const conceptVectors = await store.writeJsonl(
      'in/concepts.jsonl',
      [
        { id: 'quadratic equations', embedding: [1, 0, 0] },
        { id: 'vieta', embedding: [1, 0.2, 0] },
        { id: 'triangle area', embedding: [0, 1, 0] },
      ],
      'Embedding',
    );
    const lists: ConceptList[] = [
      { id: 'r0-algebra-0', category: 'Algebra', concepts: ['Quadratic equations.', 'Vieta'], level: 'AIME' },
      { id: 'r0-geometry-0', category: 'Geometry', concepts: ['Triangle area'], level: 'AMC12' },
    ];
    // List means: algebra [1, 0.1, 0], geometry [0, 1, 0].
    // Cosines with p-tri [0,1,0]: 0.0995 / 1; p-quad [1,0,0]: 0.995 / 0; p-mix [1,1,0]: 0.774 / 0.707;
    // p-far [0,0,1]: 0 / 0. Best pairs: (geometry, p-tri, 1), then (algebra, p-quad, 0.995).
    const poolVectors = await store.writeJsonl(
      'in/pool-vectors.jsonl',
      [
        { id: '0', embedding: [0, 1, 0] },
        { id: '1', embedding: [1, 0, 0] },
        { id: '2', embedding: [1, 1, 0] },
        { id: '3', embedding: [0, 0, 1] },
      ],
      'Embedding',
    );
    const out = await selectFromPool(
      store,
      {
        lists: await store.writeJsonl('in/lists.jsonl', lists, 'ConceptList'),
        conceptVectors,
        pool: poolRef,
        poolVectors,
        perList: 1,
      },
      'out',
    );
    const rows: unknown[] = [];
    for await (const r of store.readJsonl(out.selected)) rows.push(r);
    assert.deepEqual(rows, [
      {
        id: 'r0-geometry-0/p-tri',
        category: 'Geometry',
        level: 'AMC12',
        concepts: ['Triangle area'],
        problem: 'Triangle with legs 3 and 4: area?',
        answer: '6',
      },
      {
        id: 'r0-algebra-0/p-quad',
        category: 'Algebra',
        level: 'AIME',
        concepts: ['Quadratic equations.', 'Vieta'],
        problem: 'Roots of x^2-5x+6?',
        answer: '2,3',
      },
    ]);
    assert.deepEqual(out.counts, { lists: 2, selected: 2, 'lists short of matches': 0 });
  });
});
